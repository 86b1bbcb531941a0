//! The one place where the core's errors become C status codes and error
//! objects.

use std::any::Any;
use std::ffi::CStr;
use std::os::raw::c_char;

use sdk::{Error, ErrorKind};

use crate::strings::{free_string, opt_to_c, to_c};

/// What a call returned. `GHPACKAGES_OK` is success; every other code names
/// the core's error kind of the same name (see `ghpackages_status_name`).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ghpackages_status {
    /// Success.
    GHPACKAGES_OK = 0,
    /// 404: the owner, package or version does not exist, or is not visible to the token.
    GHPACKAGES_NOT_FOUND = 1,
    /// 401: no token or a bad token where the operation requires one.
    GHPACKAGES_UNAUTHORIZED = 2,
    /// 403: the token lacks a scope or permission, or GitHub refuses the operation.
    GHPACKAGES_FORBIDDEN = 3,
    /// 403/429: a primary or secondary rate limit was exceeded.
    GHPACKAGES_RATE_LIMITED = 4,
    /// 400/422: GitHub rejected the request's parameters.
    GHPACKAGES_VALIDATION = 5,
    /// 409: the request conflicts with the current state.
    GHPACKAGES_CONFLICT = 6,
    /// Rejected before any request was sent: a NULL pointer, invalid UTF-8,
    /// an out-of-range number or a bad setting.
    GHPACKAGES_INVALID_INPUT = 7,
    /// 5xx: the server failed.
    GHPACKAGES_SERVER = 8,
    /// The connection failed or broke.
    GHPACKAGES_TRANSPORT = 9,
    /// The request timed out.
    GHPACKAGES_TIMEOUT = 10,
    /// The response could not be decoded.
    GHPACKAGES_DECODE = 11,
    /// Any other unexpected HTTP status.
    GHPACKAGES_OTHER = 12,
    /// An error kind this version of the library does not know (the fallback).
    GHPACKAGES_UNKNOWN = 13,
    /// A bug in the library, caught at the boundary instead of crashing.
    GHPACKAGES_INTERNAL = 14,
}

use ghpackages_status::*;

/// The code of each error kind; unknown kinds get the fallback code.
pub(crate) fn status_of(kind: ErrorKind) -> ghpackages_status {
    match kind {
        ErrorKind::NotFound => GHPACKAGES_NOT_FOUND,
        ErrorKind::Unauthorized => GHPACKAGES_UNAUTHORIZED,
        ErrorKind::Forbidden => GHPACKAGES_FORBIDDEN,
        ErrorKind::RateLimited => GHPACKAGES_RATE_LIMITED,
        ErrorKind::Validation => GHPACKAGES_VALIDATION,
        ErrorKind::Conflict => GHPACKAGES_CONFLICT,
        ErrorKind::InvalidInput => GHPACKAGES_INVALID_INPUT,
        ErrorKind::Server => GHPACKAGES_SERVER,
        ErrorKind::Transport => GHPACKAGES_TRANSPORT,
        ErrorKind::Timeout => GHPACKAGES_TIMEOUT,
        ErrorKind::Decode => GHPACKAGES_DECODE,
        ErrorKind::Other => GHPACKAGES_OTHER,
        _ => GHPACKAGES_UNKNOWN,
    }
}

/// The stable name of a code: `ok`, the core's kind names, `unknown`, `internal`.
fn status_name(code: ghpackages_status) -> &'static CStr {
    match code {
        GHPACKAGES_OK => c"ok",
        GHPACKAGES_NOT_FOUND => c"not_found",
        GHPACKAGES_UNAUTHORIZED => c"unauthorized",
        GHPACKAGES_FORBIDDEN => c"forbidden",
        GHPACKAGES_RATE_LIMITED => c"rate_limited",
        GHPACKAGES_VALIDATION => c"validation",
        GHPACKAGES_CONFLICT => c"conflict",
        GHPACKAGES_INVALID_INPUT => c"invalid_input",
        GHPACKAGES_SERVER => c"server",
        GHPACKAGES_TRANSPORT => c"transport",
        GHPACKAGES_TIMEOUT => c"timeout",
        GHPACKAGES_DECODE => c"decode",
        GHPACKAGES_OTHER => c"other",
        GHPACKAGES_UNKNOWN => c"unknown",
        GHPACKAGES_INTERNAL => c"internal",
    }
}

