//! The one JWS/JWT layer shared by the three token kinds idjag verifies: the ID-JAG grant
//! (verify.rs), the access token (access_token.rs) and the client assertion (client_auth.rs),
//! and by the linter (inspect.rs). Each check is written once here, parameterised by what the
//! token kind needs; the callers keep their own error codes and messages (issue 12).
//!
//! - the JOSE header: `check_header` (R9–R11, R3a typing), `header_kid` (R13);
//! - the signature over candidate keys: `verify_with` (R15);
//! - the time claims: `TimeClaims` read once, judged by `check_times` / `time_faults`
//!   (R23–R27, V7, RFC 7523 §3) into a typed `TimeFault`;
//! - algorithm lists from configuration: `parse_alg` / `parse_alg_list` (R10).
//!
//! The compact serialization itself is split in jws.rs (`split_compact`, `segments`).

use crate::error::{Error, ErrorCode, quote};
use crate::jose::crypto::{Alg, KeyVerifier};
use crate::jose::jwk::KeySlot;
use crate::jose::jws::parse_compact;
use serde_json::{Map, Value};

/// R9: compared as a media type: case-insensitive, `application/` optional.
pub fn typ_matches(typ: &str, expected: &str) -> bool {
    let lower = typ.to_ascii_lowercase();
    let bare = lower.strip_prefix("application/").unwrap_or(&lower);
    bare == expected
}

