//! Everything a handler needs to know about its request, extracted once:
//! the caller, the owner family, path parameters, the query, and the
//! addresses to build URLs from.

use axum::extract::{FromRequestParts, Path};
use axum::http::header::{CONTENT_TYPE, HOST, LINK};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::error::{internal, ApiError};
use crate::identity::Identity;
use crate::params::Query;
use crate::render::{needs_no_escaping, to_json, Render, Urls};
use crate::state::AppState;
use crate::store::{Account, Db};
use crate::types::AccountKind;

/// The API root a route was reached under (`""` or `/api/v3`).
#[derive(Debug, Clone, Copy)]
pub struct ApiPrefix(pub &'static str);

/// The owner family of an operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Family {
    /// `/orgs/{org}`.
    Org(String),
    /// `/users/{username}`.
    User(String),
    /// `/user`.
    Me,
}

/// The family without its login, to pick documentation links.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FamilyKind {
    /// Organization operations.
    Org,
    /// User operations.
    User,
    /// Authenticated-user operations.
    Me,
}

impl Family {
    /// The kind of family.
    pub fn kind(&self) -> FamilyKind {
        match self {
            Family::Org(_) => FamilyKind::Org,
            Family::User(_) => FamilyKind::User,
            Family::Me => FamilyKind::Me,
        }
    }
}

/// One API request, parsed.
pub struct Call {
    /// The caller.
    pub identity: Identity,
    /// The owner family and login.
    pub family: Family,
    params: Vec<(String, String)>,
    /// The decoded query.
    pub query: Query,
    /// `http://host:port`.
    pub root: String,
    /// `root` plus the API prefix.
    pub api: String,
    /// The request path below the API prefix.
    pub path: String,
}

impl Call {
    /// A path parameter (empty when the route has none of that name).
    pub fn param(&self, name: &str) -> &str {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// The addresses URLs are built from.
    pub fn urls(&self) -> Urls<'_> {
        Urls {
            root: &self.root,
            api: &self.api,
        }
    }

    /// The absolute URL of this request's path, for `Link` headers.
    pub fn self_url(&self) -> String {
        format!("{}{}", self.api, self.path)
    }

    /// The account the family names: 404 when it does not exist (or is not
    /// of the family's kind); the caller itself for `/user`.
    pub fn owner(&self, db: &Db<'_>, docs: &'static str) -> Result<Account, ApiError> {
        let (login, kind) = match &self.family {
            Family::Org(login) => (login, AccountKind::Organization),
            Family::User(login) => (login, AccountKind::User),
            Family::Me if self.identity.installation().is_some() => {
                return Err(ApiError::forbidden(
                    "Resource not accessible by integration",
                    docs,
                ))
            }
            Family::Me => {
                return self
                    .identity
                    .account()
                    .cloned()
                    .ok_or_else(|| ApiError::requires_authentication(docs))
            }
        };
        db.account(login)?
            .filter(|a| a.kind == kind)
            .ok_or_else(|| ApiError::not_found("Not Found", docs))
    }
}

impl From<rusqlite::Error> for ApiError {
    fn from(err: rusqlite::Error) -> Self {
        internal(err)
    }
}

impl FromRequestParts<AppState> for Call {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let Path(params) = Path::<Vec<(String, String)>>::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError::route_not_found())?;
        let identity = parts
            .extensions
            .get::<Identity>()
            .cloned()
            .unwrap_or(Identity {
                ip: None,
                user: None,
                app: None,
            });
        let prefix = parts.extensions.get::<ApiPrefix>().map_or("", |p| p.0);
        let root = match &state.public_base_url {
            Some(url) => url.clone(),
            None => {
                let host = parts
                    .headers
                    .get(HOST)
                    .and_then(|h| h.to_str().ok())
                    .filter(|h| needs_no_escaping(h))
                    .or_else(|| parts.uri.authority().map(|a| a.as_str()))
                    .unwrap_or("localhost");
                format!("http://{host}")
            }
        };
        let find = |name: &str| {
            params
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        };
        let family = match (find("org"), find("username")) {
            (Some(org), _) => Family::Org(org),
            (None, Some(user)) => Family::User(user),
            (None, None) => Family::Me,
        };
        Ok(Call {
            identity,
            family,
            params,
            query: Query::parse(parts.uri.query()),
            api: format!("{root}{prefix}"),
            root,
            path: parts.uri.path().to_owned(),
        })
    }
}

static JSON: HeaderValue = HeaderValue::from_static("application/json; charset=utf-8");

/// A 200 JSON answer, with a `Link` header when given.
pub fn json<T: Render + ?Sized>(value: &T, link: Option<String>) -> Response {
    let mut response = (
        StatusCode::OK,
        [(CONTENT_TYPE, JSON.clone())],
        to_json(value),
    )
        .into_response();
    if let Some(link) = link.and_then(|l| HeaderValue::from_str(&l).ok()) {
        response.headers_mut().insert(LINK, link);
    }
    response
}

/// A 204 answer.
pub fn no_content() -> Response {
    StatusCode::NO_CONTENT.into_response()
}
