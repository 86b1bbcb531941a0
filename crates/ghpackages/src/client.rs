//! The client: one connection pool, all 27 operations through [`Owner`].
//!
//! Every operation checks its arguments before sending anything (failures are
//! [`ErrorKind::InvalidInput`] errors naming
//! the argument), builds its path from the owner once, and maps failures to
//! [`Error`]s that say what the operation was about.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, ACCEPT, AUTHORIZATION};
use reqwest::Method;
use url::Url;

use crate::base_url::BaseUrl;
use crate::config::{RetryPolicy, DEFAULT_API_VERSION, DEFAULT_BASE_URL};
use crate::error::{Error, ErrorKind, Result};
use crate::http::{lock, Http};
use crate::models::{Package, PackageVersion};
use crate::owner::Owner;
use crate::page_stream::ListRequest;
use crate::pagination::{ListPackagesOptions, ListVersionsOptions, Page};
use crate::paths;
use crate::rate_limit::RateLimit;
use crate::registry::RegistryBase;
use crate::secret::Secret;
use crate::types::PackageType;
use crate::validate;

/// The media type GitHub recommends for its REST API.
const ACCEPT_JSON: &str = "application/vnd.github+json";
/// Default connection timeout.
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default timeout of one request attempt.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// Default number of pages fetched at once when streaming a list.
const DEFAULT_PAGE_CONCURRENCY: usize = 8;
/// Page size of streams when the caller sets neither `page` nor `per_page`:
/// GitHub's maximum, for the fewest requests.
const STREAM_PER_PAGE: u32 = 100;
/// Environment variables read for a token, in order.
const TOKEN_VARIABLES: [&str; 2] = ["GITHUB_TOKEN", "GH_TOKEN"];

/// Builds a [`Client`].
///
/// Its `Debug` output never shows the token.
#[derive(Clone, Default)]
pub struct ClientBuilder {
    base_url: Option<String>,
    token: Option<Secret>,
    token_from_env: Option<bool>,
    api_version: Option<String>,
    user_agent: Option<String>,
    connect_timeout: Option<Duration>,
    timeout: Option<Duration>,
    retry: Option<RetryPolicy>,
    page_concurrency: Option<usize>,
    allow_insecure_http: bool,
    registry_url: Option<String>,
}

impl ClientBuilder {
    /// A builder with every setting at its default.
    pub fn new() -> Self {
        ClientBuilder::default()
    }

