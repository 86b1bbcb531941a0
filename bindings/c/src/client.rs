//! The client handle and its options.

use std::ffi::CString;
use std::os::raw::{c_char, c_void};
use std::panic::{self, AssertUnwindSafe};
use std::time::Duration;

use sdk::{AppConfig, Client, ClientBuilder, ClientConfig, Error, RetryPolicy, Secret};

use crate::call::{arg, call, give, out_slot};
use crate::error::{ghpackages_error, ghpackages_status};
use crate::runtime::runtime;
use crate::strings::{opt_str_arg, to_c};

/// A client of the GitHub Packages API: one connection pool and one
/// rate-limit state. Opaque; create with `ghpackages_client_new`, free with
/// `ghpackages_client_free`.
///
/// Thread safety: one client may be used by any number of threads at once.
pub struct ghpackages_client {
    pub(crate) inner: Client,
}

/// Called before each wait for a rate limit (a refused request retried after
/// `Retry-After`, a spent hourly budget, a cleanup pacing its deletions),
/// with the wait as JSON — `{"reason": "secondary", "wait_ms": 1200,
/// "resume_at": "2026-11-27T12:00:01Z"}`, `reason` being `primary`,
/// `secondary` or `pacing` — and the options' `on_rate_limit_data`. The
/// string is borrowed for the call. It runs on a library thread, possibly
/// several at once: keep it short and thread-safe.
pub type ghpackages_rate_limit_callback =
    Option<unsafe extern "C" fn(wait_json: *const c_char, data: *mut c_void)>;

/// Settings of a new client. A zeroed struct (or a NULL pointer) means every
/// default: the base URL from `GITHUB_API_URL`, else `https://api.github.com`,
/// the token from `GITHUB_TOKEN` then `GH_TOKEN`, the library's timeouts and
/// retry policy, no rate-limit callback.
///
/// Strings are borrowed for the duration of `ghpackages_client_new` only.
/// Numbers are 0 for the default; negative numbers are `invalid_input`.
#[repr(C)]
pub struct ghpackages_client_options {
    /// API base URL (`https://api.github.com`, or a GitHub Enterprise Server
    /// as `https://HOST/api/v3` or `https://HOST`), or NULL for
    /// `GITHUB_API_URL`, else `https://api.github.com`.
    pub base_url: *const c_char,
    /// The token to authenticate with, or NULL to read the environment.
    pub token: *const c_char,
    /// Nonzero: do not read `GITHUB_TOKEN`/`GH_TOKEN` when `token` is NULL.
    pub ignore_env_token: i32,
    /// `X-GitHub-Api-Version` to send, or NULL for `2022-11-28`.
    pub api_version: *const c_char,
    /// `User-Agent` to send, or NULL for the library's.
    pub user_agent: *const c_char,
    /// Timeout to establish a connection, in milliseconds.
    pub connect_timeout_ms: i64,
    /// Timeout of each request attempt, in milliseconds.
    pub timeout_ms: i64,
    /// Attempts per request, the first included (1 disables retries).
    pub max_attempts: i32,
    /// Backoff before the first retry, in milliseconds.
    pub initial_backoff_ms: i64,
    /// Upper bound of one backoff, in milliseconds.
    pub max_backoff_ms: i64,
    /// Upper bound of all waiting for one request, in milliseconds.
    pub max_total_wait_ms: i64,
    /// How many pages are fetched at once by the "all items" calls.
    pub page_concurrency: i32,
    /// Nonzero: allow sending the token over plain `http://` to a
    /// non-loopback host.
    pub allow_insecure_http: i32,
    /// Base URL of the container registry, or NULL to derive it from
    /// `base_url`.
    pub registry_url: *const c_char,
    /// Called before each rate-limit wait, or NULL.
    pub on_rate_limit: ghpackages_rate_limit_callback,
    /// Passed to `on_rate_limit` as is.
    pub on_rate_limit_data: *mut c_void,
    /// Authenticate as a GitHub App installation instead of with a token:
    /// the app id (`"123456"`) or its client id (`"Iv1.…"`), or NULL for no
    /// app. With it, give the private key (`app_private_key` or
    /// `app_private_key_path`) and the installation (`app_installation_id`
    /// or `app_owner`); the environment's tokens are then not read.
    pub app_id: *const c_char,
    /// The app's private key in PEM, or NULL.
    pub app_private_key: *const c_char,
    /// A file holding the app's private key in PEM, or NULL.
    pub app_private_key_path: *const c_char,
    /// The installation to act as; 0 to look it up on `app_owner`.
    pub app_installation_id: i64,
    /// The organization or user whose installation to act as, or NULL.
    pub app_owner: *const c_char,
}

