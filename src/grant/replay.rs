//! Replay decisions (R29) and the bounded in-memory store.
//!
//! The store never evicts an unexpired entry: when it is full it answers
//! `Full` and the verifier refuses (fail closed) rather than let a replay through.

use crate::error::{Error, ErrorCode};
use crate::jose::jws::encode_b64url;
use sha2::{Digest, Sha256};
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

pub const DEFAULT_MAX_ENTRIES: usize = 100_000;

/// A replay store's answer to "consume this key" (the token endpoint's `Need::ConsumeGrant` and
/// `Need::ConsumeAssertion`, the JS verifier's `replayStore`).
#[derive(Debug, Clone, PartialEq)]
pub enum Consumed {
    /// First use: recorded.
    Fresh,
    /// Seen before: refused.
    AlreadyUsed,
    /// The store failed (fail closed). The message goes to the audit event.
    Failed(String),
}

impl Consumed {
    /// R29 for a grant that passed every other check: only a first use is accepted; a replay,
    /// and a store that could not say (fail closed), are ERR_REPLAY.
    pub fn grant_verdict(self) -> Result<(), Error> {
        match self {
            Consumed::Fresh => Ok(()),
            Consumed::AlreadyUsed => Err(Error::new(ErrorCode::Replay, "grant already used")),
            Consumed::Failed(m) => Err(Error::new(ErrorCode::Replay, m)),
        }
    }
}

/// The replay key of (iss, jti): `b64url(sha256(iss))[..22] "." b64url(sha256(jti))`.
/// Fixed length whatever the attacker sends, safe as a Redis key, and its
/// prefix namespaces entries by issuer.
pub fn replay_key(iss: &str, jti: &str) -> String {
    let iss_hash = encode_b64url(&Sha256::digest(iss.as_bytes()));
    let jti_hash = encode_b64url(&Sha256::digest(jti.as_bytes()));
    let prefix: String = iss_hash.chars().take(22).collect();
    format!("{prefix}.{jti_hash}")
}

/// The time a store may expire entries by: the caller's `now`, capped by the wall clock
/// natively (issue 11 point 4). A caller-supplied `now` in the future must not expire live
/// entries, or one call with a far-future `now` would empty the store and let a redeemed
/// grant through again. On wasm32 there is no `SystemTime`: the JS layer passes
/// `min(now, Date.now())`.
pub fn purge_time(now: f64) -> f64 {
    #[cfg(not(target_arch = "wasm32"))]
    {
        let wall = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs_f64())
            .unwrap_or(0.0);
        // `f64::min` returns the other operand for NaN, so a NaN `now` is the wall clock.
        now.min(wall)
    }
    #[cfg(target_arch = "wasm32")]
    {
        now
    }
}

/// What a [`ReplayStore`] answers when asked to consume a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplayOutcome {
    /// First sighting: recorded.
    Fresh,
    /// Seen before and not yet expired.
    Replayed,
    /// The store is full of unexpired entries: refuse.
    Full,
}

impl ReplayOutcome {
    /// `fresh`, `replayed` or `full`.
    pub fn as_str(self) -> &'static str {
        match self {
            ReplayOutcome::Fresh => "fresh",
            ReplayOutcome::Replayed => "replayed",
            ReplayOutcome::Full => "full",
        }
    }
}

/// A store of consumed replay keys.
pub trait ReplayStore {
    /// Record `key` until `until` (seconds since epoch) unless already recorded.
    fn consume(&mut self, key: &str, until: f64, now: f64) -> ReplayOutcome;
}

/// Bounded in-memory store: a map for lookups and a min-heap of expiries
/// so purging costs O(log n) per expired entry.
#[derive(Debug)]
pub struct MemoryReplayStore {
    max_entries: usize,
    entries: HashMap<String, i64>,
    expiries: BinaryHeap<Reverse<(i64, String)>>,
}

fn millis(sec: f64) -> i64 {
    // Saturating float→int conversion; NaN becomes 0.
    (sec * 1000.0).ceil() as i64
}

impl MemoryReplayStore {
    /// A store holding at most `max_entries` unexpired keys (then it answers `Full`, never evicts).
    pub fn new(max_entries: usize) -> MemoryReplayStore {
        MemoryReplayStore {
            max_entries: max_entries.max(1),
            entries: HashMap::new(),
            expiries: BinaryHeap::new(),
        }
    }

