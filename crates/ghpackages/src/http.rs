//! Sending requests: one connection pool, retries, and the rate-limit and
//! token-scope state of the last response.

use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION, DATE};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use url::Url;

use crate::app::AppAuth;
use crate::base_url::BaseUrl;
use crate::config::RetryPolicy;
use crate::error::Result;
use crate::http_error;
use crate::rate_limit::RateLimit;
use crate::rate_limit_wait::WaitNotifier;
use crate::retry;
use crate::secret::Secret;

/// The HTTP side of a client.
pub(crate) struct Http {
    pub(crate) client: reqwest::Client,
    pub(crate) base: BaseUrl,
    pub(crate) retry: RetryPolicy,
    pub(crate) rate_limit: Mutex<Option<RateLimit>>,
    pub(crate) scopes: Mutex<Option<Vec<String>>>,
    pub(crate) waits: WaitNotifier,
    /// Requests sent, every attempt counted.
    pub(crate) sent: AtomicU64,
    /// The most requests `sent` may reach (`u64::MAX`: no cap); an attempt
    /// beyond it fails without being sent.
    pub(crate) limit: AtomicU64,
    /// A GitHub App's installation tokens, when the client authenticates
    /// as one; `None` with a plain token (a default header) or none.
    pub(crate) app: Option<Arc<AppAuth>>,
    /// How far the server's clock (its `Date` headers) is ahead of ours, in
    /// seconds: the app's JWTs are dated on the server's clock.
    pub(crate) server_offset: AtomicI64,
}

/// A complete response.
pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Vec<u8>,
}

impl Http {
    /// Sends `method url` with the client's credentials. A GitHub App's
    /// request refused with 401 is sent once more with a renewed token.
    pub(crate) async fn send(&self, method: Method, url: &Url) -> Result<Reply> {
        let Some(app) = &self.app else {
            return self.send_as(method, url, None).await;
        };
        let credential = app.credential(self).await?;
        match self
            .send_as(method.clone(), url, Some(&credential.header))
            .await
        {
            Err(error) if error.status() == Some(401) => {
                tracing::debug!(path = url.path(), "installation token refused; renewing it");
                app.refused(credential.generation).await;
                let credential = app.credential(self).await?;
                self.send_as(method, url, Some(&credential.header)).await
            }
            other => other,
        }
    }

    /// The installation token of a GitHub App client, for the registry's
    /// handshake; `None` for other clients.
    pub(crate) async fn app_token(&self) -> Result<Option<Secret>> {
        match &self.app {
            Some(app) => Ok(Some(app.credential(self).await?.token)),
            None => Ok(None),
        }
    }

    /// How far the server's clock is ahead of ours, in seconds, as its last
    /// `Date` header told.
    pub(crate) fn server_offset(&self) -> i64 {
        self.server_offset.load(Ordering::Relaxed)
    }

    /// The server's time now, as far as its `Date` headers tell.
    pub(crate) fn server_now(&self) -> DateTime<Utc> {
        Utc::now() + chrono::Duration::seconds(self.server_offset())
    }

    /// Sends `method url` (with `authorization` instead of the default
    /// credentials, when given) until it succeeds (2xx), fails with an error
    /// that is not retried, or the retry policy gives up; then the last error.
    pub(crate) async fn send_as(
        &self,
        method: Method,
        url: &Url,
        authorization: Option<&HeaderValue>,
    ) -> Result<Reply> {
        let mut attempt = 0;
        let mut waited = Duration::ZERO;
        loop {
            attempt += 1;
            let error = match self.attempt(method.clone(), url, authorization).await {
                Ok(reply) if reply.status.is_success() => return Ok(reply),
                Ok(reply) => {
                    http_error::from_response(reply.status, &reply.headers, &reply.body, Utc::now())
                }
                Err(error) => error,
            };
            let Some(wait) = retry::delay(&self.retry, attempt, waited, &error, Utc::now()) else {
                return Err(error);
            };
            // The path only: the query may hold a restore token.
            tracing::debug!(
                method = %method,
                path = url.path(),
                attempt,
                error = %error,
                wait_ms = wait.as_millis() as u64,
                "retrying"
            );
            self.waits.notify_error(&error, wait);
            tokio::time::sleep(wait).await;
            waited += wait;
        }
    }

    /// Sends `GET url` and decodes the JSON body.
    pub(crate) async fn get_json<T: DeserializeOwned>(&self, url: &Url) -> Result<(T, Reply)> {
        let reply = self.send(Method::GET, url).await?;
        let value = serde_json::from_slice(&reply.body)
            .map_err(|error| http_error::decode(reply.status, &error))?;
        Ok((value, reply))
    }

    /// One attempt: the response with its whole body.
    async fn attempt(
        &self,
        method: Method,
        url: &Url,
        authorization: Option<&HeaderValue>,
    ) -> Result<Reply> {
        let limit = self.limit.load(Ordering::Relaxed);
        if self
            .sent
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |sent| {
                (sent < limit).then_some(sent + 1)
            })
            .is_err()
        {
            return Err(crate::Error::invalid_input(
                "max_requests",
                format!("the client's cap of {limit} requests is spent: this request was not sent"),
            ));
        }
        let mut request = self.client.request(method.clone(), url.clone());
        if let Some(authorization) = authorization {
            request = request.header(AUTHORIZATION, authorization.clone());
        }
        let response = request.send().await.map_err(http_error::from_transport)?;
        let status = response.status();
        let headers = response.headers().clone();
        tracing::debug!(method = %method, path = url.path(), status = status.as_u16(), "response");
        self.observe(&headers);
        let body = response
            .bytes()
            .await
            .map_err(http_error::from_transport)?
            .to_vec();
        Ok(Reply {
            status,
            headers,
            body,
        })
    }

    /// Remembers the rate-limit state, token scopes and clock a response reports.
    fn observe(&self, headers: &HeaderMap) {
        if let Some(date) = headers
            .get(DATE)
            .and_then(|value| value.to_str().ok())
            .and_then(|text| DateTime::parse_from_rfc2822(text).ok())
        {
            let offset = (date.with_timezone(&Utc) - Utc::now()).num_seconds();
            self.server_offset.store(offset, Ordering::Relaxed);
        }
        if let Some(limit) = RateLimit::from_headers(headers) {
            *lock(&self.rate_limit) = Some(limit);
        }
        if let Some(scopes) = headers
            .get("x-oauth-scopes")
            .and_then(|value| value.to_str().ok())
        {
            *lock(&self.scopes) = Some(parse_scopes(scopes));
        }
    }
}

/// Locks `mutex`, also after a panic elsewhere: the state is a plain value
/// that is always consistent.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// `read:packages, repo` → `["read:packages", "repo"]`.
fn parse_scopes(header: &str) -> Vec<String> {
    header
        .split(',')
        .map(str::trim)
        .filter(|scope| !scope.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes() {
        assert_eq!(
            parse_scopes("read:packages, repo"),
            ["read:packages", "repo"]
        );
        assert_eq!(parse_scopes(""), Vec::<String>::new());
        assert_eq!(parse_scopes(" repo ,, "), ["repo"]);
    }
}
