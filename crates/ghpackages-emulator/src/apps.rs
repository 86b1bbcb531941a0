//! GitHub Apps: the apps and installations of the fixture, the app's JWT
//! checked as GitHub checks it, and installation tokens that expire after
//! an hour of the emulator clock. The three endpoints:
//!
//! - `GET /orgs/{org}/installation` and `GET /users/{username}/installation`
//!   (as the app, with its JWT): the installation on that account;
//! - `POST /app/installations/{installation_id}/access_tokens` (as the
//!   app): a new installation token.
//!
//! An installation token acts as the app's bot user on the installation's
//! account, and its `packages` permission decides what it may do there:
//! `read` lists and gets, `write` also deletes and restores.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use rusqlite::{params, OptionalExtension};
use serde::Deserialize;

use crate::error::ApiError;
use crate::fixture::{AppFixture, AppPermission, FixtureError};
use crate::render::{owner, Json, Render, Time, Urls};
use crate::routes::{self, Call};
use crate::state::AppState;
use crate::store::{account_from, Account, Db, StoreResult, TokenOwner};
use crate::types::AccountKind;

/// How long an installation token lasts, as on GitHub.
pub const INSTALLATION_TOKEN_SECS: i64 = 3600;
/// GitHub refuses a JWT whose `exp` is more than ten minutes after `iat`.
const MAX_JWT_SECS: i64 = 600;
/// How far in the future an `iat` may be (clock drift GitHub tolerates).
const IAT_LEEWAY_SECS: i64 = 60;
/// Bot users are not accounts of the fixture; their ids live above every
/// id a fixture uses.
const BOT_ID_BASE: i64 = 1 << 40;

const ORG_INSTALLATION_DOCS: &str = "https://docs.github.com/rest/apps/apps#get-an-organization-installation-for-the-authenticated-app";
const USER_INSTALLATION_DOCS: &str =
    "https://docs.github.com/rest/apps/apps#get-a-user-installation-for-the-authenticated-app";
const ACCESS_TOKEN_DOCS: &str =
    "https://docs.github.com/rest/apps/apps#create-an-installation-access-token-for-an-app";
const JWT_DOCS: &str = "https://docs.github.com/apps/creating-github-apps/authenticating-with-a-github-app/generating-a-json-web-token-jwt-for-a-github-app";

/// What an installation token grants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    /// The installation.
    pub installation_id: i64,
    /// The account it is installed on.
    pub account_id: i64,
    /// Its `packages` permission, if any.
    pub packages: Option<AppPermission>,
    /// For GitHub Actions' `GITHUB_TOKEN`: the workflow's repository, the
    /// only one whose packages (those linked to it) the token may reach.
    pub repository: Option<i64>,
}

/// The login GitHub Actions' `GITHUB_TOKEN` acts as.
pub const ACTIONS_BOT: &str = "github-actions[bot]";
/// The GitHub Actions app's id on github.com.
const ACTIONS_APP_ID: i64 = 15368;

