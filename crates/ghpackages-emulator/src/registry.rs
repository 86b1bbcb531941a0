//! The registry side of container packages: the subset of the OCI
//! distribution API a cleanup reads. `GET /token` (the handshake, with a
//! GitHub token as basic or bearer credentials) and `GET`/`HEAD
//! /v2/OWNER/NAME/manifests/REFERENCE` (by digest, the version's name, or by
//! tag). Manifests come from the fixture's `manifest` descriptions (indexes,
//! images, referrers); a container version without one is served as a plain
//! single-platform image. A `GET` counts as a download of the version.

use axum::body::Body;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE, HOST, WWW_AUTHENTICATE};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::access::{self, Action};
use crate::error::REST_DOCS;
use crate::state::AppState;
use crate::store::{Db, StoreResult};
use crate::types::PackageType;

/// OCI image index.
pub const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
/// OCI image manifest.
pub const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
/// Docker manifest list.
pub const DOCKER_MANIFEST_LIST: &str = "application/vnd.docker.distribution.manifest.list.v2+json";
/// Docker image manifest, schema 2.
pub const DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";

/// The OCI "empty" descriptor, used as the config and layer of generated images.
const EMPTY_DIGEST: &str =
    "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";
/// How long a registry token lasts on the emulator's clock, as on ghcr.io.
const TOKEN_LIFETIME_SECS: i64 = 300;
const ARCHITECTURES: [&str; 6] = ["amd64", "arm64", "arm", "ppc64le", "s390x", "386"];

/// How a version's manifest looks, in a fixture (`"manifest": {...}` on a
/// container version). The version's name is the manifest's digest; the
/// emulator does not check that it matches the body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestFixture {
    /// Media type: an OCI index when `children` is set, else an OCI image
    /// manifest; Docker manifest lists and v2 manifests may be named.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    /// For an index: the digests it lists (platforms assigned in order:
    /// linux/amd64, linux/arm64, ...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<String>,
    /// For a referrer (signature, attestation, SBOM): the digest it refers to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// The referrer's artifact type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artifact_type: Option<String>,
    /// The registry refuses to serve it (`403 DENIED`), to test clients
    /// that must fail closed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unreadable: bool,
}

impl ManifestFixture {
    fn media_type(&self) -> &str {
        match &self.media_type {
            Some(media_type) => media_type,
            None if self.children.is_empty() => OCI_MANIFEST,
            None => OCI_INDEX,
        }
    }

    /// Checks the description before it is stored.
    pub fn check(&self, version: &str) -> Result<(), String> {
        let media_type = self.media_type();
        if ![
            OCI_INDEX,
            OCI_MANIFEST,
            DOCKER_MANIFEST_LIST,
            DOCKER_MANIFEST,
        ]
        .contains(&media_type)
        {
            return Err(format!(
                "version {version:?}: unsupported manifest media type {media_type:?}"
            ));
        }
        let is_index = media_type == OCI_INDEX || media_type == DOCKER_MANIFEST_LIST;
        if !is_index && !self.children.is_empty() {
            return Err(format!("version {version:?}: only an index lists children"));
        }
        Ok(())
    }

