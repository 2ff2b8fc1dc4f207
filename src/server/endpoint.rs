//! The token endpoint's state machine; its documentation and example are on `idjag::server`
//! (src/server/mod.rs).

use crate::error::{Error, ErrorCode, KeySource, KeysNeededReason};
use crate::grant::inspect::{Expect, inspect};
use crate::grant::options::ReplayMode;
use crate::grant::verify::{VerifiedGrant, Verifier, VerifyContext};
use crate::jose::jwk::KeySet;
use crate::server::access_token::{AccessTokenIssuer, MintRequest, MintedAccessToken};
use crate::server::client_auth::{AuthFailure, AuthenticatedClient, ClientRegistry};
use crate::server::token_request::{RawTokenRequest, RequestError, TokenRequest, invalid_request};
use serde_json::{Map, Value, json};

/// Most rounds of "the core asks for keys, the caller brings them" per key source and
/// request (client keys, then the grant issuer's keys): then the answer is final.
const MAX_KEY_ROUNDS: u32 = 2;

/// Values read from a refused (unverified) grant are attacker-chosen: at most this many
/// characters in the audit event.
const MAX_AUDIT_VALUE: usize = 128;

/// What the client sees for each refusal of the grant: generic (design.md "Errors on the
/// wire are generic"); the detailed reason goes to the audit event.
fn grant_description(oauth_error: &str) -> &'static str {
    match oauth_error {
        "invalid_scope" => "the requested scope is not valid",
        "invalid_target" => "the requested resource is not valid",
        _ => "the grant is not valid",
    }
}

/// How the audit event names the user, and whether the host maps subjects.
#[derive(Debug, Clone)]
pub struct EndpointOptions {
    /// Pseudonymise the subject in audit events (`user.hash`, the default) instead of
    /// recording it (`user.id`, and the access token's `sub` as `idjag.access_token.sub`).
    pub hash_subject: bool,
    /// Salt of the subject's pseudonym (see [`hash_subject`]).
    pub salt: String,
    /// The host maps (iss, sub) to a local account: the machine then asks
    /// [`Need::MapSubject`] after the grant verified and before its `jti` is consumed.
    pub map_subject: bool,
}

impl Default for EndpointOptions {
    fn default() -> Self {
        EndpointOptions {
            hash_subject: true,
            salt: String::new(),
            map_subject: false,
        }
    }
}

/// The token endpoint's configuration: the client registry, the grant verifier and the
/// access-token issuer. Shared by every request; each request is an [`Exchange`].
pub struct TokenEndpoint {
    registry: ClientRegistry,
    verifier: Verifier,
    issuer: AccessTokenIssuer,
    options: EndpointOptions,
    /// Issue 11: with several trusted IdPs the token's `sub` is `<iss>#<sub>`.
    qualify_subject: bool,
}

impl TokenEndpoint {
    /// The grants' audience must be the access tokens' issuer (R50 / A2): the server that
    /// accepts the grant is the one that issues the token. ERR_CONFIG otherwise.
    pub fn new(
        registry: ClientRegistry,
        verifier: Verifier,
        issuer: AccessTokenIssuer,
        options: EndpointOptions,
    ) -> Result<TokenEndpoint, Error> {
        Self::check_pairing(&verifier, &issuer)?;
        let qualify_subject = verifier.config().trusts_several_issuers();
        Ok(TokenEndpoint {
            registry,
            verifier,
            issuer,
            options,
            qualify_subject,
        })
    }

    /// The grants' audience is the access tokens' issuer: the one authorization server. The
    /// wasm glue asks this before it reads the clients, so the first error stays the same.
    pub(crate) fn check_pairing(
        verifier: &Verifier,
        issuer: &AccessTokenIssuer,
    ) -> Result<(), Error> {
        if verifier.config().audience != issuer.issuer() {
            return Err(Error::config(
                "options.grants.audience must equal the access token issuer",
            ));
        }
        Ok(())
    }

    /// The client registry (R3–R5).
    pub fn registry(&self) -> &ClientRegistry {
        &self.registry
    }

    /// The grant verifier (R6–R41).
    pub fn verifier(&self) -> &Verifier {
        &self.verifier
    }

    /// The access-token issuer.
    pub fn issuer(&self) -> &AccessTokenIssuer {
        &self.issuer
    }

    /// Install a private_key_jwt client's keys (answering [`Need::ClientKeys`]), usable
    /// until `fresh_until` (seconds since the epoch; `None`: until replaced). Takes `&self`:
    /// an endpoint shared by threads installs keys without a lock of the caller's.
    pub fn set_client_keys(
        &self,
        client_id: &str,
        keys: KeySet,
        fresh_until: Option<f64>,
    ) -> Result<(), Error> {
        self.registry.set_client_keys(client_id, keys, fresh_until)
    }