/// Every code, in numeric order: a C caller may pass any integer, so names
/// are looked up by value rather than by transmuting it.
const ALL_STATUSES: [ghpackages_status; 15] = [
    GHPACKAGES_OK,
    GHPACKAGES_NOT_FOUND,
    GHPACKAGES_UNAUTHORIZED,
    GHPACKAGES_FORBIDDEN,
    GHPACKAGES_RATE_LIMITED,
    GHPACKAGES_VALIDATION,
    GHPACKAGES_CONFLICT,
    GHPACKAGES_INVALID_INPUT,
    GHPACKAGES_SERVER,
    GHPACKAGES_TRANSPORT,
    GHPACKAGES_TIMEOUT,
    GHPACKAGES_DECODE,
    GHPACKAGES_OTHER,
    GHPACKAGES_UNKNOWN,
    GHPACKAGES_INTERNAL,
];

/// The stable snake_case name of a status code: `"ok"`, then the core's
/// error kind names (`"not_found"`, `"unauthorized"`, `"forbidden"`,
/// `"rate_limited"`, `"validation"`, `"conflict"`, `"invalid_input"`,
/// `"server"`, `"transport"`, `"timeout"`, `"decode"`, `"other"`), then
/// `"unknown"` and `"internal"`.
///
/// @param status a `ghpackages_status` value (any integer is accepted).
/// @return a static NUL-terminated string, never NULL; `"invalid_status"`
///         for a value that is no code.
///
/// Ownership: the string is static; do not free it.
/// Thread safety: safe to call from any thread at any time.
#[no_mangle]
pub extern "C" fn ghpackages_status_name(status: i32) -> *const c_char {
    usize::try_from(status)
        .ok()
        .and_then(|index| ALL_STATUSES.get(index))
        .map_or(c"invalid_status", |code| status_name(*code))
        .as_ptr()
}

/// What went wrong in a failed call. Filled by every call that fails when
/// the caller passed a non-NULL `error` out-pointer.
///
/// Every string is NUL-terminated UTF-8 owned by the error; the optional
/// ones are NULL when absent. Free with `ghpackages_error_free`.
#[repr(C)]
pub struct ghpackages_error {
    /// The status code the call returned.
    pub code: ghpackages_status,
    /// The HTTP status of the response, or 0 when none was received.
    pub http_status: u16,
    /// A sentence for people, with what the call was about
    /// ("package 'octo-org/hello' (container) not found (404)"). Never NULL.
    pub description: *mut c_char,
    /// GitHub's `message`, or the library's own. Never NULL.
    pub message: *mut c_char,
    /// GitHub's own `message` when a response was received, else NULL.
    pub github_message: *mut c_char,
    /// GitHub's `documentation_url`, or NULL.
    pub documentation_url: *mut c_char,
    /// The `X-GitHub-Request-Id` of the failed request, or NULL.
    pub request_id: *mut c_char,
    /// For `GHPACKAGES_INVALID_INPUT`, the name of the offending argument, or NULL.
    pub argument: *mut c_char,
    /// How long the server asked to wait before retrying, in milliseconds,
    /// or -1 when it did not say.
    pub retry_after_ms: i64,
    /// Whether retrying the same call may succeed.
    pub retryable: bool,
}

