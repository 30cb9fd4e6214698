"""Maker-checker: a second client approves or rejects a draft; the database keeps the ledger."""

import uuid
from typing import Any

import asyncpg
import httpx
import pytest

from devstack.databases import ServiceDatabase
from servicekit.testing import TokenFactory
from tests.conftest import FakeRegistryFeed
from tests.integration.test_settlements import contract_body, post_event
from tests.integration.world import add_citizen, add_partnership

READ_WRITE = ["outcomes:write", "outcomes:read", "settlements:write", "reports:read"]


@pytest.fixture
def maker_who_may_approve(tokens: TokenFactory) -> dict[str, str]:
    """The client that computes statements (stevns-jc), here also holding the approval scope."""
    return tokens.headers(tenant="DK-0336", scopes=[*READ_WRITE, "settlements:approve"], client_id="stevns-jc")


@pytest.fixture
def foreign_checker(tokens: TokenFactory) -> dict[str, str]:
    return tokens.headers(tenant="DK-0849", scopes=["settlements:approve"], client_id="jammerbugt-controller")


async def draft(
    client: httpx.AsyncClient, stevns: dict[str, str], registry: FakeRegistryFeed, sync: Any, **period: str
) -> tuple[dict[str, Any], str]:
    """A contract with one placed citizen and its draft statement for February-May 2024."""
    partnership = add_partnership(registry)
    citizen = add_citizen(registry, partnership, enrolled_on="2024-01-01")
    await sync()
    body = contract_body(partnership, cap_per_citizen=None, cap_total=None)
    contract = (await client.post("/v1/contracts", json=body, headers=stevns)).json()
    await post_event(client, stevns, citizen, "placement_started", "2024-02-10")
    request = {"contract_id": contract["id"], "from": "2024-02-01", "to": "2024-06-01", **period}
    response = await client.post("/v1/settlements", json=request, headers=stevns)
    assert response.status_code == 201, response.text
    return response.json(), citizen


async def test_a_second_client_approves_a_draft_once_and_the_log_says_who(
    client: httpx.AsyncClient, stevns: dict[str, str], checker: dict[str, str], registry: FakeRegistryFeed, sync: Any
) -> None:
    statement, _ = await draft(client, stevns, registry, sync)
    assert statement["status"] == "draft"
    assert statement["created_by"] == "stevns-jc"
    assert statement["rate_card_ids"] == ["DK-2024"]  # the card valid on the days of 2024, not the contract's
    assert statement["contract_version"] == 1
    assert statement["comparison_basis"] == "comparison_group"  # new contracts share net savings (§7)
    approved = await client.post(f"/v1/settlements/{statement['id']}:approve", json={}, headers=checker)
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "approved"
    assert approved.json()["decided_by"] == "stevns-controller"
    assert [(step["from_status"], step["to_status"], step["actor"]) for step in approved.json()["history"]] == [
        (None, "draft", "stevns-jc"),
        ("draft", "approved", "stevns-controller"),
    ]
    again = await client.post(f"/v1/settlements/{statement['id']}:approve", json={}, headers=checker)
    assert again.status_code == 200
    assert again.json() == approved.json()
    rejected = await client.post(f"/v1/settlements/{statement['id']}:reject", json={"reason": "x"}, headers=checker)
    assert rejected.status_code == 409


async def test_the_maker_a_client_without_the_scope_and_another_tenant_cannot_approve(
    client: httpx.AsyncClient,
    stevns: dict[str, str],
    maker_who_may_approve: dict[str, str],
    foreign_checker: dict[str, str],
    registry: FakeRegistryFeed,
    sync: Any,
) -> None:
    statement, _ = await draft(client, stevns, registry, sync)
    path = f"/v1/settlements/{statement['id']}:approve"
    assert (await client.post(path, json={}, headers=maker_who_may_approve)).status_code == 403
    assert (await client.post(path, json={}, headers=stevns)).status_code == 403
    assert (await client.post(path, json={}, headers=foreign_checker)).status_code == 404
    assert (await client.post(path, json={"note": 1}, headers=maker_who_may_approve)).status_code == 422
    current = await client.get(f"/v1/settlements/{statement['id']}", headers=stevns)
    assert current.json()["status"] == "draft"