    /// Install a grant issuer's keys (answering [`Need::IssuerKeys`]), usable until
    /// `fresh_until`. Takes `&self`, as [`Verifier::set_issuer_keys`].
    pub fn set_issuer_keys(
        &self,
        issuer: &str,
        keys: KeySet,
        fresh_until: Option<f64>,
    ) -> Result<(), Error> {
        self.verifier.set_issuer_keys(issuer, keys, fresh_until)
    }

    /// Start one token request, received at `now` (seconds since the epoch). The request
    /// is parsed here (R5a, R1, R2); nothing else runs until [`Exchange::step`].
    pub fn exchange(&self, raw: &RawTokenRequest, now: f64) -> Exchange {
        self.start(TokenRequest::parse(raw), now)
    }

    /// A request whose body could not be read: larger than
    /// [`crate::server::token_request::MAX_BODY_BYTES`], cut off, or not UTF-8 (the caller reads
    /// the body with that cap). Refused by R5a on the first [`Exchange::step`].
    pub fn exchange_unreadable(&self, now: f64) -> Exchange {
        self.start(
            Err(invalid_request(
                "R5a",
                "the request body is too large or unreadable",
            )),
            now,
        )
    }

    fn start(&self, parsed: Result<TokenRequest, RequestError>, now: f64) -> Exchange {
        Exchange {
            now,
            keys_now: None,
            checks: vec!["request"],
            facts: Facts::default(),
            state: State::Parsed(Box::new(parsed)),
            audit: self.options.clone(),
            client: None,
            request: None,
            grant: None,
            local_subject: None,
            pending: None,
        }
    }
}

/// Something the machine needs from the outside world before it can go on. Answer it with
/// [`Exchange::answer`], then call [`Exchange::step`] again.
#[derive(Debug, Clone, PartialEq)]
pub enum Need {
    /// A private_key_jwt client's keys, from its `jwksUri`: load them (a refetch when
    /// `reason` is `UnknownKid`), install them with [`TokenEndpoint::set_client_keys`], and
    /// answer [`Answer::Keys`].
    ClientKeys {
        /// The client whose keys are needed.
        client_id: String,
        /// Its registered `jwksUri`.
        jwks_uri: String,
        /// The assertion's `kid`, when it names one.
        kid: Option<String>,
        /// Why: none installed, past their freshness, or the kid is unknown (refetch).
        reason: KeysNeededReason,
    },
    /// A grant issuer's remote keys (its `jwksUri` or discovered metadata): load them,
    /// install them with [`TokenEndpoint::set_issuer_keys`], and answer [`Answer::Keys`].
    IssuerKeys {
        /// The grant's (configured) issuer.
        issuer: String,
        /// The grant's `kid`, when it names one.
        kid: Option<String>,
        /// Why: none installed, past their freshness, or the kid is unknown (refetch).
        reason: KeysNeededReason,
    },
    /// A client assertion's replay key, to consume in the host's store until `until`
    /// (single use, RFC 7523 §3 item 7). Answer [`Answer::Consumed`].
    ConsumeAssertion {
        /// The opaque replay key (from the client and the assertion's `jti`).
        key: String,
        /// Keep it until then (seconds since the epoch).
        until: f64,
    },
    /// The host's subject mapping ([`EndpointOptions::map_subject`]) for this verified
    /// grant. Answer [`Answer::Subject`].
    MapSubject {
        /// The verified grant (every check but replay passed).
        grant: Box<VerifiedGrant>,
    },
    /// R29: the grant's (iss, jti) to consume in the replay store until `until`; asked only
    /// after every other check passed. Answer [`Answer::Consumed`].
    ConsumeGrant {
        /// The opaque replay key derived from (iss, jti).
        key: String,
        /// Keep it until then: the grant's `exp` plus the clock tolerance (seconds).
        until: f64,
        /// The grant's issuer.
        issuer: String,
        /// The grant's `jti`.
        jti: String,
    },
}

/// How the caller's key loading went ([`Need::ClientKeys`], [`Need::IssuerKeys`]).
#[derive(Debug, Clone, PartialEq)]
pub enum KeysAnswer {
    /// Keys were installed. `changed`: they are another document than the one installed
    /// before (a fetch happened), as opposed to the same document with a new freshness.
    Installed {
        /// Another document than the one installed before.
        changed: bool,
    },
    /// An unknown kid, and the loader gave the document already installed (a refetch is
    /// not allowed yet): the answer is final.
    Unchanged,
    /// Loading failed (the message says why: no secrets, no key material).
    LoadFailed(String),
    /// The loaded document was refused when installed (the message says why).
    Refused(String),
}

/// The replay store's answer ([`Need::ConsumeAssertion`], [`Need::ConsumeGrant`]); defined
/// with the replay rules (src/grant/replay.rs), which the verifier alone uses too.
pub use crate::grant::replay::Consumed;

