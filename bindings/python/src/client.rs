//! `Client`, `AsyncClient` and `RetryPolicy`: the core's client settings as
//! keyword arguments, and the owner handles.

use chrono::{DateTime, Utc};
use pyo3::prelude::*;

use crate::app::GitHubApp;
use crate::cleanup::{
    callback, undo, undo_options, BudgetArg, InstantArg, JournalArg, Pacing, UndoFilters,
    VersionArg,
};
use crate::convert::{count, optional_seconds, repr_str};
use crate::errors::to_py_err;
use crate::owner::{AsyncOwner, Owner};
use crate::pages::RateLimit;
use crate::runtime::{awaitable, blocking, runtime};
use crate::waits::announce;

/// How failed requests are retried (connection errors, 5xx, rate limits),
/// with exponential backoff. Durations are in seconds.
#[pyclass(frozen, eq, module = "ghpackages")]
#[derive(Clone, PartialEq)]
pub struct RetryPolicy(pub ghpackages::RetryPolicy);

#[pymethods]
impl RetryPolicy {
    /// A policy; every setting left out keeps its default. Durations are
    /// seconds (int or float) or `datetime.timedelta`.
    #[new]
    #[pyo3(signature = (max_attempts=None, *, initial_backoff=None, max_backoff=None, max_total_wait=None))]
    fn new(
        max_attempts: Option<i64>,
        initial_backoff: Option<&Bound<'_, PyAny>>,
        max_backoff: Option<&Bound<'_, PyAny>>,
        max_total_wait: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let mut policy = ghpackages::RetryPolicy::default();
        if let Some(attempts) = count("max_attempts", max_attempts)? {
            policy.max_attempts = attempts;
        }
        if let Some(backoff) = optional_seconds("initial_backoff", initial_backoff)? {
            policy.initial_backoff = backoff;
        }
        if let Some(backoff) = optional_seconds("max_backoff", max_backoff)? {
            policy.max_backoff = backoff;
        }
        if let Some(wait) = optional_seconds("max_total_wait", max_total_wait)? {
            policy.max_total_wait = wait;
        }
        Ok(RetryPolicy(policy))
    }

    /// A policy that never retries.
    #[staticmethod]
    fn none() -> Self {
        RetryPolicy(ghpackages::RetryPolicy::none())
    }

    /// Attempts in all, the first included (1 disables retries).
    #[getter]
    fn max_attempts(&self) -> u32 {
        self.0.max_attempts
    }

    /// Backoff before the first retry, in seconds.
    #[getter]
    fn initial_backoff(&self) -> f64 {
        self.0.initial_backoff.as_secs_f64()
    }

    /// Upper bound of one backoff, in seconds.
    #[getter]
    fn max_backoff(&self) -> f64 {
        self.0.max_backoff.as_secs_f64()
    }

    /// Upper bound of all waiting for one request, in seconds.
    #[getter]
    fn max_total_wait(&self) -> f64 {
        self.0.max_total_wait.as_secs_f64()
    }

    fn __repr__(&self) -> String {
        format!(
            "RetryPolicy(max_attempts={}, initial_backoff={}, max_backoff={}, max_total_wait={})",
            self.0.max_attempts,
            self.0.initial_backoff.as_secs_f64(),
            self.0.max_backoff.as_secs_f64(),
            self.0.max_total_wait.as_secs_f64()
        )
    }
}

/// The constructor arguments of both clients, as the core's one
/// configuration; the core holds the defaults.
#[allow(clippy::too_many_arguments)]
fn build(
    token: Option<String>,
    base_url: Option<String>,
    token_from_env: bool,
    api_version: Option<String>,
    user_agent: Option<String>,
    connect_timeout: Option<&Bound<'_, PyAny>>,
    timeout: Option<&Bound<'_, PyAny>>,
    retry: Option<&Bound<'_, RetryPolicy>>,
    page_concurrency: Option<i64>,
    allow_insecure_http: bool,
    registry_url: Option<String>,
    on_rate_limit: Option<Py<PyAny>>,
    app: Option<&Bound<'_, GitHubApp>>,
) -> PyResult<ghpackages::Client> {
    let config = ghpackages::ClientConfig {
        base_url,
        token: token.map(ghpackages::Secret::new),
        token_from_env: Some(token_from_env),
        api_version,
        user_agent,
        connect_timeout: optional_seconds("connect_timeout", connect_timeout)?,
        timeout: optional_seconds("timeout", timeout)?,
        retry: retry.map(|policy| policy.get().0.clone()),
        page_concurrency: count("page_concurrency", page_concurrency)?.map(|pages| pages as usize),
        allow_insecure_http,
        registry_url,
        app: None,
    };
    // The HTTP client may set up timers and DNS resolution on the runtime.
    let _runtime = runtime()?.enter();
    let builder = ghpackages::ClientBuilder::from_config(config)
        .insecure_http_setting("allow_insecure_http=True")
        .on_rate_limit(announce(on_rate_limit));
    match app {
        Some(app) => builder.app(app.get().0.clone()),
        None => builder,
    }
    .build()
    .map_err(to_py_err)
}

