"""Who is calling: the authenticated user, as kube-apiserver's ``user.Info`` describes one.

Every authenticator (static tokens, client certificates, a front proxy's headers) produces a
``UserInfo``; authorizers only read it. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

AUTHENTICATED = "system:authenticated"
UNAUTHENTICATED = "system:unauthenticated"
ANONYMOUS = "system:anonymous"
MASTERS = "system:masters"


@dataclass(frozen=True)
class UserInfo:
    """A user name, uid, groups and extra attributes (``extra`` keys are lower case)."""

    name: str
    uid: str = ""
    groups: tuple[str, ...] = ()
    extra: Mapping[str, tuple[str, ...]] = field(default_factory=dict, compare=False, hash=False)

    def authenticated(self) -> UserInfo:
        """The same user with ``system:authenticated`` added, as kube-apiserver adds it."""
        if AUTHENTICATED in self.groups:
            return self
        return replace(self, groups=(*self.groups, AUTHENTICATED))

    @property
    def is_anonymous(self) -> bool:
        return self.name == ANONYMOUS


ANONYMOUS_USER = UserInfo(name=ANONYMOUS, groups=(UNAUTHENTICATED,))

__all__ = ["ANONYMOUS", "ANONYMOUS_USER", "AUTHENTICATED", "MASTERS", "UNAUTHENTICATED", "UserInfo"]
