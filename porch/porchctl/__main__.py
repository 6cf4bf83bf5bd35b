from porch.porchctl.main import main

raise SystemExit(main())