/// The bot user and grant of a GitHub Actions `GITHUB_TOKEN` of the fixture.
pub fn actions_token_owner(db: &Db<'_>, token: &str) -> StoreResult<Option<TokenOwner>> {
    let found: Option<(i64, i64, Option<String>)> = db
        .conn()
        .prepare_cached(
            "SELECT t.repository_id, r.owner_id, t.packages FROM actions_tokens t \
             JOIN repositories r ON r.id = t.repository_id WHERE t.token = ?1",
        )?
        .query_row([token], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
        .optional()?;
    Ok(found.map(|(repository, account_id, packages)| TokenOwner {
        user: Account {
            id: BOT_ID_BASE + ACTIONS_APP_ID,
            login: ACTIONS_BOT.to_owned(),
            kind: AccountKind::User,
            site_admin: false,
        },
        scopes: String::new(),
        installation: Some(Grant {
            installation_id: 0,
            account_id,
            packages: match packages.as_deref() {
                Some("write") => Some(AppPermission::Write),
                Some("read") => Some(AppPermission::Read),
                _ => None,
            },
            repository: Some(repository),
        }),
    }))
}

/// Adds GitHub Actions tokens of the fixture to the store.
pub(crate) fn load_actions_tokens(
    db: &Db<'_>,
    tokens: &[crate::fixture::ActionsTokenFixture],
) -> Result<(), FixtureError> {
    for token in tokens {
        let invalid = |message: String| {
            FixtureError::Invalid(format!(
                "actions token for {:?}: {message}",
                token.repository
            ))
        };
        if token.token.trim().is_empty() {
            return Err(invalid("token is empty".into()));
        }
        let (owner, name) = token
            .repository
            .split_once('/')
            .ok_or_else(|| invalid("repository is OWNER/REPO".into()))?;
        let repository: i64 = db
            .conn()
            .query_row(
                "SELECT r.id FROM repositories r JOIN accounts a ON a.id = r.owner_id \
                 WHERE a.login = ?1 AND r.name = ?2",
                params![owner, name],
                |row| row.get(0),
            )
            .optional()?
            .ok_or_else(|| invalid("unknown repository".into()))?;
        let packages = match token.permissions.get("packages") {
            None => None,
            Some(AppPermission::Read) => Some("read"),
            Some(AppPermission::Write) => Some("write"),
            Some(AppPermission::Admin) => {
                return Err(invalid("permissions.packages is read or write".into()))
            }
        };
        db.conn()
            .execute(
                "INSERT OR REPLACE INTO actions_tokens (token, repository_id, packages) \
                 VALUES (?1, ?2, ?3)",
                params![token.token, repository, packages],
            )
            .map_err(|e| invalid(e.to_string()))?;
    }
    Ok(())
}

/// An installation as stored.
struct Installation {
    id: i64,
    app_id: i64,
    app_slug: String,
    account: Account,
    permissions: BTreeMap<String, AppPermission>,
    repository_selection: String,
    created_at: i64,
}

/// Adds an app and its installations to the store.
pub(crate) fn load_app(db: &Db<'_>, app: &AppFixture, now: i64) -> Result<(), FixtureError> {
    let invalid = |message: String| FixtureError::Invalid(format!("app {:?}: {message}", app.slug));
    DecodingKey::from_rsa_pem(app.public_key.trim().as_bytes())
        .map_err(|_| invalid("public_key is not an RSA public key in PEM".into()))?;
    if app.slug.is_empty() {
        return Err(invalid("slug is empty".into()));
    }
    let conn = db.conn();
    conn.execute(
        "INSERT INTO apps (id, client_id, slug, name, public_key) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            app.id,
            app.client_id,
            app.slug,
            app.name.as_deref().unwrap_or(&app.slug),
            app.public_key.trim()
        ],
    )
    .map_err(|e| invalid(e.to_string()))?;
    for installation in &app.installations {
        let account = db.account(&installation.account)?.ok_or_else(|| {
            invalid(format!(
                "installation {} is on unknown account {:?}",
                installation.id, installation.account
            ))
        })?;
        if !matches!(
            installation.repository_selection.as_str(),
            "all" | "selected"
        ) {
            return Err(invalid(format!(
                "installation {}: repository_selection is all or selected",
                installation.id
            )));
        }
        let permissions =
            serde_json::to_string(&installation.permissions).map_err(|e| invalid(e.to_string()))?;
        conn.execute(
            "INSERT INTO installations \
             (id, app_id, account_id, permissions, repository_selection, created_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                installation.id,
                app.id,
                account.id,
                permissions,
                installation.repository_selection,
                now
            ],
        )
        .map_err(|e| invalid(format!("installation {}: {e}", installation.id)))?;
    }
    Ok(())
}

const INSTALLATION_COLUMNS: &str =
    "i.id, i.app_id, p.slug, i.permissions, i.repository_selection, \
     i.created_at, a.id, a.login, a.kind, a.site_admin \
     FROM installations i JOIN apps p ON p.id = i.app_id JOIN accounts a ON a.id = i.account_id";

fn installation_from(row: &rusqlite::Row<'_>) -> StoreResult<Installation> {
    let permissions: String = row.get(3)?;
    Ok(Installation {
        id: row.get(0)?,
        app_id: row.get(1)?,
        app_slug: row.get(2)?,
        permissions: serde_json::from_str(&permissions).unwrap_or_default(),
        repository_selection: row.get(4)?,
        created_at: row.get(5)?,
        account: account_from(row, 6)?,
    })
}

