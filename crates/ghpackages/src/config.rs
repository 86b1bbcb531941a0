//! Client configuration: base URL, token, headers, timeouts, retries.
//!
//! [`ClientConfig`] holds every setting a client has, deserializes from the
//! JSON shape the bindings share (durations in milliseconds), and is what
//! [`ClientBuilder`](crate::ClientBuilder) consumes; the defaults below are
//! the only ones.

use std::time::Duration;

use serde::{Deserialize, Deserializer};

use crate::app::AppConfig;
use crate::secret::Secret;

/// The default API base URL.
pub const DEFAULT_BASE_URL: &str = "https://api.github.com";
/// The default `X-GitHub-Api-Version`.
pub const DEFAULT_API_VERSION: &str = "2022-11-28";
/// Default connection timeout.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default timeout of one request attempt.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// Default number of pages fetched at once when streaming a list.
pub const DEFAULT_PAGE_CONCURRENCY: usize = 8;

/// Every setting of a client; `None` (or a missing JSON field) is the
/// default. Deserializes from
/// `{"base_url", "token", "token_from_env", "api_version", "user_agent",
/// "connect_timeout_ms", "timeout_ms", "retry", "page_concurrency",
/// "allow_insecure_http", "registry_url", "app"}`; unknown fields are refused.
///
/// Its `Debug` output never shows the token.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(
    default,
    deny_unknown_fields,
    expecting = "an object of client options"
)]
pub struct ClientConfig {
    /// API base URL (see [`ClientBuilder::base_url`](crate::ClientBuilder::base_url));
    /// default [`DEFAULT_BASE_URL`].
    pub base_url: Option<String>,
    /// The token; without one, `GITHUB_TOKEN` then `GH_TOKEN` are read
    /// unless `token_from_env` is `false`.
    pub token: Option<Secret>,
    /// Whether to read the token from the environment (default `true`).
    pub token_from_env: Option<bool>,
    /// `X-GitHub-Api-Version` (default [`DEFAULT_API_VERSION`]).
    pub api_version: Option<String>,
    /// `User-Agent` (default `ghpackages-rust/VERSION`).
    pub user_agent: Option<String>,
    /// Connection timeout (default [`DEFAULT_CONNECT_TIMEOUT`]); JSON
    /// `connect_timeout_ms`.
    #[serde(rename = "connect_timeout_ms", deserialize_with = "optional_millis")]
    pub connect_timeout: Option<Duration>,
    /// Timeout of one request attempt (default [`DEFAULT_TIMEOUT`]); JSON
    /// `timeout_ms`.
    #[serde(rename = "timeout_ms", deserialize_with = "optional_millis")]
    pub timeout: Option<Duration>,
    /// Retry policy (default [`RetryPolicy::default`]); a JSON object whose
    /// missing fields keep their defaults.
    pub retry: Option<RetryPolicy>,
    /// Pages fetched at once when listing everything (default
    /// [`DEFAULT_PAGE_CONCURRENCY`]).
    pub page_concurrency: Option<usize>,
    /// Allow sending the token over plain `http://` to a non-loopback host.
    pub allow_insecure_http: bool,
    /// Base URL of the container registry (default: derived from the API base).
    pub registry_url: Option<String>,
    /// Authenticate as a GitHub App installation instead of with a token.
    pub app: Option<AppConfig>,
}

fn millis<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Duration, D::Error> {
    u64::deserialize(deserializer).map(Duration::from_millis)
}

fn optional_millis<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Duration>, D::Error> {
    Option::<u64>::deserialize(deserializer).map(|ms| ms.map(Duration::from_millis))
}

/// How failed requests are retried: connection errors, timeouts,
/// 500/502/503/504, 429 and rate-limit 403s, with exponential backoff and
/// jitter, honouring `Retry-After` and `X-RateLimit-Reset` (a rate limit with
/// neither waits at least a minute, as GitHub asks). Other 4xx answers are
/// never retried. A wait that would take the total past `max_total_wait` is
/// not made: the last error is returned at once.
///
/// Deserializes from `{"max_attempts", "initial_backoff_ms",
/// "max_backoff_ms", "max_total_wait_ms"}`, missing fields at their defaults.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields, expecting = "an object of retry options")]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1 disables retries).
    pub max_attempts: u32,
    /// Backoff before the first retry.
    #[serde(rename = "initial_backoff_ms", deserialize_with = "millis")]
    pub initial_backoff: Duration,
    /// Upper bound of one backoff.
    #[serde(rename = "max_backoff_ms", deserialize_with = "millis")]
    pub max_backoff: Duration,
    /// Upper bound of all waiting for one request; a retry that would wait
    /// longer fails with the last error instead.
    #[serde(rename = "max_total_wait_ms", deserialize_with = "millis")]
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

/// Where a client's credentials came from, for callers that report it
/// (`ghpkg -v`). Precedence, highest first: a GitHub App, the explicit
/// token, `GITHUB_TOKEN`, `GH_TOKEN`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenSource {
    /// Given to the builder.
    Explicit,
    /// Read from this environment variable.
    Environment(&'static str),
    /// A GitHub App's installation tokens.
    GitHubApp,
    /// No credentials: anonymous requests.
    None,
}
