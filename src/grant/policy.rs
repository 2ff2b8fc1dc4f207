//! The enterprise policy: a declarative JSON document that maps grant claims
//! (groups, roles, subject), issuers and client ids to the scopes allowed per
//! resource. Deny overrides allow; granted = grant ∩ request ∩ policy.
//!
//! ```json
//! { "claims": { "groups": "groups", "roles": "roles" },
//!   "rules": [
//!     { "id": "eng-read", "effect": "allow", "groups": ["engineering"],
//!       "resources": ["https://mcp.example.com/mcp"], "scopes": ["files.read"] },
//!     { "id": "no-contractors", "effect": "deny", "groups": ["contractors"] } ] }
//! ```
//!
//! A rule matches when every condition it names matches (`issuers`, `clients`,
//! `subjects`, `groups`/`roles` — any listed value present in the claim,
//! `resources`); `"*"` in a list matches anything. An allow rule must list its
//! `scopes`; a deny rule without `scopes` refuses the whole request.
//! Validation errors carry the path of the bad field (`policy.rules[2].effect`).

use crate::error::{Error, ErrorCode, quote};
use serde_json::{Map, Value};

const WILDCARD: &str = "*";
const MAX_RULES: usize = 1000;

/// What a policy rule does when it matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// Grants the matching scopes.
    Allow,
    /// Refuses the matching scopes (or the whole request, without a scope list).
    Deny,
}

/// A list condition: `None` = not constrained.
type Condition = Option<Vec<String>>;

/// One rule of an enterprise [`GrantPolicy`]: conditions on the issuer, client, subject, groups,
/// roles and resources, and the scopes it allows or denies.
#[derive(Debug, Clone)]
pub struct Rule {
    /// The rule's id, named in refusals and dropped scopes (`policy:<id>`).
    pub id: String,
    /// Allow or deny.
    pub effect: Effect,
    issuers: Condition,
    clients: Condition,
    subjects: Condition,
    groups: Condition,
    roles: Condition,
    resources: Condition,
    /// `None` on a deny rule = every scope (the whole request).
    scopes: Condition,
}

/// The enterprise policy the verifier applies after every rule of the rulebook (design.md
/// "policy"): deny rules win, then allow rules grant scopes; a scope no rule allows is dropped.
#[derive(Debug, Clone)]
pub struct GrantPolicy {
    groups_claim: String,
    roles_claim: String,
    rules: Vec<Rule>,
}

/// What the policy needs to know about one token request.
#[derive(Debug, Clone, Copy)]
pub struct PolicyInput<'a> {
    /// The grant's verified `iss`.
    pub issuer: &'a str,
    /// The authenticated client.
    pub client_id: &'a str,
    /// The grant's `sub`.
    pub subject: &'a str,
    /// Every verified claim (groups and roles are read from here).
    pub claims: &'a Map<String, Value>,
    /// The resources granted so far.
    pub resources: &'a [String],
    /// Scopes after grant ∩ request.
    pub scopes: &'a [String],
    /// True when the client named the scopes itself (`scope` parameter).
    pub scopes_requested: bool,
}

/// A scope that was in the grant but is not granted, and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DroppedScope {
    /// The scope.
    pub scope: String,
    /// A rule id of the rulebook (`R35`) or of the policy (`policy:<id>`).
    pub rule: String,
}

/// The policy's answer: the scopes granted and those dropped, each with its reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyDecision {
    /// The scopes granted.
    pub scopes: Vec<String>,
    /// The scopes dropped, with the rule that dropped each.
    pub dropped: Vec<DroppedScope>,
}

fn cfg_err(path: &str, msg: &str) -> Error {
    Error::config(format!("{path} {msg}"))
}

fn string_list(v: &Value, path: &str) -> Result<Vec<String>, Error> {
    let Value::Array(items) = v else {
        return Err(cfg_err(path, "must be an array of strings"));
    };
    if items.is_empty() {
        return Err(cfg_err(
            path,
            "must not be empty (omit it to match anything)",
        ));
    }
    items
        .iter()
        .enumerate()
        .map(|(i, item)| match item {
            Value::String(s) if !s.is_empty() => Ok(s.clone()),
            _ => Err(cfg_err(
                &format!("{path}[{i}]"),
                "must be a non-empty string",
            )),
        })
        .collect()
}

fn optional_list(rule: &Map<String, Value>, name: &str, at: &str) -> Result<Condition, Error> {
    rule.get(name)
        .map(|v| string_list(v, &format!("{at}.{name}")))
        .transpose()
}

