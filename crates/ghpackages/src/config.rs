//! Client configuration: base URL, token, headers, timeouts, retries.

use std::time::Duration;

/// The default API base URL.
pub const DEFAULT_BASE_URL: &str = "https://api.github.com";
/// The default `X-GitHub-Api-Version`.
pub const DEFAULT_API_VERSION: &str = "2022-11-28";

/// How failed requests are retried: connection errors, timeouts,
/// 500/502/503/504, 429 and rate-limit 403s, with exponential backoff and
/// jitter, honouring `Retry-After` and `X-RateLimit-Reset` (a rate limit with
/// neither waits at least a minute, as GitHub asks). Other 4xx answers are
/// never retried. A wait that would take the total past `max_total_wait` is
/// not made: the last error is returned at once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1 disables retries).
    pub max_attempts: u32,
    /// Backoff before the first retry.
    pub initial_backoff: Duration,
    /// Upper bound of one backoff.
    pub max_backoff: Duration,
    /// Upper bound of all waiting for one request; a retry that would wait
    /// longer fails with the last error instead.
    pub max_total_wait: Duration,
}

impl RetryPolicy {
    /// No retries.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 5,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(30),
            max_total_wait: Duration::from_secs(120),
        }
    }
}

/// The environment variable read for the API base URL when none is given.
pub const BASE_URL_VARIABLE: &str = "GITHUB_API_URL";

/// Where a client's base URL came from. Precedence, highest first: the
/// explicit setting ([`ClientBuilder::base_url`](crate::ClientBuilder::base_url)),
/// then `GITHUB_API_URL`, then [`DEFAULT_BASE_URL`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BaseUrlSource {
    /// Set on the builder.
    Explicit,
    /// Read from `GITHUB_API_URL`.
    Environment,
    /// Neither: `https://api.github.com`. Undo aims such a client at the
    /// server a journal was written against.
    Default,
}