/// What a token kind asks of the header's `typ`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypRule<'a> {
    /// No rule (a bare JWS, e.g. the Wycheproof vectors).
    #[cfg(test)]
    Any,
    /// R9 / V2: explicit typing, this media type; checked before `alg` (ERR_TYP).
    Required(&'a str),
    /// R3a: absent, this media type, or plain `JWT`; checked after `alg` (ERR_TYP, one
    /// message for every other value, as client assertions always reported it).
    OptionalOrJwt(&'a str),
}

fn header_err(name: &str, msg: &str) -> Error {
    Error::claim(ErrorCode::Header, name, msg)
}

/// The JOSE header rules shared by every JWS idjag verifies (R9–R12): no `crit`, no
/// `b64`/`zip`/`enc`, the kind's `typ` rule, and an allow-listed asymmetric `alg` (none/HS*
/// are not representable). `trace` records the name of each check as it starts (`header`,
/// then `typ` and `alg` in the order they run), so an audit trace lists the checks that ran.
#[inline(never)]
pub fn check_header(
    h: &Map<String, Value>,
    allowed: &[Alg],
    typ: TypRule,
    trace: &mut dyn FnMut(&'static str),
) -> Result<Alg, Error> {
    trace("header");
    // R11: we understand no critical extension, so any `crit` is refused.
    if h.contains_key("crit") {
        return Err(header_err("crit", "crit extensions are not supported"));
    }
    // RFC 7797 unencoded payloads and JWE-only members are not honoured.
    for name in ["b64", "zip", "enc"] {
        if h.contains_key(name) {
            return Err(header_err(name, &format!("header {name} is not supported")));
        }
    }
    if let TypRule::Required(_) = typ {
        trace("typ");
        check_typ(h, typ)?;
    }
    // R10
    trace("alg");
    let name = match h.get("alg") {
        Some(Value::String(a)) => a.as_str(),
        Some(_) => return Err(Error::claim(ErrorCode::Alg, "alg", "alg must be a string")),
        None => return Err(Error::claim(ErrorCode::Alg, "alg", "alg is missing")),
    };
    let alg = Alg::parse(name)
        .filter(|a| allowed.contains(a))
        .ok_or_else(|| {
            Error::claim(
                ErrorCode::Alg,
                "alg",
                format!("alg {} is not allowed", quote(name)),
            )
        })?;
    if let TypRule::OptionalOrJwt(_) = typ {
        trace("typ");
        check_typ(h, typ)?;
    }
    Ok(alg)
}

/// R9 / R3a: the header's `typ` against the kind's rule (ERR_TYP).
fn check_typ(h: &Map<String, Value>, rule: TypRule) -> Result<(), Error> {
    let (media, required) = match rule {
        #[cfg(test)]
        TypRule::Any => return Ok(()),
        TypRule::Required(m) => (m, true),
        TypRule::OptionalOrJwt(m) => (m, false),
    };
    let msg = match h.get("typ") {
        None if !required => return Ok(()),
        None => "typ is missing".to_owned(),
        Some(Value::String(t)) if typ_matches(t, media) => return Ok(()),
        // R3a: plain `JWT` (what most clients send) is still accepted.
        Some(Value::String(t)) if !required && t.eq_ignore_ascii_case("jwt") => return Ok(()),
        Some(Value::String(t)) if required => format!("typ {} is not {media}", quote(t)),
        Some(Value::String(_)) => format!("typ is not {media} or JWT"),
        Some(_) => "typ must be a string".to_owned(),
    };
    Err(Error::claim(ErrorCode::Typ, "typ", msg))
}

/// The header's `kid` (R13), if any.
pub fn header_kid(h: &Map<String, Value>) -> Result<Option<&str>, Error> {
    match h.get("kid") {
        None => Ok(None),
        Some(Value::String(k)) => Ok(Some(k.as_str())),
        Some(_) => Err(header_err("kid", "kid must be a string")),
    }
}

/// What a token kind fixes before its signature is checked.
pub struct JwsRules<'r> {
    /// R6: the longest token accepted, checked before anything is decoded.
    pub max_bytes: usize,
    /// R10: the kind's algorithm allow-list.
    pub algorithms: &'r [Alg],
    /// R9 / V2 / R3a: the kind's `typ` rule.
    pub typ: TypRule<'r>,
}

/// A compact JWS whose signature verified: its header and its payload (from here on the only
/// claims a caller may read, R31).
pub struct VerifiedJws {
    /// The protected header.
    pub header: Map<String, Value>,
    /// The payload, a JSON object.
    pub payload: Map<String, Value>,
}

/// The sequence every token kind runs, written once: structure (R6–R8), header (R9–R12),
/// whose keys (`keys_for`, the kind's choice: it may read the *unverified* payload only to
/// pick keys, R17), the key by `alg` and `kid` (R13/R14; `jku`/`x5u`/`jwk`/`x5c` are never
/// consulted, R12), the signature (R15). `trace` records each check's name as it starts
/// (`structure`, `header`, `typ`, `alg`, `issuer`, `key`, `signature`); `fail` turns this
/// layer's errors into the kind's.
pub fn verify_signed<'k, E>(
    token: &str,
    rules: &JwsRules,
    keys_for: impl FnOnce(&Map<String, Value>, Alg) -> Result<(&'k KeySlot, f64), E>,
    fail: impl Fn(Error) -> E,
    trace: &mut dyn FnMut(&'static str),
) -> Result<VerifiedJws, E> {
    trace("structure");
    let jws = parse_compact(token, rules.max_bytes).map_err(&fail)?;
    let alg = check_header(&jws.header, rules.algorithms, rules.typ, trace).map_err(&fail)?;
    trace("issuer");
    let (slot, keys_now) = keys_for(&jws.payload, alg)?;
    trace("key");
    let kid = header_kid(&jws.header).map_err(&fail)?;
    let candidates = slot.candidates(alg, kid, keys_now).map_err(&fail)?;
    trace("signature");
    verify_with(jws.signing_input, &jws.signature, &candidates).map_err(&fail)?;
    Ok(VerifiedJws {
        header: jws.header,
        payload: jws.payload,
    })
}

/// A compact JWS with any payload against a trusted key set, through the same header check,
/// key choice and signature code as every token kind (the Wycheproof JWS vectors and the
/// signing tests use it). Returns the payload bytes.
#[cfg(test)]
pub(crate) fn verify_compact_jws(
    token: &str,
    keys: &crate::jose::jwk::KeySet,
    allowed: &[Alg],
    max_bytes: usize,
) -> Result<Vec<u8>, Error> {
    let raw = crate::jose::jws::split_compact(token, max_bytes)?;
    let alg = check_header(&raw.header, allowed, TypRule::Any, &mut |_| {})?;
    let candidates = keys.candidates(alg, header_kid(&raw.header)?)?;
    verify_with(raw.signing_input, &raw.signature, &candidates)?;
    Ok(raw.payload)
}

/// R15: the signature verifies with one of the candidate keys.
pub fn verify_with(
    signing_input: &str,
    signature: &[u8],
    candidates: &[KeyVerifier],
) -> Result<(), Error> {
    if !candidates
        .iter()
        .any(|k| k.verify_signature(signing_input.as_bytes(), signature))
    {
        return Err(Error::new(
            ErrorCode::Signature,
            "signature does not verify",
        ));
    }
    Ok(())
}

/// R10: one algorithm name from configuration; `refuse` words the refusal (quoted name in).
pub fn parse_alg(name: &str, refuse: &dyn Fn(&str) -> String) -> Result<Alg, Error> {
    Alg::parse(name).ok_or_else(|| Error::config(refuse(&quote(name))))
}

/// R10: a configured algorithm list. `empty`: the refusal of an empty list, when one is
/// refused; `refuse` words the refusal of a name idjag does not verify (none, HS*, unknown).
pub fn parse_alg_list(
    list: &[String],
    empty: Option<&str>,
    refuse: &dyn Fn(&str) -> String,
) -> Result<Vec<Alg>, Error> {
    if let (true, Some(msg)) = (list.is_empty(), empty) {
        return Err(Error::config(msg));
    }
    list.iter().map(|name| parse_alg(name, refuse)).collect()
}

/// The registered time claims (RFC 7519 §4.1.4–4.1.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeClaim {
    Exp,
    Iat,
    Nbf,
}

impl TimeClaim {
    pub fn name(self) -> &'static str {
        match self {
            TimeClaim::Exp => "exp",
            TimeClaim::Iat => "iat",
            TimeClaim::Nbf => "nbf",
        }
    }
}

