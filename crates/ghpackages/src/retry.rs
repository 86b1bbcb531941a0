//! When and how long to wait before retrying a failed request.

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::config::RetryPolicy;
use crate::error::{Error, ErrorKind};

/// GitHub's advice for a secondary rate limit without `Retry-After`: "wait
/// for at least one minute before retrying".
const SECONDARY_MIN_WAIT: Duration = Duration::from_secs(60);

/// The wait before attempt `attempt + 1`, after `attempt` attempts failed
/// (the last with `error`) and `waited` was already spent waiting; `None`
/// when the request must not be retried.
///
/// - Only [`Error::is_retryable`] errors are retried.
/// - `Retry-After` is honoured as sent.
/// - An exhausted primary rate limit waits until `X-RateLimit-Reset`.
/// - Any other rate limit (a secondary one without `Retry-After`) waits at
///   least a minute, as GitHub asks.
/// - Otherwise the wait doubles from `initial_backoff` up to `max_backoff`,
///   with jitter (between half and all of it) so that concurrent clients
///   spread out.
/// - A wait that would exceed `max_total_wait` in all is not made.
pub(crate) fn delay(
    policy: &RetryPolicy,
    attempt: u32,
    waited: Duration,
    error: &Error,
    now: DateTime<Utc>,
) -> Option<Duration> {
    if attempt >= policy.max_attempts || !error.is_retryable() {
        return None;
    }
    let backoff = jittered(exponential(policy, attempt));
    let wait = if let Some(retry_after) = error.retry_after() {
        retry_after
    } else if let Some(limit) = error
        .rate_limit()
        .filter(|limit| error.kind() == ErrorKind::RateLimited && limit.is_exhausted())
    {
        (limit.reset - now)
            .to_std()
            .unwrap_or(Duration::ZERO)
            .max(backoff)
    } else if error.kind() == ErrorKind::RateLimited {
        backoff.max(SECONDARY_MIN_WAIT)
    } else {
        backoff
    };
    (waited + wait <= policy.max_total_wait).then_some(wait)
}

/// `initial_backoff * 2^(attempt-1)`, capped at `max_backoff`.
fn exponential(policy: &RetryPolicy, attempt: u32) -> Duration {
    let factor = 1u32 << attempt.saturating_sub(1).min(20);
    policy
        .initial_backoff
        .saturating_mul(factor)
        .min(policy.max_backoff)
}

/// A random duration between half of `base` and `base`.
fn jittered(base: Duration) -> Duration {
    let half = base / 2;
    half + half.mul_f64(fastrand::f64())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rate_limit::RateLimit;

    fn policy() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 5,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(1000),
            max_total_wait: Duration::from_secs(10),
        }
    }

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_700_000_000, 0).unwrap()
    }

    fn status_error(kind: ErrorKind, status: u16) -> Error {
        let mut error = Error::new(kind, "x");
        error.inner.status = Some(status);
        error
    }

    fn exhausted(reset_in: i64) -> Error {
        let mut error = status_error(ErrorKind::RateLimited, 403);
        error.inner.rate_limit = Some(RateLimit {
            limit: 5000,
            remaining: 0,
            used: 5000,
            reset: now() + chrono::Duration::seconds(reset_in),
            resource: None,
        });
        error
    }

    #[test]
    fn backoff_grows_with_jitter_and_is_capped() {
        let error = status_error(ErrorKind::Server, 503);
        for attempt in 1..5 {
            let wait = delay(&policy(), attempt, Duration::ZERO, &error, now()).unwrap();
            let full = exponential(&policy(), attempt);
            assert!(wait >= full / 2 && wait <= full, "{attempt}: {wait:?}");
        }
        assert_eq!(exponential(&policy(), 1), Duration::from_millis(100));
        assert_eq!(exponential(&policy(), 3), Duration::from_millis(400));
        assert_eq!(exponential(&policy(), 9), Duration::from_millis(1000));
        assert_eq!(exponential(&policy(), 200), Duration::from_millis(1000));
    }

    #[test]
    fn attempts_and_total_wait_bound_retries() {
        let error = Error::new(ErrorKind::Transport, "refused");
        assert!(delay(&policy(), 4, Duration::ZERO, &error, now()).is_some());
        assert!(delay(&policy(), 5, Duration::ZERO, &error, now()).is_none());
        assert!(delay(&policy(), 1, Duration::from_secs(10), &error, now()).is_none());
        assert!(delay(&RetryPolicy::none(), 1, Duration::ZERO, &error, now()).is_none());
    }

    #[test]
    fn only_retryable_errors() {
        for (kind, status) in [
            (ErrorKind::NotFound, 404),
            (ErrorKind::Forbidden, 403),
            (ErrorKind::Unauthorized, 401),
            (ErrorKind::Validation, 422),
            (ErrorKind::Conflict, 409),
            (ErrorKind::Server, 501),
            (ErrorKind::Other, 418),
        ] {
            assert!(delay(
                &policy(),
                1,
                Duration::ZERO,
                &status_error(kind, status),
                now()
            )
            .is_none());
        }
        for (kind, status) in [(ErrorKind::Server, 500), (ErrorKind::Server, 504)] {
            assert!(delay(
                &policy(),
                1,
                Duration::ZERO,
                &status_error(kind, status),
                now()
            )
            .is_some());
        }
        assert!(delay(
            &policy(),
            1,
            Duration::ZERO,
            &Error::new(ErrorKind::Timeout, "t"),
            now()
        )
        .is_some());
    }

    #[test]
    fn retry_after_is_honoured() {
        let mut error = status_error(ErrorKind::RateLimited, 429);
        error.inner.retry_after = Some(Duration::from_secs(3));
        assert_eq!(
            delay(&policy(), 1, Duration::ZERO, &error, now()),
            Some(Duration::from_secs(3))
        );
        error.inner.retry_after = Some(Duration::from_secs(60));
        assert_eq!(delay(&policy(), 1, Duration::ZERO, &error, now()), None);
    }

    #[test]
    fn exhausted_budget_waits_for_reset_when_allowed() {
        assert_eq!(
            delay(&policy(), 1, Duration::ZERO, &exhausted(4), now()),
            Some(Duration::from_secs(4))
        );
        assert_eq!(
            delay(&policy(), 1, Duration::ZERO, &exhausted(3600), now()),
            None
        );
        let past = delay(&policy(), 1, Duration::ZERO, &exhausted(-5), now()).unwrap();
        assert!(past <= Duration::from_millis(100));
    }

    #[test]
    fn secondary_limits_without_retry_after_wait_a_minute() {
        let error = status_error(ErrorKind::RateLimited, 429);
        assert_eq!(delay(&policy(), 1, Duration::ZERO, &error, now()), None);
        let patient = RetryPolicy {
            max_total_wait: Duration::from_secs(600),
            ..policy()
        };
        assert_eq!(
            delay(&patient, 1, Duration::ZERO, &error, now()),
            Some(SECONDARY_MIN_WAIT)
        );
    }
}