    /// The manifest body served.
    pub fn body(&self) -> Value {
        let media_type = self.media_type();
        let subject = self
            .subject
            .as_ref()
            .map(|digest| json!({"mediaType": OCI_MANIFEST, "digest": digest, "size": 1024}));
        let mut body = if media_type == OCI_INDEX || media_type == DOCKER_MANIFEST_LIST {
            let child_type = if media_type == OCI_INDEX {
                OCI_MANIFEST
            } else {
                DOCKER_MANIFEST
            };
            let manifests: Vec<Value> = self
                .children
                .iter()
                .enumerate()
                .map(|(i, digest)| {
                    json!({
                        "mediaType": child_type,
                        "digest": digest,
                        "size": 1024,
                        "platform": {"os": "linux", "architecture": ARCHITECTURES[i % ARCHITECTURES.len()]},
                    })
                })
                .collect();
            json!({"schemaVersion": 2, "mediaType": media_type, "manifests": manifests})
        } else {
            let config_type = match (&self.artifact_type, media_type) {
                (Some(artifact), _) => artifact.as_str(),
                (None, DOCKER_MANIFEST) => "application/vnd.docker.container.image.v1+json",
                (None, _) => "application/vnd.oci.image.config.v1+json",
            };
            json!({
                "schemaVersion": 2,
                "mediaType": media_type,
                "config": {"mediaType": config_type, "digest": EMPTY_DIGEST, "size": 2},
                "layers": [{"mediaType": "application/vnd.oci.empty.v1+json", "digest": EMPTY_DIGEST, "size": 2}],
            })
        };
        if let Some(artifact) = &self.artifact_type {
            body["artifactType"] = json!(artifact);
        }
        if let Some(subject) = subject {
            body["subject"] = subject;
        }
        body
    }
}

/// Stores (or clears) the manifest of a version just inserted.
pub fn store_manifest(
    db: &Db<'_>,
    version_id: i64,
    version_name: &str,
    manifest: Option<&ManifestFixture>,
) -> Result<(), String> {
    let conn = db.conn();
    let result = match manifest {
        None => conn.execute("DELETE FROM manifests WHERE version_id = ?1", [version_id]),
        Some(manifest) => {
            manifest.check(version_name)?;
            let body = (!manifest.unreadable).then(|| manifest.body().to_string());
            conn.execute(
                "INSERT OR REPLACE INTO manifests (version_id, media_type, body) VALUES (?1, ?2, ?3)",
                params![version_id, manifest.media_type(), body],
            )
        }
    };
    result.map(|_| ()).map_err(|e| e.to_string())
}

/// The registry routes, beside the API (not rate limited).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/token", get(token))
        .route("/v2/", get(base))
        .route("/v2/{*path}", get(manifest).head(manifest))
}

/// An error in the registry's format: `{"errors": [{"code", "message"}]}`.
struct RegistryError {
    status: StatusCode,
    code: &'static str,
    message: String,
    challenge: Option<String>,
}

impl RegistryError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        RegistryError {
            status,
            code,
            message: message.into(),
            challenge: None,
        }
    }

    fn unauthorized(headers: &HeaderMap, scope: Option<&str>) -> Self {
        let host = headers
            .get(HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("localhost");
        let mut challenge = format!("Bearer realm=\"http://{host}/token\",service=\"{host}\"");
        if let Some(scope) = scope {
            challenge.push_str(&format!(",scope=\"{scope}\""));
        }
        RegistryError {
            challenge: Some(challenge),
            ..RegistryError::new(
                StatusCode::UNAUTHORIZED,
                "UNAUTHORIZED",
                "authentication required",
            )
        }
    }

    fn internal(error: rusqlite::Error) -> Self {
        RegistryError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "UNKNOWN",
            error.to_string(),
        )
    }
}

impl IntoResponse for RegistryError {
    fn into_response(self) -> Response {
        let body = json!({"errors": [{"code": self.code, "message": self.message}]});
        let mut response = (self.status, axum::Json(body)).into_response();
        if let Some(value) = self.challenge.and_then(|c| HeaderValue::from_str(&c).ok()) {
            response.headers_mut().insert(WWW_AUTHENTICATE, value);
        }
        response
    }
}

/// The GitHub token of a handshake: basic credentials' password, or a bearer token.
fn github_token(headers: &HeaderMap) -> Result<Option<String>, ()> {
    let Some(value) = headers.get(AUTHORIZATION) else {
        return Ok(None);
    };
    let text = value.to_str().map_err(|_| ())?.trim();
    let (scheme, rest) = text.split_once(' ').ok_or(())?;
    if scheme.eq_ignore_ascii_case("bearer") {
        return Ok(Some(rest.trim().to_owned()));
    }
    if !scheme.eq_ignore_ascii_case("basic") {
        return Err(());
    }
    let decoded = decode_base64(rest.trim()).ok_or(())?;
    let decoded = String::from_utf8(decoded).map_err(|_| ())?;
    let (_, password) = decoded.split_once(':').ok_or(())?;
    Ok(Some(password.to_owned()))
}

fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let value = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let text = text.trim_end_matches('=').as_bytes();
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    for chunk in text.chunks(4) {
        if chunk.len() == 1 {
            return None;
        }
        let mut n = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            n |= value(c)? << (18 - 6 * i);
        }
        out.extend_from_slice(&n.to_be_bytes()[1..chunk.len()]);
    }
    Some(out)
}

#[derive(Deserialize)]
struct TokenQuery {
    scope: Option<String>,
}

/// `GET /token?scope=repository:OWNER/NAME:pull&service=HOST`: a registry
/// token for one repository, for the GitHub token's user (anonymous without
/// credentials: public packages only).
async fn token(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: Result<Query<TokenQuery>, QueryRejection>,
) -> Result<Response, RegistryError> {
    // axum's own rejection is plain text; registry clients expect JSON errors.
    let Query(query) = query.map_err(|rejection| {
        RegistryError::new(
            StatusCode::BAD_REQUEST,
            "UNSUPPORTED",
            rejection.body_text(),
        )
    })?;
    let repository = query
        .scope
        .as_deref()
        .and_then(|s| s.strip_prefix("repository:"))
        .and_then(|s| s.rsplit_once(':'))
        .filter(|(_, actions)| actions.split(',').any(|a| a == "pull"))
        .map(|(name, _)| name.to_ascii_lowercase())
        .ok_or_else(|| {
            RegistryError::new(
                StatusCode::BAD_REQUEST,
                "UNSUPPORTED",
                "scope must be repository:OWNER/NAME:pull",
            )
        })?;
    let bad = || RegistryError::unauthorized(&headers, None);
    let user = match github_token(&headers).map_err(|_| bad())? {
        None => None,
        Some(token) => {
            let owner = state
                .store
                .read(|db| match db.token_owner(&token)? {
                    Some(owner) => Ok(Some(owner)),
                    None => match crate::apps::installation_token_owner(
                        db,
                        &token,
                        state.clock.now_secs(),
                    )? {
                        Some(owner) => Ok(Some(owner)),
                        None => crate::apps::actions_token_owner(db, &token),
                    },
                })
                .map_err(RegistryError::internal)?
                .ok_or_else(bad)?;
            access::check_scopes(
                &owner,
                Action::Read,
                Some(PackageType::Container),
                REST_DOCS,
            )
            .map_err(|e| RegistryError::new(StatusCode::FORBIDDEN, "DENIED", e.message))?;
            Some(owner)
        }
    };
    // GitHub Actions' token pulls the packages linked to its repository.
    let actions_repository = user
        .as_ref()
        .and_then(|u| u.installation.as_ref())
        .and_then(|g| g.repository);
    let user = user.map(|u| u.user.id);
    let token = format!(
        "emu_registry_{:016x}{:016x}",
        fastrand::u64(..),
        fastrand::u64(..)
    );
    state
        .store
        .write(|db| {
            db.conn().execute(
                "INSERT INTO registry_tokens (token, user_id, repository, expires_at) \
                 VALUES (?1, ?2, ?3, ?4)",
                params![
                    token,
                    user,
                    repository,
                    state.clock.now_secs() + TOKEN_LIFETIME_SECS
                ],
            )?;
            if let Some(repository) = actions_repository {
                db.conn().execute(
                    "INSERT INTO registry_actions_grants (token, repository_id) VALUES (?1, ?2)",
                    params![token, repository],
                )?;
            }
            Ok(())
        })
        .map_err(RegistryError::internal)?;
    Ok(axum::Json(
        json!({"token": token, "access_token": token, "expires_in": TOKEN_LIFETIME_SECS}),
    )
    .into_response())
}

/// A live registry token's grant: its user (none: anonymous) and repository.
type RegistryGrant = (Option<i64>, String, Option<i64>);

