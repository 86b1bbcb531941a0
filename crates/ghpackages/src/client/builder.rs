//! [`ClientBuilder`]: the settings of a client, their defaults and checks.

use std::fmt;
use std::sync::atomic::{AtomicI64, AtomicU64};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, ACCEPT, AUTHORIZATION};

use super::{refuse_insecure_token, Client, Inner};
use crate::app::{AppAuth, GitHubApp};
use crate::base_url::BaseUrl;
use crate::config::{
    BaseUrlSource, ClientConfig, RetryPolicy, TokenSource, BASE_URL_VARIABLE, DEFAULT_API_VERSION,
    DEFAULT_BASE_URL, DEFAULT_CONNECT_TIMEOUT, DEFAULT_PAGE_CONCURRENCY, DEFAULT_TIMEOUT,
};
use crate::error::{Error, ErrorKind, Result};
use crate::http::Http;
use crate::rate_limit_wait::{OnRateLimit, RateLimitWait, WaitNotifier};
use crate::registry::RegistryBase;
use crate::secret::Secret;

/// The media type GitHub recommends for its REST API.
const ACCEPT_JSON: &str = "application/vnd.github+json";
/// Environment variables read for a token, in order.
const TOKEN_VARIABLES: [&str; 2] = ["GITHUB_TOKEN", "GH_TOKEN"];

/// Builds a [`Client`] from a [`ClientConfig`], given whole
/// ([`ClientBuilder::from_config`]) or one setting at a time.
///
/// Its `Debug` output never shows the token.
#[derive(Clone, Default)]
pub struct ClientBuilder {
    config: ClientConfig,
    app: Option<GitHubApp>,
    insecure_http_setting: Option<&'static str>,
    on_rate_limit: Option<OnRateLimit>,
}

impl From<ClientConfig> for ClientBuilder {
    fn from(config: ClientConfig) -> Self {
        ClientBuilder::from_config(config)
    }
}

/// How the Rust API spells the override of the plain-http rule.
const RUST_INSECURE_HTTP_SETTING: &str = "ClientBuilder::allow_insecure_http(true)";

impl ClientBuilder {
    /// A builder with every setting at its default.
    pub fn new() -> Self {
        ClientBuilder::default()
    }

    /// A builder with the settings of `config`.
    pub fn from_config(config: ClientConfig) -> Self {
        ClientBuilder {
            config,
            ..ClientBuilder::default()
        }
    }

