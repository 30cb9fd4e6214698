"""A newer taxonomy version: every citizen's and opening's codes are carried over to their
replacements in the registry, versioned, on the feed and audited; nothing is lost; a second run is a no-op.

The two versions: v1 is the starter vocabulary the registry validates against (taxonomy/starter_vocabulary);
v2 is the same concepts exported as ESCO's concept CSV (`conceptUri`, `status`, `isReplacedBy`)
with five changes: a skill split in two, a skill replaced through a chain, a skill retired without
replacement, an occupation renamed and an occupation split in two. Each test writes into a
municipality of its own that no other test (nor the demo population) writes into, because a run
walks every record of the municipality.
"""

from __future__ import annotations

import asyncio
import csv
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from registry.cli import main, run_taxonomy_remap
from registry.settings import Settings
from servicekit.testing import TokenFactory
from taxonomy.starter import STARTER_DIR
from taxonomy.versions import Changes, esco_changes, load_changes

from ..factories import citizen, opening, organisation

SKILL = "bb:skill:"
OCC = "bb:occupation:"
# v2's changes to the starter vocabulary: retired code → its replacements (empty: none).
RETIRED = {
    f"{SKILL}clean-floors": [f"{SKILL}clean-surfaces", f"{SKILL}clean-sanitary-facilities"],  # split
    f"{SKILL}operate-cash-register": [f"{SKILL}operate-pos"],  # chain: operate-pos is retired too
    f"{SKILL}operate-pos": [f"{SKILL}handle-payments"],
    f"{SKILL}drive-van": [],  # retired without a replacement
    f"{OCC}kitchen-porter": [f"{OCC}kitchen-assistant"],
    f"{OCC}warehouse-worker": [f"{OCC}warehouse-order-picker", f"{OCC}forklift-operator"],
}


def v2_rows() -> list[dict[str, str]]:
    """The starter vocabulary as a newer ESCO-shaped export (skills and occupations)."""
    rows = []
    for name, concept_type in (("skills.csv", "KnowledgeSkillCompetence"), ("occupations.csv", "Occupation")):
        with (STARTER_DIR / name).open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                retired = row["code"] in RETIRED
                rows.append(
                    {
                        "conceptType": concept_type,
                        "conceptUri": row["code"],
                        "preferredLabel": row["label"],
                        "status": "obsolete" if retired else "released",
                        "isReplacedBy": "\n".join(RETIRED.get(row["code"], [])),
                    }
                )
    rows.append(
        {
            "conceptType": "KnowledgeSkillCompetence",
            "conceptUri": f"{SKILL}operate-pos",
            "preferredLabel": "operate point of sale system",
            "status": "obsolete",
            "isReplacedBy": f"{SKILL}handle-payments",
        }
    )
    return rows


@pytest.fixture(scope="module")
def v2() -> Changes:
    return esco_changes(v2_rows(), source="starter-v2")


async def _tenant(client: httpx.AsyncClient, tokens: TokenFactory, code: str, name: str) -> dict[str, str]:
    admin = tokens.headers(tenant="*", scopes=["admin"])
    response = await client.post("/v1/municipalities", json={"code": code, "name": name}, headers=admin)
    assert response.status_code == 201, response.text
    return tokens.headers(tenant=code, scopes=["citizens:read", "citizens:write", "openings:write"])


