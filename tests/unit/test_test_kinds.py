"""Every test lives in a `unit/`, `integration/` or `e2e/` folder, so the root conftest marks it and
`make test-unit` (`-m unit`) runs the fast ones apart: a test left outside them would run in no kind."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
KINDS = {"unit", "integration", "e2e"}


def test_every_test_module_is_in_a_kind_folder() -> None:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "*test_*.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert listed, "git listed no test modules"
    outside = [path for path in listed if not KINDS & set(Path(path).parts[:-1])]
    assert outside == []
