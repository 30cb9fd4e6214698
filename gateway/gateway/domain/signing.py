"""The token signing keys: the first key signs, every key is published in the JWKS.

Rolling a key: put the new PEM first and keep the old one after it until every token it signed
has expired; then drop it. The `kid` is the key's RFC 7638 thumbprint, so it is stable across
restarts and replicas without any extra configuration.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

PEM_BLOCK = re.compile(r"-----BEGIN [A-Z ]+-----.+?-----END [A-Z ]+-----", re.S)
ALGORITHM = "EdDSA"


class SigningKeyError(ValueError):
    """The configured signing keys cannot be used."""


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private_key: Ed25519PrivateKey

    @property
    def public_jwk(self) -> dict[str, Any]:
        jwk: dict[str, Any] = json.loads(jwt.algorithms.OKPAlgorithm.to_jwk(self.private_key.public_key()))
        jwk.update({"kid": self.kid, "use": "sig", "alg": ALGORITHM})
        return jwk


def thumbprint(public_key: Ed25519PublicKey) -> str:
    """RFC 7638 JWK thumbprint (SHA-256, base64url)."""
    jwk = json.loads(jwt.algorithms.OKPAlgorithm.to_jwk(public_key))
    canonical = json.dumps({"crv": jwk["crv"], "kty": jwk["kty"], "x": jwk["x"]}, separators=(",", ":"))
    digest = hashes.Hash(hashes.SHA256())
    digest.update(canonical.encode())
    return jwt.utils.base64url_encode(digest.finalize()).decode()


def _load_pem(pem: str) -> SigningKey:
    try:
        key = serialization.load_pem_private_key(pem.encode(), password=None)
    except ValueError as exc:
        raise SigningKeyError("a signing key is not a readable unencrypted PEM private key") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyError("signing keys must be Ed25519 (EdDSA) private keys")
    return SigningKey(thumbprint(key.public_key()), key)


def private_pem(key: Ed25519PrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


class SigningKeys:
    """The active signing key and the published set."""

    def __init__(self, keys: list[SigningKey]) -> None:
        if not keys:
            raise SigningKeyError("at least one signing key is needed")
        self.keys = keys

    @property
    def active(self) -> SigningKey:
        return self.keys[0]

    @classmethod
    def from_pems(cls, text: str) -> SigningKeys:
        blocks = PEM_BLOCK.findall(text)
        if not blocks:
            raise SigningKeyError("no PEM block found in the signing keys")
        keys = [_load_pem(block) for block in blocks]
        return cls(list({key.kid: key for key in keys}.values()))

    @classmethod
    def local(cls, path: Path | None) -> SigningKeys:
        """A key for local runs: read from `path`, or generated (and written there, mode 0600)."""
        if path is not None and path.exists():
            return cls.from_pems(path.read_text())
        pem = private_pem(Ed25519PrivateKey.generate())
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(pem)
        return cls.from_pems(pem)

    def jwks(self) -> dict[str, Any]:
        return {"keys": [key.public_jwk for key in self.keys]}

    def sign(self, claims: dict[str, Any]) -> str:
        return jwt.encode(claims, self.active.private_key, algorithm=ALGORITHM, headers={"kid": self.active.kid})
