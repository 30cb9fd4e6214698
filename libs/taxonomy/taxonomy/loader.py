"""load_taxonomy: ESCO from a configured folder, else the starter vocabulary; parsed once per process."""

from __future__ import annotations

import dataclasses
import functools
from pathlib import Path

from .esco import load_esco
from .model import Taxonomy
from .starter import load_starter, programme_esco_occupations


def load_taxonomy(esco_dir: Path | None) -> Taxonomy:
    """The taxonomy from the ESCO zips in `esco_dir`, or the starter vocabulary when it is None."""
    return _cached(esco_dir.resolve() if esco_dir is not None else None)


@functools.lru_cache(maxsize=4)
def _cached(esco_dir: Path | None) -> Taxonomy:
    if esco_dir is None:
        return load_starter()
    taxonomy = load_esco(esco_dir)
    return dataclasses.replace(taxonomy, programme=programme_esco_occupations())
