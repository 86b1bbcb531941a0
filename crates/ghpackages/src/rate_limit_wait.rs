//! Waits for GitHub's rate limits, made visible: every wait is a `tracing`
//! event (target `ghpackages::rate_limit`) with its reason and resume time,
//! and goes to the callback set with
//! [`ClientBuilder::on_rate_limit`](crate::ClientBuilder::on_rate_limit).

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorKind};

/// Why a request is held back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RateLimitReason {
    /// The hourly request budget (`X-RateLimit-Remaining: 0`) is spent until
    /// its reset.
    Primary,
    /// GitHub refused a request under a secondary limit (points per minute,
    /// requests in flight) and said when to try again.
    Secondary,
    /// A bulk operation holds its writes back to stay within the secondary
    /// limit's budget, before GitHub refuses anything.
    Pacing,
}

impl RateLimitReason {
    /// The stable name: `primary`, `secondary` or `pacing`.
    pub fn name(self) -> &'static str {
        match self {
            RateLimitReason::Primary => "primary",
            RateLimitReason::Secondary => "secondary",
            RateLimitReason::Pacing => "pacing",
        }
    }

    /// The reason of a rate-limited answer: primary when it says the budget is
    /// spent, secondary otherwise.
    pub(crate) fn of(error: &Error) -> RateLimitReason {
        if error.rate_limit().is_some_and(|limit| limit.is_exhausted()) {
            RateLimitReason::Primary
        } else {
            RateLimitReason::Secondary
        }
    }
}

/// One wait for a rate limit: why, and until when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateLimitWait {
    /// Why the wait happens.
    pub reason: RateLimitReason,
    /// How long the wait lasts, in milliseconds.
    pub wait_ms: u64,
    /// When requests resume.
    pub resume_at: DateTime<Utc>,
}

impl RateLimitWait {
    /// The wait as a duration.
    pub fn wait(&self) -> Duration {
        Duration::from_millis(self.wait_ms)
    }

    /// The wait in whole seconds, rounded up, as people read it.
    pub fn wait_secs(&self) -> u64 {
        self.wait_ms.div_ceil(1000)
    }
}

impl fmt::Display for RateLimitWait {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "waiting for GitHub's rate limit, resuming in {} s ({} limit, at {})",
            self.wait_secs(),
            self.reason.name(),
            self.resume_at
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        )
    }
}

/// The callback a client calls before each rate-limit wait.
pub(crate) type OnRateLimit = Arc<dyn Fn(&RateLimitWait) + Send + Sync>;

/// Reports waits: a `tracing` event, then the callback if one is set.
#[derive(Clone, Default)]
pub(crate) struct WaitNotifier {
    callback: Option<OnRateLimit>,
}

impl WaitNotifier {
    pub(crate) fn new(callback: Option<OnRateLimit>) -> WaitNotifier {
        WaitNotifier { callback }
    }

    /// Announces a wait of `wait` starting now.
    pub(crate) fn notify(&self, reason: RateLimitReason, wait: Duration) {
        let wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX);
        let resume_at = Utc::now()
            + TimeDelta::from_std(wait).unwrap_or_else(|_| TimeDelta::milliseconds(i64::MAX / 2));
        let event = RateLimitWait {
            reason,
            wait_ms,
            resume_at,
        };
        // Pacing is the expected rhythm of a bulk run; a refusal or a spent
        // budget is worth a warning.
        if reason == RateLimitReason::Pacing {
            tracing::info!(
                target: "ghpackages::rate_limit",
                reason = reason.name(),
                wait_ms,
                resume_at = %event.resume_at,
                "{event}"
            );
        } else {
            tracing::warn!(
                target: "ghpackages::rate_limit",
                reason = reason.name(),
                wait_ms,
                resume_at = %event.resume_at,
                "{event}"
            );
        }
        if let Some(callback) = &self.callback {
            callback(&event);
        }
    }

    /// Announces the wait before retrying `error`, when it is a rate limit.
    pub(crate) fn notify_error(&self, error: &Error, wait: Duration) {
        if error.kind() == ErrorKind::RateLimited {
            self.notify(RateLimitReason::of(error), wait);
        }
    }
}

impl fmt::Debug for WaitNotifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WaitNotifier")
            .field("callback", &self.callback.is_some())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[test]
    fn waits_read_in_whole_seconds_and_reach_the_callback() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = seen.clone();
        let notifier = WaitNotifier::new(Some(Arc::new(move |wait: &RateLimitWait| {
            sink.lock().unwrap().push(wait.clone())
        })));
        let before = Utc::now();
        notifier.notify(RateLimitReason::Secondary, Duration::from_millis(41_200));
        notifier.notify_error(
            &Error::new(ErrorKind::Server, "not a rate limit"),
            Duration::from_secs(1),
        );
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), 1);
        let wait = &seen[0];
        assert_eq!(
            (wait.reason, wait.wait_ms, wait.wait_secs()),
            (RateLimitReason::Secondary, 41_200, 42)
        );
        assert!(wait.resume_at >= before + TimeDelta::milliseconds(41_200));
        assert!(wait.to_string().starts_with(
            "waiting for GitHub's rate limit, resuming in 42 s (secondary limit, at "
        ));
        assert_eq!(
            serde_json::to_value(wait).unwrap()["reason"],
            serde_json::json!("secondary")
        );
    }
}