/// The host's subject mapping ([`Need::MapSubject`]).
#[derive(Debug, Clone, PartialEq)]
pub enum SubjectAnswer {
    /// No mapping: the token's `sub` is the IdP's (qualified with several IdPs).
    Keep,
    /// The local account: the token's `sub`. An empty string is refused (500).
    Local(String),
    /// No local account for this user: the grant is refused.
    NoAccount,
    /// The mapping returned something else than a string, null or nothing (500).
    Invalid,
    /// The mapping failed (the message goes to the audit event, at most 64 characters).
    Failed(String),
}

/// An answer to the pending [`Need`].
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// To [`Need::ClientKeys`] and [`Need::IssuerKeys`].
    Keys(KeysAnswer),
    /// To [`Need::ConsumeAssertion`] and [`Need::ConsumeGrant`].
    Consumed(Consumed),
    /// To [`Need::MapSubject`].
    Subject(SubjectAnswer),
}

/// What [`Exchange::step`] returns: a need to answer, or the final decision.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// Perform this, [`Exchange::answer`], and step again.
    Need(Need),
    /// The response and the audit event: the exchange is over.
    Done(Box<Decision>),
}

/// The end of an exchange: the HTTP response to write and the audit event to emit.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    /// The HTTP status: 200, or the RFC 6749 §5.2 error's (400, 401, 405, 500).
    pub status: u16,
    /// Response headers, lower-case names: `content-type`, `cache-control`, `pragma`, and
    /// `www-authenticate` (a Basic client refused) or `allow` (not POST) when due.
    pub headers: Vec<(&'static str, String)>,
    /// The JSON body, as text.
    pub body: String,
    /// The audit event (OpenTelemetry-style attribute names), token-free; the subject is
    /// pseudonymised unless [`EndpointOptions::hash_subject`] is false.
    pub event: Map<String, Value>,
    /// The minted token's facts (200 only).
    pub minted: Option<MintedAccessToken>,
}

impl Decision {
    /// Did the request get an access token?
    pub fn is_success(&self) -> bool {
        self.status == 200
    }
}

/// The facts an audit event records, gathered as the checks run.
#[derive(Debug, Clone, Default)]
struct Facts {
    client_id: Option<String>,
    auth_method: Option<&'static str>,
    issuer: Option<String>,
    subject: Option<String>,
    jti: Option<String>,
    verified: bool,
    resource: Option<String>,
    granted: Option<Vec<String>>,
    dropped: Option<Value>,
    code: Option<&'static str>,
    access_token_jti: Option<String>,
    access_token_subject: Option<String>,
}

#[derive(Debug)]
enum State {
    Parsed(Box<Result<TokenRequest, RequestError>>),
    Client { round: u32 },
    ClientKeys { round: u32 },
    Assertion,
    Grant { round: u32, fetched: bool },
    IssuerKeys { round: u32, fetched: bool },
    Subject,
    GrantConsume,
    Done(Box<Decision>),
}

/// One token request going through the endpoint. Created by [`TokenEndpoint::exchange`];
/// driven by [`Exchange::step`] and [`Exchange::answer`].
#[derive(Debug)]
pub struct Exchange {
    now: f64,
    keys_now: Option<f64>,
    checks: Vec<&'static str>,
    facts: Facts,
    state: State,
    /// The endpoint's audit options (subject hashing), for the event.
    audit: EndpointOptions,
    client: Option<AuthenticatedClient>,
    request: Option<TokenRequest>,
    grant: Option<VerifiedGrant>,
    local_subject: Option<String>,
    /// The need asked and its answer, once given.
    pending: Option<(Need, Option<Answer>)>,
}

impl Exchange {
    /// The key loader's clock (seconds since the epoch), against which remote keys'
    /// freshness is judged (the loader set it on that clock); by default `now`.
    pub fn set_keys_now(&mut self, keys_now: f64) {
        self.keys_now = Some(keys_now);
    }

    /// The names of the checks that ran so far (the audit event's `idjag.checks`).
    pub fn checks(&self) -> &[&'static str] {
        &self.checks
    }

    /// Answer the need the last [`Exchange::step`] returned. ERR_CONFIG (and nothing
    /// changes) when nothing is pending or the answer does not fit the need.
    pub fn answer(&mut self, answer: Answer) -> Result<(), Error> {
        let fits = matches!(
            (&self.pending, &answer),
            (
                Some((Need::ClientKeys { .. } | Need::IssuerKeys { .. }, None)),
                Answer::Keys(_)
            ) | (
                Some((
                    Need::ConsumeAssertion { .. } | Need::ConsumeGrant { .. },
                    None
                )),
                Answer::Consumed(_)
            ) | (Some((Need::MapSubject { .. }, None)), Answer::Subject(_))
        );
        if !fits {
            return Err(Error::config(
                "this answer does not fit the pending need of the token exchange",
            ));
        }
        if let Some((_, slot)) = &mut self.pending {
            *slot = Some(answer);
        }
        Ok(())
    }

