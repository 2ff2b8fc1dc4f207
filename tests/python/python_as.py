"""The MCP Python SDK's own authorization server, with its ID-JAG (jwt-bearer) grant enabled.

Run by tests/python/sdk-python.test.mjs to check idjag's client helpers (`exchangeIdJag`)
against it. The SDK does the HTTP side (routes, client authentication, the jwt-bearer request
model, error responses); the SDK leaves validating the ID-JAG to the provider hook
`exchange_identity_assertion`, which here is a small but real check with PyJWT: signature
with the IdP's JWKS (ES256), `typ` oauth-id-jag+jwt, `iss`, `aud` = this issuer, `client_id` =
the authenticated client, `resource`, expiry, single-use `jti`.

  python python_as.py '{"idpIssuer": "...", "clientId": "...", "clientSecret": "...", "resource": "..."}'

Binds 127.0.0.1 on a free port and prints one line `{"issuer": "<its metadata issuer>"}` when
it serves. Stops on SIGTERM or when stdin closes.
"""

import asyncio
import json
import secrets
import socket
import sys
import time

import httpx2
import jwt
import uvicorn
from pydantic import AnyHttpUrl
from starlette.applications import Starlette

from mcp.server.auth.provider import (
    AccessToken,
    IdentityAssertionParams,
    OAuthAuthorizationServerProvider,
    TokenError,
)
from mcp.server.auth.routes import create_auth_routes
from mcp.shared.auth import OAuthClientInformationFull, OAuthToken

ID_JAG_TYP = "oauth-id-jag+jwt"


class IdJagProvider(OAuthAuthorizationServerProvider):
    """Only what the jwt-bearer grant needs; the authorization code flow is not offered."""

    def __init__(self, cfg: dict, issuer: str) -> None:
        self.cfg = cfg
        self.issuer = issuer
        self.client = OAuthClientInformationFull(
            client_id=cfg["clientId"],
            client_secret=cfg["clientSecret"],
            redirect_uris=None,
            grant_types=["urn:ietf:params:oauth:grant-type:jwt-bearer"],
            token_endpoint_auth_method="client_secret_basic",
        )
        self.seen_jti: set[str] = set()
        self.tokens: dict[str, AccessToken] = {}
        self._jwks: jwt.PyJWKClient | None = None

    async def get_client(self, client_id: str) -> OAuthClientInformationFull | None:
        return self.client if client_id == self.client.client_id else None

    async def exchange_identity_assertion(self, client: OAuthClientInformationFull, params: IdentityAssertionParams) -> OAuthToken:
        idp = self.cfg["idpIssuer"]
        try:
            header = jwt.get_unverified_header(params.assertion)
            if str(header.get("typ", "")).lower().removeprefix("application/") != ID_JAG_TYP:
                raise TokenError("invalid_grant", "not an ID-JAG")
            async with httpx2.AsyncClient(timeout=5) as http:
                jwks = (await http.get(f"{idp}/jwks")).json()
            key = next(k for k in jwt.PyJWKSet.from_dict(jwks).keys if k.key_id == header.get("kid"))
            claims = jwt.decode(
                params.assertion,
                key=key,
                algorithms=["ES256"],
                audience=self.issuer,
                issuer=idp,
                options={"require": ["iss", "sub", "aud", "exp", "iat", "jti", "client_id"]},
            )
        except TokenError:
            raise
        except Exception as e:
            raise TokenError("invalid_grant", f"the grant is not valid ({type(e).__name__})")
        if claims["client_id"] != client.client_id:
            raise TokenError("invalid_grant", "the grant was issued to another client")
        resource = claims.get("resource")
        if resource != self.cfg["resource"] or (params.resource is not None and params.resource != resource):
            raise TokenError("invalid_target", "unknown resource")
        if claims["jti"] in self.seen_jti:
            raise TokenError("invalid_grant", "the grant was already used")
        self.seen_jti.add(claims["jti"])
        scopes = str(claims.get("scope", "")).split()
        if params.scopes is not None:
            scopes = [s for s in scopes if s in params.scopes]
        token = secrets.token_urlsafe(24)
        self.tokens[token] = AccessToken(
            token=token, client_id=client.client_id, scopes=scopes, expires_at=int(time.time()) + 300,
            resource=resource, subject=claims["sub"],
        )
        return OAuthToken(access_token=token, token_type="Bearer", expires_in=300, scope=" ".join(scopes) or None)

    async def load_access_token(self, token: str) -> AccessToken | None:
        return self.tokens.get(token)


async def main() -> None:
    cfg = json.loads(sys.argv[1])
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    port = sock.getsockname()[1]
    issuer_url = AnyHttpUrl(f"http://127.0.0.1:{port}")
    # The issuer exactly as the SDK's metadata spells it (pydantic adds a trailing slash).
    provider = IdJagProvider(cfg, issuer=str(issuer_url))
    routes = create_auth_routes(provider, issuer_url=issuer_url, identity_assertion_enabled=True)
    app = Starlette(routes=routes)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))

    async def announce() -> None:
        while not server.started:
            await asyncio.sleep(0.02)
        async with httpx2.AsyncClient(timeout=5) as http:
            meta = (await http.get(f"http://127.0.0.1:{port}/.well-known/oauth-authorization-server")).json()
        assert meta["issuer"] == provider.issuer, meta["issuer"]
        print(json.dumps({"issuer": meta["issuer"], "token_endpoint": meta["token_endpoint"]}), flush=True)

    async def watch_stdin() -> None:
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, sys.stdin.read)
        server.should_exit = True

    asyncio.create_task(announce())
    asyncio.create_task(watch_stdin())
    await server.serve(sockets=[sock])


if __name__ == "__main__":
    asyncio.run(main())