/// Why a NumericDate could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateDefect {
    /// Not a JSON number (a string is refused, never parsed: CVE-2025-27370/27371).
    WrongType,
    /// A number that is not a finite time.
    NotFinite,
}

/// Why a token's time claims fail, typed: callers word it (each kind keeps its messages),
/// the linter switches on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeFault {
    /// A required claim is absent.
    Missing(TimeClaim),
    /// The claim is present but not a NumericDate.
    Invalid(TimeClaim, DateDefect),
    /// R23 / V7: `now >= exp + tolerance`.
    Expired,
    /// R24 / R25 / V7: `nbf` or `iat` later than `now + tolerance`.
    NotYetValid(TimeClaim),
    /// R27: `exp <= iat`.
    ExpNotAfterIat,
    /// R27: `nbf > exp`.
    NbfAfterExp,
    /// R26: `exp - iat` (or `exp - now` without `iat`) over the kind's cap.
    TooLong,
}

impl TimeFault {
    /// The claim at fault.
    pub fn claim(self) -> TimeClaim {
        match self {
            TimeFault::Missing(c) | TimeFault::Invalid(c, _) | TimeFault::NotYetValid(c) => c,
            TimeFault::Expired | TimeFault::ExpNotAfterIat | TimeFault::TooLong => TimeClaim::Exp,
            TimeFault::NbfAfterExp => TimeClaim::Nbf,
        }
    }

    /// The fault as the error every token kind reports, worded once: `token` names the kind
    /// ("grant", "access token", "client assertion"), `max_lifetime` is the kind's cap (R26).
    /// Read defects are ERR_CLAIM, as every other claim's (`ClaimDefect`).
    pub fn error(self, token: &str, max_lifetime: f64) -> Error {
        let (code, msg) = match self {
            TimeFault::Missing(_) | TimeFault::Invalid(..) => return self.defect().error,
            TimeFault::Expired => (ErrorCode::Expired, format!("{token} has expired")),
            TimeFault::NotYetValid(TimeClaim::Iat) => (
                ErrorCode::NotYetValid,
                format!("{token} is issued in the future (iat)"),
            ),
            TimeFault::NotYetValid(_) => (
                ErrorCode::NotYetValid,
                format!("{token} is not valid yet (nbf)"),
            ),
            TimeFault::ExpNotAfterIat => (ErrorCode::Lifetime, "exp is not after iat".to_owned()),
            TimeFault::NbfAfterExp => (ErrorCode::Lifetime, "nbf is after exp".to_owned()),
            TimeFault::TooLong => (
                ErrorCode::Lifetime,
                format!("lifetime exceeds {} seconds", max_lifetime as i64),
            ),
        };
        Error::claim(code, self.claim().name(), msg)
    }

