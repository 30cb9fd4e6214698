"""Load the demo programme through the gateway, as a real integration would: the registry
population (devstack.demo_population), then PbR contracts and 18 months of outcome events.

Every write carries a deterministic Idempotency-Key (or event id), so loading twice into a kept
database changes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from .demo_population import PROGRAMME_START, Population, bind, build_population

if TYPE_CHECKING:
    from .stack import Stack

SEED = 2026
HISTORY_END = dt.date(2026, 11, 1)
PLACEMENT_RATE = {
    "flexjob": 0.60,
    "cash_benefit": 0.40,
    "integration": 0.45,
    "resource_programme": 0.30,
    "sickness_benefit": 0.50,
    "disability_pension": 0.35,
    "other": 0.40,
}
CITIZEN_COURSE_TERMS = {
    "tariffs": {
        "placement_started": 500_000,
        "retained_3m": 1_000_000,
        "retained_6m": 1_000_000,
        "retained_12m": 2_000_000,
        "hours_13_of_16": 500_000,
    },
    "premium_percent": {"integration": "25", "resource_programme": "25", "flexjob": "10"},
    "savings_share_percent": "10",
    "cap_per_citizen": 4_000_000,
    "cap_total": 60_000_000,
    "min_hours": 10,
}
# Citizens outside the programme leave benefit too (the comparison group of ECONOMICS §7): a monthly
# chance of leaving, and of those who leave a share who come back some months later. Demo assumptions: the
# programme's target groups are the citizens furthest from work, so about half the rate cards' deadweight
# exit rates (which cover everyone on the benefit). With the card rates themselves (3 %/month for cash
# benefit) the demo's comparisons left benefit faster than the enrolled and its net came out negative.
POOL_EXIT_PER_MONTH = {
    "flexjob": 0.006,
    "cash_benefit": 0.01,
    "integration": 0.012,
    "resource_programme": 0.003,
    "sickness_benefit": 0.03,
    "disability_pension": 0.001,
    "other": 0.008,
}
POOL_RETURN_SHARE = 0.3
POOL_HISTORY_START = dt.date(2024, 6, 1)
# Programme cost lines per partnership (øre). The first programme was co-financed by the European Social
# Fund with DKK 26 million, spread here over the partnerships; the rest is the municipality's own, a
# foundation's accelerator grant, and one corrected line to show superseding.
ESF_GRANT_TOTAL = 2_600_000_000
QUARTERLY_COSTS = (("job_consultant", 13_500_000), ("mentor", 6_000_000))
COMPANY_ACCELERATOR_TERMS = {
    "tariffs": {"placement_started": 300_000, "retained_6m": 800_000},
    "cap_per_citizen": 1_100_000,
    "cap_total": 20_000_000,
}


# Caseworkers' decisions on the lists matching serves the first consenting citizens of each municipality.
DEMO_DECISION_CITIZENS = 4


class DemoLoader:
    def __init__(self, http: httpx.Client) -> None:
        self.http = http
        self.ids: dict[str, str] = {}

    def post(self, path: str, body: dict[str, Any], key: str, ok: Iterable[int] = (200, 201)) -> httpx.Response:
        for attempt in range(10):
            response = self.http.post(path, json=body, headers={"Idempotency-Key": key})
            last = attempt == 9
            if response.status_code == 429 and not last:
                # The loader is one API client under the gateway's per-client limit, like any other.
                time.sleep(float(response.headers.get("Retry-After", "1")))
                continue
            if response.status_code == 409 and "Idempotency" in response.text and not last:
                time.sleep(0.5)
                continue
            break
        if response.status_code not in ok:
            raise RuntimeError(f"POST {path} answered {response.status_code}: {response.text[:500]}")
        return response

    def registry(self, population: Population) -> None:
        for municipality in population.municipalities:
            body = {**municipality, "bank_account": demo_bank_account(municipality["code"][:2], municipality["code"])}
            self.post("/v1/municipalities", body, f"demo:municipality:{municipality['code']}", ok=(201, 409))
        for kind in ("organisations", "partnerships"):
            for item in getattr(population, kind):
                if kind == "organisations" and item["kind"] in PAID_KINDS:
                    item = {**item, "bank_account": demo_bank_account(item["municipality"][:2], item["key"])}
                created = self.post(f"/v1/{kind}", bind(item, self.ids), f"demo:{item['key']}").json()
                self.ids[item["key"]] = created["id"]
        self.batch("/v1/openings:batch", population.openings, "openings")
        self.batch("/v1/citizens:batch", population.citizens, "citizens")
        for number, enrolment in enumerate(population.enrolments):
            created = self.post("/v1/enrolments", bind(enrolment, self.ids), f"demo:enrolment:{number}").json()
            enrolment["id"] = created["id"]

    def batch(self, path: str, items: list[dict[str, Any]], name: str) -> None:
        for start in range(0, len(items), 1000):
            chunk = items[start : start + 1000]
            payload = {"items": [bind(item, self.ids) for item in chunk]}
            # Batches are upserts and depend on the taxonomy (ESCO_DIR set or not): key them by
            # content, so a reload replays while another taxonomy's demo is a new request.
            digest = hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:16]
            result = self.post(path, payload, f"demo:{name}:{start}:{digest}").json()
            for item, outcome in zip(chunk, result["items"], strict=True):
                if outcome["status"] == "error":
                    raise RuntimeError(f"demo {name} item {item.get('external_ref')} rejected: {outcome['problem']}")
                if "key" in item:
                    self.ids[item["key"]] = outcome["id"]

    def contracts(self, population: Population) -> list[str]:
        contract_ids = []
        for partnership in population.partnerships:
            common = {
                "municipality": partnership["municipality"],
                "partnership_id": self.ids[partnership["key"]],
                "starts_on": PROGRAMME_START.isoformat(),
                "ends_on": (PROGRAMME_START + dt.timedelta(days=548)).isoformat(),
            }
            sides = (
                ("citizen_course", partnership["provider_key"], CITIZEN_COURSE_TERMS),
                ("company_accelerator", partnership["company_key"], COMPANY_ACCELERATOR_TERMS),
            )
            for side, payee_key, terms in sides:
                body = {**common, "side": side, "payee_id": self.ids[payee_key], **terms}
                created = self.post("/v1/contracts", body, f"demo:contract:{partnership['key']}:{side}").json()
                contract_ids.append(created["id"])
        return contract_ids

    def outcome_events(self, population: Population) -> int:
        events = list(history(population, self.ids))
        if not events:
            return 0
        self.wait_for_projection(events[-1])
        return self.post_events(events, key="demo:events", what="outcome events")

    def pool_events(self, population: Population) -> int:
        """Benefit events of the citizens outside the programme, through the same bulk path."""
        return self.post_events(
            list(pool_history(population, self.ids)), key="demo:pool-events", what="pool benefit events"
        )

    def post_events(self, events: list[dict[str, Any]], *, key: str, what: str) -> int:
        """Send events through the bulk path, 500 a request; any rejected item stops the demo."""
        for start in range(0, len(events), 500):
            chunk = events[start : start + 500]
            result = self.post("/v1/outcome-events:batch", {"items": chunk}, f"{key}:{start}").json()
            errors = [r for r in result["items"] if r["status"] == "error"]
            if errors:
                raise RuntimeError(f"demo {what} rejected: {errors[:3]}")
        return len(events)

    def programme_costs(self, population: Population) -> int | None:
        """Record the cost lines (and correct one); None when the gateway has no /v1/programme-costs route."""
        count = 0
        corrected: dict[str, str] = {}
        for key, body in cost_lines(population, self.ids):
            # Through self.post: the loader waits out the gateway's rate limit like any client.
            response = self.post("/v1/programme-costs", body, key, ok=(200, 201, 404))
            if response.status_code == 404:
                if count == 0:
                    return None
                raise RuntimeError(f"demo cost line {key} rejected: 404 {response.text[:300]}")
            if key.endswith(":administration"):
                corrected[key] = response.json()["id"]
            count += 1
        for key, line_id in corrected.items():
            partnership_key = key.removeprefix("demo:cost:").removesuffix(":administration")
            body = {
                "partnership_id": self.ids[partnership_key],
                "side": "citizen_course",
                "category": "administration",
                "amount": 5_500_000,
                "month": "2025-06",
                "payer": "municipality",
                "note": "corrected: the invoice was 55,000 kr.",
                "supersedes": line_id,
            }
            self.post("/v1/programme-costs", body, key + ":fix", ok=(200, 201, 409))  # 409: corrected earlier
            count += 1
        return count

    def decisions(self, population: Population, timeout: float = 180) -> int | None:
        """Caseworkers decide on what matching served the first consenting citizens of each
        municipality: contact the best suggestion, reject the second (with a reason), accept the
        third, and for every other citizen propose an opening matching did not suggest. A citizen
        with decisions from an earlier load is left as it is. None when the gateway has no
        /v1/decisions route."""
        if self.http.post("/v1/decisions", json={}).status_code == 404:  # matching answers 422
            return None
        count = 0
        seen: dict[str, list[str]] = {}  # openings served in the municipality so far
        consenting = [c for c in population.citizens if (c.get("consent") or {}).get("matching")]
        for municipality in population.municipalities:
            chosen = [c for c in consenting if c["municipality"] == municipality["code"]][:DEMO_DECISION_CITIZENS]
            for number, citizen in enumerate(chosen):
                citizen_id = self.ids[citizen["key"]]
                before = self.http.get("/v1/decisions", params={"citizen_id": citizen_id})  # 404: not fed yet
                if before.status_code == 200 and before.json()["items"]:
                    continue
                served = self.served(citizen_id, timeout)
                if not served:
                    continue
                log_id = served[0]["recommendation_log_id"]
                openings = [item["opening_id"] for item in served]
                choices = [
                    ("contacted", {}),
                    ("rejected", {"reason_code": "commute", "reason_text": "No early bus from the citizen's village."}),
                    ("accepted", {}),
                ]
                for (decision, extra), opening_id in zip(choices, openings, strict=False):
                    body = {"citizen_id": citizen_id, "recommendation_log_id": log_id, "opening_id": opening_id}
                    key = f"demo:decision:{citizen['key']}:{decision}:{log_id}"
                    self.post("/v1/decisions", {**body, "decision": decision, **extra}, key, ok=(201,))
                    count += 1
                elsewhere = [o for o in seen.get(municipality["code"], []) if o not in openings]
                if number % 2 and elsewhere:
                    body = {"citizen_id": citizen_id, "opening_id": elsewhere[0], "decision": "proposed"}
                    self.post("/v1/decisions", body, f"demo:decision:{citizen['key']}:proposed:{log_id}", ok=(201,))
                    count += 1
                seen.setdefault(municipality["code"], []).extend(openings)
        return count

    def served(self, citizen_id: str, timeout: float) -> list[dict[str, Any]]:
        """The top three openings matching serves the citizen, once its feed has brought the citizen in."""
        deadline = time.monotonic() + timeout
        while True:
            response = self.http.get("/v1/recommendations", params={"citizen_id": citizen_id, "limit": 3})
            if response.status_code == 200:
                items: list[dict[str, Any]] = response.json()["items"]
                return items
            if response.status_code == 409 or time.monotonic() > deadline:  # no consent to matching
                return []
            time.sleep(0.5)

    def settlements(self, contract_ids: list[str]) -> list[list[str]]:
        """Settle every contract half-year by half-year, as a municipality would, so evaluations
        show what the programme has paid out as well as what it saved: each statement a draft,
        by contract in period order."""
        by_contract: dict[str, list[str]] = {contract_id: [] for contract_id in contract_ids}
        for start, end in periods(PROGRAMME_START, HISTORY_END, months=6):
            for contract_id in contract_ids:
                body = {"contract_id": contract_id, "from": start.isoformat(), "to": end.isoformat()}
                created = self.post("/v1/settlements", body, f"demo:settlement:{contract_id}:{start.isoformat()}")
                by_contract[contract_id].append(created.json()["id"])
        return list(by_contract.values())

    def approve(self, checker: httpx.Client, statements: list[list[str]]) -> tuple[int, int]:
        """A second client approves every statement but each contract's latest (left a draft, as a
        controller would have it on their desk); (approved, payment files the approved ones yield)."""
        approved = files = 0
        for ids in statements:
            for statement_id in ids[:-1]:
                answer = checker.post(f"/v1/settlements/{statement_id}:approve", json={})
                if answer.status_code != 200:
                    raise RuntimeError(f"demo approval refused: {answer.status_code} {answer.text[:300]}")
                approved += 1
                if answer.json()["total"] > 0:
                    files += checker.get(f"/v1/settlements/{statement_id}/payment-instruction").status_code == 200
        return approved, files

    def wait_for_projection(self, last_event: dict[str, Any], timeout: float = 180) -> None:
        """Outcomes learns citizens from the registry's change feed: post the last event (it is
        idempotent by id) until the service knows its citizen."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            response = self.http.post("/v1/outcome-events:batch", json={"items": [last_event]})
            if response.status_code == 200 and response.json()["items"][0]["status"] != "error":
                return
            time.sleep(0.5)
        raise TimeoutError("the outcomes service did not learn the demo citizens from the change feed in time")