impl ghpackages_error {
    pub(crate) fn from_sdk(error: &Error) -> Self {
        ghpackages_error {
            code: status_of(error.kind()),
            http_status: error.status().unwrap_or(0),
            description: to_c(&error.to_string()),
            message: to_c(error.message()),
            github_message: opt_to_c(error.github_message()),
            documentation_url: opt_to_c(error.documentation_url()),
            request_id: opt_to_c(error.request_id()),
            argument: opt_to_c(error.argument()),
            retry_after_ms: error.retry_after().map_or(-1, |wait| {
                i64::try_from(wait.as_millis()).unwrap_or(i64::MAX)
            }),
            retryable: error.is_retryable(),
        }
    }

    /// The error reported when a panic was caught at the boundary.
    pub(crate) fn from_panic(payload: &(dyn Any + Send)) -> Self {
        let reason = payload
            .downcast_ref::<&str>()
            .copied()
            .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
            .unwrap_or("unknown cause");
        let text = format!("internal error in libghpackages: {reason}");
        ghpackages_error {
            code: GHPACKAGES_INTERNAL,
            http_status: 0,
            description: to_c(&text),
            message: to_c(&text),
            github_message: std::ptr::null_mut(),
            documentation_url: std::ptr::null_mut(),
            request_id: std::ptr::null_mut(),
            argument: std::ptr::null_mut(),
            retry_after_ms: -1,
            retryable: false,
        }
    }
}

impl Drop for ghpackages_error {
    fn drop(&mut self) {
        for text in [
            self.description,
            self.message,
            self.github_message,
            self.documentation_url,
            self.request_id,
            self.argument,
        ] {
            free_string(text);
        }
    }
}

/// Frees an error filled by a failed call.
///
/// @param error the error, or NULL (then nothing happens).
///
/// Ownership: takes ownership; `error` and its strings are invalid afterwards.
/// Thread safety: safe from any thread; an error must be freed once only.
///
/// # Safety
/// `error` is NULL or a pointer received from this library, not yet freed.
#[no_mangle]
pub unsafe extern "C" fn ghpackages_error_free(error: *mut ghpackages_error) {
    if !error.is_null() {
        drop(Box::from_raw(error));
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn every_kind_has_its_own_code_named_like_the_kind() {
        let mut seen = HashSet::new();
        for kind in ErrorKind::ALL {
            let code = status_of(*kind);
            assert_ne!(code, GHPACKAGES_UNKNOWN, "{kind} has no code of its own");
            assert!(seen.insert(code), "{kind} shares its code");
            let name = unsafe { CStr::from_ptr(ghpackages_status_name(code as i32)) };
            assert_eq!(name.to_str().unwrap(), kind.name());
        }
    }

    #[test]
    fn codes_are_numbered_in_order_and_named() {
        for (index, code) in ALL_STATUSES.iter().enumerate() {
            assert_eq!(*code as usize, index);
            let name = unsafe { CStr::from_ptr(ghpackages_status_name(index as i32)) };
            assert_eq!(name, status_name(*code));
        }
    }

    #[test]
    fn out_of_range_codes_have_a_name_too() {
        for status in [-1, 15, i32::MAX, i32::MIN] {
            let name = unsafe { CStr::from_ptr(ghpackages_status_name(status)) };
            assert_eq!(name.to_str().unwrap(), "invalid_status");
        }
    }

    #[test]
    fn error_objects_carry_what_the_core_reports() {
        let error = ghpackages_error::from_sdk(&Error::invalid_input("per_page", "too big"));
        assert_eq!(error.code, GHPACKAGES_INVALID_INPUT);
        assert_eq!(error.http_status, 0);
        assert_eq!(
            unsafe { CStr::from_ptr(error.message) }.to_str(),
            Ok("too big")
        );
        assert_eq!(
            unsafe { CStr::from_ptr(error.argument) }.to_str(),
            Ok("per_page")
        );
        assert!(error.request_id.is_null());
        assert_eq!(error.retry_after_ms, -1);
    }
}