    /// API base URL: `https://api.github.com` (default), or a GitHub
    /// Enterprise Server as `https://HOST/api/v3` or `https://HOST`.
    ///
    /// Trailing slashes are ignored; `https://HOST` (empty path) gets
    /// `/api/v3` appended unless HOST is `api.github.com` or a loopback host
    /// (`localhost`, `127.0.0.0/8`, `::1`), whose URLs are used as given.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The token to authenticate with (surrounding whitespace is ignored).
    /// Without one, `GITHUB_TOKEN` then `GH_TOKEN` are read (empty values
    /// skipped), unless [`ClientBuilder::token_from_env`] is off.
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(Secret::new(token));
        self
    }

    /// Whether to read `GITHUB_TOKEN`/`GH_TOKEN` when no token is given (default on).
    pub fn token_from_env(mut self, enabled: bool) -> Self {
        self.token_from_env = Some(enabled);
        self
    }

    /// `X-GitHub-Api-Version` to send (default `2022-11-28`).
    pub fn api_version(mut self, version: impl Into<String>) -> Self {
        self.api_version = Some(version.into());
        self
    }

    /// `User-Agent` to send (default `ghpackages-rust/VERSION`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Timeout to establish a connection (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Timeout of one whole request attempt (default 60 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Retry policy (default [`RetryPolicy::default`]).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// How many pages are fetched at once when listing everything (default 8).
    pub fn page_concurrency(mut self, pages: usize) -> Self {
        self.page_concurrency = Some(pages);
        self
    }

    /// Allow sending the token over plain `http://` to a non-loopback host.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Base URL of the container registry (`ghcr.io`, or `containers.HOST`
    /// on GitHub Enterprise Server). By default derived from the API base:
    /// `api.github.com` → `https://ghcr.io`, `https://HOST/api/v3` →
    /// `https://containers.HOST`, a loopback API → the same scheme, host and
    /// port (the emulator serves the registry too).
    pub fn registry_url(mut self, url: impl Into<String>) -> Self {
        self.registry_url = Some(url.into());
        self
    }

    /// Validates the settings and builds the client.
    ///
    /// Fails with [`ErrorKind::InvalidInput`] naming the setting (`base_url`,
    /// `token`, `api_version`, `user_agent`, `timeout`, `connect_timeout`,
    /// `retry`, `page_concurrency`) when one is unusable, including a token
    /// that would travel over plain `http://` to a non-loopback host.
    pub fn build(self) -> Result<Client> {
        let base = BaseUrl::parse(self.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL))?;
        let token = self.resolve_token()?;
        if token.is_some() && base.is_insecure_remote() && !self.allow_insecure_http {
            return Err(Error::invalid_input(
                "base_url",
                format!(
                    "refusing to send the token over plain http to {}; use https, or allow_insecure_http",
                    base.authority()
                ),
            ));
        }
        let registry = match &self.registry_url {
            Some(url) => RegistryBase::parse(url)?,
            None => RegistryBase::derive(base.as_str())?,
        };
        if token.is_some() && registry.is_insecure_remote() && !self.allow_insecure_http {
            return Err(Error::invalid_input(
                "registry_url",
                format!(
                    "refusing to send the token over plain http to {}; use https, or allow_insecure_http",
                    registry.as_str()
                ),
            ));
        }
        let api_version = self
            .api_version
            .unwrap_or_else(|| DEFAULT_API_VERSION.to_owned());
        let user_agent = self
            .user_agent
            .unwrap_or_else(|| format!("ghpackages-rust/{}", env!("CARGO_PKG_VERSION")));
        let headers = default_headers(&api_version, token.as_ref())?;
        let user_agent_value = header_value("user_agent", &user_agent)?;
        let connect_timeout = positive(
            "connect_timeout",
            self.connect_timeout,
            DEFAULT_CONNECT_TIMEOUT,
        )?;
        let timeout = positive("timeout", self.timeout, DEFAULT_TIMEOUT)?;
        let retry = self.retry.unwrap_or_default();
        if retry.max_attempts == 0 {
            return Err(Error::invalid_input(
                "retry",
                "max_attempts must be 1 or more",
            ));
        }
        let page_concurrency = self.page_concurrency.unwrap_or(DEFAULT_PAGE_CONCURRENCY);
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
                http: Http {
                    client,
                    base,
                    retry,
                    rate_limit: Mutex::new(None),
                    scopes: Mutex::new(None),
                },
                has_token: token.is_some(),
                token,
                registry,
                api_version,
                user_agent,
                page_concurrency,
                allow_insecure_http: self.allow_insecure_http,
            }),
        })
    }

    /// The explicit token, else the first non-empty environment variable.
    fn resolve_token(&self) -> Result<Option<Secret>> {
        if let Some(token) = &self.token {
            let trimmed = token.expose().trim();
            if trimmed.is_empty() {
                return Err(Error::invalid_input("token", "token is empty"));
            }
            return Ok(Some(Secret::new(trimmed)));
        }
        if self.token_from_env == Some(false) {
            return Ok(None);
        }
        Ok(TOKEN_VARIABLES.iter().find_map(|name| {
            let value = std::env::var(name).ok()?;
            let trimmed = value.trim();
            (!trimmed.is_empty()).then(|| Secret::new(trimmed))
        }))
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("token", &self.token)
            .field("token_from_env", &self.token_from_env)
            .field("api_version", &self.api_version)
            .field("user_agent", &self.user_agent)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("page_concurrency", &self.page_concurrency)
            .field("allow_insecure_http", &self.allow_insecure_http)
            .field("registry_url", &self.registry_url)
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

/// A client of the GitHub Packages API. Cheap to clone; clones share one
/// connection pool and one rate-limit state.
///
/// Its `Debug` output never shows the token.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

/// What clones of a client share.
pub(crate) struct Inner {
    pub(crate) http: Http,
    has_token: bool,
    /// Kept for the registry's token handshake; never printed.
    token: Option<Secret>,
    registry: RegistryBase,
    api_version: String,
    user_agent: String,
    pub(crate) page_concurrency: usize,
    allow_insecure_http: bool,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        f.debug_struct("Client")
            .field("base_url", &inner.http.base.as_str())
            .field("has_token", &inner.has_token)
            .field("api_version", &inner.api_version)
            .field("user_agent", &inner.user_agent)
            .field("retry", &inner.http.retry)
            .field("page_concurrency", &inner.page_concurrency)
            .field("allow_insecure_http", &inner.allow_insecure_http)
            .field("registry_url", &inner.registry.as_str())
            .finish()
    }
}