async def test_changed_facts_make_approval_409_and_a_rejected_period_is_settled_again(
    client: httpx.AsyncClient, stevns: dict[str, str], checker: dict[str, str], registry: FakeRegistryFeed, sync: Any
) -> None:
    statement, citizen = await draft(client, stevns, registry, sync)
    await post_event(client, stevns, citizen, "placement_ended", "2024-02-20")
    await post_event(client, stevns, citizen, "placement_started", "2024-03-01")  # a second placement: no new line
    other = add_citizen(registry, add_partnership(registry), enrolled_on="2024-01-01")
    await sync()
    await post_event(client, stevns, other, "placement_started", "2024-03-01")  # another partnership's citizen
    unchanged = await client.post(f"/v1/settlements/{statement['id']}:approve", json={}, headers=checker)
    assert unchanged.status_code == 200, "facts that change no line do not block approval"

    second, citizen = await draft(client, stevns, registry, sync)
    await post_event(client, stevns, citizen, "placement_started", "2024-01-20", supersedes=None)
    stale = await client.post(f"/v1/settlements/{second['id']}:approve", json={}, headers=checker)
    assert stale.status_code == 409, stale.text
    assert stale.json()["code"] == "facts-changed"
    missing_reason = await client.post(f"/v1/settlements/{second['id']}:reject", json={"reason": ""}, headers=checker)
    assert missing_reason.status_code == 422
    rejected = await client.post(
        f"/v1/settlements/{second['id']}:reject",
        json={"reason": "recompute: a placement was recorded late"},
        headers=checker,
    )
    assert rejected.status_code == 200
    assert rejected.json()["status"] == "rejected"
    assert rejected.json()["decision_reason"] == "recompute: a placement was recorded late"
    again = await client.post(
        "/v1/settlements",
        json={"contract_id": second["contract_id"], "from": "2024-02-01", "to": "2024-06-01"},
        headers=stevns,
    )
    assert again.status_code == 201
    assert again.json()["id"] != second["id"]
    assert (
        await client.post(f"/v1/settlements/{again.json()['id']}:approve", json={}, headers=checker)
    ).status_code == 200


async def test_statements_are_approved_in_period_order(
    client: httpx.AsyncClient, stevns: dict[str, str], checker: dict[str, str], registry: FakeRegistryFeed, sync: Any
) -> None:
    first, _ = await draft(client, stevns, registry, sync)
    later = await client.post(
        "/v1/settlements",
        json={"contract_id": first["contract_id"], "from": "2024-06-01", "to": "2024-09-01"},
        headers=stevns,
    )
    blocked = await client.post(f"/v1/settlements/{later.json()['id']}:approve", json={}, headers=checker)
    assert blocked.status_code == 409
    assert blocked.json()["code"] == "earlier-draft"
    assert (await client.post(f"/v1/settlements/{first['id']}:approve", json={}, headers=checker)).status_code == 200
    assert (
        await client.post(f"/v1/settlements/{later.json()['id']}:approve", json={}, headers=checker)
    ).status_code == 200


