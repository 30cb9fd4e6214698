"""signing.py: key loading, stable kids, local key file, JWKS, rotation."""

from __future__ import annotations

import stat
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.rsa import generate_private_key

from gateway.domain.signing import SigningKeyError, SigningKeys, private_pem
from gateway.domain.tokens import issue_token


def test_first_key_signs_and_every_key_is_published() -> None:
    old, new = private_pem(Ed25519PrivateKey.generate()), private_pem(Ed25519PrivateKey.generate())
    keys = SigningKeys.from_pems(new + "\n" + old)
    assert len(keys.jwks()["keys"]) == 2
    assert keys.active.kid == SigningKeys.from_pems(new).active.kid
    old_token = issue_token(
        SigningKeys.from_pems(old),
        client_id="c",
        tenant="*",
        scopes=["admin"],
        issuer="brobygger",
        audience="brobygger-api",
        ttl_seconds=60,
    ).access_token
    published = {jwk["kid"]: jwt.PyJWK(jwk).key for jwk in keys.jwks()["keys"]}
    kid = jwt.get_unverified_header(old_token)["kid"]
    claims = jwt.decode(old_token, published[kid], algorithms=["EdDSA"], audience="brobygger-api")
    assert claims["sub"] == "c"


def test_duplicate_keys_are_published_once() -> None:
    pem = private_pem(Ed25519PrivateKey.generate())
    assert len(SigningKeys.from_pems(pem + pem).keys) == 1


def test_local_key_is_written_once_and_reused(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "signing.pem"
    first = SigningKeys.local(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert SigningKeys.local(path).active.kid == first.active.kid


def test_unusable_keys_are_refused() -> None:
    with pytest.raises(SigningKeyError):
        SigningKeys.from_pems("not a pem")
    rsa = generate_private_key(public_exponent=65537, key_size=2048)
    from cryptography.hazmat.primitives import serialization

    pem = rsa.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    with pytest.raises(SigningKeyError):
        SigningKeys.from_pems(pem)
    with pytest.raises(SigningKeyError):
        SigningKeys.from_pems("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----")