fn installation(db: &Db<'_>, id: i64) -> StoreResult<Option<Installation>> {
    db.conn()
        .prepare_cached(&format!("SELECT {INSTALLATION_COLUMNS} WHERE i.id = ?1"))?
        .query_row([id], installation_from)
        .optional()
}

fn installation_on(db: &Db<'_>, app_id: i64, account_id: i64) -> StoreResult<Option<Installation>> {
    db.conn()
        .prepare_cached(&format!(
            "SELECT {INSTALLATION_COLUMNS} WHERE i.app_id = ?1 AND i.account_id = ?2"
        ))?
        .query_row([app_id, account_id], installation_from)
        .optional()
}

/// The bot user and grant of an installation token that has not expired.
pub fn installation_token_owner(
    db: &Db<'_>,
    token: &str,
    now: i64,
) -> StoreResult<Option<TokenOwner>> {
    let installation_id: Option<i64> = db
        .conn()
        .prepare_cached(
            "SELECT installation_id FROM installation_tokens WHERE token = ?1 AND expires_at > ?2",
        )?
        .query_row(params![token, now], |row| row.get(0))
        .optional()?;
    let Some(installation) = installation_id
        .map(|id| installation(db, id))
        .transpose()?
        .flatten()
    else {
        return Ok(None);
    };
    Ok(Some(TokenOwner {
        user: Account {
            id: BOT_ID_BASE + installation.app_id,
            login: format!("{}[bot]", installation.app_slug),
            kind: AccountKind::User,
            site_admin: false,
        },
        scopes: String::new(),
        installation: Some(Grant {
            installation_id: installation.id,
            account_id: installation.account.id,
            packages: installation.permissions.get("packages").copied(),
            repository: None,
        }),
    }))
}

/// The claims GitHub reads from an app's JWT; numbers are checked to be
/// integers by their type.
#[derive(Deserialize)]
struct Claims {
    iat: Option<serde_json::Value>,
    exp: Option<serde_json::Value>,
    iss: Option<serde_json::Value>,
}

fn unauthorized(message: &str) -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, message, JWT_DOCS)
}

/// Whether a bearer token has the shape of a JWT (three base64url parts),
/// which the emulator then checks as an app's JWT.
pub fn looks_like_jwt(token: &str) -> bool {
    let parts: Vec<&str> = token.split('.').collect();
    parts.len() == 3
        && parts.iter().all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

/// The app a JWT authenticates, checked as GitHub checks it: signed RS256 by
/// the app's key, issued by its id or client id, `iat` not in the future,
/// `exp` in the future and at most ten minutes after `iat` (emulator clock).
pub fn verify_jwt(db: &Db<'_>, token: &str, now: i64) -> Result<i64, ApiError> {
    let undecodable = || unauthorized("A JSON web token could not be decoded");
    let mut peek = Validation::new(Algorithm::RS256);
    peek.insecure_disable_signature_validation();
    peek.validate_exp = false;
    peek.required_spec_claims.clear();
    let claims = jsonwebtoken::decode::<Claims>(token, &DecodingKey::from_secret(&[]), &peek)
        .map_err(|_| undecodable())?
        .claims;
    let issuer = match &claims.iss {
        Some(serde_json::Value::Number(n)) => n.to_string(),
        Some(serde_json::Value::String(s)) => s.clone(),
        _ => {
            return Err(unauthorized(
                "'Issuer' claim ('iss') must be the app's ID or client ID",
            ))
        }
    };
    let app: Option<(i64, String)> = db
        .conn()
        .prepare_cached(
            "SELECT id, public_key FROM apps WHERE CAST(id AS TEXT) = ?1 OR client_id = ?1",
        )
        .and_then(|mut statement| {
            statement
                .query_row([&issuer], |row| Ok((row.get(0)?, row.get(1)?)))
                .optional()
        })
        .map_err(crate::error::internal)?;
    let Some((app_id, public_key)) = app else {
        return Err(unauthorized("Integration not found"));
    };
    let key = DecodingKey::from_rsa_pem(public_key.as_bytes()).map_err(crate::error::internal)?;
    let mut validation = Validation::new(Algorithm::RS256);
    validation.validate_exp = false;
    validation.required_spec_claims.clear();
    jsonwebtoken::decode::<Claims>(token, &key, &validation).map_err(|_| undecodable())?;
    let iat = claims.iat.as_ref().and_then(serde_json::Value::as_i64);
    let exp = claims.exp.as_ref().and_then(serde_json::Value::as_i64);
    let Some(iat) = iat.filter(|iat| *iat <= now + IAT_LEEWAY_SECS) else {
        return Err(unauthorized(
            "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued",
        ));
    };
    let Some(exp) = exp.filter(|exp| *exp > now) else {
        return Err(unauthorized(
            "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires",
        ));
    };
    if exp - iat > MAX_JWT_SECS || exp > now + MAX_JWT_SECS {
        return Err(unauthorized(
            "'Expiration time' claim ('exp') is too far in the future",
        ));
    }
    Ok(app_id)
}

/// The three endpoints, relative to an API root.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/orgs/{org}/installation", get(org_installation))
        .route("/users/{username}/installation", get(user_installation))
        .route(
            "/app/installations/{installation_id}/access_tokens",
            post(create_access_token),
        )
}

