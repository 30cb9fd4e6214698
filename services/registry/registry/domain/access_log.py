"""The access log a citizen may read (GDPR art. 15): what each audit entry means, and who is shown."""

from __future__ import annotations

import hashlib
from typing import Literal

# What happened to the citizen's data, as the log shows it.
AccessKind = Literal["read", "export", "change", "erasure", "consent", "recommendation", "decision", "feed"]
# The registry's own audit actions, in the log's words (a list and a read are both reads).
WHAT: dict[str, AccessKind] = {
    "list": "read",
    "read": "read",
    "update": "change",
    "export": "export",
    "erasure": "erasure",
    "consent": "consent",
}


def what_of(action: str) -> str:
    """The log's word for an audit action (other services report theirs in the log's words already)."""
    return WHAT.get(action, action)


def shown_client(actor: str, *, system: bool) -> str:
    """The client as the citizen sees it: a person's client by name, the system's own processes by pseudonym."""
    if not system:
        return actor
    return "system-" + hashlib.blake2b(actor.encode(), digest_size=4).hexdigest()