def history(population: Population, ids: dict[str, str]) -> Iterator[dict[str, Any]]:
    """Placements, benefit changes and exits for citizens in the citizen course (deterministic)."""
    citizens = {c["key"]: c for c in population.citizens}
    companies = {p["key"]: p["company_key"] for p in population.partnerships}
    for enrolment in population.enrolments:
        if enrolment["programme"] != "citizen_course":
            continue
        citizen = citizens[enrolment["citizen_key"]]
        rng = random.Random(f"{SEED}:{citizen['key']}")
        if rng.random() >= PLACEMENT_RATE[citizen["target_group"]]:
            continue
        citizen_id = ids[citizen["key"]]
        started = dt.date.fromisoformat(enrolment["started_on"]) + dt.timedelta(days=rng.randint(30, 240))
        if started >= HISTORY_END:
            continue
        hours = max(1, min(37, citizen["work_capacity_hours"] - rng.randint(0, 3)))
        benefit = citizen["benefit"]
        ref = f"demo:{citizen['external_ref']}"
        yield event(
            f"{ref}:1",
            citizen_id,
            "placement_started",
            started,
            {
                "organisation_id": ids[companies[enrolment["partnership_key"]]],
                "hours_per_week": hours,
                "kind": placement_kind(citizen["target_group"], hours),
            },
        )
        yield from benefit_effect(ref, citizen_id, citizen["target_group"], benefit, started, hours)
        if rng.random() < 0.3:
            ended = started + dt.timedelta(days=rng.randint(60, 240))
            if ended < HISTORY_END:
                yield event(f"{ref}:3", citizen_id, "placement_ended", ended, {"reason": "ended_by_employer"})
                if benefit and citizen["target_group"] != "disability_pension":
                    yield event(
                        f"{ref}:4",
                        citizen_id,
                        "benefit_resumed",
                        ended,
                        {
                            "type": benefit["type"],
                            "monthly_amount": benefit["monthly_amount"],
                        },
                    )
        elif rng.random() < 0.3:
            changed = started + dt.timedelta(days=rng.randint(30, 150))
            if changed < HISTORY_END:
                yield event(f"{ref}:5", citizen_id, "hours_changed", changed, {"hours_per_week": min(37, hours + 5)})


