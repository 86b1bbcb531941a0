//! Turning failed responses and transport failures into [`Error`]s.

use std::time::Duration;

use chrono::{DateTime, Utc};
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde::Deserialize;

use crate::error::{Error, ErrorKind};
use crate::rate_limit::RateLimit;

/// Longest part of a non-JSON error body kept as the message.
const MAX_TEXT_MESSAGE: usize = 200;

/// GitHub's `basic-error` body; every field is optional.
#[derive(Deserialize)]
struct BasicError {
    message: Option<String>,
    documentation_url: Option<String>,
}

/// The error the client reports for a failed response, as of now. Public but
/// hidden: the fuzz targets under `fuzz/` feed it arbitrary bodies and
/// headers without a server.
#[doc(hidden)]
pub fn error_from_http_response(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> Error {
    from_response(status, headers, body, Utc::now())
}

/// The error for a response with a non-success `status`.
pub(crate) fn from_response(
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
    now: DateTime<Utc>,
) -> Error {
    let (message, documentation_url) = match serde_json::from_slice::<BasicError>(body) {
        Ok(parsed) => (parsed.message, parsed.documentation_url),
        Err(_) => (text_message(body), None),
    };
    let message = message
        .filter(|message| !message.trim().is_empty())
        .unwrap_or_else(|| {
            status
                .canonical_reason()
                .unwrap_or("unexpected response")
                .to_owned()
        });
    let rate_limit = RateLimit::from_headers(headers);
    let kind = kind_of(status, &message, rate_limit.as_ref());
    let mut error = Error::new(kind, message);
    error.inner.status = Some(status.as_u16());
    error.inner.documentation_url = documentation_url;
    error.inner.request_id = header_text(headers, "x-github-request-id");
    error.inner.retry_after = retry_after(headers, now);
    error.inner.rate_limit = rate_limit;
    error
}

/// The kind of an error status. A 403 is a rate limit when the budget is
/// exhausted or GitHub's message says so (secondary limits keep a budget).
fn kind_of(status: StatusCode, message: &str, rate_limit: Option<&RateLimit>) -> ErrorKind {
    match status.as_u16() {
        401 => ErrorKind::Unauthorized,
        403 if rate_limit.is_some_and(RateLimit::is_exhausted) || mentions_rate_limit(message) => {
            ErrorKind::RateLimited
        }
        403 => ErrorKind::Forbidden,
        429 => ErrorKind::RateLimited,
        404 | 410 => ErrorKind::NotFound,
        400 | 422 => ErrorKind::Validation,
        409 => ErrorKind::Conflict,
        500..=599 => ErrorKind::Server,
        _ => ErrorKind::Other,
    }
}

fn mentions_rate_limit(message: &str) -> bool {
    message.to_ascii_lowercase().contains("rate limit")
}

fn header_text(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|value| value.to_str().ok())
        .map(|value| value.trim().to_owned())
        .filter(|value| !value.is_empty())
}

/// `Retry-After` as delay seconds or as an HTTP date.
fn retry_after(headers: &HeaderMap, now: DateTime<Utc>) -> Option<Duration> {
    let value = header_text(headers, "retry-after")?;
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = DateTime::parse_from_rfc2822(&value).ok()?;
    Some(
        (date.with_timezone(&Utc) - now)
            .to_std()
            .unwrap_or(Duration::ZERO),
    )
}

/// The start of a body that is not JSON (a proxy's HTML page, say).
fn text_message(body: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let mut end = text.len().min(MAX_TEXT_MESSAGE);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    Some(text[..end].to_owned())
}

/// The error for a request that got no (complete) response.
pub(crate) fn from_transport(error: reqwest::Error) -> Error {
    // The URL can carry a restore `token` query parameter: never show it.
    let error = error.without_url();
    let kind = if error.is_timeout() {
        ErrorKind::Timeout
    } else if error.is_builder() {
        ErrorKind::Other
    } else {
        ErrorKind::Transport
    };
    let mut message = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        let text = cause.to_string();
        if !message.contains(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
        source = cause.source();
    }
    Error::new(kind, message)
}