    /// The number of keys held.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no key is held.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn purge(&mut self, now_ms: i64) {
        while let Some(Reverse((until, _))) = self.expiries.peek() {
            if *until > now_ms {
                break;
            }
            if let Some(Reverse((until, key))) = self.expiries.pop()
                && self.entries.get(&key) == Some(&until)
            {
                self.entries.remove(&key);
            }
        }
    }
}

impl Default for MemoryReplayStore {
    fn default() -> Self {
        MemoryReplayStore::new(DEFAULT_MAX_ENTRIES)
    }
}

impl ReplayStore for MemoryReplayStore {
    /// Entries expire only when `until <= purge_time(now)`, both for purging and for
    /// deciding whether a recorded key is still live.
    fn consume(&mut self, key: &str, until: f64, now: f64) -> ReplayOutcome {
        let now_ms = millis(purge_time(now));
        self.purge(now_ms);
        if let Some(existing) = self.entries.get(key)
            && *existing > now_ms
        {
            return ReplayOutcome::Replayed;
        }
        if self.entries.len() >= self.max_entries {
            return ReplayOutcome::Full;
        }
        let until_ms = millis(until);
        self.entries.insert(key.to_owned(), until_ms);
        self.expiries.push(Reverse((until_ms, key.to_owned())));
        ReplayOutcome::Fresh
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r29_second_sighting_is_a_replay_until_expiry() {
        let mut s = MemoryReplayStore::new(10);
        assert_eq!(s.consume("k", 200.0, 100.0), ReplayOutcome::Fresh);
        assert_eq!(s.consume("k", 200.0, 150.0), ReplayOutcome::Replayed);
        assert_eq!(
            s.consume("k", 300.0, 200.0),
            ReplayOutcome::Fresh,
            "expired entries are purged"
        );
    }

    #[test]
    fn full_store_fails_closed_and_never_evicts_live_entries() {
        let mut s = MemoryReplayStore::new(2);
        assert_eq!(s.consume("a", 500.0, 100.0), ReplayOutcome::Fresh);
        assert_eq!(s.consume("b", 500.0, 100.0), ReplayOutcome::Fresh);
        assert_eq!(s.consume("c", 500.0, 100.0), ReplayOutcome::Full);
        assert_eq!(
            s.consume("a", 500.0, 101.0),
            ReplayOutcome::Replayed,
            "a is still remembered"
        );
        assert_eq!(s.len(), 2);
        // once a and b expire, room comes back
        assert_eq!(s.consume("c", 900.0, 600.0), ReplayOutcome::Fresh);
        assert_eq!(s.len(), 1);
    }

    // Issue 11 point 4: a future `now` must not purge live entries (natively capped by the
    // wall clock), so a grant redeemed now is still a replay afterwards.
    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn a_future_now_does_not_empty_the_store() {
        let wall = purge_time(f64::MAX);
        let mut s = MemoryReplayStore::new(10);
        assert_eq!(s.consume("k", wall + 300.0, wall), ReplayOutcome::Fresh);
        // Another verify with `now` a year ahead: nothing live is purged or overwritten.
        assert_eq!(
            s.consume("other", wall + 1e8, wall + 3.2e7),
            ReplayOutcome::Fresh
        );
        assert_eq!(s.len(), 2);
        assert_eq!(
            s.consume("k", wall + 300.0, wall + 1.0),
            ReplayOutcome::Replayed
        );
        assert_eq!(
            s.consume("k", wall + 300.0, wall + 3.2e7),
            ReplayOutcome::Replayed,
            "a future now does not make a live entry look expired"
        );
        assert!(purge_time(wall + 1e9) <= purge_time(f64::MAX));
        assert_eq!(purge_time(100.0), 100.0);
    }

    #[test]
    fn replay_key_is_fixed_length_and_separates_issuers() {
        let a = replay_key("https://a", "j");
        let b = replay_key("https://b", "j");
        assert_ne!(a, b);
        assert_eq!(replay_key(&"x".repeat(5000), "j").len(), a.len());
        assert_ne!(replay_key("ab", "c"), replay_key("a", "bc"));
    }
}
