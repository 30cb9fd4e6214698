"""Rolling the signing key: old tokens verify while the old key is still published."""

from __future__ import annotations

from typing import Any

import httpx
import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from gateway.domain.signing import SigningKeys, private_pem


async def test_old_tokens_verify_while_the_old_key_is_published(
    client: httpx.AsyncClient,
    start_gateway: Any,
    stubs: dict[str, Any],
    signing_pem: str,
    signing_keys: SigningKeys,
    admin_credentials: tuple[str, str],
    get_token: Any,
) -> None:
    new_pem = private_pem(Ed25519PrivateKey.generate())
    new_kid = SigningKeys.from_pems(new_pem).active.kid
    rotated = start_gateway(stubs, signing_keys=new_pem + signing_pem, wait=False)
    retired = start_gateway(stubs, signing_keys=new_pem, wait=False)
    rotated.wait_ready()
    retired.wait_ready()
    old_token = await get_token(client, *admin_credentials)
    old_headers = {"Authorization": f"Bearer {old_token}"}
    assert jwt.get_unverified_header(old_token)["kid"] == signing_keys.active.kid

    async with httpx.AsyncClient(base_url=rotated.url) as http:
        published = {key["kid"] for key in (await http.get("/.well-known/jwks.json")).json()["keys"]}
        assert published == {new_kid, signing_keys.active.kid}
        assert (await http.get("/v1/citizens", headers=old_headers)).status_code == 200
        assert (await http.get("/v1/clients", headers=old_headers)).status_code == 200
        new_token = await get_token(http, *admin_credentials)
        assert jwt.get_unverified_header(new_token)["kid"] == new_kid

    async with httpx.AsyncClient(base_url=retired.url) as http:
        assert (await http.get("/v1/citizens", headers=old_headers)).status_code == 401
        assert (await http.get("/v1/clients", headers=old_headers)).status_code == 401
        new_headers = {"Authorization": f"Bearer {new_token}"}
        assert (await http.get("/v1/citizens", headers=new_headers)).status_code == 200
