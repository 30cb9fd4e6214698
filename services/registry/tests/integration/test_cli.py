from __future__ import annotations

import asyncio
import csv
import json
import re
import uuid
from pathlib import Path

import asyncpg
import pytest

from devstack.databases import ServiceDatabase
from registry.cli import citizen_from_row, main
from registry.settings import Settings

from ..ads import load, renamed
from ..factories import fake_cpr

COLUMNS = [
    "external_ref",
    "national_id",
    "birth_year",
    "target_group",
    "benefit_type",
    "benefit_monthly_amount",
    "benefit_currency",
    "benefit_since",
    "work_capacity_hours",
    "skills",
    "support_needs",
    "interests",
    "postcode",
    "lat",
    "lon",
    "consent_matching",
    "consent_given_at",
]


def _row(ref: str, national_id: str, hours: str = "12") -> list[str]:
    return [
        ref,
        national_id,
        "",
        "cash_benefit",
        "kontanthjaelp",
        "1277000",
        "DKK",
        "2025-01-01",
        hours,
        "bb:skill:clean-floors:basic;bb:skill:wash-dishes",
        "mentor!;x-sign-language",
        "bb:occupation:kitchen-assistant",
        "4660",
        "55.4",
        "12.3",
        "true",
        "2026-01-10T10:00:00+01:00",
    ]


def test_csv_row_becomes_a_batch_item() -> None:
    item = citizen_from_row(dict(zip(COLUMNS, _row("JC-1", "0101901234"), strict=True)))
    assert item["skills"] == [{"code": "bb:skill:clean-floors", "level": "basic"}, {"code": "bb:skill:wash-dishes"}]
    assert item["support_needs"] == [
        {"code": "mentor", "essential": True},
        {"code": "x-sign-language", "essential": False},
    ]
    assert item["consent"]["matching"] is True
    assert "birth_year" not in item


def test_import_citizens_command(
    tmp_path: Path,
    registry_settings: Settings,
    registry_database: ServiceDatabase,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    municipalities: dict[str, str],
) -> None:
    export = tmp_path / "jobcenter.csv"
    ids = [fake_cpr(), fake_cpr()]
    with export.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerow(_row("CSV-1", ids[0]))
        writer.writerow(_row("CSV-2", ids[1], hours="99"))
        writer.writerow(_row("CSV-3", fake_cpr()))
    monkeypatch.setenv("REGISTRY_DATABASE_URL", registry_database.app_url)
    monkeypatch.delenv("ESCO_DIR", raising=False)  # the file uses starter-vocabulary codes
    monkeypatch.delenv("REGISTRY_ESCO_DIR", raising=False)
    monkeypatch.setenv("REGISTRY_NATIONAL_ID_HMAC_KEY", registry_settings.national_id_hmac_key.get_secret_value())
    keys = {k: v.get_secret_value() for k, v in registry_settings.national_id_encryption_keys.items()}
    monkeypatch.setenv("REGISTRY_NATIONAL_ID_ENCRYPTION_KEYS", json.dumps(keys))
    monkeypatch.setenv("REGISTRY_NATIONAL_ID_ACTIVE_KEY_ID", registry_settings.national_id_active_key_id)
    assert main(["import-citizens", str(export), "--municipality", "DK-0849"]) == 1
    out = capsys.readouterr()
    assert "created 2, updated 0, unchanged 0, rejected 1" in out.out
    assert "line 3: Validation failed (work_capacity_hours)" in out.err
    assert all(i not in out.out + out.err for i in ids)
    assert main(["import-citizens", str(export), "--municipality", "DK-0849"]) == 1
    assert "created 0, updated 0, unchanged 2, rejected 1" in capsys.readouterr().out

    async def stored() -> int:
        conn = await asyncpg.connect(registry_database.owner_url)
        try:
            return int(
                await conn.fetchval(
                    "select count(*) from citizens where external_ref like 'CSV-%' and municipality = 'DK-0849'"
                )
            )
        finally:
            await conn.close()

    assert asyncio.run(stored()) == 2