    /// A read defect (absent, or not a NumericDate) as a claim defect; a judgement on the
    /// times is worded as an invalid claim (callers pass read defects only).
    pub fn defect(self) -> ClaimDefect {
        match self {
            TimeFault::Missing(c) => missing(c.name()),
            TimeFault::Invalid(c, d) => date_defect(c.name(), d),
            other => date_defect(other.claim().name(), DateDefect::WrongType),
        }
    }
}

// ---- Claims: one reader for every token kind (R19–R22, R28, V4–V6, R3a) ----

/// Why a claim is refused, typed: the claim itself absent, or present and invalid (the linter
/// tells the two apart from this, never from the message).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefectKind {
    /// The claim is absent.
    Missing,
    /// The claim is present with the wrong type or value shape.
    Invalid,
}

/// A claim defect: its kind and the ERR_CLAIM error naming the claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimDefect {
    /// Absent or invalid.
    pub kind: DefectKind,
    /// ERR_CLAIM, `claim` set, message `"<claim> <what is wrong>"`.
    pub error: Error,
}

/// An invalid claim: `"<name> <what>"`.
pub fn claim_err(name: &str, what: &str) -> ClaimDefect {
    ClaimDefect {
        kind: DefectKind::Invalid,
        error: Error::claim(ErrorCode::Claim, name, format!("{name} {what}")),
    }
}

/// An absent claim: `"<name> is missing"`.
pub fn missing(name: &str) -> ClaimDefect {
    ClaimDefect {
        kind: DefectKind::Missing,
        ..claim_err(name, "is missing")
    }
}

/// NumericDate (RFC 7519 §2): a JSON number, fractions allowed.
pub fn date_defect(name: &str, d: DateDefect) -> ClaimDefect {
    match d {
        DateDefect::NotFinite => claim_err(name, "is not a valid numericdate"),
        DateDefect::WrongType => claim_err(name, "must be a number (numericdate)"),
    }
}

/// A required string claim: present, a string, not empty (`iss`, `sub`, `client_id`, `jti`
/// of every kind).
pub fn required_str<'m>(map: &'m Map<String, Value>, name: &str) -> Result<&'m str, ClaimDefect> {
    match map.get(name) {
        None => Err(missing(name)),
        Some(Value::String(s)) if s.is_empty() => Err(claim_err(name, "is empty")),
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(claim_err(name, "must be a string")),
    }
}

/// An optional string claim: absent, or a string.
pub fn optional_str<'m>(
    map: &'m Map<String, Value>,
    name: &str,
) -> Result<Option<&'m str>, ClaimDefect> {
    match map.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(claim_err(name, "must be a string")),
    }
}

/// A JSON array of strings, or `None` if `v` is anything else.
pub fn string_array(v: &Value) -> Option<Vec<String>> {
    v.as_array()?
        .iter()
        .map(|e| e.as_str().map(str::to_owned))
        .collect()
}

/// The `aud` claim, read once for every kind (RFC 7519 §4.1.3: a string or an array of
/// strings); each kind then applies its own rule to the values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Audience {
    /// The values, in order (one for the string form).
    pub values: Vec<String>,
    /// The claim was an array (the linter reports a one-element array).
    pub was_array: bool,
}

