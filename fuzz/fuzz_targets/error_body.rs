//! The client's decoding of failed responses: any status, any headers, any
//! body gives an error with a non-empty message, a kind consistent with the
//! status, and a message bounded in size whatever the body.
#![no_main]

use arbitrary::Arbitrary;
use ghpackages::ErrorKind;
use libfuzzer_sys::fuzz_target;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::StatusCode;

#[derive(Arbitrary, Debug)]
struct Input<'a> {
    status: u16,
    headers: Vec<(u8, &'a [u8])>,
    body: &'a [u8],
}

/// The headers the decoder reads, picked by index so the fuzzer hits them.
const NAMES: [&str; 8] = [
    "x-ratelimit-limit",
    "x-ratelimit-remaining",
    "x-ratelimit-used",
    "x-ratelimit-reset",
    "x-ratelimit-resource",
    "retry-after",
    "x-github-request-id",
    "content-type",
];

fuzz_target!(|input: Input<'_>| {
    let Ok(status) = StatusCode::from_u16(input.status) else {
        return;
    };
    let mut headers = HeaderMap::new();
    for (name, value) in input.headers {
        let name = HeaderName::from_static(NAMES[usize::from(name) % NAMES.len()]);
        if let Ok(value) = HeaderValue::from_bytes(value) {
            headers.append(name, value);
        }
    }
    let error = ghpackages::error_from_http_response(status, &headers, input.body);
    assert!(!error.message().trim().is_empty(), "empty message");
    assert_eq!(error.status(), Some(status.as_u16()));
    let expected = match status.as_u16() {
        401 => Some(ErrorKind::Unauthorized),
        404 | 410 => Some(ErrorKind::NotFound),
        409 => Some(ErrorKind::Conflict),
        400 | 422 => Some(ErrorKind::Validation),
        429 => Some(ErrorKind::RateLimited),
        500..=599 => Some(ErrorKind::Server),
        _ => None,
    };
    if let Some(expected) = expected {
        assert_eq!(error.kind(), expected, "status {status}");
    }
    let _ = error.to_string();
    let _ = format!("{error:?}");
    let _ = error.is_retryable();
    let _ = error.retry_after();
});
