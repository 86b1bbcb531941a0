//! Who is calling: the token of the `Authorization` header resolved to a
//! user and its scopes, or an anonymous client known by its address. The
//! result is put in the request's extensions for the rate limiter and the
//! handlers; the `X-OAuth-Scopes` header is added to authenticated answers.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::apps;
use crate::error::{internal, ApiError};
use crate::faults::Peer;
use crate::limits::ClientKey;
use crate::state::AppState;
use crate::store::{Account, Db, StoreResult, TokenOwner};

/// `X-OAuth-Scopes`: the scopes of the token used.
pub static OAUTH_SCOPES: HeaderName = HeaderName::from_static("x-oauth-scopes");
/// `X-Accepted-OAuth-Scopes`: the scopes the operation accepts.
pub static ACCEPTED_OAUTH_SCOPES: HeaderName = HeaderName::from_static("x-accepted-oauth-scopes");

/// The caller of one request.
#[derive(Debug, Clone)]
pub struct Identity {
    /// The client's address, when known.
    pub ip: Option<IpAddr>,
    /// The token's owner and scopes; `None` without a token.
    pub user: Option<Arc<TokenOwner>>,
    /// The GitHub App a JWT authenticated, for the app's own endpoints.
    pub app: Option<i64>,
}

impl Identity {
    /// The authenticated account, if any.
    pub fn account(&self) -> Option<&Account> {
        self.user.as_deref().map(|u| &u.user)
    }

    /// What the installation token used grants, if one was used.
    pub fn installation(&self) -> Option<&apps::Grant> {
        self.user.as_deref().and_then(|u| u.installation.as_ref())
    }
}

/// What the `Authorization` header holds.
enum Credentials<'a> {
    None,
    Token(&'a str),
    Malformed,
}

fn credentials(headers: &HeaderMap) -> Credentials<'_> {
    let Some(value) = headers.get(axum::http::header::AUTHORIZATION) else {
        return Credentials::None;
    };
    let Ok(text) = value.to_str() else {
        return Credentials::Malformed;
    };
    let text = text.trim();
    match text.split_once(' ') {
        Some((scheme, token))
            if scheme.eq_ignore_ascii_case("bearer") || scheme.eq_ignore_ascii_case("token") =>
        {
            let token = token.trim();
            if token.is_empty() {
                Credentials::Malformed
            } else {
                Credentials::Token(token)
            }
        }
        _ => Credentials::Malformed,
    }
}

/// Who a token is.
enum Caller {
    /// A personal access token's user, or an installation token's bot.
    User(TokenOwner),
    /// A GitHub App, by its JWT.
    App(i64),
    /// Neither: the 401 to answer.
    Refused(ApiError),
}

/// A personal access token, else an unexpired installation token, else an
/// app's JWT; an expired installation token is `Bad credentials`, as on GitHub.
fn caller(db: &Db<'_>, token: &str, now: i64) -> StoreResult<Caller> {
    if let Some(owner) = db.token_owner(token)? {
        return Ok(Caller::User(owner));
    }
    if let Some(owner) = apps::installation_token_owner(db, token, now)? {
        return Ok(Caller::User(owner));
    }
    if let Some(owner) = apps::actions_token_owner(db, token)? {
        return Ok(Caller::User(owner));
    }
    if apps::looks_like_jwt(token) {
        return Ok(match apps::verify_jwt(db, token, now) {
            Ok(app) => Caller::App(app),
            Err(answer) => Caller::Refused(answer),
        });
    }
    Ok(Caller::Refused(ApiError::bad_credentials()))
}

/// The bearer token of a request, for the admin API.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    match credentials(headers) {
        Credentials::Token(token) => Some(token),
        _ => None,
    }
}

/// Middleware: resolves the caller, answers 401 `Bad credentials` for an
/// unknown token, and reports the token's scopes on the answer.
pub async fn identify(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let ip = request
        .extensions()
        .get::<ConnectInfo<Peer>>()
        .map(|info| info.0.addr.ip());
    // GitHub counts a refused token against the address's budget.
    let refuse = |request: &Request, answer: ApiError| {
        let client = ClientKey::Address(ip.unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST)));
        let now = state.clock.now().timestamp_millis();
        let answer = answer.into_response();
        state
            .limiter()
            .charge_unrouted(client, request.method(), now, answer)
    };
    let now = state.clock.now_secs();
    let (user, app) = match credentials(request.headers()) {
        Credentials::None => (None, None),
        Credentials::Malformed => return refuse(&request, ApiError::bad_credentials()),
        Credentials::Token(token) => match state.store.read(|db| caller(db, token, now)) {
            Ok(Caller::User(owner)) => (Some(Arc::new(owner)), None),
            Ok(Caller::App(app)) => (None, Some(app)),
            Ok(Caller::Refused(answer)) => return refuse(&request, answer),
            Err(err) => return internal(err).into_response(),
        },
    };
    let scopes = user
        .as_ref()
        .filter(|u| u.installation.is_none())
        .map(|u| HeaderValue::from_str(&u.scopes).unwrap_or(HeaderValue::from_static("")));
    request.extensions_mut().insert(Identity { ip, user, app });
    let mut response = next.run(request).await;
    if let Some(scopes) = scopes {
        response.headers_mut().insert(OAUTH_SCOPES.clone(), scopes);
    }
    response
}