impl Audience {
    /// Read `aud`: absent, not a string or array, or an array holding a non-string is a defect.
    pub fn read(map: &Map<String, Value>) -> Result<Audience, ClaimDefect> {
        match map.get("aud") {
            None => Err(missing("aud")),
            Some(Value::String(s)) => Ok(Audience {
                values: vec![s.clone()],
                was_array: false,
            }),
            Some(v @ Value::Array(_)) => Ok(Audience {
                values: string_array(v)
                    .ok_or_else(|| claim_err("aud", "must hold only strings"))?,
                was_array: true,
            }),
            Some(_) => Err(claim_err("aud", "must be a string or an array of strings")),
        }
    }

    /// The sole value, when there is exactly one (R20 and R3a: the audience must be ours
    /// alone).
    pub fn only(&self) -> Option<&str> {
        match self.values.as_slice() {
            [only] => Some(only),
            _ => None,
        }
    }

    /// Whether `value` is one of the values (V5: the access token names this resource).
    pub fn contains(&self, value: &str) -> bool {
        self.values.iter().any(|v| v == value)
    }
}

#[cfg(feature = "signing")]
/// A NumericDate for a claim we write: an integer when the time is whole
/// (`1767225600`, not `1767225600.0`), else the number as is.
pub(crate) fn numeric_date_value(t: f64) -> Value {
    if t.fract() == 0.0 && t.abs() < 9.0e15 {
        Value::from(t as i64)
    } else {
        Value::from(t)
    }
}

/// NumericDate (RFC 7519 §2): a JSON number, fractions allowed. `Ok(None)`: absent.
#[inline(never)]
pub fn read_date(map: &Map<String, Value>, name: &str) -> Result<Option<f64>, DateDefect> {
    match map.get(name) {
        None => Ok(None),
        Some(Value::Number(n)) => n
            .as_f64()
            .filter(|f| f.is_finite())
            .map(Some)
            .ok_or(DateDefect::NotFinite),
        Some(_) => Err(DateDefect::WrongType),
    }
}

type DateRead = Result<Option<f64>, DateDefect>;

/// A token's `exp`, `iat` and `nbf`, read (not yet judged).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TimeClaims {
    exp: DateRead,
    iat: DateRead,
    nbf: DateRead,
}

/// What one token kind requires of its time claims.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TimeLimits {
    /// Clock tolerance, seconds, on every comparison with `now`.
    pub tolerance: f64,
    /// `iat` is required (`exp` always is).
    pub iat_required: bool,
    /// The claims whose presence and type are checked before any comparison, in this order;
    /// any other claim's defect surfaces where that claim is first needed.
    pub read_first: &'static [TimeClaim],
    /// R24: refuse an `iat` in the future.
    pub iat_not_in_future: bool,
    /// R27: `exp` after `iat`, `nbf` not after `exp`.
    pub ordered: bool,
    /// R26: most seconds from `iat` (or `now` when `iat` is optional and absent) to `exp`.
    pub max_lifetime: Option<f64>,
}

impl TimeLimits {
    /// The ID-JAG grant (R23–R27): `exp` and `iat` required, typed in that order with `nbf`
    /// (by `IdJagClaims`), every rule, lifetime capped by `maxLifetimeSec`.
    pub const fn grant(tolerance: f64, max_lifetime: f64) -> TimeLimits {
        TimeLimits {
            tolerance,
            iat_required: true,
            read_first: &[TimeClaim::Exp, TimeClaim::Iat, TimeClaim::Nbf],
            iat_not_in_future: true,
            ordered: true,
            max_lifetime: Some(max_lifetime),
        }
    }

    /// The access token (V7): `exp` and `iat` required, then expiry, then `nbf`.
    pub const fn access_token(tolerance: f64) -> TimeLimits {
        TimeLimits {
            tolerance,
            iat_required: true,
            read_first: &[TimeClaim::Exp, TimeClaim::Iat],
            iat_not_in_future: false,
            ordered: false,
            max_lifetime: None,
        }
    }