fn claim_name(doc: &Map<String, Value>, name: &str) -> Result<String, Error> {
    let Some(claims) = doc.get("claims") else {
        return Ok(name.to_owned());
    };
    let Value::Object(claims) = claims else {
        return Err(cfg_err("policy.claims", "must be an object"));
    };
    if let Some(unknown) = claims.keys().find(|k| *k != "groups" && *k != "roles") {
        return Err(cfg_err(
            &format!("policy.claims.{}", quote(unknown)),
            "is not a known member (groups, roles)",
        ));
    }
    match claims.get(name) {
        None => Ok(name.to_owned()),
        Some(Value::String(s)) if !s.is_empty() => Ok(s.clone()),
        Some(_) => Err(cfg_err(
            &format!("policy.claims.{name}"),
            "must be a claim name",
        )),
    }
}

const RULE_MEMBERS: [&str; 9] = [
    "id",
    "effect",
    "issuers",
    "clients",
    "subjects",
    "groups",
    "roles",
    "resources",
    "scopes",
];

fn parse_rule(v: &Value, i: usize) -> Result<Rule, Error> {
    let at = format!("policy.rules[{i}]");
    let Value::Object(r) = v else {
        return Err(cfg_err(&at, "must be an object"));
    };
    if let Some(unknown) = r.keys().find(|k| !RULE_MEMBERS.contains(&k.as_str())) {
        return Err(cfg_err(
            &format!("{at}.{}", quote(unknown)),
            "is not a known member (id, effect, issuers, clients, subjects, groups, roles, resources, scopes)",
        ));
    }
    let id = match r.get("id") {
        None => format!("rules[{i}]"),
        Some(Value::String(s)) if !s.is_empty() => s.clone(),
        Some(_) => return Err(cfg_err(&format!("{at}.id"), "must be a non-empty string")),
    };
    let effect = match r.get("effect") {
        Some(Value::String(s)) if s == "allow" => Effect::Allow,
        Some(Value::String(s)) if s == "deny" => Effect::Deny,
        _ => {
            return Err(cfg_err(
                &format!("{at}.effect"),
                "must be 'allow' or 'deny'",
            ));
        }
    };
    let scopes = optional_list(r, "scopes", &at)?;
    if effect == Effect::Allow && scopes.is_none() {
        return Err(cfg_err(
            &format!("{at}.scopes"),
            "is required on an allow rule (use [\"*\"] for every scope)",
        ));
    }
    if let Some(list) = &scopes
        && let Some((j, bad)) = list.iter().enumerate().find(|(_, s)| {
            *s != WILDCARD && crate::grant::claims::parse_scope(s).map(|v| v.len()) != Some(1)
        })
    {
        return Err(cfg_err(
            &format!("{at}.scopes[{j}]"),
            &format!("{} is not a scope token", quote(bad)),
        ));
    }
    Ok(Rule {
        id,
        effect,
        issuers: optional_list(r, "issuers", &at)?,
        clients: optional_list(r, "clients", &at)?,
        subjects: optional_list(r, "subjects", &at)?,
        groups: optional_list(r, "groups", &at)?,
        roles: optional_list(r, "roles", &at)?,
        resources: optional_list(r, "resources", &at)?,
        scopes,
    })
}

impl GrantPolicy {
    /// Validate a policy document (the JSON `policy` of the options, shown in this module's
    /// documentation); every ERR_CONFIG names the path of the bad field
    /// (`policy.rules[2].effect`). Give the result to [`crate::VerifierBuilder::policy`].
    pub fn from_value(doc: &Value) -> Result<GrantPolicy, Error> {
        let Value::Object(doc) = doc else {
            return Err(cfg_err("policy", "must be an object"));
        };
        if let Some(unknown) = doc.keys().find(|k| *k != "claims" && *k != "rules") {
            return Err(cfg_err(
                &format!("policy.{}", quote(unknown)),
                "is not a known member (claims, rules)",
            ));
        }
        let groups_claim = claim_name(doc, "groups")?;
        let roles_claim = claim_name(doc, "roles")?;
        let Some(Value::Array(rules)) = doc.get("rules") else {
            return Err(cfg_err("policy.rules", "must be an array of rules"));
        };
        if rules.len() > MAX_RULES {
            return Err(cfg_err(
                "policy.rules",
                &format!("must not exceed {MAX_RULES} rules"),
            ));
        }
        let rules = rules
            .iter()
            .enumerate()
            .map(|(i, r)| parse_rule(r, i))
            .collect::<Result<Vec<_>, _>>()?;
        for (i, r) in rules.iter().enumerate() {
            if rules.iter().take(i).any(|o| o.id == r.id) {
                return Err(cfg_err(&format!("policy.rules[{i}].id"), "is used twice"));
            }
        }
        Ok(GrantPolicy {
            groups_claim,
            roles_claim,
            rules,
        })
    }