def placement_kind(group: str, hours: int) -> str:
    """The kind of job the demo's placements are: a flexjob for the flexjob group, else by hours."""
    if group == "flexjob":
        return "flexjob"
    return "ordinary" if hours >= 25 else "smaajob"


def pool_history(population: Population, ids: dict[str, str]) -> Iterator[dict[str, Any]]:
    """Benefit events of citizens outside the citizen course: most stay on benefit, some leave, a few return."""
    enrolled = {e["citizen_key"] for e in population.enrolments if e["programme"] == "citizen_course"}
    for citizen in population.citizens:
        benefit = citizen["benefit"]
        if citizen["key"] in enrolled or not benefit or citizen["key"] not in ids:
            continue
        rng = random.Random(f"{SEED}:pool:{citizen['key']}")
        start = max(POOL_HISTORY_START, dt.date.fromisoformat(benefit["since"]) + dt.timedelta(days=1))
        month = dt.date(start.year, start.month, 1)
        while month < HISTORY_END:
            if rng.random() < POOL_EXIT_PER_MONTH[citizen["target_group"]]:
                ended = max(start, month + dt.timedelta(days=rng.randint(0, 27)))
                if ended >= HISTORY_END:
                    break
                ref = f"demo:pool:{citizen['external_ref']}"
                yield event(f"{ref}:1", ids[citizen["key"]], "benefit_ended", ended, {})
                if rng.random() < POOL_RETURN_SHARE:
                    back = ended + dt.timedelta(days=rng.randint(60, 300))
                    if back < HISTORY_END:
                        data = {"type": benefit["type"], "monthly_amount": benefit["monthly_amount"]}
                        yield event(f"{ref}:2", ids[citizen["key"]], "benefit_resumed", back, data)
                break
            month = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)


