"""Matching benchmark: one citizen's top-20, national batch top-20, national seat assignment.

    ESCO_DIR=/work/shared/data/esco .venv/bin/python bench/matching.py [--citizens 460000] [--openings 50000]

Profiles are ESCO-shaped: each opening is a varied sample of one ESCO occupation's essential and
optional skills (occupations with at least 5 essential skills); each citizen holds a noisy sample
of one occupation's skills. Locations are left unknown so that the comparison with the exhaustive
baseline isolates skill retrieval (proximity is then the same for every pair).
(a) runs the in-process domain path of GET /v1/recommendations on a prebuilt catalogue
(retrieval, features, model, explanations of the 20) - no HTTP, no database.
(b) retrieves 40 candidates per citizen with sparse_dot_topn, scores them with the calibrated
model and keeps 20; the baseline scores every opening for a sample of citizens.
(c) solves the max-score assignment over the top-20 graph as min-cost flow (OR-Tools).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import random
import resource
import sys
import time
from pathlib import Path
from typing import Any

# Run as a script, this file's folder comes first on sys.path and its name would shadow the
# `matching` package; drop the folder so the package is imported.
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != Path(__file__).resolve().parent]

import numpy as np  # noqa: E402
from scipy import sparse  # noqa: E402

from matching.domain.assignment import assign  # noqa: E402
from matching.domain.batch import TopLists, batch_top_n, top_per_row  # noqa: E402
from matching.domain.blocks import citizen_block  # noqa: E402
from matching.domain.features import FEATURES, pair_features  # noqa: E402
from matching.domain.profiles import CitizenProfile, OpeningProfile  # noqa: E402
from matching.domain.ranking import ScoringModel  # noqa: E402
from matching.domain.recommend import Filters, OpeningCatalogue, recommend_openings, score_pairs  # noqa: E402
from matching.domain.retrieval import top_candidates  # noqa: E402
from matching.domain.skill_space import SkillSpace  # noqa: E402
from matching.domain.training import train_model  # noqa: E402
from taxonomy import Taxonomy, load_taxonomy  # noqa: E402

TOP_N = 20
POOL = 40
CHUNK = 4_000
TARGET_GROUPS = [
    "cash_benefit",
    "flexjob",
    "resource_programme",
    "integration",
    "sickness_benefit",
    "disability_pension",
]


def peak_rss_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024


def peak_rss_children_gb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024 / 1024


class Generator:
    def __init__(self, taxonomy: Taxonomy, seed: int) -> None:
        self.seed = seed
        self.random = random.Random(seed)
        self.occupations = [o for o in taxonomy.occupations.values() if len(o.essential_skills) >= 5]
        self.skills = list(taxonomy.skills)

    def opening(self, i: int) -> OpeningProfile:
        r = self.random
        occupation = r.choice(self.occupations)
        essential = r.sample(
            occupation.essential_skills, max(3, int(len(occupation.essential_skills) * r.uniform(0.5, 0.9)))
        )
        optional = r.sample(occupation.optional_skills, int(len(occupation.optional_skills) * r.uniform(0.2, 0.6)))
        optional.append(r.choice(self.skills))
        return OpeningProfile(
            id=f"o{i}",
            municipality="DK",
            organisation_id=f"org{i % 9000}",
            occupation=occupation.code,
            essential_skills=frozenset(essential),
            optional_skills=frozenset(optional) - frozenset(essential),
            hours_min=float(r.choice([4, 8, 15, 20, 30])),
            hours_max=37.0,
            seats=r.choice([1, 1, 1, 2, 3]),
            support_offered=frozenset(r.sample(["mentor", "flexible_hours", "reduced_pace", "quiet_environment"], 2)),
            flexjob=r.random() < 0.2,
            accelerator_progress=r.random() * 0.5,
        )

    def citizens(self, start: int, stop: int) -> list[CitizenProfile]:
        """Citizens start..stop-1, the same whichever process draws them (seeded by `start`)."""
        rng = random.Random(self.seed * 1_000_003 + start)
        return [self.citizen(i, rng) for i in range(start, stop)]

    def citizen(self, i: int, rng: random.Random | None = None) -> CitizenProfile:
        r = rng or self.random
        occupation = r.choice(self.occupations)
        pool = occupation.essential_skills + occupation.optional_skills
        held = set(r.sample(pool, max(2, int(len(pool) * r.uniform(0.15, 0.4)))))
        held.update(r.sample(self.skills, r.randint(1, 4)))
        return CitizenProfile(
            id=f"c{i}",
            municipality="DK",
            target_group=r.choice(TARGET_GROUPS),
            work_capacity_hours=float(r.choice([5, 10, 15, 20, 25, 37])),
            skills=frozenset(held),
            other_support_needs=frozenset(r.sample(["mentor", "transport", "reduced_pace"], r.randint(0, 2))),
            interests=frozenset({occupation.code}) if r.random() < 0.3 else frozenset(),
            consent=True,
        )


def trained_model(space: SkillSpace, catalogue: OpeningCatalogue, generator: Generator) -> ScoringModel:
    """A calibrated model fitted on simulated outcomes of 3,000 placements.

    Placements happen mostly among suggested pairs, so 70 % of the simulated ones pair a citizen
    with one of their retrieved candidates and 30 % with any opening; whether a placement lasts
    is drawn from a logistic of skill coverage, similarity, hours fit and unmet support.
    """
    citizens = [generator.citizen(20_000_000 + i) for i in range(3_000)]
    cbox = citizen_block(space, catalogue.block, citizens)
    rng = np.random.default_rng(1)
    candidates = top_per_row(len(citizens), *_candidates(cbox.skills, catalogue), POOL).opening
    opening = rng.integers(0, len(catalogue.openings), size=len(citizens))
    pick = candidates[np.arange(len(citizens)), rng.integers(0, POOL, size=len(citizens))]
    suggested = (rng.random(len(citizens)) < 0.7) & (pick >= 0)
    opening = np.where(suggested, pick, opening)
    values = pair_features(cbox, catalogue.block, np.arange(len(citizens)), opening).values
    column = {name: values[:, i] for i, name in enumerate(FEATURES)}
    logit = (
        -2.5
        + 3 * column["essential_coverage"]
        + 1.5 * column["skill_similarity"]
        + column["hours_fit"]
        - column["support_gap"]
    )
    labels = rng.random(len(citizens)) < 1 / (1 + np.exp(-logit))
    return train_model(values, labels, [c.id for c in citizens]).model


def _candidates(skills: sparse.csr_matrix, catalogue: OpeningCatalogue) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    found = top_candidates(skills, catalogue.index, POOL)
    return found.query, found.target, found.score


def bench_single(space: SkillSpace, model: ScoringModel, catalogue: OpeningCatalogue, generator: Generator) -> None:
    citizens = [generator.citizen(10_000_000 + i) for i in range(300)]
    for c in citizens[:20]:
        recommend_openings(space, model, c, catalogue, limit=TOP_N)
    timings = []
    for c in citizens:
        started = time.perf_counter()
        recommend_openings(space, model, c, catalogue, limit=TOP_N, filters=Filters())
        timings.append((time.perf_counter() - started) * 1000)
    p50, p95 = np.percentile(timings, [50, 95])
    print(
        f"(a) one citizen's top-{TOP_N} of {len(catalogue.openings):,} openings (domain, in-process): "
        f"p50 {p50:.1f} ms, p95 {p95:.1f} ms"
    )


def exhaustive(
    space: SkillSpace, model: ScoringModel, catalogue: OpeningCatalogue, citizens: list[CitizenProfile]
) -> TopLists:
    cbox = citizen_block(space, catalogue.block, citizens)
    n_open = len(catalogue.openings)
    rows, cols, scores = [], [], []
    for i in range(len(citizens)):
        citizen = np.full(n_open, i, dtype=np.int64)
        opening = np.arange(n_open, dtype=np.int64)
        scored = score_pairs(model, cbox, catalogue.block, citizen, opening)
        keep = ~scored.features.excluded
        rows.append(citizen[keep])
        cols.append(opening[keep])
        scores.append(scored.scores[keep])
    return top_per_row(len(citizens), np.concatenate(rows), np.concatenate(cols), np.concatenate(scores), TOP_N)


# Set in the parent before the worker processes fork, so workers share it without pickling.
_SHARED: dict[str, Any] = {}


def _top_lists_of_chunk(bounds: tuple[int, int]) -> tuple[int, np.ndarray, np.ndarray, float, float]:
    space, model, catalogue, generator = (_SHARED[k] for k in ("space", "model", "catalogue", "generator"))
    t0 = time.perf_counter()
    chunk = generator.citizens(*bounds)
    t1 = time.perf_counter()
    top = batch_top_n(space, model, catalogue.block, catalogue.index, chunk, top_n=TOP_N, pool=POOL, threads=1)
    t2 = time.perf_counter()
    return bounds[0], top.opening.astype(np.int32), top.score.astype(np.float32), t1 - t0, t2 - t1


def bench_batch(
    space: SkillSpace,
    model: ScoringModel,
    catalogue: OpeningCatalogue,
    generator: Generator,
    n_citizens: int,
    workers: int,
) -> tuple[TopLists, list[CitizenProfile]]:
    _SHARED.update(space=space, model=model, catalogue=catalogue, generator=generator)
    bounds = [(start, min(start + CHUNK, n_citizens)) for start in range(0, n_citizens, CHUNK)]
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        results = sorted(pool.imap_unordered(_top_lists_of_chunk, bounds), key=lambda r: r[0])
    wall = time.perf_counter() - started
    generating = sum(r[3] for r in results)
    matching = sum(r[4] for r in results)
    openings_all = [r[1] for r in results]
    scores_all = [r[2] for r in results]
    sample = [c for start, stop in bounds[:20] for c in generator.citizens(start, min(start + 10, stop))]
    lists = TopLists(np.concatenate(openings_all).astype(np.int64), np.concatenate(scores_all).astype(np.float64))
    filled = (lists.opening >= 0).sum(axis=1).mean()
    print(
        f"(b) batch top-{TOP_N} for {n_citizens:,} citizens x {len(catalogue.openings):,} openings "
        f"(retrieve {POOL}, re-rank with the calibrated model, {workers} worker processes): {wall:.1f} s wall "
        f"including {generating / workers:.1f} s of profile generation per worker "
        f"(matching alone {matching / workers:.1f} s per worker); mean list length {filled:.1f}; "
        f"peak RSS parent {peak_rss_gb():.2f} GB, largest worker {peak_rss_children_gb():.2f} GB"
    )
    started = time.perf_counter()
    brute = exhaustive(space, model, catalogue, sample)
    brute_seconds = time.perf_counter() - started
    sample_rows = np.array([int(c.id[1:]) for c in sample])
    ours = lists.opening[sample_rows]
    agreement = np.mean(
        [
            len(set(a[a >= 0]) & set(b[b >= 0])) / max(1, len(b[b >= 0]))
            for a, b in zip(ours, brute.opening, strict=True)
        ]
    )
    per_citizen_ours = wall / n_citizens
    per_citizen_brute = brute_seconds / len(sample)
    print(
        f"    exhaustive baseline on {len(sample)} citizens: {per_citizen_brute * 1000:.1f} ms/citizen "
        f"(~{per_citizen_brute * n_citizens / 60:.0f} min for all) vs {per_citizen_ours * 1000:.2f} ms/citizen: "
        f"speed-up x{per_citizen_brute / per_citizen_ours:.0f}; top-{TOP_N} agreement {agreement:.3f}"
    )
    return lists, sample


def bench_assignment(catalogue: OpeningCatalogue, lists: TopLists) -> None:
    n_citizens = lists.opening.shape[0]
    rows = np.repeat(np.arange(n_citizens), TOP_N)
    cols = lists.opening.ravel()
    scores = lists.score.ravel()
    keep = cols >= 0
    seats = catalogue.block.seats
    started = time.perf_counter()
    result = assign(n_citizens, seats, rows[keep], cols[keep], scores[keep])
    seconds = time.perf_counter() - started
    print(
        f"(c) national seat assignment (min-cost flow, {int(keep.sum()):,} edges, {int(seats.sum()):,} seats): "
        f"{seconds:.1f} s; assigned {len(result.pairs):,}, total score {result.total_score:,.0f}; "
        f"peak RSS {peak_rss_gb():.2f} GB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--citizens", type=int, default=460_000)
    parser.add_argument("--openings", type=int, default=50_000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    esco_dir = os.environ.get("ESCO_DIR")
    if not esco_dir:
        raise SystemExit("set ESCO_DIR to the folder with the ESCO v1.1.1 zips")
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}"
    )
    started = time.perf_counter()
    taxonomy = load_taxonomy(Path(esco_dir))
    space = SkillSpace(taxonomy)
    generator = Generator(taxonomy, seed=42)
    openings = [generator.opening(i) for i in range(args.openings)]
    catalogue = OpeningCatalogue.build(space, openings)
    print(
        f"setup (ESCO parse, skill space, {args.openings:,} openings encoded and indexed): "
        f"{time.perf_counter() - started:.1f} s"
    )
    model = trained_model(space, catalogue, generator)
    bench_single(space, model, catalogue, generator)
    lists, _ = bench_batch(space, model, catalogue, generator, args.citizens, args.workers)
    bench_assignment(catalogue, lists)


if __name__ == "__main__":
    main()