/// The C callback and its data, called from the runtime's threads, as the
/// caller agreed to by setting it.
struct RateLimitCallback {
    callback: unsafe extern "C" fn(*const c_char, *mut c_void),
    data: *mut c_void,
}

// SAFETY: the caller's contract (documented on the callback type) is that
// the callback may be called from any thread with this data.
unsafe impl Send for RateLimitCallback {}
unsafe impl Sync for RateLimitCallback {}

impl RateLimitCallback {
    fn call(&self, wait: &sdk::RateLimitWait) {
        let json = serde_json::to_string(wait)
            .ok()
            .and_then(|j| CString::new(j).ok());
        if let Some(json) = json {
            // SAFETY: the callback was given for this; the string outlives the call.
            unsafe { (self.callback)(json.as_ptr(), self.data) }
        }
    }
}

/// A setting in milliseconds: 0 is unset, negative is out of range.
fn millis(value: i64, argument: &'static str) -> Result<Option<Duration>, Error> {
    match value {
        0 => Ok(None),
        value => u64::try_from(value)
            .map(|ms| Some(Duration::from_millis(ms)))
            .map_err(|_| Error::invalid_input(argument, format!("{argument} {value} is negative"))),
    }
}

/// A count: 0 is unset, negative is out of range.
fn count(value: i32, argument: &'static str) -> Result<Option<u32>, Error> {
    match value {
        0 => Ok(None),
        value => u32::try_from(value)
            .map(Some)
            .map_err(|_| Error::invalid_input(argument, format!("{argument} {value} is negative"))),
    }
}

/// The C options as the core's one configuration; the core holds the
/// defaults and validates the values.
///
/// # Safety
/// The strings of `options` are NULL or NUL-terminated.
unsafe fn config(options: &ghpackages_client_options) -> Result<ClientConfig, Error> {
    let retry = RetryPolicy::default();
    let max_attempts = count(options.max_attempts, "options.max_attempts")?;
    let initial_backoff = millis(options.initial_backoff_ms, "options.initial_backoff_ms")?;
    let max_backoff = millis(options.max_backoff_ms, "options.max_backoff_ms")?;
    let max_total_wait = millis(options.max_total_wait_ms, "options.max_total_wait_ms")?;
    let retry_set = max_attempts.is_some()
        || initial_backoff.is_some()
        || max_backoff.is_some()
        || max_total_wait.is_some();
    Ok(ClientConfig {
        base_url: opt_str_arg(options.base_url, "options.base_url")?.map(str::to_owned),
        token: opt_str_arg(options.token, "options.token")?.map(Secret::new),
        token_from_env: Some(options.ignore_env_token == 0),
        api_version: opt_str_arg(options.api_version, "options.api_version")?.map(str::to_owned),
        user_agent: opt_str_arg(options.user_agent, "options.user_agent")?.map(str::to_owned),
        connect_timeout: millis(options.connect_timeout_ms, "options.connect_timeout_ms")?,
        timeout: millis(options.timeout_ms, "options.timeout_ms")?,
        retry: retry_set.then(|| RetryPolicy {
            max_attempts: max_attempts.unwrap_or(retry.max_attempts),
            initial_backoff: initial_backoff.unwrap_or(retry.initial_backoff),
            max_backoff: max_backoff.unwrap_or(retry.max_backoff),
            max_total_wait: max_total_wait.unwrap_or(retry.max_total_wait),
        }),
        page_concurrency: count(options.page_concurrency, "options.page_concurrency")?
            .map(|pages| pages as usize),
        allow_insecure_http: options.allow_insecure_http != 0,
        registry_url: opt_str_arg(options.registry_url, "options.registry_url")?.map(str::to_owned),
        app: app_config(options)?,
    })
}