async def test_a_crash_mid_approval_leaves_the_draft_a_draft(
    client: httpx.AsyncClient,
    stevns: dict[str, str],
    checker: dict[str, str],
    registry: FakeRegistryFeed,
    sync: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    statement, _ = await draft(client, stevns, registry, sync)

    async def crash(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("process killed after the status update, before the audit row")

    from outcomes.store import settlements as store

    monkeypatch.setattr(store, "insert_transition", crash)
    with pytest.raises(RuntimeError):  # the in-process transport hands the crash to the test
        await client.post(f"/v1/settlements/{statement['id']}:approve", json={}, headers=checker)
    monkeypatch.undo()
    current = (await client.get(f"/v1/settlements/{statement['id']}", headers=stevns)).json()
    assert current["status"] == "draft"
    assert len(current["history"]) == 1


async def app_connection(database: ServiceDatabase) -> asyncpg.Connection:
    connection = await asyncpg.connect(database.app_url)
    await connection.execute("select set_config('app.tenant', '*', false)")
    return connection


async def test_the_database_refuses_to_rewrite_the_ledger_for_the_app_role(
    client: httpx.AsyncClient,
    stevns: dict[str, str],
    checker: dict[str, str],
    registry: FakeRegistryFeed,
    sync: Any,
    outcomes_database: ServiceDatabase,
) -> None:
    statement, _ = await draft(client, stevns, registry, sync)
    await client.post(f"/v1/settlements/{statement['id']}:approve", json={}, headers=checker)
    connection = await app_connection(outcomes_database)
    try:
        for sql in (
            "update settlement_lines set amount = amount + 1 where settlement_id = $1",
            "delete from settlement_lines where settlement_id = $1",
            "update settlements set total = total + 1 where id = $1",
            "update settlements set status = 'draft' where id = $1",
            "delete from settlements where id = $1",
            "delete from settlement_transitions where settlement_id = $1",
        ):
            with pytest.raises(asyncpg.PostgresError):
                await connection.execute(sql, uuid.UUID(statement["id"]))
        with pytest.raises(asyncpg.PostgresError):
            await connection.execute("truncate settlement_lines")
        # Not only the trigger: the app role holds no privilege to change the ledger at all.
        for table in ("settlement_lines", "settlement_transitions"):
            for privilege in ("UPDATE", "DELETE", "TRUNCATE"):
                assert not await connection.fetchval(
                    "select has_table_privilege(current_user, $1, $2)", table, privilege
                ), (table, privilege)
            assert await connection.fetchval("select has_table_privilege(current_user, $1, 'INSERT')", table)
    finally:
        await connection.close()


async def test_verify_passes_and_fails_on_a_row_tampered_with_by_the_owner(
    client: httpx.AsyncClient,
    stevns: dict[str, str],
    jammerbugt: dict[str, str],
    registry: FakeRegistryFeed,
    sync: Any,
    outcomes_database: ServiceDatabase,
) -> None:
    statement, _ = await draft(client, stevns, registry, sync)
    contract_id = statement["contract_id"]
    later = await client.post(
        "/v1/settlements", json={"contract_id": contract_id, "from": "2024-06-01", "to": "2024-09-01"}, headers=stevns
    )
    assert later.status_code == 201
    verified = await client.get("/v1/ledger/verify", params={"contract_id": contract_id}, headers=stevns)
    assert verified.status_code == 200
    rows = len(statement["lines"]) + len(later.json()["lines"])
    assert verified.json() | {"head": None} == {"ok": True, "rows": rows, "first_broken": None, "head": None}
    assert len(verified.json()["head"]) == 64
    assert (
        await client.get("/v1/ledger/verify", params={"contract_id": contract_id}, headers=jammerbugt)
    ).status_code == 404

    owner = await asyncpg.connect(outcomes_database.owner_url)
    try:
        async with owner.transaction():
            # The owner can switch the guard off on purpose; that is what the chain is for.
            await owner.execute("alter table settlement_lines disable trigger settlement_lines_insert_only")
            tampered = await owner.fetchval(
                "update settlement_lines set amount = amount + 100000 "
                "where id = (select min(id) from settlement_lines where contract_id = $1) returning id",
                uuid.UUID(contract_id),
            )
            await owner.execute("alter table settlement_lines enable trigger settlement_lines_insert_only")
    finally:
        await owner.close()
    broken = (await client.get("/v1/ledger/verify", params={"contract_id": contract_id}, headers=stevns)).json()
    assert broken["ok"] is False
    assert broken["rows"] == 1
    assert broken["first_broken"]["row_id"] == tampered
    assert broken["first_broken"]["expected"] != broken["first_broken"]["found"]