    /// The client assertion (RFC 7523 §3, R3a): `exp` required, `nbf` and `iat` optional,
    /// short-lived (`max_lifetime` from `iat`, or from now without one).
    pub const fn client_assertion(tolerance: f64, max_lifetime: f64) -> TimeLimits {
        TimeLimits {
            tolerance,
            iat_required: false,
            read_first: &[TimeClaim::Exp, TimeClaim::Nbf, TimeClaim::Iat],
            iat_not_in_future: true,
            ordered: false,
            max_lifetime: Some(max_lifetime),
        }
    }
}

/// Time claims that passed: `exp`, and `iat` / `nbf` when present.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Times {
    pub exp: f64,
    pub iat: Option<f64>,
    pub nbf: Option<f64>,
}

impl TimeClaims {
    pub fn read(map: &Map<String, Value>) -> TimeClaims {
        TimeClaims {
            exp: read_date(map, "exp"),
            iat: read_date(map, "iat"),
            nbf: read_date(map, "nbf"),
        }
    }

    /// Claims already read and type-checked (the grant's, by `IdJagClaims`).
    pub fn known(t: Times) -> TimeClaims {
        TimeClaims {
            exp: Ok(Some(t.exp)),
            iat: Ok(t.iat),
            nbf: Ok(t.nbf),
        }
    }

    fn get(&self, claim: TimeClaim, l: &TimeLimits) -> Result<Option<f64>, TimeFault> {
        let (read, required) = match claim {
            TimeClaim::Exp => (self.exp, true),
            TimeClaim::Iat => (self.iat, l.iat_required),
            TimeClaim::Nbf => (self.nbf, false),
        };
        match read {
            Err(d) => Err(TimeFault::Invalid(claim, d)),
            Ok(None) if required => Err(TimeFault::Missing(claim)),
            Ok(v) => Ok(v),
        }
    }

    /// Presence and types only (no clock, no judgement): `read_first`, then `exp`, `nbf`,
    /// `iat` — the reading half of `check_times`.
    pub fn require(&self, l: &TimeLimits) -> Result<Times, TimeFault> {
        let reading = TimeLimits {
            iat_not_in_future: false,
            ordered: false,
            max_lifetime: None,
            ..*l
        };
        first_fault(self, None, &reading)
    }
}

/// The one check of the time claims: the first fault in the order R23 (expired), R25 (nbf),
/// R24 (iat), R27 (order), R26 (lifetime), after the `read_first` claims' presence and types.
pub fn check_times(c: &TimeClaims, now: f64, l: &TimeLimits) -> Result<Times, TimeFault> {
    first_fault(c, Some(now), l)
}

fn first_fault(c: &TimeClaims, now: Option<f64>, l: &TimeLimits) -> Result<Times, TimeFault> {
    let mut first = None;
    let times = walk(c, now, l, &mut |f| {
        first = Some(f);
        true
    });
    match (first, times) {
        (Some(f), _) => Err(f),
        (None, Some(t)) => Ok(t),
        // `walk` returns no times only after reporting a fault.
        (None, None) => Err(TimeFault::Missing(TimeClaim::Exp)),
    }
}

/// Every fault `check_times` would find (a defective claim counts as absent for the later
/// checks), in its order; without `now`, only the checks that need no clock. For the linter.
pub fn time_faults(c: &TimeClaims, now: Option<f64>, l: &TimeLimits) -> Vec<TimeFault> {
    let mut all = Vec::new();
    walk(c, now, l, &mut |f| {
        all.push(f);
        false
    });
    all
}