/// The GitHub App settings of `options`, when any is set; the core checks
/// that they make an app.
///
/// # Safety
/// The strings of `options` are NULL or NUL-terminated.
unsafe fn app_config(options: &ghpackages_client_options) -> Result<Option<AppConfig>, Error> {
    let app_id = opt_str_arg(options.app_id, "options.app_id")?;
    let private_key = opt_str_arg(options.app_private_key, "options.app_private_key")?;
    let private_key_path =
        opt_str_arg(options.app_private_key_path, "options.app_private_key_path")?;
    let owner = opt_str_arg(options.app_owner, "options.app_owner")?;
    let installation_id = match options.app_installation_id {
        0 => None,
        id => Some(u64::try_from(id).map_err(|_| {
            Error::invalid_input(
                "options.app_installation_id",
                format!("options.app_installation_id {id} is negative"),
            )
        })?),
    };
    let any = app_id.is_some()
        || private_key.is_some()
        || private_key_path.is_some()
        || owner.is_some()
        || installation_id.is_some();
    Ok(any.then(|| AppConfig {
        app_id: app_id.map(str::to_owned),
        private_key: private_key.map(Secret::new),
        private_key_path: private_key_path.map(Into::into),
        installation_id,
        owner: owner.map(str::to_owned),
        ..AppConfig::default()
    }))
}

/// Creates a client.
///
/// @param options the settings, or NULL for every default.
/// @param[out] out receives the new client on success, NULL on failure.
/// @param[out] error NULL, or receives an error object on failure.
/// @return `GHPACKAGES_OK`, or `GHPACKAGES_INVALID_INPUT` for a bad setting
///         (a malformed base URL, a negative number, invalid UTF-8...).
///
/// Ownership: the caller owns `*out` and frees it with
/// `ghpackages_client_free`; the option strings are only borrowed.
/// Thread safety: safe to call from any thread.
///
/// # Safety
/// `options` is NULL or valid, with NULL or NUL-terminated strings; `out` and
/// `error` are NULL or valid for writing a pointer.
#[no_mangle]
pub unsafe extern "C" fn ghpackages_client_new(
    options: *const ghpackages_client_options,
    out: *mut *mut ghpackages_client,
    error: *mut *mut ghpackages_error,
) -> ghpackages_status {
    call(error, || {
        let out = out_slot(out, "out")?;
        let mut builder = match options.as_ref() {
            Some(options) => ClientBuilder::from_config(config(options)?),
            None => Client::builder(),
        }
        .insecure_http_setting("ghpackages_client_options.allow_insecure_http = 1");
        if let Some(options) = options.as_ref() {
            if let Some(callback) = options.on_rate_limit {
                let callback = RateLimitCallback {
                    callback,
                    data: options.on_rate_limit_data,
                };
                builder = builder.on_rate_limit(move |wait| callback.call(wait));
            }
        }
        // The HTTP stack may register timers with the runtime it is built in.
        let runtime = runtime()?;
        let _context = runtime.enter();
        let inner = builder.build()?;
        give(out, ghpackages_client { inner });
        Ok(())
    })
}

