//! The rate-limit state GitHub reports in `X-RateLimit-*` headers.

use chrono::{DateTime, Utc};

/// A snapshot of the `X-RateLimit-*` headers of one response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateLimit {
    /// `X-RateLimit-Limit`: requests allowed per window.
    pub limit: u64,
    /// `X-RateLimit-Remaining`: requests left in the window.
    pub remaining: u64,
    /// `X-RateLimit-Used`: requests made in the window.
    pub used: u64,
    /// `X-RateLimit-Reset`: when the window resets.
    pub reset: DateTime<Utc>,
    /// `X-RateLimit-Resource`: which budget (`core`, ...).
    pub resource: Option<String>,
}