async def _population(client: httpx.AsyncClient, tokens: TokenFactory, code: str, name: str) -> dict[str, Any]:
    """Three citizens and two openings written against v1."""
    headers = await _tenant(client, tokens, code, name)
    admin_org = tokens.headers(tenant=code, scopes=["organisations:write"])
    employer = (await client.post("/v1/organisations", json=organisation(), headers=admin_org)).json()["id"]
    bodies = {
        "split_chain_retired": citizen(
            skills=[
                {"code": f"{SKILL}clean-floors", "level": "basic"},
                {"code": f"{SKILL}clean-surfaces", "level": "advanced"},
                {"code": f"{SKILL}drive-van"},
            ],
            interests=[f"{OCC}kitchen-porter", f"{OCC}warehouse-worker"],
        ),
        "chain": citizen(
            skills=[{"code": f"{SKILL}operate-cash-register", "level": "intermediate"}], interests=[f"{OCC}cashier"]
        ),
        "current": citizen(skills=[{"code": f"{SKILL}wash-dishes"}], interests=[f"{OCC}kitchen-assistant"]),
    }
    made: dict[str, Any] = {"headers": headers, "bodies": bodies}
    for key, body in bodies.items():
        made[key] = (await client.post("/v1/citizens", json=body, headers=headers)).json()["id"]
    openings = {
        "porter": opening(
            employer,
            occupation=f"{OCC}kitchen-porter",
            skills=[
                {"code": f"{SKILL}clean-floors", "essential": True},
                {"code": f"{SKILL}operate-cash-register", "essential": False},
            ],
        ),
        "warehouse": opening(
            employer, occupation=f"{OCC}warehouse-worker", skills=[{"code": f"{SKILL}drive-van", "essential": True}]
        ),
    }
    bodies.update(openings)
    for key, body in openings.items():
        response = await client.post("/v1/openings", json=body, headers=headers)
        assert response.status_code == 201, response.text
        made[key] = response.json()["id"]
    return made


async def _state(client: httpx.AsyncClient, made: dict[str, Any]) -> dict[str, tuple[str, Any]]:
    """ETag and body of every record of the population."""
    state = {}
    for key, path in (
        ("split_chain_retired", "citizens"),
        ("chain", "citizens"),
        ("current", "citizens"),
        ("porter", "openings"),
        ("warehouse", "openings"),
    ):
        response = await client.get(f"/v1/{path}/{made[key]}", headers=made["headers"])
        assert response.status_code == 200
        state[key] = (response.headers["ETag"], response.json())
    return state


async def _feed_tail(client: httpx.AsyncClient, internal: dict[str, str], after: str) -> tuple[list[Any], str]:
    items: list[Any] = []
    while True:
        page = (await client.get("/internal/v1/changes", params={"after": after}, headers=internal)).json()
        if not page["items"]:
            return items, after
        items += page["items"]
        after = page["next_cursor"]


def _levels(skills: list[dict[str, Any]]) -> dict[str, Any]:
    return {s["code"]: s.get("level", s.get("essential")) for s in skills}


async def test_dry_run_reports_and_writes_nothing(
    client: httpx.AsyncClient, tokens: TokenFactory, internal: dict[str, str], registry_settings: Settings, v2: Changes
) -> None:
    made = await _population(client, tokens, "DK-0540", "Sønderborg")
    before = await _state(client, made)
    _, cursor = await _feed_tail(client, internal, "")
    report = await run_taxonomy_remap(registry_settings, v2, dry_run=True, municipality="DK-0540")
    assert report.as_dict()["records"] == {
        "citizens": {"seen": 3, "changed": 2, "unchanged": 1, "skipped_concurrent": 0},
        "openings": {"seen": 2, "changed": 1, "unchanged": 1, "skipped_concurrent": 0},
    }
    assert await _state(client, made) == before
    written, _ = await _feed_tail(client, internal, cursor)
    assert [i for i in written if i["municipality"] == "DK-0540"] == []


