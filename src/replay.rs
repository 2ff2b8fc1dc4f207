//! Replay decisions (R29) and the bounded in-memory store.
//!
//! The store never evicts an unexpired entry: when it is full it answers
//! `Full` and the verifier refuses (fail closed) rather than let a replay through.

use crate::jws::encode_b64url;
use sha2::{Digest, Sha256};
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

pub const DEFAULT_MAX_ENTRIES: usize = 100_000;

/// The replay key of (iss, jti): `b64url(sha256(iss))[..22] "." b64url(sha256(jti))`.
/// Fixed length whatever the attacker sends, safe as a Redis key, and its
/// prefix namespaces entries by issuer.
pub fn replay_key(iss: &str, jti: &str) -> String {
    let iss_hash = encode_b64url(&Sha256::digest(iss.as_bytes()));
    let jti_hash = encode_b64url(&Sha256::digest(jti.as_bytes()));
    let prefix: String = iss_hash.chars().take(22).collect();
    format!("{prefix}.{jti_hash}")
}

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
    pub fn new(max_entries: usize) -> MemoryReplayStore {
        MemoryReplayStore {
            max_entries: max_entries.max(1),
            entries: HashMap::new(),
            expiries: BinaryHeap::new(),
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

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
    fn consume(&mut self, key: &str, until: f64, now: f64) -> ReplayOutcome {
        let now_ms = millis(now);
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

    #[test]
    fn replay_key_is_fixed_length_and_separates_issuers() {
        let a = replay_key("https://a", "j");
        let b = replay_key("https://b", "j");
        assert_ne!(a, b);
        assert_eq!(replay_key(&"x".repeat(5000), "j").len(), a.len());
        assert_ne!(replay_key("ab", "c"), replay_key("a", "bc"));
    }
}
