//! The ID-JAG itself: its claims, the verifier's options and policy, the verification
//! pipeline, the single-use (`jti`) store, and `inspect` (what a grant says and what is wrong
//! with it, without keys).

pub(crate) mod builder;
pub(crate) mod claims;
pub(crate) mod inspect;
pub(crate) mod options;
pub(crate) mod policy;
pub(crate) mod replay;
pub(crate) mod verify;
