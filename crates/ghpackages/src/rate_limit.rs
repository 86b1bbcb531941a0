//! The rate-limit state GitHub reports in `X-RateLimit-*` headers.

use chrono::{DateTime, TimeZone, Utc};
use reqwest::header::HeaderMap;

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

impl RateLimit {
    /// Reads the snapshot from response headers; `None` unless `Limit`,
    /// `Remaining` and `Reset` are all present and numeric. A missing `Used`
    /// is computed as `limit - remaining`.
    pub(crate) fn from_headers(headers: &HeaderMap) -> Option<RateLimit> {
        let number =
            |name: &str| -> Option<u64> { headers.get(name)?.to_str().ok()?.trim().parse().ok() };
        let limit = number("x-ratelimit-limit")?;
        let remaining = number("x-ratelimit-remaining")?;
        let reset_epoch = i64::try_from(number("x-ratelimit-reset")?).ok()?;
        let reset = Utc.timestamp_opt(reset_epoch, 0).single()?;
        let used = number("x-ratelimit-used").unwrap_or(limit.saturating_sub(remaining));
        let resource = headers
            .get("x-ratelimit-resource")
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        Some(RateLimit {
            limit,
            remaining,
            used,
            reset,
            resource,
        })
    }

    /// Whether the budget is used up until [`RateLimit::reset`].
    pub fn is_exhausted(&self) -> bool {
        self.remaining == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn full_snapshot() {
        let limit = RateLimit::from_headers(&headers(&[
            ("x-ratelimit-limit", "5000"),
            ("x-ratelimit-remaining", "4990"),
            ("x-ratelimit-used", "10"),
            ("x-ratelimit-reset", "1700000000"),
            ("x-ratelimit-resource", "core"),
        ]))
        .unwrap();
        assert_eq!(limit.limit, 5000);
        assert_eq!(limit.remaining, 4990);
        assert_eq!(limit.used, 10);
        assert_eq!(limit.reset.timestamp(), 1_700_000_000);
        assert_eq!(limit.resource.as_deref(), Some("core"));
        assert!(!limit.is_exhausted());
    }

    #[test]
    fn partial_or_bad_headers() {
        assert_eq!(RateLimit::from_headers(&HeaderMap::new()), None);
        assert_eq!(
            RateLimit::from_headers(&headers(&[
                ("x-ratelimit-limit", "60"),
                ("x-ratelimit-remaining", "x"),
                ("x-ratelimit-reset", "1700000000"),
            ])),
            None
        );
        let limit = RateLimit::from_headers(&headers(&[
            ("x-ratelimit-limit", "60"),
            ("x-ratelimit-remaining", "0"),
            ("x-ratelimit-reset", "1700000000"),
        ]))
        .unwrap();
        assert_eq!(limit.used, 60);
        assert!(limit.is_exhausted());
        assert_eq!(limit.resource, None);
    }
}