    /// Run until the next need or the decision. Calling it again with the need
    /// unanswered returns the same need; after the decision, the same decision.
    pub fn step(&mut self, endpoint: &TokenEndpoint) -> Step {
        loop {
            if let Some((need, answer)) = self.pending.take() {
                match answer {
                    None => {
                        self.pending = Some((need.clone(), None));
                        return Step::Need(need);
                    }
                    Some(answer) => self.resume(endpoint, need, answer),
                }
                continue;
            }
            let state = std::mem::replace(&mut self.state, State::Client { round: 0 });
            match state {
                State::Done(d) => {
                    self.state = State::Done(d.clone());
                    return Step::Done(d);
                }
                State::Parsed(parsed) => match *parsed {
                    Ok(request) => {
                        self.request = Some(request);
                        self.state = State::Client { round: 0 };
                    }
                    Err(e) => self.refuse_request(&e),
                },
                State::Client { round } => self.authenticate(endpoint, round),
                State::Grant { round, fetched } => self.check_grant(endpoint, round, fetched),
                // Waiting states are left only through `resume`; reaching one here means
                // the pending need was lost: fail closed.
                State::ClientKeys { .. }
                | State::Assertion
                | State::IssuerKeys { .. }
                | State::Subject
                | State::GrantConsume => self.lost(),
            }
        }
    }

    fn ask(&mut self, need: Need, state: State) {
        self.pending = Some((need, None));
        self.state = state;
    }

    fn resume(&mut self, endpoint: &TokenEndpoint, need: Need, answer: Answer) {
        let state = std::mem::replace(&mut self.state, State::Client { round: 0 });
        match (state, need, answer) {
            (
                State::ClientKeys { round },
                Need::ClientKeys { client_id, kid, .. },
                Answer::Keys(keys),
            ) => match keys {
                KeysAnswer::Installed { .. } => self.state = State::Client { round: round + 1 },
                KeysAnswer::Unchanged => {
                    let quoted = serde_json::to_string(kid.as_deref().unwrap_or(""))
                        .unwrap_or_default()
                        .chars()
                        .take(66)
                        .collect::<String>();
                    self.client_keys_failed(
                        &client_id,
                        &format!(
                            "client assertion: no key with kid {quoted} in the client's jwks (not refetched: at most once per 30 s)"
                        ),
                    );
                }
                KeysAnswer::LoadFailed(m) | KeysAnswer::Refused(m) => {
                    self.client_keys_failed(&client_id, &format!("client keys: {m}"));
                }
            },
            (State::Assertion, Need::ConsumeAssertion { .. }, Answer::Consumed(c)) => match c {
                Consumed::Fresh => {
                    self.state = State::Grant {
                        round: 0,
                        fetched: false,
                    }
                }
                Consumed::AlreadyUsed | Consumed::Failed(_) => {
                    let reason = if c == Consumed::AlreadyUsed {
                        "client assertion was already used"
                    } else {
                        "replay store failed"
                    };
                    self.refuse_client(reason);
                }
            },
            (
                State::IssuerKeys { round, fetched },
                Need::IssuerKeys { issuer, .. },
                Answer::Keys(keys),
            ) => match keys {
                KeysAnswer::Installed { changed } => {
                    self.state = State::Grant {
                        round: round + 1,
                        fetched: fetched || changed,
                    };
                }
                KeysAnswer::Unchanged => {
                    // The core's "no key with kid …", with where it looked and what was tried.
                    let tried = if fetched {
                        ", even after fetching it"
                    } else {
                        "; not refetched (at most once per 30 s, or the idp did not answer)"
                    };
                    let mut trace = Vec::new();
                    let err = match self.run_check(endpoint, &mut trace) {
                        Err(e) if e.code() == ErrorCode::Key => Error::new(
                            ErrorCode::Key,
                            format!(
                                "{} in the jwks of {}{tried}",
                                e.message(),
                                js_quote(&issuer)
                            ),
                        ),
                        Err(e) => e,
                        Ok(_) => Error::new(
                            ErrorCode::Key,
                            format!("no usable key in the jwks of {}{tried}", js_quote(&issuer)),
                        ),
                    };
                    self.refuse_grant(&err, &trace);
                }
                KeysAnswer::LoadFailed(m) => self.refuse_grant(
                    &Error::new(
                        ErrorCode::Key,
                        format!("could not load the jwks of {}: {m}", js_quote(&issuer)),
                    ),
                    &[],
                ),
                KeysAnswer::Refused(m) => self.refuse_grant(
                    &Error::new(
                        ErrorCode::Key,
                        format!("the jwks of {} was refused: {m}", js_quote(&issuer)),
                    ),
                    &[],
                ),
            },
            (State::Subject, Need::MapSubject { .. }, Answer::Subject(s)) => match s {
                SubjectAnswer::Keep => self.consume_grant(endpoint),
                SubjectAnswer::Local(sub) if !sub.is_empty() => {
                    self.local_subject = Some(sub);
                    self.consume_grant(endpoint);
                }
                SubjectAnswer::Local(_) | SubjectAnswer::Invalid => self.fail(
                    500,
                    "server_error",
                    "the token could not be issued",
                    Some("ERR_CONFIG"),
                    "mapSubject must return a non-empty string, null or undefined",
                    None,
                ),
                SubjectAnswer::NoAccount => self.fail(
                    400,
                    "invalid_grant",
                    grant_description("invalid_grant"),
                    Some("ERR_POLICY"),
                    "no local account for this subject",
                    None,
                ),
                SubjectAnswer::Failed(m) => {
                    let m: String = m.chars().take(64).collect();
                    self.fail(
                        500,
                        "server_error",
                        "the token could not be issued",
                        Some("ERR_CONFIG"),
                        &format!("mapSubject failed: {m}"),
                        None,
                    );
                }
            },
            (State::GrantConsume, Need::ConsumeGrant { .. }, Answer::Consumed(c)) => {
                match c.grant_verdict() {
                    Ok(()) => self.mint(endpoint),
                    Err(e) => self.fail(
                        400,
                        "invalid_grant",
                        grant_description("invalid_grant"),
                        Some("ERR_REPLAY"),
                        e.message(),
                        None,
                    ),
                }
            }
            _ => self.lost(),
        }
    }