def test_reencrypt_national_ids_after_a_key_rotation(
    tmp_path: Path,
    registry_settings: Settings,
    registry_database: ServiceDatabase,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    municipalities: dict[str, str],
) -> None:
    export = tmp_path / "rotation.csv"
    national_ids = [fake_cpr() for _ in range(3)]
    with export.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for i, national_id in enumerate(national_ids):
            writer.writerow(_row(f"ROT-{i}", national_id))
    old_keys = {k: v.get_secret_value() for k, v in registry_settings.national_id_encryption_keys.items()}
    monkeypatch.setenv("REGISTRY_DATABASE_URL", registry_database.app_url)
    monkeypatch.delenv("ESCO_DIR", raising=False)
    monkeypatch.delenv("REGISTRY_ESCO_DIR", raising=False)
    monkeypatch.setenv("REGISTRY_NATIONAL_ID_HMAC_KEY", registry_settings.national_id_hmac_key.get_secret_value())
    monkeypatch.setenv("REGISTRY_NATIONAL_ID_ENCRYPTION_KEYS", json.dumps(old_keys))
    monkeypatch.setenv("REGISTRY_NATIONAL_ID_ACTIVE_KEY_ID", registry_settings.national_id_active_key_id)
    assert main(["import-citizens", str(export), "--municipality", "DK-0849"]) == 0
    capsys.readouterr()

    # Roll in a new key and make it active; the old one stays until the re-encryption is done.
    monkeypatch.setenv("REGISTRY_NATIONAL_ID_ENCRYPTION_KEYS", json.dumps({**old_keys, "rotated": "ab" * 32}))
    monkeypatch.setenv("REGISTRY_NATIONAL_ID_ACTIVE_KEY_ID", "rotated")
    assert main(["reencrypt-national-ids"]) == 0
    out = capsys.readouterr().out
    # Every citizen of the database is re-encrypted (the other tests' imports too), none twice.
    assert re.fullmatch(r"re-encrypted \d+ national ids under key 'rotated'\n", out)
    assert all(national_id not in out for national_id in national_ids)

    async def sealed() -> list[asyncpg.Record]:
        conn = await asyncpg.connect(registry_database.owner_url)
        try:
            return list(
                await conn.fetch(
                    "select municipality, national_id_ciphertext, national_id_key_id, version from citizens"
                    " where external_ref like 'ROT-%' order by external_ref"
                )
            )
        finally:
            await conn.close()

    rows = asyncio.run(sealed())
    assert [row["national_id_key_id"] for row in rows] == ["rotated"] * 3
    assert [row["version"] for row in rows] == [1, 1, 1]  # not a change to the person
    new_only = Settings(
        database_url=registry_database.app_url,
        national_id_hmac_key=registry_settings.national_id_hmac_key,
        national_id_encryption_keys={"rotated": "ab" * 32},
        national_id_active_key_id="rotated",
    ).national_id_vault()
    opened = [
        new_only.open(row["national_id_ciphertext"], key_id="rotated", municipality=row["municipality"]) for row in rows
    ]
    assert opened == [national_id.replace("-", "") for national_id in national_ids]
    assert main(["reencrypt-national-ids"]) == 0  # nothing left: a second run is a no-op
    assert "re-encrypted 0 national ids" in capsys.readouterr().out


def test_import_ads_command(
    tmp_path: Path,
    registry_database: ServiceDatabase,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    municipalities: dict[str, str],
) -> None:
    tag = uuid.uuid4().hex[:8]
    ads = tmp_path / "jobnet.jsonl"
    lines = [json.dumps(p, ensure_ascii=False) for p in renamed(load("jobnet_postings.jsonl"), tag, key="ID")]
    ads.write_text("\n".join([*lines, "{not json"]) + "\n", encoding="utf-8")
    monkeypatch.setenv("REGISTRY_DATABASE_URL", registry_database.app_url)
    monkeypatch.delenv("ESCO_DIR", raising=False)
    monkeypatch.delenv("REGISTRY_ESCO_DIR", raising=False)
    assert main(["import-ads", str(ads), "--format", "jobnet-v1"]) == 1
    out = capsys.readouterr()
    assert "created 3, updated 0, unchanged 0, rejected 1" in out.out
    assert "line 4: not JSON" in out.err
    assert main(["import-ads", str(ads), "--format", "jobnet-v1", "--municipality", "DK-0336"]) == 1
    assert "created 0, updated 0, unchanged 1, rejected 3" in capsys.readouterr().out