/// What an owner's errors are about: "organization 'octo-org'".
fn owner_context(owner: &Owner) -> String {
    match owner {
        Owner::Org(name) => format!("organization '{name}'"),
        Owner::User(name) => format!("user '{name}'"),
        Owner::AuthenticatedUser => "the authenticated user".to_owned(),
    }
}

/// What a package's errors are about: "package 'octo-org/hello' (container)".
fn package_context(owner: &Owner, package_type: PackageType, name: &str) -> String {
    match owner {
        Owner::Org(login) | Owner::User(login) => {
            format!("package '{login}/{name}' ({package_type})")
        }
        Owner::AuthenticatedUser => {
            format!("package '{name}' ({package_type}) of the authenticated user")
        }
    }
}

/// What a version's errors are about: "version 42 of package 'octo-org/hello' (container)".
fn version_context(owner: &Owner, package_type: PackageType, name: &str, id: u64) -> String {
    format!(
        "version {id} of {}",
        package_context(owner, package_type, name)
    )
}

/// Appends `pairs` to `url` (leaving it without `?` when there are none).
fn with_query(mut url: Url, pairs: &[(&str, String)]) -> Url {
    if !pairs.is_empty() {
        let mut query = url.query_pairs_mut();
        for (name, value) in pairs {
            query.append_pair(name, value);
        }
    }
    url
}

/// The query of a version list. GitHub's user-owned version list has no
/// `state` parameter (see [`Client::list_package_versions`]), so it is not sent there.
fn versions_query(
    owner: &Owner,
    options: &ListVersionsOptions,
    per_page: Option<u32>,
) -> Vec<(&'static str, String)> {
    let mut pairs = Vec::new();
    if let (Some(state), false) = (options.state, matches!(owner, Owner::User(_))) {
        pairs.push(("state", state.as_str().to_owned()));
    }
    if let Some(per_page) = per_page {
        pairs.push(("per_page", per_page.to_string()));
    }
    pairs
}

/// The page size of a stream: the caller's, or 100 when the caller chose
/// neither a page size nor a start page (a start page means pages of 30).
fn stream_per_page(page: Option<u32>, per_page: Option<u32>) -> Option<u32> {
    match (page, per_page) {
        (_, Some(per_page)) => Some(per_page),
        (None, None) => Some(STREAM_PER_PAGE),
        (Some(_), None) => None,
    }
}

/// A stream that yields `error` and ends.
fn failed<T: Send + 'static>(error: Error) -> BoxStream<'static, Result<T>> {
    stream::once(async move { Err(error) }).boxed()
}

impl Client {
    /// A builder.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// A client with default settings and the token from the environment.
    pub fn new() -> Result<Client> {
        ClientBuilder::new().build()
    }

    /// The normalized API base URL (no trailing slash).
    pub fn base_url(&self) -> &str {
        self.inner.http.base.as_str()
    }

    /// Whether a token is configured.
    pub fn has_token(&self) -> bool {
        self.inner.has_token
    }

    /// The container registry's base URL (no trailing slash); see
    /// [`ClientBuilder::registry_url`].
    pub fn registry_url(&self) -> &str {
        self.inner.registry.as_str()
    }

    pub(crate) fn http(&self) -> &Http {
        &self.inner.http
    }

