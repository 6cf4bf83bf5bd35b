"""Local-mode security material: a private CA and serving certificate, static bearer tokens and
a kubeconfig that ties them together.

kubectl only sends bearer tokens over HTTPS (reference/apis.md §0), so even the single-user local
stack needs TLS with a CA the kubeconfig trusts. These modules do file I/O under a directory the
caller names; they must not read the environment or talk to the network.
"""

__all__: list[str] = []