    /// The same as [`GrantPolicy::from_value`] (its earlier name).
    pub fn parse(doc: &Value) -> Result<GrantPolicy, Error> {
        GrantPolicy::from_value(doc)
    }

    /// Deny overrides allow. Errors: ERR_POLICY when no allow rule matches or a
    /// deny rule refuses the whole request, or every scope of the grant is
    /// dropped; ERR_SCOPE when a scope the client asked for is not allowed.
    pub fn decide(&self, input: &PolicyInput) -> Result<PolicyDecision, Error> {
        let groups = claim_values(input.claims, &self.groups_claim);
        let roles = claim_values(input.claims, &self.roles_claim);
        let matching: Vec<&Rule> = self
            .rules
            .iter()
            .filter(|r| r.matches_principal(input, &groups, &roles))
            .collect();
        // A grant without resource is judged as one request for "no resource":
        // only rules without a `resources` condition apply.
        let resources: Vec<Option<&String>> = if input.resources.is_empty() {
            vec![None]
        } else {
            input.resources.iter().map(Some).collect()
        };
        for resource in &resources {
            let on: Vec<&&Rule> = matching
                .iter()
                .filter(|r| r.matches_resource(*resource))
                .collect();
            if let Some(deny) = on
                .iter()
                .find(|r| r.effect == Effect::Deny && r.scopes.is_none())
            {
                return Err(policy_err(&format!(
                    "refused by policy rule {}",
                    quote(&deny.id)
                )));
            }
            if !on.iter().any(|r| r.effect == Effect::Allow) {
                return Err(policy_err(
                    "no policy rule allows this client and user for the resource",
                ));
            }
        }
        let mut scopes = Vec::new();
        let mut dropped = Vec::new();
        for scope in input.scopes {
            // A scope must be allowed for every resource the token will name.
            let verdict = resources.iter().find_map(|res| {
                let on = matching.iter().filter(|r| r.matches_resource(*res));
                scope_verdict(on, scope).err()
            });
            match verdict {
                None => scopes.push(scope.clone()),
                Some(rule) if input.scopes_requested => {
                    return Err(Error::claim(
                        ErrorCode::Scope,
                        "scope",
                        format!(
                            "requested scope {} is not allowed by {}",
                            quote(scope),
                            rule
                        ),
                    ));
                }
                Some(rule) => dropped.push(DroppedScope {
                    scope: scope.clone(),
                    rule,
                }),
            }
        }
        if scopes.is_empty() && !input.scopes.is_empty() {
            return Err(policy_err("policy allows none of the grant's scopes"));
        }
        Ok(PolicyDecision { scopes, dropped })
    }
}

/// Ok when some matching allow rule lists the scope and no matching deny
/// rule does; Err(the rule that decided) otherwise.
fn scope_verdict<'r>(rules: impl Iterator<Item = &'r &'r Rule>, scope: &str) -> Result<(), String> {
    let mut allowed = false;
    for r in rules {
        let listed = r
            .scopes
            .as_ref()
            .is_none_or(|list| list.iter().any(|s| s == scope || s == WILDCARD));
        match r.effect {
            Effect::Deny if listed => return Err(format!("policy:{}", r.id)),
            Effect::Allow if listed => allowed = true,
            _ => {}
        }
    }
    if allowed {
        Ok(())
    } else {
        Err("policy:no-allow".to_owned())
    }
}

fn policy_err(msg: &str) -> Error {
    Error::new(ErrorCode::Policy, msg)
}

