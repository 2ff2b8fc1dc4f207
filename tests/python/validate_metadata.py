"""Fetches an RFC 8414 document and validates it with the MCP Python SDK's OAuthMetadata model
(what IdentityAssertionOAuthProvider does during discovery). Prints {"ok": ..., "error"?: ...}."""

import json
import sys

import httpx2

from mcp.shared.auth import OAuthMetadata

url = json.loads(sys.argv[1])["url"]
raw = httpx2.get(url, timeout=10).content
try:
    OAuthMetadata.model_validate_json(raw)
    print(json.dumps({"ok": True}))
except Exception as e:  # pydantic.ValidationError
    print(json.dumps({"ok": False, "error": str(e)[:1000]}))