    /// R5a, R1, R2 refused; R3/R5 refusals also name the client_auth check.
    fn refuse_request(&mut self, e: &RequestError) {
        if e.rule == "R3" || e.rule == "R5" {
            self.checks.push("client_auth");
        }
        let mut headers = Vec::new();
        if e.status == 401 && e.basic_challenge {
            headers.push((
                "www-authenticate",
                "Basic realm=\"token\", charset=\"UTF-8\"".to_owned(),
            ));
        }
        if e.status == 405 {
            headers.push(("allow", "POST".to_owned()));
        }
        self.finish_refusal(
            e.status,
            e.oauth_error,
            e.description,
            None,
            &e.reason,
            Some(e.rule),
            headers,
        );
    }

    fn client_keys_failed(&mut self, client_id: &str, reason: &str) {
        self.checks.push("client_auth");
        self.facts.client_id = Some(client_id.to_owned());
        self.refuse_client(reason);
    }

    /// R3–R5: client authentication, asking for the client's keys when they are remote.
    fn authenticate(&mut self, endpoint: &TokenEndpoint, round: u32) {
        let Some(request) = &self.request else {
            return self.lost();
        };
        let keys_now = self.keys_now.unwrap_or(self.now);
        match endpoint
            .registry
            .authenticate_at(&request.credentials, self.now, keys_now)
        {
            Ok(client) => {
                self.checks.push("client_auth");
                self.facts.client_id = Some(client.client_id.clone());
                self.facts.auth_method = Some(client.method.as_str());
                let replay = client.assertion_replay.clone();
                self.client = Some(client);
                match replay {
                    Some((key, until)) => {
                        self.ask(Need::ConsumeAssertion { key, until }, State::Assertion)
                    }
                    None => {
                        self.state = State::Grant {
                            round: 0,
                            fetched: false,
                        }
                    }
                }
            }
            Err(AuthFailure::Refused(e)) => self.refuse_request(&e),
            Err(AuthFailure::KeysNeeded {
                client_id,
                jwks_uri,
                kid,
                reason,
            }) => {
                if round >= MAX_KEY_ROUNDS {
                    return self.client_keys_failed(
                        &client_id,
                        "client assertion: the client's keys do not hold its kid",
                    );
                }
                self.ask(
                    Need::ClientKeys {
                        client_id,
                        jwks_uri,
                        kid,
                        reason,
                    },
                    State::ClientKeys { round },
                );
            }
        }
    }

    fn run_check(
        &self,
        endpoint: &TokenEndpoint,
        trace: &mut Vec<&'static str>,
    ) -> Result<VerifiedGrant, Error> {
        let (Some(request), Some(client)) = (&self.request, &self.client) else {
            return Err(Error::new(
                ErrorCode::Internal,
                "the token exchange lost its state",
            ));
        };
        endpoint.verifier.check_traced(
            &request.assertion,
            &VerifyContext {
                client_id: &client.client_id,
                now: self.now,
                scope: request.scope.as_deref(),
                resource: request.resource.as_deref(),
                keys_now: Some(self.keys_now.unwrap_or(self.now)),
            },
            trace,
        )
    }