async def test_remap_carries_codes_over_keeps_the_unmappable_and_reports_them(
    client: httpx.AsyncClient,
    tokens: TokenFactory,
    internal: dict[str, str],
    admin: dict[str, str],
    registry_settings: Settings,
    v2: Changes,
) -> None:
    made = await _population(client, tokens, "DK-0550", "Tønder")
    before = await _state(client, made)
    _, cursor = await _feed_tail(client, internal, "")
    report = (await run_taxonomy_remap(registry_settings, v2, dry_run=False, municipality="DK-0550")).as_dict()
    after = await _state(client, made)

    first = after["split_chain_retired"][1]
    # The split gives both replacements at the citizen's level; the one already held keeps the higher
    # level; the retired skill without a replacement stays.
    assert _levels(first["skills"]) == {
        f"{SKILL}clean-surfaces": "advanced",
        f"{SKILL}clean-sanitary-facilities": "basic",
        f"{SKILL}drive-van": None,
    }
    assert first["interests"] == [f"{OCC}kitchen-assistant", f"{OCC}warehouse-order-picker", f"{OCC}forklift-operator"]
    assert _levels(after["chain"][1]["skills"]) == {f"{SKILL}handle-payments": "intermediate"}
    porter = after["porter"][1]
    assert porter["occupation"] == f"{OCC}kitchen-assistant"
    assert _levels(porter["skills"]) == {
        f"{SKILL}clean-surfaces": True,
        f"{SKILL}clean-sanitary-facilities": True,
        f"{SKILL}handle-payments": False,
    }
    # An opening has one occupation: a split one stays for a person to choose, and is listed.
    assert after["warehouse"][1]["occupation"] == f"{OCC}warehouse-worker"
    for key in ("split_chain_retired", "chain", "porter"):
        assert after[key][0] != before[key][0]  # a new version
    for key in ("current", "warehouse"):
        assert after[key] == before[key]

    assert report["records"]["citizens"] == {"seen": 3, "changed": 2, "unchanged": 1, "skipped_concurrent": 0}
    assert report["records"]["openings"] == {"seen": 2, "changed": 1, "unchanged": 1, "skipped_concurrent": 0}
    remapped = {(r["kind"], r["old"]): (r["new"], r["citizens"], r["openings"]) for r in report["remapped"]}
    assert remapped == {
        ("skill", f"{SKILL}clean-floors"): ([f"{SKILL}clean-surfaces", f"{SKILL}clean-sanitary-facilities"], 1, 1),
        ("skill", f"{SKILL}operate-cash-register"): ([f"{SKILL}handle-payments"], 1, 1),
        ("occupation", f"{OCC}kitchen-porter"): ([f"{OCC}kitchen-assistant"], 1, 1),
        ("occupation", f"{OCC}warehouse-worker"): ([f"{OCC}warehouse-order-picker", f"{OCC}forklift-operator"], 1, 0),
    }
    unmapped = {(u["kind"], u["code"], u["reason"]): (u["citizens"], u["openings"]) for u in report["unmapped"]}
    assert unmapped == {
        ("skill", f"{SKILL}drive-van", "retired_without_replacement"): (1, 1),
        ("occupation", f"{OCC}warehouse-worker", "replaced_by_several"): (0, 1),
    }
    assert report["not_in_loaded_taxonomy"] == []
    text = json.dumps(report)
    assert "national_id" not in text
    assert made["split_chain_retired"] not in text

    # Matching receives the change: the feed carries the new skills, in the run's transaction.
    feed, _ = await _feed_tail(client, internal, cursor)
    mine = {i["entity_id"]: i for i in feed if i["municipality"] == "DK-0550"}
    assert set(mine) == {made["split_chain_retired"], made["chain"], made["porter"]}
    assert mine[made["split_chain_retired"]]["data"]["skills"] == first["skills"]
    assert mine[made["porter"]]["data"]["occupation"] == f"{OCC}kitchen-assistant"

    # Audited as the system's remap job, on the run's id.
    events = (await client.get("/v1/audit-events", params={"citizen_id": made["chain"]}, headers=admin)).json()["items"]
    (remap,) = [e for e in events if e["actor"] == "system:taxonomy-remap"]
    assert remap["action"] == "update"
    assert remap["request_id"] == report["run_id"]

    # The stored content hash is what the source system's resend of the new codes computes: unchanged.
    for key, collection in (("chain", "citizens"), ("porter", "openings")):
        resent = {**made["bodies"][key], "skills": after[key][1]["skills"]}
        if key == "porter":
            resent["occupation"] = porter["occupation"]
        answer = await client.post(f"/v1/{collection}:batch", json={"items": [resent]}, headers=made["headers"])
        assert [r["status"] for r in answer.json()["items"]] == ["unchanged"], answer.text

    # The remapped record stays writable (its codes are valid in the loaded taxonomy).
    etag = after["chain"][0]
    patched = await client.patch(
        f"/v1/citizens/{made['chain']}",
        json={"work_capacity_hours": 9},
        headers={**made["headers"], "If-Match": etag},
    )
    assert patched.status_code == 200, patched.text


