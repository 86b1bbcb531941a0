//! GitHub App authentication: the app's id and private key, and which
//! installation to act as.
//!
//! The client signs a short JWT with the private key (RS256), finds the
//! installation when given an owner (`GET /orgs/{org}/installation`, then
//! `GET /users/{username}/installation`), exchanges the JWT for an
//! installation token (`POST /app/installations/{installation_id}/access_tokens`)
//! and sends that token with every request. The token is cached, renewed
//! [`GitHubApp::renew_before`] its expiry and once when a request is refused
//! with 401; concurrent requests wait for one renewal instead of racing.
//!
//! See <https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/authenticating-as-a-github-app-installation>.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use jsonwebtoken::EncodingKey;
use serde::{Deserialize, Deserializer};

use crate::error::{Error, Result};
use crate::secret::{secret_file_in_error, unreadable_secret_file, Secret};

mod installation;
mod jwt;

pub(crate) use installation::AppAuth;
pub use installation::AppInstallationInfo;

/// How long before its expiry an installation token is renewed by default.
pub const DEFAULT_RENEW_BEFORE: Duration = Duration::from_secs(5 * 60);

/// Which installation of the app the client acts as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppInstallation {
    /// The installation with this id.
    Id(u64),
    /// The installation on this account: looked up as an organization
    /// (`GET /orgs/{org}/installation`), then as a user
    /// (`GET /users/{username}/installation`).
    Owner(String),
}

/// A GitHub App's credentials and the installation to act as. Its `Debug`
/// output never shows the private key.
#[derive(Clone)]
pub struct GitHubApp {
    app_id: String,
    key: Arc<EncodingKey>,
    installation: AppInstallation,
    renew_before: Duration,
}

impl fmt::Debug for GitHubApp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GitHubApp")
            .field("app_id", &self.app_id)
            .field("private_key", &"***")
            .field("installation", &self.installation)
            .field("renew_before", &self.renew_before)
            .finish()
    }
}

impl GitHubApp {
    /// An app from its id (the numeric app id, or the client id `Iv1.…`,
    /// which GitHub accepts as the JWT's issuer too), its private key in PEM
    /// (PKCS#1 `RSA PRIVATE KEY` as GitHub hands it out, or PKCS#8), and the
    /// installation to act as.
    ///
    /// Fails with `invalid_input` naming `app_id`, `private_key` or
    /// `installation` when one is unusable; the message never quotes the key.
    pub fn new(
        app_id: impl Into<String>,
        private_key_pem: &str,
        installation: AppInstallation,
    ) -> Result<GitHubApp> {
        let app_id = app_id.into().trim().to_owned();
        if app_id.is_empty() {
            return Err(Error::invalid_input("app_id", "app_id is empty"));
        }
        if app_id.chars().any(|c| c.is_control() || c.is_whitespace()) {
            return Err(Error::invalid_input(
                "app_id",
                "app_id may not contain whitespace or control characters",
            ));
        }
        check_installation(&installation)?;
        let path_hint = if looks_like_a_path(private_key_pem) {
            "; it looks like a file path, not PEM text: give the key file as a path \
             (pathlib.Path in Python, privateKeyPath in Node, app_private_key_path in C, \
             --app-private-key in ghpkg)"
        } else {
            ""
        };
        let unusable = || {
            Error::invalid_input(
                "private_key",
                format!("private_key is not an RSA private key in PEM (PKCS#1, as GitHub hands it out, or PKCS#8){path_hint}"),
            )
        };
        let key =
            EncodingKey::from_rsa_pem(private_key_pem.trim().as_bytes()).map_err(|_| unusable())?;
        // The PEM parser accepts any PEM block (a public key too); the key
        // itself is only read when signing, so sign once now.
        jwt::sign(&app_id, &key, chrono::Utc::now()).map_err(|_| unusable())?;
        Ok(GitHubApp {
            app_id,
            key: Arc::new(key),
            installation,
            renew_before: DEFAULT_RENEW_BEFORE,
        })
    }

    /// [`GitHubApp::new`] with the private key read from a PEM file.
    pub fn from_key_file(
        app_id: impl Into<String>,
        path: impl AsRef<Path>,
        installation: AppInstallation,
    ) -> Result<GitHubApp> {
        let path = path.as_ref();
        let pem = std::fs::read_to_string(path).map_err(|error| {
            Error::invalid_input(
                "private_key_path",
                unreadable_secret_file("private key", path, &error),
            )
        })?;
        GitHubApp::new(app_id, &pem, installation).map_err(|error| {
            if error.argument() == Some("private_key") {
                Error::invalid_input(
                    "private_key_path",
                    format!(
                        "{}: {}",
                        secret_file_in_error("private key", path),
                        error.message()
                    ),
                )
            } else {
                error
            }
        })
    }

