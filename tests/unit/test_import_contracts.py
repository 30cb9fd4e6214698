"""The one direction of imports (docs/architecture.md) holds: import-linter's contracts are kept."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_import_contracts_are_kept(tmp_path: Path) -> None:
    lint_imports = Path(sys.executable).parent / "lint-imports"
    # Run from an empty folder: from the repository root, folders named like the packages would
    # shadow the installed packages as namespace packages.
    result = subprocess.run(
        [str(lint_imports), str(ROOT / ".importlinter"), "--no-cache"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