async def test_a_second_run_changes_nothing(
    client: httpx.AsyncClient, tokens: TokenFactory, internal: dict[str, str], registry_settings: Settings, v2: Changes
) -> None:
    made = await _population(client, tokens, "DK-0561", "Esbjerg")
    await run_taxonomy_remap(registry_settings, v2, dry_run=False, municipality="DK-0561")
    remapped = await _state(client, made)
    _, cursor = await _feed_tail(client, internal, "")
    again = (await run_taxonomy_remap(registry_settings, v2, dry_run=False, municipality="DK-0561")).as_dict()
    assert again["records"]["citizens"]["changed"] == 0
    assert again["records"]["openings"]["changed"] == 0
    assert again["remapped"] == []
    # What cannot be mapped is still listed (it is kept), but nothing is written.
    assert {u["code"] for u in again["unmapped"]} == {f"{SKILL}drive-van", f"{OCC}warehouse-worker"}
    assert await _state(client, made) == remapped
    written, _ = await _feed_tail(client, internal, cursor)
    assert [i for i in written if i["municipality"] == "DK-0561"] == []


async def test_cli_remaps_with_a_jobtech_version(
    cli_environment: None,
    client: httpx.AsyncClient,
    tokens: TokenFactory,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    headers = await _tenant(client, tokens, "DK-0563", "Fanø")
    body = citizen(
        skills=[{"code": f"{SKILL}operate-cash-register"}, {"code": f"{SKILL}wash-dishes"}],
        interests=[f"{OCC}kitchen-porter"],
    )
    citizen_id = (await client.post("/v1/citizens", json=body, headers=headers)).json()["id"]
    concepts = [
        {"id": row["conceptUri"], "deprecated": row["status"] == "obsolete", "replaced_by": []} for row in v2_rows()
    ]
    for concept in concepts:
        concept["replaced_by"] = [{"id": code} for code in RETIRED.get(concept["id"], [])]
        if concept["id"] == f"{SKILL}wash-dishes":  # replaced by a concept the registry has not loaded yet
            concept.update(deprecated=True, replaced_by=[{"id": "tW8y_bXk_9mK"}])
    concepts.append({"id": "tW8y_bXk_9mK", "deprecated": False, "replaced_by": []})
    answer = tmp_path / "concepts.json"
    answer.write_text(json.dumps({"data": {"concepts": concepts}}), encoding="utf-8")
    assert load_changes([], answer).resolve(f"{SKILL}operate-cash-register") == (f"{SKILL}handle-payments",)
    # The command runs its own event loop (as from a shell), so it runs in a thread of its own here.
    argv = ["remap-taxonomy", "--jobtech-json", str(answer), "--municipality", "DK-0563", "--dry-run"]
    assert await asyncio.to_thread(main, argv) == 0
    assert json.loads(capsys.readouterr().out)["records"]["citizens"]["changed"] == 1
    assert await asyncio.to_thread(main, argv[:-1]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["dry_run"] is False
    assert report["source"] == "concepts.json"
    stored = (await client.get(f"/v1/citizens/{citizen_id}", headers=headers)).json()
    assert report["not_in_loaded_taxonomy"] == ["tW8y_bXk_9mK"]
    assert [s["code"] for s in stored["skills"]] == [f"{SKILL}handle-payments", "tW8y_bXk_9mK"]
    assert stored["interests"] == [f"{OCC}kitchen-assistant"]
