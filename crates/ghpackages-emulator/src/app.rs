//! The whole HTTP application: API routes at `/` and `/api/v3`, wrapped (from
//! the outside in) by GitHub's standard headers, caller identification, rate
//! limiting and fault injection (inside the limits, so injected latency holds a
//! concurrency slot); the admin API beside them, untouched by faults and limits.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::atomic::{AtomicU64, Ordering};

use axum::extract::{MatchedPath, Request, State};
use axum::handler::Handler;
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::{Extension, Router};

use crate::admin;
use crate::api_version;
use crate::apps;
use crate::faults;
use crate::identity::{identify, Identity};
use crate::limits::ClientKey;
use crate::registry;
use crate::routes::{self, ApiPrefix};
use crate::state::AppState;

/// The application for a state.
pub fn router(state: AppState) -> Router {
    let api = routes::api()
        .merge(apps::routes())
        .route_layer(middleware::from_fn_with_state(
            state.faults.clone(),
            faults::inject,
        ))
        .route_layer(middleware::from_fn_with_state(state.clone(), throttle));
    let api = Router::new()
        .nest(
            "/api/v3",
            api.clone().layer(Extension(ApiPrefix("/api/v3"))),
        )
        .merge(api.layer(Extension(ApiPrefix(""))))
        .fallback(routes::not_found.layer(middleware::from_fn_with_state(state.clone(), throttle)))
        .method_not_allowed_fallback(
            routes::not_found.layer(middleware::from_fn_with_state(state.clone(), throttle)),
        )
        .layer(middleware::from_fn_with_state(state.clone(), identify))
        .layer(middleware::from_fn(api_version::check))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            github_headers,
        ));
    Router::new()
        .nest("/_emulator", admin::routes(state.clone()))
        .merge(registry::routes())
        .merge(api)
        .with_state(state)
}

/// Rate limiting: charges the request to the token's user (or the client's
/// address without a token) and the endpoint's route template; one operation
/// under `/` and `/api/v3` is one endpoint, and unknown routes share one.
async fn throttle(
    State(state): State<AppState>,
    endpoint: Option<MatchedPath>,
    request: Request,
    next: Next,
) -> Response {
    let limiter = state.limiter();
    if !limiter.config().enabled {
        return next.run(request).await;
    }
    let identity = request.extensions().get::<Identity>();
    let client = match identity.and_then(|i| i.account()) {
        Some(account) => ClientKey::User(account.id.unsigned_abs()),
        None => ClientKey::Address(
            identity
                .and_then(|i| i.ip)
                .unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST)),
        ),
    };
    let endpoint = endpoint.as_ref().map_or("", MatchedPath::as_str);
    let endpoint = endpoint.strip_prefix("/api/v3").unwrap_or(endpoint);
    let clock_ms = state.clock.now().timestamp_millis();
    match limiter.admit(client, request.method(), endpoint, clock_ms) {
        Ok(admission) => {
            let mut response = next.run(request).await;
            admission.headers.apply(response.headers_mut());
            response
        }
        Err(rejection) => rejection.into_response(limiter.config().exceeded_status),
    }
}

static REQUEST_ID: HeaderName = HeaderName::from_static("x-github-request-id");
static MEDIA_TYPE: HeaderName = HeaderName::from_static("x-github-media-type");

/// Headers GitHub puts on every API answer: a request id (clients report it
/// in errors), the media type, and the `Date` — the emulator clock's, which
/// clients date their GitHub App JWTs by. Each answer is logged at
/// trace level, without the query string (a restore's `token` is a secret).
async fn github_headers(State(state): State<AppState>, request: Request, next: Next) -> Response {
    static COUNTER: AtomicU64 = AtomicU64::new(1);
    let id = COUNTER.fetch_add(1, Ordering::Relaxed);
    let request_id = format!("E1E1:{:X}:{id:08X}", std::process::id());
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let mut response = next.run(request).await;
    tracing::trace!(
        request_id = %request_id,
        %method,
        %path,
        status = response.status().as_u16(),
        "answered"
    );
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        headers.insert(REQUEST_ID.clone(), value);
    }
    headers.insert(
        MEDIA_TYPE.clone(),
        HeaderValue::from_static("github.v3; format=json"),
    );
    let date = state
        .clock
        .now()
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string();
    if let Ok(value) = HeaderValue::from_str(&date) {
        headers.insert(axum::http::header::DATE, value);
    }
    response
}