/// Defines a client class whose owner handles are `$owner` and whose
/// requests run with `$run`.
macro_rules! client_class {
    ($(#[$meta:meta])* $class:ident, $owner:ident, $run:ident) => {
        $(#[$meta])*
        #[pyclass(frozen, module = "ghpackages")]
        pub struct $class {
            client: ghpackages::Client,
        }

        #[pymethods]
        impl $class {
            /// A client. Without `token`, `GITHUB_TOKEN` then `GH_TOKEN` are
            /// read unless `token_from_env` is false; with `app` (a
            /// `GitHubApp`), the client authenticates as that app's
            /// installation instead. `base_url` selects a
            /// GitHub Enterprise Server (`https://HOST/api/v3`); timeouts are
            /// seconds or `datetime.timedelta`.
            #[new]
            #[pyo3(signature = (
                token=None,
                *,
                base_url=None,
                token_from_env=true,
                api_version=None,
                user_agent=None,
                connect_timeout=None,
                timeout=None,
                retry=None,
                page_concurrency=None,
                allow_insecure_http=false,
                registry_url=None,
                on_rate_limit=None,
                app=None,
            ))]
            #[allow(clippy::too_many_arguments)]
            fn new(
                token: Option<String>,
                base_url: Option<String>,
                token_from_env: bool,
                api_version: Option<String>,
                user_agent: Option<String>,
                connect_timeout: Option<&Bound<'_, PyAny>>,
                timeout: Option<&Bound<'_, PyAny>>,
                retry: Option<&Bound<'_, RetryPolicy>>,
                page_concurrency: Option<i64>,
                allow_insecure_http: bool,
                registry_url: Option<String>,
                on_rate_limit: Option<Bound<'_, PyAny>>,
                app: Option<&Bound<'_, GitHubApp>>,
            ) -> PyResult<Self> {
                let on_rate_limit = crate::waits::callback(on_rate_limit)?;
                let client = build(
                    token,
                    base_url,
                    token_from_env,
                    api_version,
                    user_agent,
                    connect_timeout,
                    timeout,
                    retry,
                    page_concurrency,
                    allow_insecure_http,
                    registry_url,
                    on_rate_limit,
                    app,
                )?;
                Ok($class { client })
            }

            /// The packages of an organization (`/orgs/{org}/...`).
            fn org(&self, org: String) -> $owner {
                $owner::new(self.client.org(org))
            }

            /// The packages of a user (`/users/{username}/...`).
            fn user(&self, username: String) -> $owner {
                $owner::new(self.client.user(username))
            }

            /// The packages of the user the token belongs to (`/user/...`).
            fn me(&self) -> $owner {
                $owner::new(self.client.me())
            }

            /// The normalized API base URL.
            #[getter]
            fn base_url(&self) -> String {
                self.client.base_url().to_owned()
            }

            /// Whether a token is configured.
            #[getter]
            fn has_token(&self) -> bool {
                self.client.has_token()
            }

            /// The `X-GitHub-Api-Version` sent.
            #[getter]
            fn api_version(&self) -> String {
                self.client.api_version().to_owned()
            }

            /// The `User-Agent` sent.
            #[getter]
            fn user_agent(&self) -> String {
                self.client.user_agent().to_owned()
            }

            /// The rate-limit state of the last response received, if any.
            #[getter]
            fn rate_limit(&self) -> Option<RateLimit> {
                self.client.rate_limit().map(RateLimit)
            }

            /// The token's classic scopes as last reported by GitHub, if any.
            #[getter]
            fn token_scopes(&self) -> Option<Vec<String>> {
                self.client.token_scopes()
            }

            /// Restores what a cleanup journal records as deleted (within
            /// GitHub's 30-day window), on the server the journal names: a
            /// client aimed elsewhere is refused unless `allow_other_server`.
            /// `journal` is a journal file or a report's `journal_entries`.
            /// The filters combine: `packages` (globs), `versions` (ids or
            /// names), `since`/`until` (datetimes, or strings: RFC 3339, a
            /// date, an age such as "2h"), then the `last` N in journal
            /// order. `dry_run` restores nothing and says per version what
            /// would happen and why. `now` decides which deletions are too
            /// old (default: the current time). `on_outcome` is called with
            /// each version's outcome (a dict) as it completes, from a worker
            /// thread. Returns an `UndoReport`.
            #[pyo3(signature = (journal, *, packages=None, versions=None, since=None, until=None, last=None, dry_run=false, allow_other_server=false, concurrency=None, now=None, max_rate_limit_waits=None, budget=None, on_outcome=None))]
            #[allow(clippy::too_many_arguments)]
            fn undo_cleanup(
                &self,
                py: Python<'_>,
                journal: JournalArg,
                packages: Option<Vec<String>>,
                versions: Option<Vec<VersionArg>>,
                since: Option<InstantArg>,
                until: Option<InstantArg>,
                last: Option<i64>,
                dry_run: bool,
                allow_other_server: bool,
                concurrency: Option<i64>,
                now: Option<DateTime<Utc>>,
                max_rate_limit_waits: Option<i64>,
                budget: Option<BudgetArg>,
                on_outcome: Option<Bound<'_, PyAny>>,
            ) -> PyResult<Py<PyAny>> {
                let on_outcome = callback(on_outcome)?;
                let filters = UndoFilters { packages, versions, since, until, last, dry_run, allow_other_server };
                let pacing = Pacing { concurrency, max_rate_limit_waits, budget };
                let options = undo_options(pacing, now, filters)?;
                $run(py, undo(self.client.clone(), journal, options, on_outcome))
            }

            fn __repr__(&self) -> String {
                format!(
                    "{}(base_url={}, has_token={})",
                    stringify!($class),
                    repr_str(self.client.base_url()),
                    if self.client.has_token() { "True" } else { "False" }
                )
            }
        }
    };
}

client_class!(
    /// A client of the GitHub Packages API whose calls block (releasing the
    /// GIL); safe to share between threads.
    Client,
    Owner,
    blocking
);

client_class!(
    /// A client of the GitHub Packages API for asyncio: owner methods return
    /// awaitables. Safe to share between event loops and threads.
    AsyncClient,
    AsyncOwner,
    awaitable
);