/// Frees a client and closes its connections.
///
/// @param client the client, or NULL (then nothing happens).
///
/// Ownership: takes ownership; `client` is invalid afterwards. Results
/// obtained through the client stay valid.
/// Thread safety: no other thread may be using `client` during the call.
///
/// # Safety
/// `client` is NULL or a client from `ghpackages_client_new`, not yet freed.
#[no_mangle]
pub unsafe extern "C" fn ghpackages_client_free(client: *mut ghpackages_client) {
    if !client.is_null() {
        // Dropping closes connections inside the HTTP stack; a panic there
        // must not unwind into C, and there is no status to report it with.
        let _ = panic::catch_unwind(AssertUnwindSafe(|| drop(Box::from_raw(client))));
    }
}

/// The rate-limit state GitHub reported with the last response
/// (`X-RateLimit-*` headers).
#[repr(C)]
pub struct ghpackages_rate_limit {
    /// Whether a response carried the headers yet; every other field is 0
    /// while it is false.
    pub known: bool,
    /// Requests allowed per window.
    pub limit: u64,
    /// Requests left in the window.
    pub remaining: u64,
    /// Requests made in the window.
    pub used: u64,
    /// When the window resets, in seconds since the Unix epoch.
    pub reset_unix: i64,
}

/// Reads the rate-limit state of the last response the client received.
///
/// @param client the client.
/// @param[out] out the caller's struct to fill; `known` is false until a
///        response carried the headers.
/// @param[out] error NULL, or receives an error object on failure.
/// @return `GHPACKAGES_OK`, or `GHPACKAGES_INVALID_INPUT` for a NULL pointer.
///
/// Ownership: `out` belongs to the caller; nothing is allocated.
/// Thread safety: safe to call concurrently with other calls on the client.
///
/// # Safety
/// `client` is NULL or a live client; `out` is NULL or valid for writing.
#[no_mangle]
pub unsafe extern "C" fn ghpackages_client_rate_limit(
    client: *const ghpackages_client,
    out: *mut ghpackages_rate_limit,
    error: *mut *mut ghpackages_error,
) -> ghpackages_status {
    call(error, || {
        let client = &arg(client, "client")?.inner;
        let out = out
            .as_mut()
            .ok_or_else(|| Error::invalid_input("out", "out must not be NULL"))?;
        *out = match client.rate_limit() {
            Some(rate) => ghpackages_rate_limit {
                known: true,
                limit: rate.limit,
                remaining: rate.remaining,
                used: rate.used,
                reset_unix: rate.reset.timestamp(),
            },
            None => ghpackages_rate_limit {
                known: false,
                limit: 0,
                remaining: 0,
                used: 0,
                reset_unix: 0,
            },
        };
        Ok(())
    })
}

/// Reads the classic scopes of the client's token, as GitHub last reported
/// them (`X-OAuth-Scopes`).
///
/// @param client the client.
/// @param[out] scopes receives the scopes separated by `", "` (as GitHub
///        sends them, e.g. `"read:packages, delete:packages"`), or NULL while
///        no response has carried the header.
/// @param[out] error NULL, or receives an error object on failure.
/// @return `GHPACKAGES_OK`, or `GHPACKAGES_INVALID_INPUT` for a NULL pointer.
///
/// Ownership: the caller owns `*scopes`; free it with `ghpackages_string_free`.
/// Thread safety: safe to call concurrently with other calls on the client.
///
/// # Safety
/// `client` is NULL or a live client; `scopes` and `error` are NULL or valid
/// for writing a pointer.
#[no_mangle]
pub unsafe extern "C" fn ghpackages_client_token_scopes(
    client: *const ghpackages_client,
    scopes: *mut *mut c_char,
    error: *mut *mut ghpackages_error,
) -> ghpackages_status {
    call(error, || {
        let out = out_slot(scopes, "scopes")?;
        let client = &arg(client, "client")?.inner;
        if let Some(scopes) = client.token_scopes() {
            *out = to_c(&scopes.join(", "));
        }
        Ok(())
    })
}