    /// How long before its expiry the installation token is renewed
    /// (default [`DEFAULT_RENEW_BEFORE`]). GitHub's tokens last an hour: a
    /// larger margin renews sooner.
    pub fn renew_before(mut self, margin: Duration) -> GitHubApp {
        self.renew_before = margin;
        self
    }

    /// The app id (or client id) the JWTs are issued by.
    pub fn app_id(&self) -> &str {
        &self.app_id
    }

    /// The installation the client acts as.
    pub fn installation(&self) -> &AppInstallation {
        &self.installation
    }
}

/// An installation id above zero, or an owner login GitHub could have.
fn check_installation(installation: &AppInstallation) -> Result<()> {
    match installation {
        AppInstallation::Id(0) => Err(Error::invalid_input(
            "installation_id",
            "installation_id must be 1 or more",
        )),
        AppInstallation::Id(_) => Ok(()),
        AppInstallation::Owner(owner) => {
            let valid = !owner.is_empty()
                && owner.len() <= 39
                && owner
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            if valid {
                Ok(())
            } else {
                Err(Error::invalid_input(
                    "owner",
                    format!("owner {owner:?} is not an account login (letters, digits, '-' and '_', at most 39)"),
                ))
            }
        }
    }
}

/// A GitHub App as the bindings' JSON options give it:
/// `{"app_id", "private_key" | "private_key_path", "installation_id" | "owner",
/// "renew_before_ms"}`; `app_id` may be a number or a string. Unknown fields
/// are refused. Its `Debug` output never shows the private key.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(
    default,
    deny_unknown_fields,
    expecting = "an object of GitHub App options"
)]
pub struct AppConfig {
    /// The app id or client id.
    #[serde(deserialize_with = "app_id")]
    pub app_id: Option<String>,
    /// The private key in PEM.
    pub private_key: Option<Secret>,
    /// A file holding the private key in PEM.
    pub private_key_path: Option<PathBuf>,
    /// The installation to act as.
    pub installation_id: Option<u64>,
    /// The account whose installation to act as.
    pub owner: Option<String>,
    /// [`GitHubApp::renew_before`], in milliseconds.
    #[serde(rename = "renew_before_ms", deserialize_with = "optional_millis")]
    pub renew_before: Option<Duration>,
}

fn app_id<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged, expecting = "a string or a positive integer")]
    enum Id {
        Number(u64),
        Text(String),
    }
    Ok(Option::<Id>::deserialize(deserializer)?.map(|id| match id {
        Id::Number(n) => n.to_string(),
        Id::Text(text) => text,
    }))
}

fn optional_millis<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Duration>, D::Error> {
    Option::<u64>::deserialize(deserializer).map(|ms| ms.map(Duration::from_millis))
}

impl AppConfig {
    /// The app these options describe: `app_id`, one of `private_key` and
    /// `private_key_path`, and one of `installation_id` and `owner`.
    pub fn build(&self) -> Result<GitHubApp> {
        let app_id = self
            .app_id
            .clone()
            .ok_or_else(|| Error::invalid_input("app_id", "a GitHub App needs its app_id"))?;
        let installation = match (self.installation_id, &self.owner) {
            (Some(id), None) => AppInstallation::Id(id),
            (None, Some(owner)) => AppInstallation::Owner(owner.clone()),
            (Some(_), Some(_)) => {
                return Err(Error::invalid_input(
                    "installation_id",
                    "give the installation_id or the owner whose installation to look up, not both",
                ))
            }
            (None, None) => return Err(Error::invalid_input(
                "installation_id",
                "a GitHub App needs an installation_id or the owner whose installation to look up",
            )),
        };
        let app = match (&self.private_key, &self.private_key_path) {
            (Some(pem), None) => GitHubApp::new(app_id, pem.expose(), installation)?,
            (None, Some(path)) => GitHubApp::from_key_file(app_id, path, installation)?,
            (Some(_), Some(_)) => {
                return Err(Error::invalid_input(
                    "private_key",
                    "give the private_key or the private_key_path, not both",
                ))
            }
            (None, None) => {
                return Err(Error::invalid_input(
                    "private_key",
                    "a GitHub App needs its private_key (PEM) or a private_key_path",
                ))
            }
        };
        Ok(match self.renew_before {
            Some(margin) => app.renew_before(margin),
            None => app,
        })
    }
}

/// Whether text given as PEM is rather a file's path: one line, no PEM
/// armour, and naming an existing file or shaped like a path to a key.
fn looks_like_a_path(text: &str) -> bool {
    let text = text.trim();
    if text.is_empty() || text.contains('\n') || text.contains("-----") {
        return false;
    }
    let lower = text.to_ascii_lowercase();
    std::path::Path::new(text).is_file()
        || text.contains('/')
        || text.contains('\\')
        || [".pem", ".key"].iter().any(|ext| lower.ends_with(ext))
}