/// The app the caller authenticated as with its JWT; a 401 otherwise, as
/// GitHub answers a token that is not an app's JWT.
fn require_app(call: &Call) -> Result<i64, ApiError> {
    call.identity
        .app
        .ok_or_else(|| unauthorized("A JSON web token could not be decoded"))
}

/// `GET /orgs/{org}/installation`.
async fn org_installation(State(state): State<AppState>, call: Call) -> Result<Response, ApiError> {
    account_installation(
        &state,
        &call,
        AccountKind::Organization,
        ORG_INSTALLATION_DOCS,
    )
}

/// `GET /users/{username}/installation`.
async fn user_installation(
    State(state): State<AppState>,
    call: Call,
) -> Result<Response, ApiError> {
    account_installation(&state, &call, AccountKind::User, USER_INSTALLATION_DOCS)
}

fn account_installation(
    state: &AppState,
    call: &Call,
    kind: AccountKind,
    docs: &'static str,
) -> Result<Response, ApiError> {
    let app_id = require_app(call)?;
    let login = match kind {
        AccountKind::Organization => call.param("org"),
        AccountKind::User => call.param("username"),
    };
    let found = state.store.read(|db| -> Result<_, ApiError> {
        let Some(account) = db.account(login)?.filter(|a| a.kind == kind) else {
            return Ok(None);
        };
        Ok(installation_on(db, app_id, account.id)?)
    })?;
    let installation = found.ok_or_else(|| ApiError::not_found("Not Found", docs))?;
    Ok(json(
        StatusCode::OK,
        &InstallationJson {
            installation: &installation,
            urls: call.urls(),
        },
    ))
}

/// `POST /app/installations/{installation_id}/access_tokens`: a token for
/// the whole installation, with all its permissions, for an hour.
async fn create_access_token(
    State(state): State<AppState>,
    call: Call,
) -> Result<Response, ApiError> {
    let app_id = require_app(&call)?;
    let not_found = || ApiError::not_found("Not Found", ACCESS_TOKEN_DOCS);
    let id: i64 = call
        .param("installation_id")
        .parse()
        .map_err(|_| not_found())?;
    let now = state.clock.now_secs();
    let token = format!(
        "ghs_{}",
        (0..316)
            .map(|_| fastrand::alphanumeric())
            .collect::<String>()
    );
    let expires_at = now + INSTALLATION_TOKEN_SECS;
    let installation = state.store.write(|db| {
        let Some(installation) = installation(db, id)?.filter(|i| i.app_id == app_id) else {
            return Err(not_found());
        };
        db.conn().execute(
            "DELETE FROM installation_tokens WHERE expires_at <= ?1",
            [now],
        )?;
        db.conn().execute(
            "INSERT INTO installation_tokens (token, installation_id, expires_at) VALUES (?1, ?2, ?3)",
            params![token, installation.id, expires_at],
        )?;
        db.conn().execute(
            "UPDATE installations SET tokens_issued = tokens_issued + 1 WHERE id = ?1",
            [installation.id],
        )?;
        Ok(installation)
    })?;
    Ok(json(
        StatusCode::CREATED,
        &AccessTokenJson {
            token: &token,
            expires_at,
            installation: &installation,
        },
    ))
}

