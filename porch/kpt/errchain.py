"""kpt's nested error text (``pkg.render: pkg ./db:\\n\\tpipeline.run: ...``), as data.

Why it exists: a failed render records its error in the root Kptfile's ``Rendered``
condition, and kpt's wording there comes from its ``errors.E`` wrapper: an operation,
``pkg <path>``, then the wrapped error — nested wrappers on a new tab-indented line,
with an operation or path equal to the wrapper's left out. Fixtures compare this text, so
``Chain`` reproduces those rules. The innermost plain message is what the CLI prints.

Pure; no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Chain:
    op: str = ""
    path: str = ""
    inner: Chain | str = ""

    def text(self) -> str:
        out = ""
        if self.op:
            out = self.op
        if self.path:
            out = (out + ": " if out else "") + f"pkg {self.path}"
        if isinstance(self.inner, Chain):
            if not self.inner.is_zero():
                out = (out + ":\n\t" if out else "") + self.inner.text()
        elif self.inner:
            out = (out + ": " if out else "") + self.inner
        return out or "no error"

    def is_zero(self) -> bool:
        return not self.op and not self.path and not self.inner

    def innermost(self) -> str:
        inner = self.inner
        return inner.innermost() if isinstance(inner, Chain) else inner


def wrap(op: str, path: str, inner: Chain | str) -> Chain:
    """``errors.E(op, path, inner)``: drop an op/path the wrapped error repeats."""
    if isinstance(inner, Chain):
        inner = replace(
            inner,
            op="" if inner.op == op else inner.op,
            path="" if inner.path == path else inner.path,
        )
    return Chain(op=op, path=path, inner=inner)


__all__ = ["Chain", "wrap"]