/// The error for a success response whose body is not what the operation returns.
pub(crate) fn decode(status: StatusCode, error: &serde_json::Error) -> Error {
    let mut result = Error::new(
        ErrorKind::Decode,
        format!("unexpected response body: {error}"),
    );
    result.inner.status = Some(status.as_u16());
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_700_000_000, 0).unwrap()
    }

    fn error(status: u16, pairs: &[(&'static str, &'static str)], body: &str) -> Error {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.insert(*name, HeaderValue::from_static(value));
        }
        from_response(
            StatusCode::from_u16(status).unwrap(),
            &headers,
            body.as_bytes(),
            now(),
        )
    }

    const BUDGET_LEFT: &[(&str, &str)] = &[
        ("x-ratelimit-limit", "5000"),
        ("x-ratelimit-remaining", "4000"),
        ("x-ratelimit-reset", "1700000060"),
    ];
    const BUDGET_GONE: &[(&str, &str)] = &[
        ("x-ratelimit-limit", "5000"),
        ("x-ratelimit-remaining", "0"),
        ("x-ratelimit-reset", "1700000060"),
    ];

    #[test]
    fn status_kinds() {
        let cases = [
            (401, ErrorKind::Unauthorized),
            (403, ErrorKind::Forbidden),
            (429, ErrorKind::RateLimited),
            (404, ErrorKind::NotFound),
            (400, ErrorKind::Validation),
            (422, ErrorKind::Validation),
            (409, ErrorKind::Conflict),
            (500, ErrorKind::Server),
            (502, ErrorKind::Server),
            (503, ErrorKind::Server),
            (504, ErrorKind::Server),
            (501, ErrorKind::Server),
            (418, ErrorKind::Other),
            (302, ErrorKind::Other),
        ];
        for (status, kind) in cases {
            let error = error(status, BUDGET_LEFT, "{}");
            assert_eq!(error.kind(), kind, "{status}");
            assert_eq!(error.status(), Some(status));
        }
    }

    #[test]
    fn rate_limited_403s() {
        assert_eq!(error(403, BUDGET_GONE, "{}").kind(), ErrorKind::RateLimited);
        let secondary = error(
            403,
            &[("retry-after", "7")],
            r#"{"message":"You have exceeded a secondary rate limit. Please wait."}"#,
        );
        assert_eq!(secondary.kind(), ErrorKind::RateLimited);
        assert_eq!(secondary.retry_after(), Some(Duration::from_secs(7)));
        assert!(secondary.is_retryable());
        let primary = error(
            403,
            BUDGET_LEFT,
            r#"{"message":"API rate limit exceeded for user"}"#,
        );
        assert_eq!(primary.kind(), ErrorKind::RateLimited);
        let forbidden = error(403, BUDGET_LEFT, r#"{"message":"Must have admin rights"}"#);
        assert_eq!(forbidden.kind(), ErrorKind::Forbidden);
        assert!(!forbidden.is_retryable());
    }

    #[test]
    fn github_body_and_headers() {
        let error = error(
            404,
            &[
                ("x-github-request-id", "ABCD:1234"),
                ("x-ratelimit-limit", "60"),
                ("x-ratelimit-remaining", "59"),
                ("x-ratelimit-reset", "1700000060"),
            ],
            r#"{"message":"Package not found.","documentation_url":"https://docs.github.com/rest","status":"404"}"#,
        );
        assert_eq!(error.message(), "Package not found.");
        assert_eq!(
            error.documentation_url(),
            Some("https://docs.github.com/rest")
        );
        assert_eq!(error.request_id(), Some("ABCD:1234"));
        assert_eq!(error.rate_limit().unwrap().remaining, 59);
        assert_eq!(error.retry_after(), None);
    }

    #[test]
    fn bodies_that_are_not_github_errors() {
        assert_eq!(error(502, &[], "").message(), "Bad Gateway");
        assert_eq!(
            error(502, &[], "<html>oops</html>").message(),
            "<html>oops</html>"
        );
        assert_eq!(
            error(500, &[], r#"{"message":""}"#).message(),
            "Internal Server Error"
        );
        assert_eq!(error(500, &[], &"é".repeat(300)).message().len(), 200);
    }

    #[test]
    fn retry_after_as_date() {
        let error = error(
            429,
            &[("retry-after", "Tue, 14 Nov 2023 22:13:50 GMT")],
            "{}",
        );
        assert_eq!(error.retry_after(), Some(Duration::from_secs(30)));
        let past = error_with_past_date();
        assert_eq!(past.retry_after(), Some(Duration::ZERO));
    }

    fn error_with_past_date() -> Error {
        error(
            429,
            &[("retry-after", "Mon, 13 Nov 2023 00:00:00 GMT")],
            "{}",
        )
    }

    #[test]
    fn decode_errors_keep_the_status() {
        let serde_error = serde_json::from_str::<u8>("x").unwrap_err();
        let error = decode(StatusCode::OK, &serde_error);
        assert_eq!(error.kind(), ErrorKind::Decode);
        assert_eq!(error.status(), Some(200));
    }
}