    /// API base URL: `https://api.github.com`, or a GitHub Enterprise
    /// Server as `https://HOST/api/v3` or `https://HOST`. Without it, the
    /// `GITHUB_API_URL` environment variable is read (an empty value is
    /// skipped), then `https://api.github.com` is used
    /// ([`Client::base_url_source`] tells which).
    ///
    /// Trailing slashes are ignored; `https://HOST` (empty path) gets
    /// `/api/v3` appended unless HOST is `api.github.com` or a loopback host
    /// (`localhost`, `127.0.0.0/8`, `::1`), whose URLs are used as given.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.config.base_url = Some(url.into());
        self
    }

    /// The token to authenticate with (surrounding whitespace is ignored).
    /// Without one, `GITHUB_TOKEN` then `GH_TOKEN` are read (empty values
    /// skipped), unless [`ClientBuilder::token_from_env`] is off.
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.config.token = Some(Secret::new(token));
        self
    }

    /// Authenticate as an installation of a GitHub App instead of with a
    /// token: the client exchanges the app's JWT for installation tokens
    /// and renews them (see [`GitHubApp`]). The environment's tokens are
    /// then not read; giving a token as well is an error.
    pub fn app(mut self, app: GitHubApp) -> Self {
        self.app = Some(app);
        self
    }

    /// Whether to read `GITHUB_TOKEN`/`GH_TOKEN` when no token is given (default on).
    pub fn token_from_env(mut self, enabled: bool) -> Self {
        self.config.token_from_env = Some(enabled);
        self
    }

    /// `X-GitHub-Api-Version` to send (default `2022-11-28`).
    pub fn api_version(mut self, version: impl Into<String>) -> Self {
        self.config.api_version = Some(version.into());
        self
    }

    /// `User-Agent` to send (default `ghpackages-rust/VERSION`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.config.user_agent = Some(user_agent.into());
        self
    }

    /// Timeout to establish a connection (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.config.connect_timeout = Some(timeout);
        self
    }

    /// Timeout of one whole request attempt (default 60 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.config.timeout = Some(timeout);
        self
    }

    /// Retry policy (default [`RetryPolicy::default`]).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.config.retry = Some(policy);
        self
    }

    /// How many pages are fetched at once when listing everything (default 8).
    pub fn page_concurrency(mut self, pages: usize) -> Self {
        self.config.page_concurrency = Some(pages);
        self
    }

    /// Allow sending the token over plain `http://` to a non-loopback host
    /// (loopback: `localhost`, `127.0.0.0/8`, `::1`).
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.config.allow_insecure_http = allow;
        self
    }

    /// How the caller's surface spells [`ClientBuilder::allow_insecure_http`]
    /// (`--allow-insecure-http`, `allowInsecureHttp: true`, ...), so that a
    /// refusal names the option the caller can actually set. Bindings and
    /// the CLI set it; Rust callers need not.
    pub fn insecure_http_setting(mut self, spelled: &'static str) -> Self {
        self.insecure_http_setting = Some(spelled);
        self
    }

    /// Base URL of the container registry (`ghcr.io`, or `containers.HOST`
    /// on GitHub Enterprise Server). By default derived from the API base:
    /// `api.github.com` → `https://ghcr.io`, `https://HOST/api/v3` →
    /// `https://containers.HOST`, a loopback API → the same scheme, host and
    /// port (the emulator serves the registry too).
    pub fn registry_url(mut self, url: impl Into<String>) -> Self {
        self.config.registry_url = Some(url.into());
        self
    }

    /// Called before every wait for a rate limit: the client's own retries
    /// of a refused request, and the pacing and waits of bulk cleanup and
    /// undo. Each wait is also a `tracing` event (target
    /// `ghpackages::rate_limit`). The callback runs on the task that waits:
    /// keep it short.
    pub fn on_rate_limit(
        mut self,
        callback: impl Fn(&RateLimitWait) + Send + Sync + 'static,
    ) -> Self {
        self.on_rate_limit = Some(Arc::new(callback));
        self
    }

    /// The explicit base URL, else a non-empty `GITHUB_API_URL`, else the default.
    fn resolve_base_url(&self) -> Result<(BaseUrl, BaseUrlSource)> {
        if let Some(url) = &self.config.base_url {
            return Ok((BaseUrl::parse(url)?, BaseUrlSource::Explicit));
        }
        match std::env::var(BASE_URL_VARIABLE) {
            Ok(url) if !url.trim().is_empty() => {
                let base = BaseUrl::parse(&url).map_err(|error| {
                    Error::invalid_input(
                        "base_url",
                        format!("{BASE_URL_VARIABLE}: {}", error.message()),
                    )
                })?;
                Ok((base, BaseUrlSource::Environment))
            }
            _ => Ok((BaseUrl::parse(DEFAULT_BASE_URL)?, BaseUrlSource::Default)),
        }
    }

    /// Validates the settings and builds the client.
    ///
    /// Fails with [`ErrorKind::InvalidInput`] naming the setting (`base_url`,
    /// `token`, `app`, `app_id`, `private_key`, `installation_id`, `owner`,
    /// `api_version`, `user_agent`, `timeout`, `connect_timeout`, `retry`,
    /// `page_concurrency`) when one is unusable, including a token
    /// that would travel over plain `http://` to a non-loopback host.
    pub fn build(self) -> Result<Client> {
        let template = self.clone();
        let (base, base_url_source) = self.resolve_base_url()?;
        let app = match (&self.app, &self.config.app) {
            (Some(app), _) => Some(app.clone()),
            (None, Some(config)) => Some(config.build()?),
            (None, None) => None,
        };
        if app.is_some() && self.config.token.is_some() {
            return Err(Error::invalid_input(
                "app",
                "give a token or a GitHub App, not both",
            ));
        }
        let (token, token_source) = match &app {
            Some(_) => (None, TokenSource::GitHubApp),
            None => resolve_token(&self.config)?,
        };
        let has_credentials = token.is_some() || app.is_some();
        let insecure_http_setting = self
            .insecure_http_setting
            .unwrap_or(RUST_INSECURE_HTTP_SETTING);
        if has_credentials {
            refuse_insecure_token(
                "base_url",
                "token",
                base.is_insecure_remote(),
                self.config.allow_insecure_http,
                base.authority(),
                insecure_http_setting,
            )?;
        }
        let registry = match &self.config.registry_url {
            Some(url) => RegistryBase::parse(url)?,
            None => RegistryBase::derive(base.as_str())?,
        };
        if has_credentials {
            refuse_insecure_token(
                "registry_url",
                "token",
                registry.is_insecure_remote(),
                self.config.allow_insecure_http,
                registry.as_str(),
                insecure_http_setting,
            )?;
        }
        let api_version = self
            .config
            .api_version
            .clone()
            .unwrap_or_else(|| DEFAULT_API_VERSION.to_owned());
        let user_agent = self
            .config
            .user_agent
            .clone()
            .unwrap_or_else(|| format!("ghpackages-rust/{}", env!("CARGO_PKG_VERSION")));
        let headers = default_headers(&api_version, token.as_ref())?;
        let user_agent_value = header_value("user_agent", &user_agent)?;
        let connect_timeout = positive(
            "connect_timeout",
            self.config.connect_timeout,
            DEFAULT_CONNECT_TIMEOUT,
        )?;
        let timeout = positive("timeout", self.config.timeout, DEFAULT_TIMEOUT)?;
        let retry = self.config.retry.clone().unwrap_or_default();
        if retry.max_attempts == 0 {
            return Err(Error::invalid_input(
                "retry",
                "max_attempts must be 1 or more",
            ));
        }
        let page_concurrency = self
            .config
            .page_concurrency
            .unwrap_or(DEFAULT_PAGE_CONCURRENCY);
        if page_concurrency == 0 {
            return Err(Error::invalid_input(
                "page_concurrency",
                "page_concurrency must be 1 or more",
            ));
        }
        let client = reqwest::Client::builder()
            .default_headers(headers)
            .user_agent(user_agent_value)
            .connect_timeout(connect_timeout)
            .timeout(timeout)
            .build()
            .map_err(|error| {
                Error::new(
                    ErrorKind::Other,
                    format!("cannot build the HTTP client: {}", error.without_url()),
                )
            })?;
        Ok(Client {
            inner: Arc::new(Inner {
                http: Arc::new(Http {
                    client,
                    base,
                    retry,
                    rate_limit: Mutex::new(None),
                    scopes: Mutex::new(None),
                    waits: WaitNotifier::new(self.on_rate_limit.clone()),
                    sent: Default::default(),
                    limit: AtomicU64::new(u64::MAX),
                    app: app.map(|app| Arc::new(AppAuth::new(app))),
                    server_offset: AtomicI64::new(0),
                }),
                base_url_source,
                has_token: has_credentials,
                token_source,
                token: token.clone(),
                registry,
                api_version,
                user_agent,
                page_concurrency,
                allow_insecure_http: self.config.allow_insecure_http,
                insecure_http_setting,
                builder: ClientBuilder {
                    config: ClientConfig {
                        token,
                        ..template.config
                    },
                    ..template
                },
            }),
        })
    }
}

