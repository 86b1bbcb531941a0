//! The registry client: token handshake, manifest fetches with retries,
//! bounded concurrency and a per-client cache.

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;
use futures::stream::{self, StreamExt};
use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use reqwest::Method;
use serde::Deserialize;
use url::Url;

use crate::client::Client;
use crate::config::RetryPolicy;
use crate::error::{Error, ErrorKind, Result};
use crate::http::lock;
use crate::http_error;
use crate::registry::address::RegistryBase;
use crate::registry::manifest::{Manifest, ACCEPTED_MEDIA_TYPES};
use crate::retry;
use crate::secret::Secret;

/// Manifests fetched at once by default.
pub const DEFAULT_REGISTRY_CONCURRENCY: usize = 8;

/// The user name sent with the token in the handshake; registries that
/// take a personal access token as password ignore it.
const HANDSHAKE_USER: &str = "ghpackages";

/// The registry repository of a container package: `owner/name`, lower
/// case as registries require (`octo-org/octo-org/base-image` for the
/// package `octo-org/base-image` of `octo-org`).
pub fn repository_name(owner_login: &str, package_name: &str) -> String {
    format!("{owner_login}/{package_name}").to_ascii_lowercase()
}

/// A client of a container registry, made from a [`Client`] (its token,
/// retry policy and connection pool). Meant for one run: every manifest it
/// fetched by digest is cached, so a digest is fetched at most once (each
/// fetch counts as a download on GitHub). Its `Debug` output never shows a
/// token.
pub struct RegistryClient {
    http: reqwest::Client,
    retry: RetryPolicy,
    token: Option<Secret>,
    /// The API client's HTTP side, for a GitHub App's installation token.
    api: Arc<crate::http::Http>,
    base: RegistryBase,
    concurrency: usize,
    /// Registry tokens by repository (`None`: anonymous access).
    bearers: tokio::sync::Mutex<HashMap<String, Option<Secret>>>,
    cache: Mutex<HashMap<(String, String), Arc<Manifest>>>,
    fetches: AtomicUsize,
}

impl fmt::Debug for RegistryClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RegistryClient")
            .field("registry_url", &self.base.as_str())
            .field(
                "has_token",
                &(self.token.is_some() || self.api.app.is_some()),
            )
            .field("concurrency", &self.concurrency)
            .field("fetches", &self.fetch_count())
            .finish()
    }
}

#[derive(Deserialize)]
struct TokenBody {
    token: Option<String>,
    access_token: Option<String>,
}

#[derive(Deserialize)]
struct OciErrors {
    errors: Vec<OciError>,
}

#[derive(Deserialize)]
struct OciError {
    code: String,
    #[serde(default)]
    message: String,
}

impl RegistryClient {
    /// A registry client for `client`'s registry
    /// ([`Client::registry_url`]), fetching [`DEFAULT_REGISTRY_CONCURRENCY`]
    /// manifests at once.
    pub fn new(client: &Client) -> RegistryClient {
        RegistryClient {
            http: client.http().client.clone(),
            retry: client.http().retry.clone(),
            token: client.token().cloned(),
            api: client.shared_http(),
            base: client.registry().clone(),
            concurrency: DEFAULT_REGISTRY_CONCURRENCY,
            bearers: tokio::sync::Mutex::new(HashMap::new()),
            cache: Mutex::new(HashMap::new()),
            fetches: AtomicUsize::new(0),
        }
    }

    /// How many manifests are fetched at once (at least 1).
    pub fn with_concurrency(mut self, concurrency: usize) -> RegistryClient {
        self.concurrency = concurrency.max(1);
        self
    }

    /// The registry's base URL.
    pub fn registry_url(&self) -> &str {
        self.base.as_str()
    }

    /// Manifests fetched so far (each one a download on GitHub).
    pub fn fetch_count(&self) -> usize {
        self.fetches.load(Ordering::Relaxed)
    }

    /// The manifest `reference` (a digest, or a tag) of `repository`
    /// (see [`repository_name`]). Manifests fetched by digest are cached.
    /// A manifest the registry does not know is a `not_found` error.
    pub async fn manifest(&self, repository: &str, reference: &str) -> Result<Arc<Manifest>> {
        let key = (repository.to_owned(), reference.to_owned());
        if let Some(cached) = lock(&self.cache).get(&key) {
            return Ok(Arc::clone(cached));
        }
        let context = format!("manifest {repository}@{reference}");
        let manifest = self
            .fetch(repository, reference)
            .await
            .map_err(|error| error.with_context(context))?;
        let manifest = Arc::new(manifest);
        if crate::registry::is_digest(reference) {
            lock(&self.cache).insert(key, Arc::clone(&manifest));
        }
        Ok(manifest)
    }

