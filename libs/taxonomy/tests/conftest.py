from __future__ import annotations

import os
from pathlib import Path

import pytest

from taxonomy import Taxonomy, load_taxonomy

NO_ESCO = "ESCO_DIR is unset: ESCO (EU data) is not in this repository; CI points ESCO_DIR at ../shared/data/esco"


@pytest.fixture(scope="session")
def starter() -> Taxonomy:
    return load_taxonomy(None)


@pytest.fixture(scope="session")
def esco() -> Taxonomy:
    esco_dir = os.environ.get("ESCO_DIR")
    if not esco_dir:
        pytest.skip(NO_ESCO)
    return load_taxonomy(Path(esco_dir))
