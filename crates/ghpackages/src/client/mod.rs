//! The client: one connection pool, all 27 operations through [`Owner`].
//!
//! Every operation checks its arguments before sending anything (failures are
//! [`ErrorKind::InvalidInput`] errors naming
//! the argument), builds its path from the owner once, and maps failures to
//! [`Error`]s that say what the operation was about.
//!
//! - `builder`: [`ClientBuilder`], which consumes a [`ClientConfig`](crate::ClientConfig);
//! - `handle`: [`OwnerHandle`], the operations of one owner;
//! - `operations`: the operations;
//! - `query`: list queries and the context strings of errors.

use std::fmt;
use std::sync::Arc;

use reqwest::Method;
use url::Url;

use crate::config::{BaseUrlSource, TokenSource};
use crate::error::{Error, Result};
use crate::http::{lock, Http};
use crate::rate_limit::RateLimit;
use crate::rate_limit_wait::WaitNotifier;
use crate::registry::RegistryBase;
use crate::secret::Secret;

#[cfg(doc)]
use crate::error::ErrorKind;
#[cfg(doc)]
use crate::owner::Owner;

mod builder;
mod handle;
mod operations;
mod query;

pub use builder::ClientBuilder;
pub use handle::OwnerHandle;

/// A client of the GitHub Packages API. Cheap to clone; clones share one
/// connection pool and one rate-limit state.
///
/// Its `Debug` output never shows the token.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

/// What clones of a client share.
pub(super) struct Inner {
    pub(super) http: Arc<Http>,
    pub(super) base_url_source: BaseUrlSource,
    /// The settings the client was built with (the token resolved), to
    /// build the same client for another server.
    pub(super) builder: ClientBuilder,
    pub(super) has_token: bool,
    pub(super) token_source: TokenSource,
    /// Kept for the registry's token handshake; never printed.
    pub(super) token: Option<Secret>,
    pub(super) registry: RegistryBase,
    pub(super) api_version: String,
    pub(super) user_agent: String,
    pub(super) page_concurrency: usize,
    pub(super) allow_insecure_http: bool,
    /// How the surface in use spells that setting, for refusals.
    pub(super) insecure_http_setting: &'static str,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        f.debug_struct("Client")
            .field("base_url", &inner.http.base.as_str())
            .field("base_url_source", &inner.base_url_source)
            .field("has_token", &inner.has_token)
            .field("token_source", &inner.token_source)
            .field("api_version", &inner.api_version)
            .field("user_agent", &inner.user_agent)
            .field("retry", &inner.http.retry)
            .field("page_concurrency", &inner.page_concurrency)
            .field("allow_insecure_http", &inner.allow_insecure_http)
            .field("registry_url", &inner.registry.as_str())
            .finish()
    }
}

/// The one rule for tokens and plain http: a token (the client's, or a
/// restore token) goes over `http://` only to a loopback host, unless the
/// client allows insecure http. `what` names the token, `argument` the
/// setting blamed, `destination` where it would go, `setting` how the
/// caller's surface spells the override.
pub(crate) fn refuse_insecure_token(
    argument: &'static str,
    what: &str,
    insecure_remote: bool,
    allow_insecure_http: bool,
    destination: &str,
    setting: &str,
) -> Result<()> {
    if insecure_remote && !allow_insecure_http {
        return Err(Error::invalid_input(
            argument,
            format!(
                "refusing to send the {what} over plain http to {destination}; use https, or {setting} to send it anyway"
            ),
        ));
    }
    Ok(())
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

    /// Where the base URL came from: the builder, `GITHUB_API_URL`, or the default.
    pub fn base_url_source(&self) -> BaseUrlSource {
        self.inner.base_url_source
    }

    /// The same client (token, headers, timeouts, retries, callback) aimed
    /// at another API base URL, with its own connection pool and rate-limit
    /// state. The same checks apply as in [`ClientBuilder::build`]: the token
    /// is never sent over plain `http://` to a non-loopback host unless the
    /// client allows it.
    pub fn with_base_url(&self, url: &str) -> Result<Client> {
        self.inner.builder.clone().base_url(url).build()
    }

    pub(crate) fn rate_limit_waits(&self) -> &WaitNotifier {
        &self.inner.http.waits
    }

    /// Whether the client sends credentials: a token, or a GitHub App's
    /// installation tokens.
    pub fn has_token(&self) -> bool {
        self.inner.has_token
    }

    /// Where the client's credentials came from (never the token itself).
    pub fn token_source(&self) -> TokenSource {
        self.inner.token_source
    }

    /// The container registry's base URL (no trailing slash); see
    /// [`ClientBuilder::registry_url`].
    pub fn registry_url(&self) -> &str {
        self.inner.registry.as_str()
    }

    pub(crate) fn http(&self) -> &Http {
        &self.inner.http
    }

    pub(crate) fn shared_http(&self) -> Arc<Http> {
        Arc::clone(&self.inner.http)
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

    /// Requests this client and its clones have sent to the API, every
    /// attempt counted (retries too): what they cost of the hourly budget.
    pub fn requests_sent(&self) -> u64 {
        self.inner
            .http
            .sent
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Caps the requests this client and its clones send, counted as
    /// [`requests_sent`](Client::requests_sent) counts them (from when the
    /// client was built): once `max` were sent, any further attempt fails
    /// with an `invalid_input` error (argument `max_requests`) without being
    /// sent. `None` lifts the cap. For a hard bound on a whole run (the CLI's
    /// `--max-requests`): a cleanup's own budget
    /// ([`RateBudget::max_requests`](crate::cleanup::RateBudget)) stops it
    /// cleanly, the cap only makes sure nothing goes past it.
    pub fn limit_requests(&self, max: Option<u64>) {
        self.inner.http.limit.store(
            max.unwrap_or(u64::MAX),
            std::sync::atomic::Ordering::Relaxed,
        );
    }

    /// With GitHub App credentials, the installation in use: its id (given,
    /// or found on the owner) and the permissions GitHub granted its token.
    /// Finds the installation and obtains a token first when not yet done
    /// (the requests those take). `None` for any other credentials.
    pub async fn app_installation(&self) -> Result<Option<crate::AppInstallationInfo>> {
        match &self.inner.http.app {
            Some(app) => Ok(Some(app.installation(&self.inner.http).await?)),
            None => Ok(None),
        }
    }

    /// The classic scopes of the token (`X-OAuth-Scopes`) as last reported by
    /// GitHub; `None` until a response carried the header.
    pub fn token_scopes(&self) -> Option<Vec<String>> {
        lock(&self.inner.http.scopes).clone()
    }

    pub(super) fn url(&self, path: &str) -> Result<Url> {
        self.inner.http.base.join(path)
    }

    pub(super) async fn get<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        context: String,
    ) -> Result<T> {
        let url = self.url(path)?;
        let (value, _) = self
            .inner
            .http
            .get_json(&url)
            .await
            .map_err(|error| error.with_context(context))?;
        Ok(value)
    }

    pub(super) async fn send_empty(&self, method: Method, url: Url, context: String) -> Result<()> {
        self.inner
            .http
            .send(method, &url)
            .await
            .map_err(|error| error.with_context(context))?;
        Ok(())
    }
}