fn grant(db: &Db<'_>, headers: &HeaderMap, now: i64) -> StoreResult<Option<RegistryGrant>> {
    let Some(token) = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    else {
        return Ok(None);
    };
    db.conn()
        .prepare_cached(
            "SELECT t.user_id, t.repository, g.repository_id FROM registry_tokens t \
             LEFT JOIN registry_actions_grants g ON g.token = t.token \
             WHERE t.token = ?1 AND t.expires_at > ?2",
        )?
        .query_row(params![token.trim(), now], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?))
        })
        .optional()
}

/// `GET /v2/`: whether the registry token is valid.
async fn base(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, RegistryError> {
    let now = state.clock.now_secs();
    match state.store.read(|db| grant(db, &headers, now)) {
        Ok(Some(_)) => Ok(axum::Json(json!({})).into_response()),
        Ok(None) => Err(RegistryError::unauthorized(&headers, None)),
        Err(error) => Err(RegistryError::internal(error)),
    }
}

/// `GET`/`HEAD /v2/OWNER/NAME/manifests/REFERENCE`.
async fn manifest(
    State(state): State<AppState>,
    method: Method,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, RegistryError> {
    // A path that does not decode (bad percent-encoding, not UTF-8) names no
    // repository; axum's own rejection would be plain text.
    let Path(path) = path.map_err(|rejection| {
        RegistryError::new(
            StatusCode::BAD_REQUEST,
            "NAME_INVALID",
            rejection.body_text(),
        )
    })?;
    let Some((repository, reference)) = path.rsplit_once("/manifests/") else {
        return Err(RegistryError::new(
            StatusCode::NOT_FOUND,
            "NAME_UNKNOWN",
            "unknown route",
        ));
    };
    let repository = repository.to_ascii_lowercase();
    let scope = format!("repository:{repository}:pull");
    let count_download = method == Method::GET;
    let now = state.clock.now_secs();
    let (media_type, name, body) = state.store.write(|db| {
        let Some((user_id, granted, actions_repository)) =
            grant(db, &headers, now).map_err(RegistryError::internal)?
        else {
            return Err(RegistryError::unauthorized(&headers, Some(&scope)));
        };
        if granted != repository {
            return Err(RegistryError::new(
                StatusCode::FORBIDDEN,
                "DENIED",
                format!("the token grants access to {granted}, not {repository}"),
            ));
        }
        let (version_id, name) =
            find_version(db, &repository, user_id, actions_repository, reference)?;
        let stored: Option<(String, Option<String>)> = db
            .conn()
            .prepare_cached("SELECT media_type, body FROM manifests WHERE version_id = ?1")
            .and_then(|mut s| {
                s.query_row([version_id], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()
            })
            .map_err(RegistryError::internal)?;
        let (media_type, body) = match stored {
            Some((_, None)) => {
                return Err(RegistryError::new(
                    StatusCode::FORBIDDEN,
                    "DENIED",
                    format!("manifest {name} is unreadable (emulator fixture)"),
                ))
            }
            Some((media_type, Some(body))) => (media_type, body),
            None => {
                let plain = ManifestFixture::default();
                (OCI_MANIFEST.to_owned(), plain.body().to_string())
            }
        };
        if count_download {
            db.conn()
                .execute(
                    "UPDATE versions SET downloads = downloads + 1 WHERE id = ?1",
                    [version_id],
                )
                .map_err(RegistryError::internal)?;
        }
        Ok((media_type, name, body))
    })?;
    let mut response = Response::new(if count_download {
        Body::from(body)
    } else {
        Body::empty()
    });
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&media_type) {
        headers.insert(CONTENT_TYPE, value);
    }
    if let Ok(value) = HeaderValue::from_str(&name) {
        headers.insert("docker-content-digest", value);
    }
    Ok(response)
}

impl From<rusqlite::Error> for RegistryError {
    fn from(error: rusqlite::Error) -> Self {
        RegistryError::internal(error)
    }
}

/// The active version a reference names in a repository the caller may see.
fn find_version(
    db: &Db<'_>,
    repository: &str,
    user_id: Option<i64>,
    actions_repository: Option<i64>,
    reference: &str,
) -> Result<(i64, String), RegistryError> {
    let unknown_name = || {
        RegistryError::new(
            StatusCode::NOT_FOUND,
            "NAME_UNKNOWN",
            format!("repository {repository} not found"),
        )
    };
    let (owner_login, package_name) = repository.split_once('/').ok_or_else(unknown_name)?;
    let owner = db.account(owner_login)?.ok_or_else(unknown_name)?;
    let package = db
        .conn()
        .prepare_cached(
            "SELECT id, visibility, repository_id FROM packages WHERE owner_id = ?1 \
             AND package_type = 'container' AND lower(name) = ?2 AND deleted_at IS NULL",
        )?
        .query_row(params![owner.id, package_name], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<i64>>(2)?,
            ))
        })
        .optional()?
        .ok_or_else(unknown_name)?;
    let caller = match user_id {
        Some(id) => db
            .conn()
            .prepare_cached("SELECT login FROM accounts WHERE id = ?1")?
            .query_row([id], |r| r.get::<_, String>(0))
            .optional()?
            .map(|login| db.account(&login))
            .transpose()?
            .flatten(),
        None => None,
    };
    let mut rights = access::rights(db, &owner, caller.as_ref())?;
    if let Some(repository) = actions_repository {
        rights.see_private |= db.actions_role(package.0, repository)?.is_some();
    }
    let visibility = if package.1 == "public" {
        crate::types::Visibility::Public
    } else {
        crate::types::Visibility::Private
    };
    if !rights.can_see(visibility) {
        return Err(unknown_name());
    }
    let by_digest = reference.contains(':');
    let query = if by_digest {
        "SELECT id, name FROM versions WHERE package_id = ?1 AND deleted_at IS NULL AND name = ?2"
    } else {
        "SELECT id, name FROM versions WHERE package_id = ?1 AND deleted_at IS NULL \
         AND EXISTS (SELECT 1 FROM json_each(versions.tags) WHERE value = ?2) \
         ORDER BY created_at DESC, id DESC LIMIT 1"
    };
    db.conn()
        .prepare_cached(query)?
        .query_row(params![package.0, reference], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?
        .ok_or_else(|| {
            RegistryError::new(
                StatusCode::NOT_FOUND,
                "MANIFEST_UNKNOWN",
                format!("manifest unknown: {reference}"),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_decodes_basic_credentials() {
        assert_eq!(decode_base64("dXNlcjpnaHBfeHl6").unwrap(), b"user:ghp_xyz");
        assert_eq!(decode_base64("Zm9vYg==").unwrap(), b"foob");
        assert!(decode_base64("Z").is_none());
        assert!(decode_base64("Zm9v!").is_none());
    }

    #[test]
    fn bodies_follow_the_description() {
        let index = ManifestFixture {
            children: vec!["sha256:a".into(), "sha256:b".into()],
            ..ManifestFixture::default()
        };
        let body = index.body();
        assert_eq!(body["mediaType"], OCI_INDEX);
        assert_eq!(body["manifests"][1]["platform"]["architecture"], "arm64");
        let signature = ManifestFixture {
            subject: Some("sha256:a".into()),
            artifact_type: Some("application/vnd.dev.cosign.artifact.sig.v1+json".into()),
            ..ManifestFixture::default()
        };
        let body = signature.body();
        assert_eq!(body["mediaType"], OCI_MANIFEST);
        assert_eq!(body["subject"]["digest"], "sha256:a");
        let bad = ManifestFixture {
            media_type: Some(OCI_MANIFEST.into()),
            children: vec!["sha256:a".into()],
            ..ManifestFixture::default()
        };
        assert!(bad.check("v").is_err());
        let unknown = ManifestFixture {
            media_type: Some("text/plain".into()),
            ..ManifestFixture::default()
        };
        assert!(unknown.check("v").is_err());
    }
}
