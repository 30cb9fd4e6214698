from __future__ import annotations

from servicekit.logging import redact_personal_data


def test_national_id_keys_and_shapes_are_redacted() -> None:
    event = {
        "event": "citizen synced 010190-1234 and 19900101-1239",
        "national_id": "0101901234",
        "client_secret": "s3cret",
        "nested": {"cpr": "0101901234", "ok": "fine"},
    }
    out = redact_personal_data(None, "info", event)
    assert "0101901234" not in str(out)
    assert "010190-1234" not in str(out)
    assert "19900101-1239" not in str(out)
    assert "s3cret" not in str(out)
    assert out["nested"]["ok"] == "fine"