/// A claim that carries groups or roles: one string, or an array of strings
/// (other element types are ignored: they can never match a listed name).
fn claim_values<'a>(claims: &'a Map<String, Value>, name: &str) -> Vec<&'a str> {
    match claims.get(name) {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

fn one_of(cond: &Condition, value: &str) -> bool {
    cond.as_ref()
        .is_none_or(|list| list.iter().any(|v| v == WILDCARD || v == value))
}

fn any_of(cond: &Condition, values: &[&str]) -> bool {
    cond.as_ref().is_none_or(|list| {
        list.iter()
            .any(|v| v == WILDCARD || values.iter().any(|have| have == v))
    })
}

impl Rule {
    fn matches_principal(&self, input: &PolicyInput, groups: &[&str], roles: &[&str]) -> bool {
        one_of(&self.issuers, input.issuer)
            && one_of(&self.clients, input.client_id)
            && one_of(&self.subjects, input.subject)
            && any_of(&self.groups, groups)
            && any_of(&self.roles, roles)
    }

    fn matches_resource(&self, resource: Option<&String>) -> bool {
        match (&self.resources, resource) {
            (None, _) => true,
            (Some(list), Some(r)) => list.iter().any(|v| v == WILDCARD || v == r),
            (Some(_), None) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const MCP: &str = "https://mcp.example.com/mcp";

    fn policy() -> GrantPolicy {
        GrantPolicy::parse(&json!({
            "claims": { "groups": "groups" },
            "rules": [
                { "id": "eng-read", "effect": "allow", "groups": ["engineering"], "resources": [MCP], "scopes": ["files.read"] },
                { "id": "admins", "effect": "allow", "groups": ["admins"], "resources": [MCP], "scopes": ["*"] },
                { "id": "no-write-for-bots", "effect": "deny", "clients": ["bot"], "scopes": ["files.write"] },
                { "id": "no-contractors", "effect": "deny", "groups": ["contractors"] }
            ]
        }))
        .unwrap()
    }

    fn decide(
        groups: Value,
        client: &str,
        scopes: &[&str],
        requested: bool,
    ) -> Result<PolicyDecision, Error> {
        let claims = json!({ "groups": groups }).as_object().cloned().unwrap();
        let scopes: Vec<String> = scopes.iter().map(|s| s.to_string()).collect();
        policy().decide(&PolicyInput {
            issuer: "https://idp.example.com",
            client_id: client,
            subject: "u1",
            claims: &claims,
            resources: &[MCP.to_owned()],
            scopes: &scopes,
            scopes_requested: requested,
        })
    }

    #[test]
    fn narrows_to_what_the_policy_allows() {
        let d = decide(
            json!(["engineering"]),
            "c",
            &["files.read", "files.write"],
            false,
        )
        .unwrap();
        assert_eq!(d.scopes, vec!["files.read"]);
        assert_eq!(
            d.dropped,
            vec![DroppedScope {
                scope: "files.write".into(),
                rule: "policy:no-allow".into()
            }]
        );
        let d = decide(
            json!(["engineering", "admins"]),
            "c",
            &["files.read", "files.write"],
            false,
        )
        .unwrap();
        assert_eq!(d.scopes, vec!["files.read", "files.write"]);
    }

    #[test]
    fn deny_overrides_allow() {
        let d = decide(
            json!(["admins"]),
            "bot",
            &["files.read", "files.write"],
            false,
        )
        .unwrap();
        assert_eq!(d.dropped[0].rule, "policy:no-write-for-bots");
        let e = decide(
            json!(["admins", "contractors"]),
            "c",
            &["files.read"],
            false,
        )
        .unwrap_err();
        assert_eq!(e.code(), ErrorCode::Policy);
    }

    #[test]
    fn explicit_request_outside_policy_is_err_scope_and_nothing_allowed_is_err_policy() {
        let e = decide(json!("engineering"), "c", &["files.write"], true).unwrap_err();
        assert_eq!(e.code(), ErrorCode::Scope);
        let e = decide(json!(["sales"]), "c", &["files.read"], false).unwrap_err();
        assert_eq!(e.code(), ErrorCode::Policy);
        let e = decide(json!(["engineering"]), "c", &["files.write"], false).unwrap_err();
        assert_eq!(e.code(), ErrorCode::Policy);
    }

    #[test]
    fn errors_name_the_path() {
        let cases = [
            (
                json!({"rules": [{"effect": "allow"}]}),
                "policy.rules[0].scopes",
            ),
            (
                json!({"rules": [{"effect": "permit", "scopes": ["a"]}]}),
                "policy.rules[0].effect",
            ),
            (
                json!({"rules": [{"effect": "deny"}, {"effect": "allow", "scopes": ["a b"]}]}),
                "policy.rules[1].scopes[0]",
            ),
            (
                json!({"rules": [{"effect": "deny", "group": ["x"]}]}),
                "policy.rules[0].\"group\"",
            ),
            (
                json!({"rules": [], "claims": {"groups": 3}}),
                "policy.claims.groups",
            ),
            (json!({"rule": []}), "policy.\"rule\""),
            (
                json!({"rules": [{"effect": "deny", "groups": []}]}),
                "policy.rules[0].groups",
            ),
        ];
        for (doc, path) in cases {
            let e = GrantPolicy::parse(&doc).unwrap_err();
            assert_eq!(e.code(), ErrorCode::Config);
            assert!(e.message().starts_with(path), "{path}: {}", e.message());
        }
    }
}