/// The explicit token, else the first non-empty environment variable; and
/// where it came from.
fn resolve_token(config: &ClientConfig) -> Result<(Option<Secret>, TokenSource)> {
    if let Some(token) = &config.token {
        let trimmed = token.expose().trim();
        if trimmed.is_empty() {
            return Err(Error::invalid_input("token", "token is empty"));
        }
        return Ok((Some(Secret::new(trimmed)), TokenSource::Explicit));
    }
    if config.token_from_env == Some(false) {
        return Ok((None, TokenSource::None));
    }
    Ok(TOKEN_VARIABLES
        .iter()
        .find_map(|name| {
            let value = std::env::var(name).ok()?;
            let trimmed = value.trim();
            (!trimmed.is_empty())
                .then(|| (Some(Secret::new(trimmed)), TokenSource::Environment(name)))
        })
        .unwrap_or((None, TokenSource::None)))
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("config", &self.config)
            .field("app", &self.app)
            .field("insecure_http_setting", &self.insecure_http_setting)
            .field("on_rate_limit", &self.on_rate_limit.is_some())
            .finish()
    }
}

/// The headers of every request: `Accept`, `X-GitHub-Api-Version` and, with a
/// token, `Authorization` (marked sensitive, so HTTP-level debug output hides it).
fn default_headers(api_version: &str, token: Option<&Secret>) -> Result<HeaderMap> {
    let mut headers = HeaderMap::new();
    headers.insert(ACCEPT, HeaderValue::from_static(ACCEPT_JSON));
    headers.insert(
        HeaderName::from_static("x-github-api-version"),
        header_value("api_version", api_version)?,
    );
    if let Some(token) = token {
        let mut value =
            HeaderValue::from_str(&format!("Bearer {}", token.expose())).map_err(|_| {
                Error::invalid_input("token", "token contains characters not allowed in a header")
            })?;
        value.set_sensitive(true);
        headers.insert(AUTHORIZATION, value);
    }
    Ok(headers)
}

fn header_value(argument: &'static str, value: &str) -> Result<HeaderValue> {
    if value.trim().is_empty() {
        return Err(Error::invalid_input(
            argument,
            format!("{argument} is empty"),
        ));
    }
    HeaderValue::from_str(value).map_err(|_| {
        Error::invalid_input(
            argument,
            format!("{argument} {value:?} is not a valid header value"),
        )
    })
}

fn positive(
    argument: &'static str,
    value: Option<Duration>,
    default: Duration,
) -> Result<Duration> {
    match value {
        Some(duration) if duration.is_zero() => Err(Error::invalid_input(
            argument,
            format!("{argument} must be longer than zero"),
        )),
        Some(duration) => Ok(duration),
        None => Ok(default),
    }
}
