"""Local secrets for `make run`: generated once, kept in .run/secrets.json so restarts keep data readable."""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey


def _signing_key_pem() -> str:
    key = Ed25519PrivateKey.generate()
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def generate() -> dict[str, Any]:
    return {
        "signing_key_pem": _signing_key_pem(),
        "national_id_hmac_key": secrets.token_hex(32),
        "national_id_encryption_keys": {"k1": secrets.token_hex(32)},
        "national_id_active_key_id": "k1",
        "cursor_key": secrets.token_hex(32),
        "admin_client_id": "admin-" + secrets.token_hex(4),
        "admin_client_secret": secrets.token_urlsafe(32),
    }


def load_or_create(path: Path | None) -> dict[str, Any]:
    """Read the local secrets file, creating it (mode 600) on first use; None: fresh, not kept."""
    if path is None:
        return generate()
    if path.exists():
        return dict(json.loads(path.read_text()))
    values = generate()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(values, handle, indent=2)
    return values
