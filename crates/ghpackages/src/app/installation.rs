//! The installation token: found, exchanged, cached and renewed once for
//! every request that needs it.

use std::collections::BTreeMap;
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

/// How far (in seconds) the server's clock, as a refusal's `Date` tells it,
/// must differ from the one a refused JWT was dated on for the JWT to be
/// signed again: well under the JWT's 60 s of backdating, well over the
/// `Date` header's one-second resolution.
const CLOCK_CORRECTION_SECS: i64 = 30;

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
    /// What the last token exchange said the installation was granted.
    permissions: BTreeMap<String, String>,
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

/// A GitHub App installation as a client uses it: see
/// [`Client::app_installation`](crate::Client::app_installation).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct AppInstallationInfo {
    /// The app's id (or client id), as given.
    pub app_id: String,
    /// The installation's id: given, or found on the owner.
    pub installation_id: u64,
    /// The permissions GitHub granted the installation's token
    /// (`permissions` of the token exchange's answer), such as
    /// `"packages": "read"`.
    pub permissions: BTreeMap<String, String>,
}

impl AppInstallationInfo {
    /// The `packages` permission granted (`"read"`, `"write"`), if any.
    pub fn packages_permission(&self) -> Option<&str> {
        self.permissions.get("packages").map(String::as_str)
    }
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
    #[serde(default)]
    permissions: BTreeMap<String, String>,
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
        let (token, lifetime, permissions) = self.exchange(http, installation_id).await?;
        state.permissions = permissions;
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

    /// The installation in use (found and a token obtained first, when not
    /// yet done): its id and the permissions its token was granted.
    pub(crate) async fn installation(&self, http: &Http) -> Result<AppInstallationInfo> {
        self.credential(http).await?;
        let state = self.state.lock().await;
        Ok(AppInstallationInfo {
            app_id: self.app.app_id.clone(),
            installation_id: state.installation_id.unwrap_or_default(),
            permissions: state.permissions.clone(),
        })
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
    async fn exchange(
        &self,
        http: &Http,
        installation_id: u64,
    ) -> Result<(Secret, Duration, BTreeMap<String, String>)> {
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
        Ok((answer.token, lifetime, answer.permissions))
    }

    /// A request authenticated as the app itself (with a JWT); the body and
    /// the server's time when it answered.
    ///
    /// The first JWT of a client is dated on the local clock. When the
    /// server refuses it (401) and that answer's `Date` shows the clocks
    /// differ by more than [`CLOCK_CORRECTION_SECS`] from what the JWT
    /// assumed, the request is sent once more with a JWT dated on the
    /// server's clock; any other 401 (a wrong key, an unknown app) is final.
    async fn app_request(
        &self,
        http: &Http,
        method: Method,
        path: &str,
    ) -> Result<(Vec<u8>, DateTime<Utc>)> {
        let url = http.base.join(path)?;
        let mut corrected = false;
        loop {
            let offset = http.server_offset();
            let jwt = jwt::sign(&self.app.app_id, &self.app.key, http.server_now())?;
            match http
                .send_as(method.clone(), &url, Some(&bearer(&jwt)?))
                .await
            {
                Ok(reply) => return Ok((reply.body, http.server_now())),
                Err(error)
                    if error.status() == Some(401)
                        && !corrected
                        && (http.server_offset() - offset).abs() > CLOCK_CORRECTION_SECS =>
                {
                    tracing::debug!(
                        path = url.path(),
                        offset_secs = http.server_offset(),
                        "JWT refused; signing it again on the server's clock"
                    );
                    corrected = true;
                }
                Err(error) => return Err(error),
            }
        }
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
