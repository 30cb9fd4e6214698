"""One catalogue of problem types (servicekit.domain_errors) for every service and the gateway: no
service makes up a type of its own, and the API guide lists exactly the catalogue."""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

from servicekit.domain_errors import ERROR_FOR_STATUS, PROBLEM_TYPES, DomainError

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("registry", "matching", "outcomes", "webhooks", "gateway")
GUIDE_ROW = re.compile(r"^\| `([a-z-]+)` \| (\d{3}) \| ([^|]+?) \|", re.MULTILINE)


def _every_error_class() -> set[type[DomainError]]:
    for package in PACKAGES:
        root = importlib.import_module(package)
        for module in pkgutil.walk_packages(root.__path__, prefix=f"{package}."):
            if ".migrations" not in module.name:
                importlib.import_module(module.name)
    found: set[type[DomainError]] = set()
    pending = [DomainError]
    while pending:
        cls = pending.pop()
        found.add(cls)
        pending.extend(cls.__subclasses__())
    return found


def test_every_error_any_service_raises_answers_a_catalogued_type() -> None:
    strays = [
        f"{cls.__module__}.{cls.__qualname__}: {cls.slug} {cls.status} {cls.title}"
        for cls in _every_error_class()
        if cls.__module__.split(".")[0] != "tests"
        and (cls.slug not in PROBLEM_TYPES or (cls.status, cls.title) != _declared(cls.slug))
    ]
    assert strays == []


def test_the_api_guide_lists_the_catalogue() -> None:
    listed = {slug: (int(status), title) for slug, status, title in GUIDE_ROW.findall(_guide())}
    assert listed == {slug: _declared(slug) for slug in PROBLEM_TYPES}


def test_a_bare_status_answers_the_first_type_declared_with_it() -> None:
    assert {status: cls.slug for status, cls in ERROR_FOR_STATUS.items() if status in (400, 404, 405, 503)} == {
        400: "bad-request",
        404: "not-found",
        405: "method-not-allowed",
        503: "service-unavailable",
    }


def _declared(slug: str) -> tuple[int, str]:
    declared = PROBLEM_TYPES[slug]
    return declared.status, declared.title


def _guide() -> str:
    return (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
