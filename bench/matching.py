"""Matching benchmark: one citizen's top-20, national batch top-20, national seat assignment.

    .venv/bin/python bench/matching.py --esco-dir <folder with the ESCO zips> [--citizens 460000] [--openings 50000]
    DATABASE_URL=postgresql://… .venv/bin/python bench/matching.py --latency [--esco-dir …]
        [--municipality-openings 5000]

The ESCO folder comes from --esco-dir, else from the ESCO_DIR environment variable.

Profiles are ESCO-shaped: each opening is a varied sample of one ESCO occupation's essential and
optional skills (occupations with at least 5 essential skills); each citizen holds a noisy sample
of one occupation's skills. Locations are left unknown so that the comparison with the exhaustive
baseline isolates skill retrieval (proximity is then the same for every pair).
(a) runs the in-process domain path of GET /v1/recommendations on a prebuilt catalogue
(retrieval, features, model, explanations of the 20) - no HTTP, no database.
(b) retrieves 40 candidates per citizen with sparse_dot_topn, scores them with the calibrated
model and keeps 20; the baseline scores every opening for a sample of citizens.
(c) solves the max-score assignment over the top-20 graph as min-cost flow (OR-Tools).
--latency starts the real stack (devstack.stack.Stack: gateway, registry, matching, outcomes as
uvicorn processes), loads one large municipality's openings and citizens through the gateway, lets
the change feed bring them to matching, and times GET /v1/recommendations?citizen_id=…&limit=20
through the gateway and directly at the matching service (the cached opening catalogue), and, as
the baseline in the same run, through the gateway with the catalogue invalidated before every
request (what each request cost when the index was rebuilt per request). Without ESCO_DIR it uses
the starter vocabulary.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import multiprocessing
import os
import platform
import random
import resource
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

# Run as a script, this file's folder comes first on sys.path and its name would shadow the
# `matching` package; drop the folder so the package is imported.
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != Path(__file__).resolve().parent]

import asyncpg  # noqa: E402
import httpx  # noqa: E402
import numpy as np  # noqa: E402
import psutil  # noqa: E402
from scipy import sparse  # noqa: E402

from devstack.databases import drop_database  # noqa: E402
from devstack.demo import DemoLoader  # noqa: E402
from devstack.demo_population import SUPPORT_NEEDS, Place, fake_cpr, fake_cvr, near  # noqa: E402
from devstack.postgres import free_port  # noqa: E402
from devstack.stack import SERVICES, Stack, StackConfig  # noqa: E402
from matching.domain import recommend  # noqa: E402
from matching.domain.assignment import assign  # noqa: E402
from matching.domain.batch import TopLists, batch_top_n, top_per_row  # noqa: E402
from matching.domain.blocks import citizen_block  # noqa: E402
from matching.domain.fairness import assign_fairly, assignment_exposure  # noqa: E402
from matching.domain.features import FEATURES, pair_features  # noqa: E402
from matching.domain.lookalike import lookalike_cases  # noqa: E402
from matching.domain.national import (  # noqa: E402
    Block,
    BlockRanking,
    NationalPopulation,
    agreement,
    exhaustive_top,
    rank_block,
    rank_block_pairwise,
    ranked_lists,
)
from matching.domain.profiles import CitizenProfile, OpeningProfile  # noqa: E402
from matching.domain.quality import RankingQuality, idf_cosine, plain_cosine, quality, system  # noqa: E402
from matching.domain.ranking import ScoringModel, WeightedDefaultModel  # noqa: E402
from matching.domain.recommend import Filters, OpeningCatalogue, recommend_openings, score_pairs  # noqa: E402
from matching.domain.retrieval import top_candidates  # noqa: E402
from matching.domain.skill_space import SkillSpace  # noqa: E402
from matching.domain.training import train_model  # noqa: E402
from matching.usecases.ranking_runs import rank_on_dask  # noqa: E402
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


class TreeMemory:
    """Peak of the SUM of resident memory over this process and every process below it (a Dask
    LocalCluster's workers and nannies), sampled from a thread every `interval` seconds."""

    def __init__(self, interval: float = 0.2) -> None:
        self.interval = interval
        self.peak_gb = 0.0
        self.at_peak: dict[str, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        root = psutil.Process()
        while not self._stop.is_set():
            sizes: dict[str, float] = {}
            for process in [root, *root.children(recursive=True)]:
                try:
                    sizes[f"{process.pid} {process.name()}"] = process.memory_info().rss / 1024**3
                except psutil.Error:
                    continue
            total = sum(sizes.values())
            if total > self.peak_gb:
                self.peak_gb, self.at_peak = total, sizes
            self._stop.wait(self.interval)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def describe(self) -> str:
        parts = ", ".join(f"{gb:.2f}" for gb in sorted(self.at_peak.values(), reverse=True))
        return f"peak of the summed RSS {self.peak_gb:.2f} GB over {len(self.at_peak)} processes ({parts} GB)"


class Generator:
    def __init__(self, taxonomy: Taxonomy, seed: int, *, min_essential: int = 5) -> None:
        self.seed = seed
        self.random = random.Random(seed)
        self.occupations = [o for o in taxonomy.occupations.values() if len(o.essential_skills) >= min_essential]
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


# --- (a) through the running stack ---------------------------------------------------------------

# København: the largest municipality, so its catalogue is the largest a request scores against.
CAPITAL = Place("DK-0101", "København", "1550", 55.676, 12.568, 1)
LATENCY_SCOPES = ["citizens:write", "organisations:write", "openings:write", "matching:read"]
BATCH = 250  # ESCO openings carry long skill URIs; 1,000 of them exceed the 2 MB body limit


MAX_SKILLS = 100  # the registry's limit per opening and per citizen


def api_shaped(profile: OpeningProfile) -> OpeningProfile:
    """The opening as the registry accepts it: essential skills first, optional ones up to the limit."""
    room = MAX_SKILLS - len(profile.essential_skills)
    return dataclasses.replace(profile, optional_skills=frozenset(sorted(profile.optional_skills)[:room]))


def opening_payload(profile: OpeningProfile, employer: str, rng: random.Random) -> dict[str, Any]:
    skills = [{"code": code, "essential": True} for code in sorted(profile.essential_skills)]
    skills += [{"code": code, "essential": False} for code in sorted(profile.optional_skills)]
    return {
        "external_ref": f"BENCH-{profile.id}",
        "organisation_id": employer,
        "title": f"Medhjælper {profile.id}",
        "occupation": profile.occupation,
        "skills": skills,
        "hours_per_week": {"min": profile.hours_min, "max": profile.hours_max},
        "seats": profile.seats,
        "support_offered": sorted(rng.sample(SUPPORT_NEEDS, 3)),
        "flexjob": profile.flexjob,
        "location": near(rng, CAPITAL),
    }


def citizen_payload(profile: CitizenProfile, index: int, rng: random.Random, issued: set[str]) -> dict[str, Any]:
    national_id, birth_year = fake_cpr(rng, index)
    while national_id in issued:
        national_id, birth_year = fake_cpr(rng, index)
    issued.add(national_id)
    return {
        "external_ref": f"BENCH-{profile.id}",
        "national_id": national_id,
        "birth_year": birth_year,
        "target_group": profile.target_group,
        "benefit": {
            "type": "kontanthjaelp_30_plus",
            "monthly_amount": 1_277_000,
            "currency": "DKK",
            "since": "2025-01-01",
        },
        "work_capacity_hours": profile.work_capacity_hours,
        "skills": [{"code": code} for code in sorted(profile.skills)[:MAX_SKILLS]],
        "support_needs": [{"code": code, "essential": False} for code in sorted(profile.other_support_needs)],
        "interests": sorted(profile.interests),
        "location": near(rng, CAPITAL),
        "consent": {"matching": True, "given_at": "2026-01-10T10:00:00+01:00"},
    }


@contextmanager
def running_stack(esco_dir: str | None) -> Iterator[Stack]:
    admin_url = os.environ.get("DATABASE_URL")
    prefix = f"bench_{uuid.uuid4().hex[:8]}"
    config = StackConfig(
        gateway_port=free_port(),
        database_prefix=prefix,
        admin_url=admin_url,
        log_dir=Path(tempfile.mkdtemp(prefix="bench-matching-logs-")),
        admin_client_id="bench-admin",
        admin_client_secret=uuid.uuid4().hex,
        esco_dir=esco_dir,
        redis_url=os.environ.get("REDIS_URL"),
        extra_env={"gateway": {"GATEWAY_RATE_LIMIT": "1000000/minute"}},
    )
    stack = Stack(config).start()
    try:
        yield stack
    finally:
        stack.stop()
        if admin_url:
            for name in ("gateway", *SERVICES):
                asyncio.run(drop_database(admin_url, f"{prefix}_{name}"))


def load_municipality(stack: Stack, generator: Generator, n_openings: int, n_citizens: int) -> tuple[str, list[str]]:
    """The municipality's openings and citizens, posted through the gateway; (token, citizen ids)."""
    admin = httpx.Client(base_url=stack.gateway_url, headers={"Authorization": f"Bearer {stack.admin_token()}"})
    with admin:
        DemoLoader(admin).post(
            "/v1/municipalities", {"code": CAPITAL.code, "name": CAPITAL.name}, "bench:muni", ok=(201, 409)
        )
    client_id, secret = stack.create_client("bench-jobcenter", CAPITAL.code, LATENCY_SCOPES)
    token = stack.token(client_id, secret)
    rng = random.Random(7)
    with httpx.Client(base_url=stack.gateway_url, headers={"Authorization": f"Bearer {token}"}, timeout=300) as http:
        loader = DemoLoader(http)
        employers = [
            loader.post(
                "/v1/organisations",
                {"kind": "company", "name": f"Bench Virksomhed {i} ApS", "registration_number": fake_cvr(rng)},
                f"bench:org:{i}",
            ).json()["id"]
            for i in range(20)
        ]
        openings = [
            opening_payload(api_shaped(generator.opening(i)), employers[i % 20], rng) for i in range(n_openings)
        ]
        issued: set[str] = set()
        citizens = [citizen_payload(c, i, rng, issued) for i, c in enumerate(generator.citizens(0, n_citizens))]
        ids = []
        for path, items in (("/v1/openings:batch", openings), ("/v1/citizens:batch", citizens)):
            for start in range(0, len(items), BATCH):
                chunk = items[start : start + BATCH]
                result = loader.post(path, {"items": chunk}, f"bench:{path}:{start}").json()["items"]
                failed = [r for r in result if r["status"] == "error"]
                if failed:
                    raise SystemExit(f"{path} rejected {len(failed)} items, first: {failed[0]['problem']}")
                if path == "/v1/citizens:batch":
                    ids.extend(str(r["id"]) for r in result)
    return token, ids


def wait_for_feed(url: str, headers: dict[str, str], citizen_id: str, timeout: float = 600) -> float:
    """Seconds until matching has applied the feed up to the last citizen."""
    started = time.perf_counter()
    with httpx.Client(base_url=url, headers=headers, timeout=60) as http:
        while time.perf_counter() - started < timeout:
            if http.get("/v1/recommendations", params={"citizen_id": citizen_id}).status_code == 200:
                return time.perf_counter() - started
            time.sleep(0.5)
    raise SystemExit("matching did not catch up with the registry's change feed in time")


def timed_requests(
    url: str, headers: dict[str, str], citizen_ids: list[str], *, before: Callable[[], None] | None = None
) -> list[float]:
    """Milliseconds per GET /v1/recommendations (keep-alive client, one request at a time)."""
    timings = []
    with httpx.Client(base_url=url, headers=headers, timeout=60) as http:
        for citizen_id in citizen_ids:
            if before is not None:
                before()
            started = time.perf_counter()
            response = http.get("/v1/recommendations", params={"citizen_id": citizen_id, "limit": TOP_N})
            timings.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"GET /v1/recommendations answered {response.status_code}: {response.text[:300]}")
    return timings


def report(label: str, timings: list[float]) -> None:
    p50, p95, p99 = np.percentile(timings, [50, 95, 99])
    print(f"    {label}: n={len(timings)}, p50 {p50:.1f} ms, p95 {p95:.1f} ms, p99 {p99:.1f} ms")


def bench_latency(esco_dir: str | None, n_openings: int, n_citizens: int, requests: int, baseline: int) -> None:
    taxonomy = load_taxonomy(Path(esco_dir) if esco_dir else None)
    generator = Generator(taxonomy, seed=42, min_essential=5 if esco_dir else 3)
    started = time.perf_counter()
    with running_stack(esco_dir) as stack:
        print(f"stack started (gateway, registry, matching, outcomes): {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        token, ids = load_municipality(stack, generator, n_openings, n_citizens)
        headers = {"Authorization": f"Bearer {token}"}
        print(
            f"loaded {n_openings:,} openings and {n_citizens:,} citizens of {CAPITAL.code} through the gateway: "
            f"{time.perf_counter() - started:.1f} s; feed caught up after a further "
            f"{wait_for_feed(stack.url('matching'), headers, ids[-1]):.1f} s"
        )
        rng = random.Random(3)
        sample = [rng.choice(ids) for _ in range(requests)]
        timed_requests(stack.gateway_url, headers, sample[:20])  # warm-up: connections, catalogue, model
        print(
            f"(a) GET /v1/recommendations?citizen_id=…&limit={TOP_N} among {n_openings:,} open openings "
            f"({'ESCO' if esco_dir else 'starter vocabulary'}), one request at a time:"
        )
        report("through the gateway, cached catalogue", timed_requests(stack.gateway_url, headers, sample))
        report("direct to matching, cached catalogue ", timed_requests(stack.url("matching"), headers, sample))
        with invalidator(stack) as invalidate:
            rebuilt = timed_requests(stack.gateway_url, headers, sample[:baseline], before=invalidate)
        report("through the gateway, catalogue rebuilt per request (baseline)", rebuilt)
        # The floor on this machine now: an authenticated request with two one-row queries.
        report("floor: GET /v1/models through the gateway", timed_gets(stack.gateway_url, headers, "/v1/models", 200))
        report(
            "floor: GET /v1/models direct to matching", timed_gets(stack.url("matching"), headers, "/v1/models", 200)
        )
    now, before = domain_timings(taxonomy, esco_dir, n_openings)
    report("domain only (same profiles, in this process, no HTTP, no database), matrix scorer", now)
    report("domain only, before: retrieve 400 candidates, a feature row per pair (baseline)", before)


def timed_gets(url: str, headers: dict[str, str], path: str, n: int) -> list[float]:
    timings = []
    with httpx.Client(base_url=url, headers=headers, timeout=60) as http:
        for _ in range(n):
            started = time.perf_counter()
            http.get(path).raise_for_status()
            timings.append((time.perf_counter() - started) * 1000)
    return timings


def domain_timings(taxonomy: Taxonomy, esco_dir: str | None, n_openings: int) -> tuple[list[float], list[float]]:
    """recommend_openings alone on the catalogue the service holds (the same seeded profiles): the
    matrix scorer over the whole catalogue, and, alternating with it, the path before it."""
    space = SkillSpace(taxonomy)
    generator = Generator(taxonomy, seed=42, min_essential=5 if esco_dir else 3)
    catalogue = OpeningCatalogue.build(space, [api_shaped(generator.opening(i)) for i in range(n_openings)])
    model = WeightedDefaultModel()
    now: list[float] = []
    before: list[float] = []
    matrix_path = recommend._best_of_catalogue
    for citizen in generator.citizens(0, 300):
        for timings, path in ((now, matrix_path), (before, lambda *args: None)):
            recommend._best_of_catalogue = path  # type: ignore[assignment]
            started = time.perf_counter()
            recommend_openings(space, model, citizen, catalogue, limit=TOP_N)
            timings.append((time.perf_counter() - started) * 1000)
    recommend._best_of_catalogue = matrix_path  # type: ignore[assignment]
    return now[20:], before[20:]


@contextmanager
def invalidator(stack: Stack) -> Iterator[Callable[[], None]]:
    """Moves the municipality's catalogue version on (as the feed does on a change), outside the timing."""
    loop = asyncio.new_event_loop()
    owner_url = stack.databases["matching"].owner_url.replace("postgresql+asyncpg://", "postgresql://")
    connection = loop.run_until_complete(asyncpg.connect(owner_url))

    def invalidate() -> None:
        statement = "update catalogue_versions set seq = seq + 1 where municipality = $1"
        loop.run_until_complete(connection.execute(statement, CAPITAL.code))

    try:
        yield invalidate
    finally:
        loop.run_until_complete(connection.close())
        loop.close()


# --- quality, national run on Dask, fairness (issue 18) -------------------------------------------

QUALITY_SEEDS = (1, 2, 3)  # held out: the default weights were fitted on seeds 101-103


def bench_quality(taxonomy: Taxonomy, space: SkillSpace) -> None:
    """The quality table on ESCO look-alike cases: the system against both baselines."""
    sets = [lookalike_cases(taxonomy, seed=seed) for seed in QUALITY_SEEDS]
    print(f"quality on ESCO look-alike cases (seeds {QUALITY_SEEDS}, {sum(len(c.citizens) for c in sets):,} citizens):")
    print(f"    {'ranker':<34} hit@1  MRR@10  hit@5  infeasible@5")
    for name, ranker in (
        ("system (default model)", system(WeightedDefaultModel())),
        ("plain skill cosine", plain_cosine),
        ("IDF cosine + feasibility filter", idf_cosine),
    ):
        rows = [quality(cases, ranker(space, cases)) for cases in sets]
        mean = RankingQuality(*(float(np.mean([getattr(r, f) for r in rows])) for f in RankingQuality.__annotations__))
        figures = f"{mean.hit_at_1:.3f}  {mean.mrr_at_10:.3f}   {mean.hit_at_5:.3f}  {mean.infeasible_at_5:.3f}"
        print(f"    {name:<34} {figures}")


NATIONAL_MUNICIPALITIES = ("DK-0101", "DK-0336", "DK-0461", "DK-0561", "DK-0751", "DK-0851")


# Citizens generated at once while building the national population: their profiles are dropped
# once they are columns, so the parent never holds the whole country as objects.
NATIONAL_CHUNK = 20_000


@dataclasses.dataclass
class NationalBench:
    work: list[Block]
    openings: list[OpeningProfile]
    sample: list[CitizenProfile]  # the citizens checked against exhaustive scoring, kept as profiles


def national_population(
    space: SkillSpace, generator: Generator, n_citizens: int, n_openings: int, sample: int = 0
) -> NationalBench:
    """The population of earlier runs (the same draws in the same order), gathered a chunk at a time."""
    rng = random.Random(9)
    chosen = set(random.Random(4).sample(range(n_citizens), min(sample, n_citizens)))
    citizen_rng = random.Random(generator.seed * 1_000_003)  # as generator.citizens(0, n_citizens)
    population = NationalPopulation(space)
    kept: list[CitizenProfile] = []
    for start in range(0, n_citizens, NATIONAL_CHUNK):
        chunk = [
            dataclasses.replace(generator.citizen(i, citizen_rng), municipality=rng.choice(NATIONAL_MUNICIPALITIES))
            for i in range(start, min(start + NATIONAL_CHUNK, n_citizens))
        ]
        population.add_citizens(chunk)
        kept += [c for i, c in enumerate(chunk, start) if i in chosen]
    openings = [
        dataclasses.replace(generator.opening(i), municipality=rng.choice(NATIONAL_MUNICIPALITIES))
        for i in range(n_openings)
    ]
    population.add_openings(openings)
    return NationalBench(population.blocks(), openings, kept)


def bench_national(
    space: SkillSpace,
    generator: Generator,
    n_citizens: int,
    n_openings: int,
    sample: int,
    baseline: tuple[int, int] = (3_000, 1_200),
    worker_counts: tuple[int, ...] = (1, 2),
) -> None:
    """The national run (every pair of each commuting region scored by the final scorer, in matrix
    form) on Dask with 1 and 2 LocalCluster workers, its agreement with exhaustive per-pair national
    scoring, and - the baseline in the same run - the per-pair path against the matrix path on a
    small population. Memory is the peak of the summed RSS of this process and every process below it."""
    model = WeightedDefaultModel()
    small = national_population(space, generator, *baseline).work
    small_pairs = sum(len(b.citizens) * len(b.openings) for b in small)
    timings = {}
    for label, ranker in (("per-pair path (before)", rank_block_pairwise), ("matrix path (now)", rank_block)):
        started = time.perf_counter()
        for block in small:
            ranker(space, model, block, top_n=TOP_N)
        timings[label] = time.perf_counter() - started
        print(
            f"    baseline size {baseline[0]:,} x {baseline[1]:,} ({small_pairs:,} pairs), in-process, {label}: "
            f"{timings[label]:.1f} s ({small_pairs / timings[label]:,.0f} pairs/s)"
        )
    print(f"    speed-up of the matrix path: x{timings['per-pair path (before)'] / timings['matrix path (now)']:.0f}")
    started = time.perf_counter()
    with TreeMemory() as setup_memory:
        national = national_population(space, generator, n_citizens, n_openings, sample)
    setup = time.perf_counter() - started
    work = national.work
    pairs = sum(len(b.citizens) * len(b.openings) for b in work)
    print(
        f"national run: {n_citizens:,} citizens x {n_openings:,} openings in {len(work)} commuting regions "
        f"({pairs:,} pairs, every one scored by the final scorer), top-{TOP_N} (profiles generated and turned "
        f"into columns in {setup:.0f} s, {setup_memory.describe()}):"
    )
    ranked: list[BlockRanking] = []
    for workers in worker_counts:
        started = time.perf_counter()
        with TreeMemory() as memory:
            ranked = rank_on_dask(space, model, work, top_n=TOP_N, workers=workers, progress=False)
        seconds = time.perf_counter() - started
        cpu = sum(r.cpu_seconds for r in ranked)
        load = os.getloadavg()[0]
        print(
            f"    Dask LocalCluster, {workers} worker(s): {seconds:.1f} s wall ({pairs / seconds:,.0f} pairs/s, "
            f"including cluster start and shipping the skill space and the blocks; load average {load:.1f} "
            f"on {os.cpu_count()} cores); ranking CPU {cpu:.1f} s over the blocks ({cpu / pairs * 1e9:.0f} ns per "
            f"pair, {cpu / workers:.1f} s per worker); largest worker peak {max(r.peak_rss_gb for r in ranked):.2f} "
            f"GB; parent + scheduler + every worker: {memory.describe()}"
        )
    sample_ids = [c.id for c in national.sample]
    by_region = {r.region: r for r in ranked}
    ours: dict[str, list[str]] = {}
    for block in work:
        rows = np.flatnonzero(np.isin(block.citizens.ids, sample_ids)).tolist()
        ours.update((c, ids) for c, ids, _ in ranked_lists(block, by_region[block.region], rows))
    started = time.perf_counter()
    reference = exhaustive_top(space, model, national.sample, national.openings, top_n=TOP_N)
    print(
        f"    agreement with exhaustive per-pair national scoring on {len(national.sample):,} citizens: "
        f"{agreement(ours, reference):.4f} (exhaustive: {time.perf_counter() - started:.1f} s)"
    )


def bench_fairness(space: SkillSpace, generator: Generator, n_citizens: int, n_openings: int) -> None:
    """One municipality's assignment without and with a minimum seat share for the 'integration' group."""
    from matching.domain.batch import eligible_edges

    citizens = generator.citizens(0, n_citizens)
    openings = [generator.opening(i) for i in range(n_openings)]
    model = WeightedDefaultModel()
    edges = eligible_edges(space, model, citizens, openings)
    seats = np.array([o.seats for o in openings], dtype=np.int64)
    groups = [c.target_group for c in citizens]
    started = time.perf_counter()
    plain = assign(len(citizens), seats, edges.citizen, edges.opening, edges.score)
    plain_seconds = time.perf_counter() - started
    share = {"integration": 0.3}
    started = time.perf_counter()
    fair = assign_fairly(groups, seats, edges.citizen, edges.opening, edges.score, share)
    fair_seconds = time.perf_counter() - started
    print(
        f"fairness: {n_citizens:,} citizens, {n_openings:,} openings ({int(seats.sum()):,} seats), "
        f"{len(edges.citizen):,} eligible pairs, min share {share}:"
    )
    for label, result, seconds in (("before", plain, plain_seconds), ("after ", fair, fair_seconds)):
        shown = assignment_exposure(groups, len(openings), result)
        ratios = ", ".join(f"{g.target_group} {g.ratio}" for g in shown.groups)
        print(
            f"    {label}: total score {result.total_score:,.1f}, {len(result.pairs):,} seated, {seconds:.1f} s; "
            f"seat share / citizen share: {ratios}; Gini of seats per opening {shown.opening_gini}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--citizens", type=int, default=460_000)
    parser.add_argument("--openings", type=int, default=50_000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--latency", action="store_true", help="(a) through the running stack, then stop")
    parser.add_argument("--municipality-openings", type=int, default=5_000)
    parser.add_argument("--municipality-citizens", type=int, default=2_000)
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--baseline-requests", type=int, default=50)
    parser.add_argument(
        "--esco-dir", default=os.environ.get("ESCO_DIR"), help="folder with the ESCO zips (default: $ESCO_DIR)"
    )
    parser.add_argument("--national-citizens", type=int, default=20_000)
    parser.add_argument("--national-openings", type=int, default=3_000)
    parser.add_argument("--agreement-sample", type=int, default=2_000)
    parser.add_argument("--national-workers", default="1,2", help="worker counts to run, e.g. 1,2 or 2")
    parser.add_argument(
        "--national-only", action="store_true", help="only the Dask national run (with its baseline and agreement)"
    )
    parser.add_argument(
        "--issue-18-only", action="store_true", help="only the quality table, the Dask national run and fairness"
    )
    args = parser.parse_args()
    esco_dir = args.esco_dir
    if args.latency:
        bench_latency(
            esco_dir, args.municipality_openings, args.municipality_citizens, args.requests, args.baseline_requests
        )
        return
    if not esco_dir:
        raise SystemExit("give --esco-dir (or set ESCO_DIR): the folder with the ESCO v1.1.1 zips")
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}"
    )
    started = time.perf_counter()
    taxonomy = load_taxonomy(Path(esco_dir))
    space = SkillSpace(taxonomy)
    generator = Generator(taxonomy, seed=42)
    if args.national_only:
        bench_national(
            space,
            generator,
            args.national_citizens,
            args.national_openings,
            args.agreement_sample,
            worker_counts=tuple(int(w) for w in args.national_workers.split(",")),
        )
        return
    bench_quality(taxonomy, space)
    bench_national(space, generator, args.national_citizens, args.national_openings, args.agreement_sample)
    bench_fairness(space, generator, 3_000, 1_500)
    if args.issue_18_only:
        return
    started = time.perf_counter()
    openings = [generator.opening(i) for i in range(args.openings)]
    catalogue = OpeningCatalogue.build(space, openings)
    print(f"setup ({args.openings:,} openings encoded and indexed): {time.perf_counter() - started:.1f} s")
    model = trained_model(space, catalogue, generator)
    bench_single(space, model, catalogue, generator)
    lists, _ = bench_batch(space, model, catalogue, generator, args.citizens, args.workers)
    bench_assignment(catalogue, lists)


if __name__ == "__main__":
    main()