/// The walk behind both: `report` returns true to stop at that fault. Not inlined: one
/// copy serves every token kind (the wasm build's size).
#[inline(never)]
fn walk(
    c: &TimeClaims,
    now: Option<f64>,
    l: &TimeLimits,
    report: &mut dyn FnMut(TimeFault) -> bool,
) -> Option<Times> {
    macro_rules! fault {
        ($f:expr) => {
            if report($f) {
                return None;
            }
        };
    }
    // A claim's read defect is reported once, where it is first needed; after that (when
    // collecting every fault) the claim counts as absent.
    let mut reported = 0u8;
    let mut read =
        |claim: TimeClaim, report: &mut dyn FnMut(TimeFault) -> bool| -> Result<Option<f64>, ()> {
            match c.get(claim, l) {
                Ok(v) => Ok(v),
                Err(_) if reported & (1 << claim as u8) != 0 => Ok(None),
                Err(f) => {
                    reported |= 1 << claim as u8;
                    if report(f) { Err(()) } else { Ok(None) }
                }
            }
        };
    for claim in l.read_first {
        read(*claim, report).ok()?;
    }
    let exp = read(TimeClaim::Exp, report).ok()?;
    let tol = l.tolerance;
    // R23
    if let (Some(exp), Some(now)) = (exp, now)
        && now >= exp + tol
    {
        fault!(TimeFault::Expired);
    }
    // R25
    let nbf = read(TimeClaim::Nbf, report).ok()?;
    if let (Some(nbf), Some(now)) = (nbf, now)
        && nbf > now + tol
    {
        fault!(TimeFault::NotYetValid(TimeClaim::Nbf));
    }
    // R24
    let iat = read(TimeClaim::Iat, report).ok()?;
    if let (true, Some(iat), Some(now)) = (l.iat_not_in_future, iat, now)
        && iat > now + tol
    {
        fault!(TimeFault::NotYetValid(TimeClaim::Iat));
    }
    // R27
    if l.ordered {
        if let (Some(exp), Some(iat)) = (exp, iat)
            && exp <= iat
        {
            fault!(TimeFault::ExpNotAfterIat);
        }
        if let (Some(nbf), Some(exp)) = (nbf, exp)
            && nbf > exp
        {
            fault!(TimeFault::NbfAfterExp);
        }
    }
    // R26: from `iat`, or from `now` when `iat` is optional and absent.
    let start = match iat {
        Some(iat) => Some(iat),
        None if !l.iat_required => now,
        None => None,
    };
    if let (Some(max), Some(exp), Some(start)) = (l.max_lifetime, exp, start)
        && exp - start > max
    {
        fault!(TimeFault::TooLong);
    }
    Some(Times {
        exp: exp?,
        iat,
        nbf,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const GRANT: TimeLimits = TimeLimits::grant(60.0, 300.0);

    fn claims(v: Value) -> TimeClaims {
        TimeClaims::read(v.as_object().unwrap())
    }

    #[test]
    fn faults_are_typed_and_ordered() {
        let now = 1000.0;
        let first = |v: Value| check_times(&claims(v), now, &GRANT).err();
        assert_eq!(first(json!({"exp": 1100, "iat": 990})), None);
        assert_eq!(
            first(json!({"iat": 990})),
            Some(TimeFault::Missing(TimeClaim::Exp))
        );
        assert_eq!(
            first(json!({"exp": "1100", "iat": 990})),
            Some(TimeFault::Invalid(TimeClaim::Exp, DateDefect::WrongType))
        );
        assert_eq!(
            first(json!({"exp": 900, "iat": 800, "nbf": "x"})),
            Some(TimeFault::Invalid(TimeClaim::Nbf, DateDefect::WrongType)),
            "read_first: types before times"
        );
        assert_eq!(
            first(json!({"exp": 900, "iat": 800})),
            Some(TimeFault::Expired)
        );
        assert_eq!(
            first(json!({"exp": 1100, "iat": 990, "nbf": 1061})),
            Some(TimeFault::NotYetValid(TimeClaim::Nbf))
        );
        assert_eq!(
            first(json!({"exp": 1200, "iat": 1061})),
            Some(TimeFault::NotYetValid(TimeClaim::Iat))
        );
        assert_eq!(
            first(json!({"exp": 1050, "iat": 1050})),
            Some(TimeFault::ExpNotAfterIat)
        );
        assert_eq!(
            first(json!({"exp": 1050, "iat": 1000, "nbf": 1055})),
            Some(TimeFault::NbfAfterExp)
        );
        assert_eq!(
            first(json!({"exp": 1301, "iat": 1000})),
            Some(TimeFault::TooLong)
        );
    }

    #[test]
    fn a_lazy_claim_surfaces_where_it_is_needed() {
        let at = TimeLimits::access_token(0.0);
        let c = claims(json!({"exp": 10, "iat": 0, "nbf": "x"}));
        assert_eq!(check_times(&c, 20.0, &at), Err(TimeFault::Expired));
        assert_eq!(
            check_times(&c, 5.0, &at),
            Err(TimeFault::Invalid(TimeClaim::Nbf, DateDefect::WrongType))
        );
    }

    #[test]
    fn optional_iat_lifetime_counts_from_now() {
        let ca = TimeLimits::client_assertion(60.0, 600.0);
        assert!(check_times(&claims(json!({"exp": 1500})), 1000.0, &ca).is_ok());
        assert_eq!(
            check_times(&claims(json!({"exp": 1601})), 1000.0, &ca),
            Err(TimeFault::TooLong)
        );
    }

    #[test]
    fn time_faults_collects_every_fault() {
        let c = claims(json!({"exp": 100, "iat": 5000, "nbf": 6000}));
        assert_eq!(
            time_faults(&c, Some(1000.0), &GRANT),
            vec![
                TimeFault::Expired,
                TimeFault::NotYetValid(TimeClaim::Nbf),
                TimeFault::NotYetValid(TimeClaim::Iat),
                TimeFault::ExpNotAfterIat,
                TimeFault::NbfAfterExp,
            ]
        );
        assert_eq!(
            time_faults(&c, None, &GRANT),
            vec![TimeFault::ExpNotAfterIat, TimeFault::NbfAfterExp]
        );
    }

    // The trace names the checks that ran, the last being the one that failed; R3a's typ
    // rule runs after alg, R9's before.
    #[test]
    fn header_checks_trace_what_ran() {
        let run = |h: Value, typ: TypRule| {
            let mut trace = Vec::new();
            let r = check_header(
                h.as_object().unwrap(),
                &Alg::DEFAULT_ALLOWED,
                typ,
                &mut |c| trace.push(c),
            );
            (r.map_err(|e| e.code()), trace)
        };
        let grant = TypRule::Required("oauth-id-jag+jwt");
        assert_eq!(
            run(json!({"alg":"ES256","typ":"oauth-id-jag+jwt"}), grant),
            (Ok(Alg::ES256), vec!["header", "typ", "alg"])
        );
        assert_eq!(
            run(json!({"alg":"ES256","crit":[]}), grant),
            (Err(ErrorCode::Header), vec!["header"])
        );
        assert_eq!(
            run(json!({"alg":"HS256"}), grant),
            (Err(ErrorCode::Typ), vec!["header", "typ"])
        );
        let assertion = TypRule::OptionalOrJwt("client-authentication+jwt");
        assert_eq!(
            run(json!({"alg":"HS256","typ":"at+jwt"}), assertion),
            (Err(ErrorCode::Alg), vec!["header", "alg"])
        );
        assert_eq!(
            run(json!({"alg":"ES256","typ":"at+jwt"}), assertion),
            (Err(ErrorCode::Typ), vec!["header", "alg", "typ"])
        );
        for ok in [json!({"alg":"ES256"}), json!({"alg":"ES256","typ":"JWT"})] {
            assert_eq!(run(ok, assertion).0, Ok(Alg::ES256));
        }
        assert_eq!(
            run(json!({"alg":"ES256","typ":"whatever"}), TypRule::Any),
            (Ok(Alg::ES256), vec!["header", "alg"])
        );
    }

    #[test]
    fn alg_lists() {
        let refuse = |q: &str| format!("{q} no");
        assert_eq!(
            parse_alg_list(&["ES256".into()], None, &refuse).unwrap(),
            vec![Alg::ES256]
        );
        assert!(parse_alg_list(&[], None, &refuse).unwrap().is_empty());
        assert_eq!(
            parse_alg_list(&[], Some("empty"), &refuse)
                .unwrap_err()
                .message(),
            "empty"
        );
        let e = parse_alg_list(&["HS256".into()], None, &refuse).unwrap_err();
        assert_eq!((e.code(), e.message()), (ErrorCode::Config, "\"HS256\" no"));
    }
}