fn json<T: Render>(status: StatusCode, value: &T) -> Response {
    let mut response = routes::json(value, None);
    *response.status_mut() = status;
    response.into_response()
}

fn permissions(out: &mut Json, permissions: &BTreeMap<String, AppPermission>) {
    out.member_object("permissions", |m| {
        for (name, level) in permissions {
            let level = match level {
                AppPermission::Read => "read",
                AppPermission::Write => "write",
                AppPermission::Admin => "admin",
            };
            m.text(name, level);
        }
    });
}

/// GitHub's `installation` object.
struct InstallationJson<'a> {
    installation: &'a Installation,
    urls: Urls<'a>,
}

impl Render for InstallationJson<'_> {
    fn render(&self, out: &mut Json) {
        let i = self.installation;
        let api = self.urls.api;
        let web = match i.account.kind {
            AccountKind::Organization => {
                format!("{}/organizations/{}", self.urls.root, i.account.login)
            }
            AccountKind::User => format!("{}/settings", self.urls.root),
        };
        out.object(|m| {
            m.raw("id", i.id);
            owner(m, "account", &i.account, self.urls);
            m.safe(
                "access_tokens_url",
                format_args!("{api}/app/installations/{}/access_tokens", i.id),
            );
            m.safe(
                "repositories_url",
                format_args!("{api}/installation/repositories"),
            );
            m.text(
                "html_url",
                &format!("{web}/settings/installations/{}", i.id),
            );
            m.raw("app_id", i.app_id);
            m.text("app_slug", &i.app_slug);
            m.raw("target_id", i.account.id);
            m.text("target_type", i.account.kind.as_str());
            permissions(m, &i.permissions);
            m.strings("events", &[]);
            m.safe("created_at", Time(i.created_at));
            m.safe("updated_at", Time(i.created_at));
            m.opt_text("single_file_name", None);
            m.raw("has_multiple_single_files", false);
            m.strings("single_file_paths", &[]);
            m.text("repository_selection", &i.repository_selection);
            m.raw("suspended_by", "null");
            m.raw("suspended_at", "null");
        });
    }
}

/// GitHub's `installation-token` object.
struct AccessTokenJson<'a> {
    token: &'a str,
    expires_at: i64,
    installation: &'a Installation,
}

impl Render for AccessTokenJson<'_> {
    fn render(&self, out: &mut Json) {
        out.object(|m| {
            m.text("token", self.token);
            m.safe("expires_at", Time(self.expires_at));
            permissions(m, &self.installation.permissions);
            m.text(
                "repository_selection",
                &self.installation.repository_selection,
            );
        });
    }
}

/// `GET /_emulator/installations/{installation_id}`: how many installation
/// tokens were issued, and how many are still valid, so tests can count
/// the exchanges a client made.
pub(crate) async fn admin_installation(
    State(state): State<AppState>,
    axum::extract::Path(id): axum::extract::Path<i64>,
) -> Result<axum::Json<serde_json::Value>, ApiError> {
    let now = state.clock.now_secs();
    let found = state.store.read(|db| -> StoreResult<_> {
        db.conn()
            .prepare_cached(
                "SELECT app_id, tokens_issued, \
                 (SELECT COUNT(*) FROM installation_tokens t WHERE t.installation_id = i.id AND t.expires_at > ?2) \
                 FROM installations i WHERE id = ?1",
            )?
            .query_row([id, now], |row| {
                Ok((row.get::<_, i64>(0)?, row.get::<_, i64>(1)?, row.get::<_, i64>(2)?))
            })
            .optional()
    })?;
    let (app_id, issued, live) =
        found.ok_or_else(|| ApiError::not_found("Not Found", crate::error::REST_DOCS))?;
    Ok(axum::Json(serde_json::json!({
        "id": id,
        "app_id": app_id,
        "tokens_issued": issued,
        "live_tokens": live,
    })))
}
