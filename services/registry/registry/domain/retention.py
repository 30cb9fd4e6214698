"""How long a citizen's data is kept after their programme ends (per municipality)."""

from __future__ import annotations

DEFAULT_RETENTION_YEARS = 5
MIN_RETENTION_YEARS = 1
MAX_RETENTION_YEARS = 30
# An enrolment in one of these phases has ended; a citizen with an enrolment in any other is still in a programme.
ENDED_PHASES: tuple[str, ...] = ("completed", "dropped_out")
# Who the retention job acts as in the audit log.
RETENTION_ACTOR = "system:retention"
