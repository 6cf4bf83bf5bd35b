"""``python -m porch``: the same as the ``porch`` console script."""

from porch.cli import main

main()