    /// Fetches each of `digests` of `repository` ([`RegistryClient::manifest`]),
    /// at most `concurrency` at once, each distinct digest once; results in
    /// the order of `digests`, duplicates included.
    pub async fn manifests(
        &self,
        repository: &str,
        digests: &[String],
    ) -> Vec<(String, Result<Arc<Manifest>>)> {
        let mut distinct: Vec<String> = digests.to_vec();
        distinct.sort();
        distinct.dedup();
        let fetched: HashMap<String, Result<Arc<Manifest>>> = stream::iter(distinct)
            .map(|digest: String| async move {
                let manifest = self.manifest(repository, &digest).await;
                (digest, manifest)
            })
            .buffer_unordered(self.concurrency)
            .collect()
            .await;
        digests
            .iter()
            .map(|digest| (digest.clone(), fetched[digest].clone()))
            .collect()
    }

    /// The digest a tag (or digest) points to, from a `HEAD` of the
    /// manifest, which pulls nothing and so counts as no download. A
    /// reference the registry does not know is a `not_found` error.
    pub async fn resolve(&self, repository: &str, reference: &str) -> Result<String> {
        let (reply_headers, _) = self
            .manifest_request(Method::HEAD, repository, reference)
            .await
            .map_err(|error| error.with_context(format!("manifest {repository}:{reference}")))?;
        content_digest(&reply_headers)
            .map(str::to_owned)
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::Decode,
                    format!("the registry named no digest for {repository}:{reference}"),
                )
            })
    }

    /// `method /v2/REPOSITORY/manifests/REFERENCE`. Registry tokens expire
    /// (ghcr.io's after five minutes): on a 401 the handshake is made again,
    /// once.
    async fn manifest_request(
        &self,
        method: Method,
        repository: &str,
        reference: &str,
    ) -> Result<(HeaderMap, Vec<u8>)> {
        let url = self.url(&format!("/v2/{repository}/manifests/{reference}"))?;
        let bearer = self.bearer(repository).await?;
        let headers = manifest_headers(bearer.as_ref())?;
        match self.send(method.clone(), &url, headers).await {
            Err(error) if error.kind() == ErrorKind::Unauthorized && bearer.is_some() => {
                {
                    let mut bearers = self.bearers.lock().await;
                    // Concurrent requests may have renewed it already.
                    if bearers.get(repository) == Some(&bearer) {
                        bearers.remove(repository);
                    }
                }
                let bearer = self.bearer(repository).await?;
                self.send(method, &url, manifest_headers(bearer.as_ref())?)
                    .await
            }
            answer => answer,
        }
    }

    async fn fetch(&self, repository: &str, reference: &str) -> Result<Manifest> {
        let (reply_headers, body) = self
            .manifest_request(Method::GET, repository, reference)
            .await?;
        self.fetches.fetch_add(1, Ordering::Relaxed);
        let digest = content_digest(&reply_headers).unwrap_or(reference);
        let content_type = reply_headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok());
        Manifest::parse(digest, content_type, &body)
    }

    /// Whether the registry is read with a GitHub App's installation token
    /// (no registry token of its own was given).
    pub(crate) fn uses_app_token(&self) -> bool {
        self.token.is_none() && self.api.app.is_some()
    }

    /// The registry token for `repository`, from the handshake (once per
    /// repository): `GET /token?scope=repository:NAME:pull&service=HOST`
    /// with the user's token as basic credentials; without a token, anonymous.
    async fn bearer(&self, repository: &str) -> Result<Option<Secret>> {
        let mut bearers = self.bearers.lock().await;
        if let Some(bearer) = bearers.get(repository) {
            return Ok(bearer.clone());
        }
        let mut url = self.url("/token")?;
        url.query_pairs_mut()
            .append_pair("scope", &format!("repository:{repository}:pull"))
            .append_pair("service", &self.base.service());
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        let app_token = match &self.token {
            Some(_) => None,
            None => self.api.app_token().await?,
        };
        if let Some(token) = self.token.as_ref().or(app_token.as_ref()) {
            let credentials = base64(format!("{HANDSHAKE_USER}:{}", token.expose()).as_bytes());
            headers.insert(AUTHORIZATION, sensitive(&format!("Basic {credentials}"))?);
        }
        let (_, body) = self
            .send(Method::GET, &url, headers)
            .await
            .map_err(|error| error.with_context(format!("registry token for {repository}")))?;
        let parsed: TokenBody = serde_json::from_slice(&body).map_err(|error| {
            Error::new(
                ErrorKind::Decode,
                format!("registry token answer for {repository} is not JSON: {error}"),
            )
        })?;
        let bearer = parsed
            .token
            .or(parsed.access_token)
            .filter(|t| !t.is_empty())
            .map(Secret::new);
        bearers.insert(repository.to_owned(), bearer.clone());
        Ok(bearer)
    }

    fn url(&self, path: &str) -> Result<Url> {
        Url::parse(&format!("{}{path}", self.base.as_str())).map_err(|error| {
            Error::invalid_input("path", format!("invalid registry path: {error}"))
        })
    }

    /// `method url`, retried as the client's policy says; headers and body
    /// of the success.
    async fn send(
        &self,
        method: Method,
        url: &Url,
        headers: HeaderMap,
    ) -> Result<(HeaderMap, Vec<u8>)> {
        let mut attempt = 0;
        let mut waited = Duration::ZERO;
        loop {
            attempt += 1;
            let error = match self.attempt(method.clone(), url, headers.clone()).await {
                Ok(success) => return Ok(success),
                Err(error) => error,
            };
            let Some(wait) = retry::delay(&self.retry, attempt, waited, &error, Utc::now()) else {
                return Err(error);
            };
            tracing::debug!(path = url.path(), attempt, error = %error, "retrying registry request");
            tokio::time::sleep(wait).await;
            waited += wait;
        }
    }

    async fn attempt(
        &self,
        method: Method,
        url: &Url,
        headers: HeaderMap,
    ) -> Result<(HeaderMap, Vec<u8>)> {
        let response = self
            .http
            .request(method, url.clone())
            .headers(headers)
            .send()
            .await
            .map_err(http_error::from_transport)?;
        let status = response.status();
        let headers = response.headers().clone();
        tracing::debug!(
            path = url.path(),
            status = status.as_u16(),
            "registry response"
        );
        let body = response
            .bytes()
            .await
            .map_err(http_error::from_transport)?
            .to_vec();
        if status.is_success() {
            return Ok((headers, body));
        }
        let mut error = http_error::from_response(status, &headers, &body, Utc::now());
        if let Ok(OciErrors { errors }) = serde_json::from_slice::<OciErrors>(&body) {
            if let Some(first) = errors.first() {
                error.inner.message = if first.message.is_empty() {
                    first.code.clone()
                } else {
                    format!("{}: {}", first.code, first.message)
                };
            }
        }
        Err(error)
    }
}

