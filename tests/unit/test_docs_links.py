"""Docs a newcomer can trust: every file they name exists, and no developer's machine leaks in."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = sorted([ROOT / "README.md", *(ROOT / "docs").glob("*.md"), *ROOT.glob("services/*/README.md")])
TOP_LEVEL = {p.name for p in ROOT.iterdir() if not p.name.startswith(".")} | {".ci"}

MARKDOWN_LINK = re.compile(r"\[[^\]]*\]\(([^)#\s]+)(?:#[^)]*)?\)")
# A path in backticks that starts at a top-level folder of this repository: `docs/api.md`.
QUOTED_PATH = re.compile(r"`((?:[\w.-]+/)+[\w.*-]*)`")


def _named_paths(doc: Path) -> list[str]:
    text = doc.read_text(encoding="utf-8")
    named = []
    for target in MARKDOWN_LINK.findall(text):
        if "://" not in target and not target.startswith("mailto:"):
            named.append(str((doc.parent / target).resolve().relative_to(ROOT)))
    for path in QUOTED_PATH.findall(text):
        if path.split("/", 1)[0] in TOP_LEVEL and "*" not in path and "<" not in path:
            named.append(path)
    return named


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_file_a_doc_names_exists(doc: Path) -> None:
    missing = [path for path in _named_paths(doc) if not (ROOT / path).exists()]
    assert missing == [], f"{doc.relative_to(ROOT)} names files that do not exist: {missing}"


def test_no_absolute_path_of_a_developers_machine() -> None:
    tracked = subprocess.run(
        ["git", "ls-files", "*.py", "*.md", "*.toml", "*.yml", "*.yaml", "Makefile", "*.sh", ".ci/*"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    machine_path = re.compile(r"(?<![\w.])/(?:work|home|Users|root)/[\w.-]+")
    offenders = []
    for name in tracked:
        if name == "tests/unit/test_docs_links.py":
            continue
        text = (ROOT / name).read_text(encoding="utf-8", errors="replace")
        offenders += [f"{name}: {m.group(0)}" for m in machine_path.finditer(text)]
    assert offenders == []
