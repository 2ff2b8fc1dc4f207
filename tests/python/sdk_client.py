"""The MCP Python SDK's own ID-JAG client against idjag's demo servers.

Run by tests/python/sdk-python.test.mjs (node), which starts the demo IdP, the authorization
server and the MCP server (examples/idp, examples/mcp-server) on loopback ports and passes
their URLs as one JSON argument. Prints one JSON object per scenario on stdout:

  {"scenario": "...", "ok": true|false, ...details}

Scenarios:
  metadata   the AS metadata parses with the SDK's OAuthMetadata model (mcp.shared.auth)
  call       IdentityAssertionOAuthProvider: its assertion callback logs in at the demo IdP and
             trades the ID token for an ID-JAG (RFC 8693) over HTTP; the provider discovers the
             AS from the configured issuer, exchanges the ID-JAG at idjag's token endpoint
             (RFC 7523 jwt-bearer) and the MCP tool read_file is called with the access token
  replay     a second provider presents the ID-JAG the first one already used: the token
             endpoint refuses it (invalid_grant), the SDK raises, no tool is called

Nothing printed contains a token.
"""

import asyncio
import json
import sys

import httpx2

from mcp.client.auth import OAuthTokenError
from mcp.client.auth.extensions.identity_assertion import IdentityAssertionOAuthProvider
from mcp.client.client import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client
from mcp.shared.auth import OAuthClientInformationFull, OAuthMetadata, OAuthToken

TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"
ID_JAG = "urn:ietf:params:oauth:token-type:id-jag"
ID_TOKEN = "urn:ietf:params:oauth:token-type:id_token"


class MemoryStorage:
    """The SDK's TokenStorage protocol, in memory."""

    def __init__(self) -> None:
        self.tokens: OAuthToken | None = None
        self.client_info: OAuthClientInformationFull | None = None

    async def get_tokens(self) -> OAuthToken | None:
        return self.tokens

    async def set_tokens(self, tokens: OAuthToken) -> None:
        self.tokens = tokens

    async def get_client_info(self) -> OAuthClientInformationFull | None:
        return self.client_info

    async def set_client_info(self, client_info: OAuthClientInformationFull) -> None:
        self.client_info = client_info


async def fetch_id_jag(cfg: dict, audience: str, resource: str) -> str:
    """Leg 1, outside the SDK: the demo IdP's password login, then the RFC 8693 token exchange."""
    idp = cfg["idp"]
    auth = (idp["clientId"], idp["clientSecret"])
    async with httpx2.AsyncClient(timeout=10) as http:
        login = await http.post(idp["loginEndpoint"], auth=auth, data={"username": cfg["user"]["email"], "password": cfg["user"]["password"]})
        login.raise_for_status()
        exchange = await http.post(
            idp["tokenEndpoint"],
            auth=auth,
            data={
                "grant_type": TOKEN_EXCHANGE,
                "requested_token_type": ID_JAG,
                "audience": audience,
                "resource": resource,
                "scope": cfg["scope"],
                "subject_token": login.json()["id_token"],
                "subject_token_type": ID_TOKEN,
            },
        )
        exchange.raise_for_status()
        body = exchange.json()
        assert body["issued_token_type"] == ID_JAG, body.get("issued_token_type")
        return body["access_token"]


def provider(cfg: dict, assertion_provider) -> IdentityAssertionOAuthProvider:
    return IdentityAssertionOAuthProvider(
        server_url=cfg["mcpServerUrl"],
        storage=MemoryStorage(),
        client_id=cfg["client"]["clientId"],
        client_secret=cfg["client"]["clientSecret"],
        issuer=cfg["issuer"],
        assertion_provider=assertion_provider,
        scope=cfg["scope"],
        token_endpoint_auth_method=cfg["client"].get("authMethod", "client_secret_basic"),
    )


async def call_tool(cfg: dict, auth: IdentityAssertionOAuthProvider) -> str:
    http = create_mcp_http_client(auth=auth)
    async with http:
        async with Client(streamable_http_client(cfg["mcpServerUrl"], http_client=http)) as client:
            result = await client.call_tool("read_file", {"path": "welcome.txt"})
            if result.is_error:
                raise RuntimeError(f"tool error: {result.content}")
            return "".join(getattr(c, "text", "") for c in result.content)


async def main() -> int:
    cfg = json.loads(sys.argv[1])
    results = []

    # metadata: what the SDK's model makes of the AS metadata document.
    async with httpx2.AsyncClient(timeout=10) as http:
        raw = (await http.get(f"{cfg['issuer']}/.well-known/oauth-authorization-server")).content
    try:
        asm = OAuthMetadata.model_validate_json(raw)
        results.append({"scenario": "metadata", "ok": True, "token_endpoint": str(asm.token_endpoint)})
    except Exception as e:  # pydantic.ValidationError
        results.append({"scenario": "metadata", "ok": False, "error": str(e)[:500]})

    # call: the whole flow through the SDK's provider.
    used: list[str] = []
    audiences: list[list[str]] = []

    async def first(audience: str, resource: str) -> str:
        audiences.append([audience, resource])
        grant = await fetch_id_jag(cfg, audience, resource)
        used.append(grant)
        return grant

    try:
        text = await call_tool(cfg, provider(cfg, first))
        results.append({"scenario": "call", "ok": True, "text": text, "assertion_requests": audiences})
    except Exception as e:
        results.append({"scenario": "call", "ok": False, "error": f"{type(e).__name__}: {e}"[:500], "assertion_requests": audiences})

    # replay: the same ID-JAG again, from a fresh provider (no cached access token).
    async def replayed(audience: str, resource: str) -> str:
        if not used:
            raise RuntimeError("no ID-JAG from the call scenario to replay")
        return used[0]

    try:
        text = await call_tool(cfg, provider(cfg, replayed))
        results.append({"scenario": "replay", "ok": True, "text": text})
    except BaseException as e:  # the SDK's OAuthTokenError, possibly inside an exception group
        errors = list(getattr(e, "exceptions", [])) or [e]
        while any(hasattr(x, "exceptions") for x in errors):
            errors = [y for x in errors for y in (getattr(x, "exceptions", None) or [x])]
        token_errors = [x for x in errors if isinstance(x, OAuthTokenError)]
        message = str(token_errors[0] if token_errors else errors[0])
        results.append({
            "scenario": "replay",
            "ok": False,
            "token_error": bool(token_errors),
            "error": message[:500],
        })

    for r in results:
        print(json.dumps(r), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