    pub(crate) fn token(&self) -> Option<&Secret> {
        self.inner.token.as_ref()
    }

    pub(crate) fn registry(&self) -> &RegistryBase {
        &self.inner.registry
    }

    /// The `X-GitHub-Api-Version` sent with every request.
    pub fn api_version(&self) -> &str {
        &self.inner.api_version
    }

    /// The `User-Agent` sent with every request.
    pub fn user_agent(&self) -> &str {
        &self.inner.user_agent
    }

    /// The rate-limit state of the last response received, if any.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        lock(&self.inner.http.rate_limit).clone()
    }

    /// The classic scopes of the token (`X-OAuth-Scopes`) as last reported by
    /// GitHub; `None` until a response carried the header.
    pub fn token_scopes(&self) -> Option<Vec<String>> {
        lock(&self.inner.http.scopes).clone()
    }

    fn url(&self, path: &str) -> Result<Url> {
        self.inner.http.base.join(path)
    }

    async fn get<T: serde::de::DeserializeOwned>(&self, path: &str, context: String) -> Result<T> {
        let url = self.url(path)?;
        let (value, _) = self
            .inner
            .http
            .get_json(&url)
            .await
            .map_err(|error| error.with_context(context))?;
        Ok(value)
    }

    async fn send_empty(&self, method: Method, url: Url, context: String) -> Result<()> {
        self.inner
            .http
            .send(method, &url)
            .await
            .map_err(|error| error.with_context(context))?;
        Ok(())
    }

    fn packages_request(
        &self,
        owner: &Owner,
        options: &ListPackagesOptions,
        per_page: Option<u32>,
    ) -> Result<ListRequest> {
        validate::owner(owner)?;
        validate::paging(options.page, per_page)?;
        validate::package_window(options.page, per_page)?;
        let mut pairs = vec![("package_type", options.package_type.as_str().to_owned())];
        if let Some(visibility) = options.visibility {
            pairs.push(("visibility", visibility.as_str().to_owned()));
        }
        if let Some(per_page) = per_page {
            pairs.push(("per_page", per_page.to_string()));
        }
        Ok(ListRequest {
            inner: Arc::clone(&self.inner),
            url: with_query(self.url(&paths::packages(owner))?, &pairs),
            context: owner_context(owner),
        })
    }

    fn versions_request(
        &self,
        owner: &Owner,
        package_type: PackageType,
        name: &str,
        options: &ListVersionsOptions,
        per_page: Option<u32>,
    ) -> Result<ListRequest> {
        validate::owner(owner)?;
        validate::package_name(name)?;
        validate::paging(options.page, per_page)?;
        validate::version_state(owner, options.state)?;
        let url = self.url(&paths::versions(owner, package_type, name))?;
        Ok(ListRequest {
            inner: Arc::clone(&self.inner),
            url: with_query(url, &versions_query(owner, options, per_page)),
            context: package_context(owner, package_type, name),
        })
    }

    /// One page of packages of one type, with the page's `Link` relations.
    ///
    /// GitHub operations `packages/list-packages-for-organization`,
    /// `packages/list-packages-for-user` and
    /// `packages/list-packages-for-authenticated-user`
    /// (<https://docs.github.com/en/rest/packages/packages#list-packages-for-an-organization>).
    /// `page * per_page` may not exceed 10000 (GitHub answers 400 beyond).
    pub async fn list_packages(
        &self,
        owner: &Owner,
        options: &ListPackagesOptions,
    ) -> Result<Page<Package>> {
        self.packages_request(owner, options, options.per_page)?
            .page(options.page)
            .await
    }

    /// Every package, as a stream in GitHub's order (pages fetched concurrently
    /// when the last page is known). `options.page` is the first page to read;
    /// without `page` and `per_page`, pages of 100 are read.
    pub fn packages_stream(
        &self,
        owner: &Owner,
        options: &ListPackagesOptions,
    ) -> BoxStream<'static, Result<Package>> {
        let per_page = stream_per_page(options.page, options.per_page);
        match self.packages_request(owner, options, per_page) {
            Ok(request) => request.items(options.page),
            Err(error) => failed(error),
        }
    }

    /// Every package, collected (see [`Client::packages_stream`]).
    pub async fn list_all_packages(
        &self,
        owner: &Owner,
        options: &ListPackagesOptions,
    ) -> Result<Vec<Package>> {
        self.packages_stream(owner, options).try_collect().await
    }

    /// One package.
    ///
    /// GitHub operations `packages/get-package-for-organization`,
    /// `packages/get-package-for-user` and
    /// `packages/get-package-for-authenticated-user`
    /// (<https://docs.github.com/en/rest/packages/packages#get-a-package-for-an-organization>).
    pub async fn get_package(
        &self,
        owner: &Owner,
        package_type: PackageType,
        name: &str,
    ) -> Result<Package> {
        validate::owner(owner)?;
        validate::package_name(name)?;
        let path = paths::package(owner, package_type, name);
        self.get(&path, package_context(owner, package_type, name))
            .await
    }

    /// Deletes a package (restorable for 30 days).
    ///
    /// GitHub operations `packages/delete-package-for-org`,
    /// `packages/delete-package-for-user` and
    /// `packages/delete-package-for-authenticated-user`
    /// (<https://docs.github.com/en/rest/packages/packages#delete-a-package-for-an-organization>).
    /// A retried delete whose first attempt went through ends in `not_found`.
    pub async fn delete_package(
        &self,
        owner: &Owner,
        package_type: PackageType,
        name: &str,
    ) -> Result<()> {
        validate::owner(owner)?;
        validate::package_name(name)?;
        let url = self.url(&paths::package(owner, package_type, name))?;
        self.send_empty(
            Method::DELETE,
            url,
            package_context(owner, package_type, name),
        )
        .await
    }

    /// Restores a deleted package, optionally with the `token` query parameter
    /// (a token is refused over plain `http://` to a non-loopback host unless
    /// [`ClientBuilder::allow_insecure_http`] is set).
    ///
    /// GitHub operations `packages/restore-package-for-org`,
    /// `packages/restore-package-for-user` and
    /// `packages/restore-package-for-authenticated-user`
    /// (<https://docs.github.com/en/rest/packages/packages#restore-a-package-for-an-organization>).
    pub async fn restore_package(
        &self,
        owner: &Owner,
        package_type: PackageType,
        name: &str,
        token: Option<&str>,
    ) -> Result<()> {
        validate::owner(owner)?;
        validate::package_name(name)?;
        validate::restore_token(token)?;
        if token.is_some()
            && self.inner.http.base.is_insecure_remote()
            && !self.inner.allow_insecure_http
        {
            return Err(Error::invalid_input(
                "token",
                "refusing to send the restore token over plain http; use https, or allow_insecure_http",
            ));
        }
        let path = format!("{}/restore", paths::package(owner, package_type, name));
        let pairs: Vec<(&str, String)> = token
            .map(|token| ("token", token.to_owned()))
            .into_iter()
            .collect();
        let url = with_query(self.url(&path)?, &pairs);
        self.send_empty(
            Method::POST,
            url,
            package_context(owner, package_type, name),
        )
        .await
    }

    /// One page of versions, newest first, with the page's `Link` relations.
    ///
    /// GitHub operations `packages/get-all-package-versions-for-package-owned-by-org`,
    /// `packages/get-all-package-versions-for-package-owned-by-user` and
    /// `packages/get-all-package-versions-for-package-owned-by-authenticated-user`
    /// (<https://docs.github.com/en/rest/packages/packages#list-package-versions-for-a-package-owned-by-an-organization>).
    ///
    /// GitHub's user-owned operation has no `state` parameter and lists the
    /// active versions: for [`Owner::User`], `state` `active` is accepted and
    /// not sent, `deleted` is refused as `invalid_input`. Its description
    /// omits `page` and `per_page` too, but GitHub paginates it like every
    /// list (with a `Link` header), so those are sent for every family.
    pub async fn list_package_versions(
        &self,
        owner: &Owner,
        package_type: PackageType,
        name: &str,
        options: &ListVersionsOptions,
    ) -> Result<Page<PackageVersion>> {
        self.versions_request(owner, package_type, name, options, options.per_page)?
            .page(options.page)
            .await
    }

    /// Every version, as a stream in GitHub's order (see
    /// [`Client::packages_stream`] for pages and page sizes).
    pub fn package_versions_stream(
        &self,
        owner: &Owner,
        package_type: PackageType,
        name: &str,
        options: &ListVersionsOptions,
    ) -> BoxStream<'static, Result<PackageVersion>> {
        let per_page = stream_per_page(options.page, options.per_page);
        match self.versions_request(owner, package_type, name, options, per_page) {
            Ok(request) => request.items(options.page),
            Err(error) => failed(error),
        }
    }

    /// Every version, collected.
    pub async fn list_all_package_versions(
        &self,
        owner: &Owner,
        package_type: PackageType,
        name: &str,
        options: &ListVersionsOptions,
    ) -> Result<Vec<PackageVersion>> {
        self.package_versions_stream(owner, package_type, name, options)
            .try_collect()
            .await
    }

    /// One version.
    ///
    /// GitHub operations `packages/get-package-version-for-organization`,
    /// `packages/get-package-version-for-user` and
    /// `packages/get-package-version-for-authenticated-user`
    /// (<https://docs.github.com/en/rest/packages/packages#get-a-package-version-for-an-organization>).
    pub async fn get_package_version(
        &self,
        owner: &Owner,
        package_type: PackageType,
        name: &str,
        version_id: u64,
    ) -> Result<PackageVersion> {
        validate::owner(owner)?;
        validate::package_name(name)?;
        validate::version_id(version_id)?;
        let path = paths::version(owner, package_type, name, version_id);
        self.get(
            &path,
            version_context(owner, package_type, name, version_id),
        )
        .await
    }

    /// Deletes a version (restorable for 30 days).
    ///
    /// GitHub operations `packages/delete-package-version-for-org`,
    /// `packages/delete-package-version-for-user` and
    /// `packages/delete-package-version-for-authenticated-user`
    /// (<https://docs.github.com/en/rest/packages/packages#delete-package-version-for-an-organization>).
    /// A retried delete whose first attempt went through ends in `not_found`.
    pub async fn delete_package_version(
        &self,
        owner: &Owner,
        package_type: PackageType,
        name: &str,
        version_id: u64,
    ) -> Result<()> {
        validate::owner(owner)?;
        validate::package_name(name)?;
        validate::version_id(version_id)?;
        let url = self.url(&paths::version(owner, package_type, name, version_id))?;
        let context = version_context(owner, package_type, name, version_id);
        self.send_empty(Method::DELETE, url, context).await
    }

    /// Restores a deleted version.
    ///
    /// GitHub operations `packages/restore-package-version-for-org`,
    /// `packages/restore-package-version-for-user` and
    /// `packages/restore-package-version-for-authenticated-user`
    /// (<https://docs.github.com/en/rest/packages/packages#restore-package-version-for-an-organization>).
    pub async fn restore_package_version(
        &self,
        owner: &Owner,
        package_type: PackageType,
        name: &str,
        version_id: u64,
    ) -> Result<()> {
        validate::owner(owner)?;
        validate::package_name(name)?;
        validate::version_id(version_id)?;
        let path = format!(
            "{}/restore",
            paths::version(owner, package_type, name, version_id)
        );
        let context = version_context(owner, package_type, name, version_id);
        self.send_empty(Method::POST, self.url(&path)?, context)
            .await
    }

    /// Packages that conflict with the Docker migration.
    ///
    /// GitHub operations
    /// `packages/list-docker-migration-conflicting-packages-for-organization`,
    /// `packages/list-docker-migration-conflicting-packages-for-user` and
    /// `packages/list-docker-migration-conflicting-packages-for-authenticated-user`
    /// (<https://docs.github.com/en/rest/packages/packages#get-list-of-conflicting-packages-during-docker-migration-for-organization>).
    pub async fn list_docker_migration_conflicts(&self, owner: &Owner) -> Result<Vec<Package>> {
        validate::owner(owner)?;
        self.get(&paths::docker_conflicts(owner), owner_context(owner))
            .await
    }
}