    /// R6–R41 and the enterprise policy: every check of the grant but replay; then the
    /// token's single resource (R50) and the client's issuers, before the jti is consumed.
    fn check_grant(&mut self, endpoint: &TokenEndpoint, round: u32, fetched: bool) {
        let mut trace = Vec::new();
        let grant = match self.run_check(endpoint, &mut trace) {
            Ok(g) => g,
            Err(e) => {
                if let Some(needed) = e.needed_keys()
                    && needed.source == KeySource::Issuer
                    && round < MAX_KEY_ROUNDS
                {
                    let need = Need::IssuerKeys {
                        issuer: needed.id.clone(),
                        kid: needed.kid.clone(),
                        reason: needed.reason,
                    };
                    return self.ask(need, State::IssuerKeys { round, fetched });
                }
                return self.refuse_grant(&e, &trace);
            }
        };
        self.checks.extend(trace);
        self.facts.issuer = Some(grant.issuer.clone());
        self.facts.subject = Some(grant.subject.clone());
        self.facts.jti = Some(grant.jti.clone());
        self.facts.verified = true;
        self.facts.resource = Some(grant.resources.join(" "));
        self.facts.granted = Some(grant.scopes.clone());
        self.facts.dropped = Some(serde_json::to_value(&grant.dropped_scopes).unwrap_or_default());
        // R50: the token names one MCP server; a grant for several needs the `resource`
        // parameter. Settled before the jti is consumed, so the refusal never burns the
        // grant (R29).
        if grant.resources.len() != 1 {
            let reason = if grant.resources.is_empty() {
                "the grant names no resource"
            } else {
                "the grant names several resources: request one"
            };
            return self.fail(
                400,
                "invalid_target",
                grant_description("invalid_target"),
                Some("ERR_RESOURCE"),
                reason,
                Some("R50"),
            );
        }
        // Issue 11 / R21: the client may be limited to some IdPs (its allowedIssuers),
        // checked before the jti is consumed (R29).
        let client_id = self.client.as_ref().map(|c| c.client_id.as_str());
        if let Err(e) = endpoint
            .registry
            .check_grant_issuer(client_id.unwrap_or(""), &grant.issuer)
        {
            return self.fail(
                400,
                "invalid_grant",
                grant_description("invalid_grant"),
                Some(e.code().code()),
                e.message(),
                Some("R21"),
            );
        }
        if endpoint.options.map_subject {
            let need = Need::MapSubject {
                grant: Box::new(grant.clone()),
            };
            self.grant = Some(grant);
            return self.ask(need, State::Subject);
        }
        self.grant = Some(grant);
        self.consume_grant(endpoint);
    }

    /// R29: only now, with every other check passed, the grant's (iss, jti) is consumed.
    fn consume_grant(&mut self, endpoint: &TokenEndpoint) {
        self.checks.push("replay");
        let Some(grant) = &self.grant else {
            return self.lost();
        };
        if endpoint.verifier.replay_mode() == ReplayMode::Reusable {
            return self.mint(endpoint);
        }
        let need = Need::ConsumeGrant {
            key: grant.replay_key.clone(),
            until: grant.replay_until,
            issuer: grant.issuer.clone(),
            jti: grant.jti.clone(),
        };
        self.ask(need, State::GrantConsume);
    }

    /// R47–R50, A3–A8: the access token for the grant's single resource.
    fn mint(&mut self, endpoint: &TokenEndpoint) {
        self.checks.push("mint");
        let Some(grant) = &self.grant else {
            return self.lost();
        };
        let mut request = MintRequest::from(grant);
        request.local_subject = self.local_subject.clone();
        request.qualify_subject = endpoint.qualify_subject;
        let minted = match endpoint.issuer.mint_for(&request, self.now) {
            Ok(m) => m,
            Err(e) => {
                return self.fail(
                    500,
                    "server_error",
                    "the token could not be issued",
                    Some(e.code().code()),
                    "minting the access token failed",
                    None,
                );
            }
        };
        self.facts.access_token_jti = Some(minted.jti.clone());
        self.facts.access_token_subject = Some(minted.subject.clone());
        // R47–R49: Bearer token, expires_in, the granted scope and resource; no refresh token.
        let mut body = Map::new();
        body.insert("access_token".into(), json!(minted.access_token));
        body.insert("token_type".into(), json!("Bearer"));
        body.insert("expires_in".into(), js_number(minted.expires_in));
        if !minted.scope.is_empty() {
            body.insert("scope".into(), json!(minted.scope));
        }
        body.insert("resource".into(), json!(minted.resource));
        let event = self.event("success", 200, None, None, None);
        self.state = State::Done(Box::new(Decision {
            status: 200,
            headers: response_headers(Vec::new()),
            body: ordered_json(
                &body,
                &[
                    "access_token",
                    "token_type",
                    "expires_in",
                    "scope",
                    "resource",
                ],
            ),
            event,
            minted: Some(minted),
        }));
    }