/// `Accept` with the manifest media types, and the registry token.
fn manifest_headers(bearer: Option<&Secret>) -> Result<HeaderMap> {
    let mut headers = HeaderMap::new();
    headers.insert(
        ACCEPT,
        HeaderValue::from_str(&ACCEPTED_MEDIA_TYPES.join(", "))
            .expect("media types are valid header text"),
    );
    if let Some(bearer) = bearer {
        headers.insert(
            AUTHORIZATION,
            sensitive(&format!("Bearer {}", bearer.expose()))?,
        );
    }
    Ok(headers)
}

/// The `Docker-Content-Digest` of a manifest response, when it is a digest.
fn content_digest(headers: &HeaderMap) -> Option<&str> {
    headers
        .get("docker-content-digest")
        .and_then(|v| v.to_str().ok())
        .filter(|d| crate::registry::is_digest(d))
}

fn sensitive(text: &str) -> Result<HeaderValue> {
    let mut value = HeaderValue::from_str(text).map_err(|_| {
        Error::invalid_input("token", "token contains characters not allowed in a header")
    })?;
    value.set_sensitive(true);
    Ok(value)
}

/// Standard base64 with padding, for basic credentials.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_rfc_examples() {
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain.as_bytes()), encoded);
        }
    }

    #[test]
    fn repository_names_are_lower_case() {
        assert_eq!(
            repository_name("Octo-Org", "octo-org/Base-Image"),
            "octo-org/octo-org/base-image"
        );
    }

    #[test]
    fn debug_hides_the_token() {
        let client = Client::builder()
            .base_url("http://127.0.0.1:9")
            .token("ghp_secret_value")
            .build()
            .unwrap();
        let registry = RegistryClient::new(&client);
        let debug = format!("{registry:?}");
        assert!(!debug.contains("ghp_secret_value"), "{debug}");
        assert!(debug.contains("http://127.0.0.1:9"), "{debug}");
    }
}
