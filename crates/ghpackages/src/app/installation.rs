//! The installation token: found, exchanged, cached and renewed once for
//! every request that needs it.

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use reqwest::header::HeaderValue;
use reqwest::Method;
use serde::Deserialize;

use super::{jwt, AppInstallation, GitHubApp};
use crate::error::{Error, ErrorKind, Result};
use crate::http::Http;
use crate::http_error;
use crate::paths::encode_segment;
use crate::secret::Secret;

/// A GitHub App's authentication state on one client.
pub(crate) struct AppAuth {
    app: GitHubApp,
    /// Held while a token is found or renewed, so that concurrent requests
    /// wait for that one renewal and then share its token.
    state: tokio::sync::Mutex<State>,
}

#[derive(Default)]
struct State {
    installation_id: Option<u64>,
    current: Option<Current>,
    /// Counts the tokens obtained, so a 401 discards only the token the
    /// refused request used, not one renewed meanwhile.
    generation: u64,
}

struct Current {
    token: Secret,
    header: HeaderValue,
    renew_at: Instant,
    generation: u64,
}

/// The token one request is sent with.
pub(crate) struct Credential {
    pub(crate) token: Secret,
    pub(crate) header: HeaderValue,
    pub(crate) generation: u64,
}

/// `POST /app/installations/{installation_id}/access_tokens`: only what the
/// client uses of it.
#[derive(Deserialize)]
struct AccessToken {
    token: Secret,
    expires_at: DateTime<Utc>,
}

/// An installation object: only its id.
#[derive(Deserialize)]
struct Installation {
    id: u64,
}

impl AppAuth {
    pub(crate) fn new(app: GitHubApp) -> AppAuth {
        AppAuth {
            app,
            state: tokio::sync::Mutex::new(State::default()),
        }
    }

    /// The current installation token, renewed first when it is about to
    /// expire or was refused.
    pub(crate) async fn credential(&self, http: &Http) -> Result<Credential> {
        let mut state = self.state.lock().await;
        if let Some(current) = &state.current {
            if Instant::now() < current.renew_at {
                return Ok(current.credential());
            }
        }
        let installation_id = match state.installation_id {
            Some(id) => id,
            None => {
                let id = self.find_installation(http).await?;
                state.installation_id = Some(id);
                id
            }
        };
        let (token, lifetime) = self.exchange(http, installation_id).await?;
        state.generation += 1;
        let current = Current {
            header: bearer(&token)?,
            token,
            renew_at: Instant::now() + lifetime.saturating_sub(self.app.renew_before),
            generation: state.generation,
        };
        let credential = current.credential();
        state.current = Some(current);
        Ok(credential)
    }

    /// Forgets the token of `generation` after GitHub refused it, unless a
    /// newer one replaced it already.
    pub(crate) async fn refused(&self, generation: u64) {
        let mut state = self.state.lock().await;
        if state
            .current
            .as_ref()
            .is_some_and(|current| current.generation == generation)
        {
            state.current = None;
        }
    }

    /// The installation's id: given, or looked up on the owner as an
    /// organization, then as a user.
    async fn find_installation(&self, http: &Http) -> Result<u64> {
        let owner = match &self.app.installation {
            AppInstallation::Id(id) => return Ok(*id),
            AppInstallation::Owner(owner) => owner,
        };
        let context = format!("installation of GitHub App {} on {owner}", self.app.app_id);
        let segment = encode_segment(owner);
        for path in [
            format!("/orgs/{segment}/installation"),
            format!("/users/{segment}/installation"),
        ] {
            match self.app_request(http, Method::GET, &path).await {
                Ok((body, _)) => {
                    let installation: Installation = serde_json::from_slice(&body)
                        .map_err(|error| http_error::decode(reqwest::StatusCode::OK, &error))
                        .map_err(|error| error.with_pinned_context(context.clone()))?;
                    return Ok(installation.id);
                }
                Err(error) if error.kind() == ErrorKind::NotFound => {}
                Err(error) => return Err(error.with_pinned_context(context)),
            }
        }
        Err(Error::new(
            ErrorKind::NotFound,
            format!(
                "GitHub App {} has no installation on {owner}",
                self.app.app_id
            ),
        )
        .pinned())
    }

    /// Exchanges a fresh JWT for an installation token; the token and how
    /// long it lasts, measured on the server's clock.
    async fn exchange(&self, http: &Http, installation_id: u64) -> Result<(Secret, Duration)> {
        let context = format!(
            "installation token of GitHub App {} (installation {installation_id})",
            self.app.app_id
        );
        let path = format!("/app/installations/{installation_id}/access_tokens");
        let (body, server_now) = self
            .app_request(http, Method::POST, &path)
            .await
            .map_err(|error| error.with_pinned_context(context.clone()))?;
        let answer: AccessToken = serde_json::from_slice(&body)
            .map_err(|error| http_error::decode(reqwest::StatusCode::CREATED, &error))
            .map_err(|error| error.with_pinned_context(context))?;
        let lifetime = (answer.expires_at - server_now)
            .to_std()
            .unwrap_or(Duration::ZERO);
        Ok((answer.token, lifetime))
    }

    /// A request authenticated as the app itself (with a JWT); the body and
    /// the server's time when it answered.
    async fn app_request(
        &self,
        http: &Http,
        method: Method,
        path: &str,
    ) -> Result<(Vec<u8>, DateTime<Utc>)> {
        let jwt = jwt::sign(&self.app.app_id, &self.app.key, http.server_now())?;
        let url = http.base.join(path)?;
        let reply = http.send_as(method, &url, Some(&bearer(&jwt)?)).await?;
        Ok((reply.body, http.server_now()))
    }
}

impl Current {
    fn credential(&self) -> Credential {
        Credential {
            token: self.token.clone(),
            header: self.header.clone(),
            generation: self.generation,
        }
    }
}

/// `Bearer TOKEN`, marked sensitive so HTTP-level debug output hides it.
fn bearer(token: &Secret) -> Result<HeaderValue> {
    let mut value = HeaderValue::from_str(&format!("Bearer {}", token.expose())).map_err(|_| {
        Error::new(
            ErrorKind::Decode,
            "the token GitHub returned contains characters not allowed in a header",
        )
    })?;
    value.set_sensitive(true);
    Ok(value)
}