def cost_lines(population: Population, ids: dict[str, str]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(idempotency key, body) of the programme cost lines of every partnership."""
    partnerships = population.partnerships
    for partnership in partnerships:
        pid = ids[partnership["key"]]
        base = {"partnership_id": pid, "side": "citizen_course"}
        key = f"demo:cost:{partnership['key']}"
        yield (
            f"{key}:esf",
            {
                **base,
                "category": "course_delivery",
                "amount": ESF_GRANT_TOTAL // len(partnerships),
                "month": PROGRAMME_START.strftime("%Y-%m"),
                "payer": "eu_grant",
                "funder": "European Social Fund (ESF+)",
            },
        )
        # A cost line's month lies inside the partnership (the API refuses others with 422 naming `month`).
        ends = min(HISTORY_END, dt.date.fromisoformat(partnership["ends_on"]) + dt.timedelta(days=1))
        for start, _ in periods(PROGRAMME_START, ends, months=3):
            for category, amount in QUARTERLY_COSTS:
                body = {**base, "category": category, "amount": amount, "month": start.strftime("%Y-%m")}
                yield f"{key}:{category}:{start.isoformat()}", {**body, "payer": "municipality"}
        yield (
            f"{key}:accelerator",
            {
                "partnership_id": pid,
                "side": "company_accelerator",
                "category": "accelerator",
                "amount": 20_000_000,
                "month": PROGRAMME_START.strftime("%Y-%m"),
                "payer": "foundation",
                "funder": "a Danish foundation (demo)",
            },
        )
        yield (
            f"{key}:administration",
            {**base, "category": "administration", "amount": 5_000_000, "month": "2025-06", "payer": "municipality"},
        )


def benefit_effect(
    ref: str, citizen_id: str, group: str, benefit: dict[str, Any] | None, on: dt.date, hours: int
) -> Iterator[dict[str, Any]]:
    if not benefit or group == "disability_pension":
        return  # an early-retirement pension is not reduced by a few hours of work
    amount = int(benefit["monthly_amount"])
    if group == "flexjob":
        # Flexjob: ledighedsydelse stops, the municipality pays a wage subsidy instead.
        yield event(
            f"{ref}:2",
            citizen_id,
            "benefit_changed",
            on,
            {
                "type": "fleksloentilskud",
                "monthly_amount": 0,
                "wage_subsidy": amount * 65 // 100,
            },
        )
    elif hours >= 25:
        yield event(f"{ref}:2", citizen_id, "benefit_ended", on, {})
    else:
        remaining = amount * (37 - hours) // 37  # hours of work are set off against the benefit
        yield event(
            f"{ref}:2", citizen_id, "benefit_changed", on, {"type": benefit["type"], "monthly_amount": remaining}
        )


# Organisations the programme pays (outcome payments, SIB repayments): they need an account.
PAID_KINDS = frozenset({"company", "social_enterprise", "provider", "investor"})
BANKS = {"DK": ("DABADKKK", 14), "SE": ("SWEDSESS", 20)}  # BIC and the BBAN's length in digits


def demo_bank_account(country: str, key: str) -> dict[str, str]:
    """A made-up account with valid check digits (ISO 13616 mod 97), the same for the same key."""
    bic, length = BANKS[country]
    digits = str(int(hashlib.sha256(key.encode()).hexdigest(), 16))[:length].rjust(length, "0")
    numeric = digits + "".join(str(ord(letter) - 55) for letter in country) + "00"
    return {"iban": f"{country}{98 - int(numeric) % 97:02d}{digits}", "bic": bic}


def periods(start: dt.date, end: dt.date, *, months: int) -> Iterator[tuple[dt.date, dt.date]]:
    """Periods of `months` from `start` (a first of month) up to `end` (exclusive, a first of month)."""
    while start < end:
        months_since_zero = start.year * 12 + start.month - 1 + months
        stop = min(end, dt.date(months_since_zero // 12, months_since_zero % 12 + 1, 1))
        yield start, stop
        start = stop


def event(event_id: str, citizen_id: str, kind: str, on: dt.date, data: dict[str, Any]) -> dict[str, Any]:
    return {"id": event_id, "citizen_id": citizen_id, "type": kind, "occurred_on": on.isoformat(), "data": data}


def load_demo(stack: Stack, *, seed: int = SEED) -> str:
    """Load everything; a one-line summary for the banner."""
    from taxonomy import load_taxonomy

    esco = stack.config.esco_dir
    taxonomy: Any = load_taxonomy(Path(esco) if esco else None)
    population = build_population(seed, taxonomy)
    headers = {"Authorization": f"Bearer {stack.admin_token()}"}
    with httpx.Client(base_url=stack.gateway_url, headers=headers, timeout=300) as http:
        loader = DemoLoader(http)
        loader.registry(population)
        contracts = loader.contracts(population)
        events = loader.outcome_events(population)
        pool_events = loader.pool_events(population)
        costs = loader.programme_costs(population)
        statements = loader.settlements(contracts)
        checker_id, checker_secret = stack.create_client(
            "demo controller", "*", ["settlements:approve", "outcomes:read"]
        )
        checker_headers = {"Authorization": f"Bearer {stack.token(checker_id, checker_secret)}"}
        with httpx.Client(base_url=stack.gateway_url, headers=checker_headers, timeout=300) as checker:
            approved, payment_files = loader.approve(checker, statements)
        decisions = loader.decisions(population)
    settlements = sum(len(ids) for ids in statements)
    return (
        f"{len(population.municipalities)} municipalities, {len(population.organisations)} organisations, "
        f"{len(population.partnerships)} partnerships, {len(population.openings)} openings, "
        f"{len(population.citizens)} citizens, {len(population.enrolments)} enrolments, "
        f"{len(contracts)} contracts, {events} outcome events, {pool_events} benefit events outside the programme, "
        + (f"{costs} programme cost lines" if costs is not None else "NO programme cost lines (gateway route missing)")
        + f", {settlements} settlement statements ({approved} approved by a second client, the rest drafts; "
        + f"{payment_files} payment files), "
        + (f"{decisions} caseworker decisions" if decisions is not None else "NO decisions (gateway route missing)")
    )