    /// The grant was refused by the verifier: what can be read from it, marked unverified.
    fn refuse_grant(&mut self, e: &Error, trace: &[&'static str]) {
        self.checks.extend_from_slice(trace);
        if let Some(request) = &self.request {
            let (issuer, subject, jti) = unverified_facts(&request.assertion);
            self.facts.issuer = issuer;
            self.facts.subject = subject;
            self.facts.jti = jti;
        }
        self.facts.verified = false;
        let oauth = e.oauth_error().map_or("invalid_grant", |o| o.as_str());
        self.fail(
            400,
            oauth,
            grant_description(oauth),
            Some(e.code().code()),
            e.message(),
            None,
        );
    }

    fn lost(&mut self) {
        self.fail(
            500,
            "server_error",
            "the token could not be issued",
            Some("ERR_INTERNAL"),
            "the token exchange lost its state",
            None,
        );
    }

    /// R3: client authentication failed (401 invalid_client, the generic description).
    fn refuse_client(&mut self, reason: &str) {
        self.fail(
            401,
            "invalid_client",
            "client authentication failed",
            None,
            reason,
            Some("R3"),
        );
    }

    fn fail(
        &mut self,
        status: u16,
        oauth_error: &'static str,
        description: &'static str,
        code: Option<&'static str>,
        reason: &str,
        rule: Option<&'static str>,
    ) {
        self.finish_refusal(
            status,
            oauth_error,
            description,
            code,
            reason,
            rule,
            Vec::new(),
        );
    }

    #[allow(clippy::too_many_arguments)]
    fn finish_refusal(
        &mut self,
        status: u16,
        oauth_error: &'static str,
        description: &'static str,
        code: Option<&'static str>,
        reason: &str,
        rule: Option<&'static str>,
        headers: Vec<(&'static str, String)>,
    ) {
        self.facts.code = code;
        let body = ordered_json(
            &Map::from_iter([
                ("error".to_owned(), json!(oauth_error)),
                ("error_description".to_owned(), json!(description)),
            ]),
            &["error", "error_description"],
        );
        let event = self.event_with(status, oauth_error, reason, rule);
        self.state = State::Done(Box::new(Decision {
            status,
            headers: response_headers(headers),
            body,
            event,
            minted: None,
        }));
    }

    fn event_with(
        &self,
        status: u16,
        oauth_error: &'static str,
        reason: &str,
        rule: Option<&'static str>,
    ) -> Map<String, Value> {
        self.event("failure", status, Some(oauth_error), Some(reason), rule)
    }
}

impl Exchange {
    /// The audit event (the one `onDecision` receives): one per decision, accepted or
    /// refused; the detailed reason goes here, never to the client.
    fn event(
        &self,
        outcome: &str,
        status: u16,
        oauth_error: Option<&str>,
        reason: Option<&str>,
        rule: Option<&str>,
    ) -> Map<String, Value> {
        let f = &self.facts;
        let mut e = Map::new();
        e.insert("event.name".into(), json!("idjag.token_request"));
        e.insert("event.outcome".into(), json!(outcome));
        e.insert("time".into(), json!(iso_time(self.now)));
        e.insert("http.response.status_code".into(), json!(status));
        e.insert("idjag.checks".into(), json!(self.checks));
        if outcome == "failure" {
            e.insert("error.type".into(), json!(f.code.or(oauth_error)));
            e.insert("oauth.error".into(), json!(oauth_error));
            if let Some(r) = reason.filter(|r| !r.is_empty()) {
                e.insert("idjag.reason".into(), json!(r));
            }
            if let Some(r) = rule {
                e.insert("idjag.rule".into(), json!(r));
            }
        }
        if let Some(c) = f.client_id.as_deref().filter(|c| !c.is_empty()) {
            e.insert("oauth.client.id".into(), json!(bounded(c)));
        }
        if let Some(m) = f.auth_method {
            e.insert("oauth.client.auth_method".into(), json!(m));
        }
        let issuer = f.issuer.as_deref().filter(|s| !s.is_empty());
        let subject = f.subject.as_deref().filter(|s| !s.is_empty());
        let jti = f.jti.as_deref().filter(|s| !s.is_empty());
        if let Some(i) = issuer {
            e.insert("idjag.grant.issuer".into(), json!(i));
        }
        if let Some(j) = jti {
            e.insert("idjag.grant.jti".into(), json!(j));
        }
        if let Some(s) = subject {
            if self.audit.hash_subject {
                e.insert(
                    "user.hash".into(),
                    json!(hash_subject(issuer.unwrap_or(""), s, &self.audit.salt)),
                );
            } else {
                e.insert("user.id".into(), json!(s));
            }
        }
        if issuer.is_some() || subject.is_some() || jti.is_some() {
            e.insert("idjag.grant.verified".into(), json!(f.verified));
        }
        if let Some(r) = f.resource.as_deref().filter(|r| !r.is_empty()) {
            e.insert("idjag.resource".into(), json!(r));
        }
        if let Some(g) = &f.granted {
            e.insert("idjag.scopes.granted".into(), json!(g));
        }
        if let Some(d) = &f.dropped {
            e.insert("idjag.scopes.dropped".into(), d.clone());
        }
        if let Some(j) = &f.access_token_jti {
            e.insert("idjag.access_token.jti".into(), json!(j));
        }
        // Issue 11: the subject the MCP servers see. Like user.id, it names the user: only
        // when subjects are not hashed.
        if let Some(s) = &f.access_token_subject
            && !self.audit.hash_subject
        {
            e.insert("idjag.access_token.sub".into(), json!(s));
        }
        e
    }
}

/// The audit event's pseudonymous subject: b64url(sha256(salt ‖ 0 ‖ iss ‖ 0 ‖ sub ‖ 0)).
pub fn hash_subject(issuer: &str, subject: &str, salt: &str) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for part in [salt, issuer, subject] {
        h.update(part.as_bytes());
        h.update([0u8]);
    }
    crate::jose::jws::encode_b64url(&h.finalize())
}

/// Every answer is JSON, never cached (RFC 6749 §5.1).
fn response_headers(extra: Vec<(&'static str, String)>) -> Vec<(&'static str, String)> {
    let mut h = vec![
        ("content-type", "application/json".to_owned()),
        ("cache-control", "no-store".to_owned()),
        ("pragma", "no-cache".to_owned()),
    ];
    h.extend(extra);
    h
}

/// `members` of `map` in that order, as JSON text (what `JSON.stringify` writes for an
/// object built in that order).
fn ordered_json(map: &Map<String, Value>, members: &[&str]) -> String {
    let mut out = String::from("{");
    for name in members {
        if let Some(v) = map.get(*name) {
            if out.len() > 1 {
                out.push(',');
            }
            out.push_str(&Value::from(*name).to_string());
            out.push(':');
            out.push_str(&v.to_string());
        }
    }
    out.push('}');
    out
}

/// A number as JSON writes it in JavaScript: integral values without a fraction.
fn js_number(n: f64) -> Value {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        json!(n as i64)
    } else {
        json!(n)
    }
}

/// Issuer identifiers in messages: at most 64 characters (our configuration, kept short).
fn js_quote(s: &str) -> String {
    if s.chars().count() > 64 {
        format!("{}…", s.chars().take(64).collect::<String>())
    } else {
        s.to_owned()
    }
}

/// Attacker-chosen values in the audit event: at most `MAX_AUDIT_VALUE` characters.
fn bounded(v: &str) -> String {
    if v.chars().count() > MAX_AUDIT_VALUE {
        format!("{}…", v.chars().take(MAX_AUDIT_VALUE).collect::<String>())
    } else {
        v.to_owned()
    }
}

/// What can be read from a refused grant without verifying it: `iss`, `sub`, `jti` when
/// they are strings, bounded.
fn unverified_facts(assertion: &str) -> (Option<String>, Option<String>, Option<String>) {
    let inspection = inspect(assertion, &Expect::default());
    let Some(claims) = inspection.claims else {
        return (None, None, None);
    };
    let get = |name: &str| claims.get(name).and_then(Value::as_str).map(bounded);
    (get("iss"), get("sub"), get("jti"))
}

/// Seconds since the epoch as an ISO 8601 UTC time with milliseconds (what JavaScript's
/// `Date.prototype.toISOString` writes).
fn iso_time(sec: f64) -> String {
    let ms = (sec * 1000.0).floor();
    let ms = if ms.is_finite() { ms as i64 } else { 0 };
    let days = ms.div_euclid(86_400_000);
    let rem = ms.rem_euclid(86_400_000);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3_600_000,
        rem / 60_000 % 60,
        rem / 1000 % 60,
        rem % 1000
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_time_is_javascripts() {
        assert_eq!(iso_time(0.0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso_time(1_800_000_000.5), "2027-01-15T08:00:00.500Z");
        assert_eq!(iso_time(951_782_400.0), "2000-02-29T00:00:00.000Z");
    }

    #[test]
    fn numbers_and_members_as_javascript_writes_them() {
        assert_eq!(js_number(300.0).to_string(), "300");
        assert_eq!(js_number(1.5).to_string(), "1.5");
        let m = Map::from_iter([("b".to_owned(), json!(1)), ("a".to_owned(), json!("x"))]);
        assert_eq!(ordered_json(&m, &["b", "c", "a"]), r#"{"b":1,"a":"x"}"#);
    }
}
