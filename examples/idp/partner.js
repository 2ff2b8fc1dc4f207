// The partner company's IdP of the demo: the same code as the enterprise IdP (idp.js, createIdp /
// startIdp), started a second time with its own issuer URL, its own signing key, its own users,
// clients and policy. Runtime-neutral (plain data), so Deno and Bun can use it too.
//
// Its user dana has `sub: 'u-1001'` — the same `sub` as alice at the enterprise IdP. A `sub` is
// only unique at its issuer (OIDC Core §2), so an authorization server that trusts both IdPs
// must never take one for the other: idjag's token endpoint then qualifies the access token's
// `sub` as `<IdP iss>#<IdP sub>` and records the IdP in `sub_id` (issue 11).
//
//   const partner = await startIdp({ users: PARTNER_USERS, clients: PARTNER_CLIENTS, policy: PARTNER_POLICY, apps });
//
// DEMO ONLY, like idp.js: the passwords and client secrets below are public.

/** The partner's directory: dana, a contractor. `sub` u-1001 on purpose (alice's at the enterprise IdP). */
export const PARTNER_USERS = Object.freeze([
  { email: 'dana@partner.example', password: 'dana-demo-password', sub: 'u-1001', name: 'Dana', groups: ['contractors'] },
]);

/**
 * The clients registered at the partner IdP (`appClientIds`: the client's id at the files
 * MCP server's authorization server, the ID-JAG's `client_id`).
 */
export const PARTNER_CLIENTS = Object.freeze([
  // The partner's own deployment of the MCP client; the authorization server lets it bring
  // grants from the partner IdP only (allowedIssuers).
  { clientId: 'partner-mcp-client', clientSecret: 'partner-mcp-client-idp-secret', appClientIds: { 'files-mcp': 'partner-mcp-client-at-files' } },
  // The enterprise's deployment, connected here by a partner admin as well: its ID-JAGs name the
  // enterprise's client at the authorization server, which takes that client's grants from the
  // enterprise IdP only — so these are refused there (the demo shows it).
  { clientId: 'mcp-demo-client', clientSecret: 'mcp-demo-client-partner-idp-secret', appClientIds: { 'files-mcp': 'mcp-demo-client-at-files' } },
]);

/** The partner's admin policy (the format of policy.json): contractors may read files, never write. */
export const PARTNER_POLICY = Object.freeze({
  about: 'Admin policy of the demo partner IdP (examples/idp/partner.js): contractors may read files.',
  apps: {
    'files-mcp': {
      description: 'The demo MCP file server; the demo binds its audience and resource when the servers listen.',
      rules: [{ group: 'contractors', scopes: ['files.read'] }],
    },
  },
});
