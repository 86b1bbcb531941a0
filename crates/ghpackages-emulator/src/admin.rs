//! The admin API under `/_emulator/`, guarded by the admin token: load data,
//! create entities, move the clock, change rate limits and faults.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq;

use crate::error::{ApiError, REST_DOCS};
use crate::faults;
use crate::fixture::{
    Fixture, OrgFixture, PackageFixture, RepositoryFixture, TokenFixture, UserFixture,
    VersionFixture,
};
use crate::identity::bearer;
use crate::limits::LimitsConfig;
use crate::load::{insert_versions, load, LoadSummary};
use crate::render::Time;
use crate::state::AppState;
use crate::types::PackageType;

/// The admin routes, to be nested under `/_emulator`.
pub fn routes(state: AppState) -> Router<AppState> {
    let guarded = Router::new()
        .route("/fixture", post(load_fixture))
        .route("/reset", post(reset))
        .route("/users", post(create_user))
        .route("/orgs", post(create_org))
        .route("/tokens", post(create_token))
        .route("/repositories", post(create_repository))
        .route("/packages", post(create_package))
        .route(
            "/packages/{owner}/{package_type}/{package_name}/versions",
            post(create_versions),
        )
        .route(
            "/packages/{owner}/{package_type}/{package_name}/versions/{version_id}/tags",
            put(set_tags),
        )
        .route(
            "/installations/{installation_id}",
            get(crate::apps::admin_installation),
        )
        .route("/clock", get(get_clock))
        .route("/clock/advance", post(advance_clock))
        .route("/limits", get(get_limits).put(put_limits))
        .route("/limits/rejections", get(get_rejections))
        .route(
            "/faults",
            get(faults::get_faults)
                .put(faults::put_faults)
                .delete(faults::clear_faults),
        )
        .route_layer(middleware::from_fn_with_state(state, require_admin));
    Router::new().route("/health", get(health)).merge(guarded)
}

async fn require_admin(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let Some(admin_token) = &state.admin_token else {
        return ApiError::new(
            StatusCode::NOT_FOUND,
            "The admin API is turned off on this emulator.",
            REST_DOCS,
        )
        .into_response();
    };
    match bearer(request.headers()) {
        Some(token) if same_token(token, admin_token) => next.run(request).await,
        _ => ApiError::new(
            StatusCode::UNAUTHORIZED,
            "The admin API requires the emulator's admin token (Authorization: Bearer <token>).",
            REST_DOCS,
        )
        .into_response(),
    }
}

/// Compares in constant time for tokens of one length, so the answer's
/// timing does not reveal how much of a guess was right.
fn same_token(given: &str, expected: &str) -> bool {
    bool::from(given.as_bytes().ct_eq(expected.as_bytes()))
}

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, message, REST_DOCS)
}

/// The JSON body: 400 `Problems parsing JSON` when it is not JSON (as GitHub
/// answers), 422 when it is JSON of the wrong shape.
pub(crate) fn body<T>(body: Result<Json<T>, JsonRejection>) -> Result<T, ApiError> {
    body.map(|Json(value)| value)
        .map_err(|rejection| match rejection {
            JsonRejection::JsonDataError(err) => invalid(err.body_text()),
            other => ApiError::bad_request(
                format!("Problems parsing JSON: {}", other.body_text()),
                REST_DOCS,
            ),
        })
}

async fn health() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "ok": true }))
}

fn load_into(state: &AppState, fixture: &Fixture) -> Result<Response, ApiError> {
    let now = state.clock.now_secs();
    let summary: LoadSummary = state
        .store
        .write(|db| load(db, fixture, now).map_err(|err| invalid(err.to_string())))?;
    Ok((StatusCode::CREATED, Json(summary)).into_response())
}

/// `POST /_emulator/fixture`: adds a fixture's data.
async fn load_fixture(
    State(state): State<AppState>,
    fixture: Result<Json<Fixture>, JsonRejection>,
) -> Result<Response, ApiError> {
    load_into(&state, &body(fixture)?)
}

#[derive(Deserialize)]
struct ResetQuery {
    fixture: Option<String>,
}

/// `POST /_emulator/reset[?fixture=demo]`: removes all data, then loads the
/// demo fixture when asked.
async fn reset(
    State(state): State<AppState>,
    query: Result<Query<ResetQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query.map_err(|rejection| invalid(rejection.body_text()))?;
    let fixture = match query.fixture.as_deref() {
        None => None,
        Some("demo") => Some(Fixture::demo()),
        Some(other) => return Err(invalid(format!("unknown fixture {other:?}; expected demo"))),
    };
    let now = state.clock.now_secs();
    let summary = state.store.write(|db| {
        db.clear()?;
        match &fixture {
            Some(fixture) => load(db, fixture, now).map_err(|err| invalid(err.to_string())),
            None => Ok(LoadSummary::default()),
        }
    })?;
    Ok(Json(summary).into_response())
}

async fn create_user(
    State(state): State<AppState>,
    user: Result<Json<UserFixture>, JsonRejection>,
) -> Result<Response, ApiError> {
    let fixture = Fixture {
        users: vec![body(user)?],
        ..Fixture::default()
    };
    load_into(&state, &fixture)
}

async fn create_org(
    State(state): State<AppState>,
    org: Result<Json<OrgFixture>, JsonRejection>,
) -> Result<Response, ApiError> {
    let fixture = Fixture {
        orgs: vec![body(org)?],
        ..Fixture::default()
    };
    load_into(&state, &fixture)
}

async fn create_token(
    State(state): State<AppState>,
    token: Result<Json<TokenFixture>, JsonRejection>,
) -> Result<Response, ApiError> {
    let fixture = Fixture {
        tokens: vec![body(token)?],
        ..Fixture::default()
    };
    load_into(&state, &fixture)
}

async fn create_repository(
    State(state): State<AppState>,
    repository: Result<Json<RepositoryFixture>, JsonRejection>,
) -> Result<Response, ApiError> {
    let fixture = Fixture {
        repositories: vec![body(repository)?],
        ..Fixture::default()
    };
    load_into(&state, &fixture)
}

async fn create_package(
    State(state): State<AppState>,
    package: Result<Json<PackageFixture>, JsonRejection>,
) -> Result<Response, ApiError> {
    let fixture = Fixture {
        packages: vec![body(package)?],
        ..Fixture::default()
    };
    load_into(&state, &fixture)
}

/// One version or a list of them.
#[derive(Deserialize)]
#[serde(untagged)]
enum Versions {
    One(VersionFixture),
    Many(Vec<VersionFixture>),
}

/// `POST /_emulator/packages/{owner}/{package_type}/{package_name}/versions`:
/// adds versions to a live package.
async fn create_versions(
    State(state): State<AppState>,
    Path((owner, package_type, name)): Path<(String, String, String)>,
    versions: Result<Json<Versions>, JsonRejection>,
) -> Result<Response, ApiError> {
    let versions = match body(versions)? {
        Versions::One(v) => vec![v],
        Versions::Many(v) => v,
    };
    let package_type: PackageType = package_type
        .parse()
        .map_err(|()| invalid(format!("unknown package_type {package_type:?}")))?;
    let now = state.clock.now_secs();
    let count = state.store.write(|db| {
        let owner = db
            .account(&owner)?
            .ok_or_else(|| ApiError::not_found(format!("no account {owner:?}"), REST_DOCS))?;
        let package = db
            .package(owner.id, package_type, &name)?
            .ok_or_else(|| ApiError::not_found(format!("no live package {name:?}"), REST_DOCS))?;
        insert_versions(db, package.id, package_type, &versions, now)
            .map_err(|err| invalid(err.to_string()))
    })?;
    Ok((
        StatusCode::CREATED,
        Json(serde_json::json!({ "versions": count })),
    )
        .into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Tags {
    tags: Vec<String>,
}

/// `PUT /_emulator/packages/{owner}/{package_type}/{package_name}/versions/{version_id}/tags`
/// with `{"tags": [...]}`: gives a version exactly these tags, as pushing its
/// manifest under them does (they leave any other version that had them).
async fn set_tags(
    State(state): State<AppState>,
    Path((owner, package_type, name, version_id)): Path<(String, String, String, i64)>,
    tags: Result<Json<Tags>, JsonRejection>,
) -> Result<Response, ApiError> {
    let tags = body(tags)?.tags;
    let package_type: PackageType = package_type
        .parse()
        .map_err(|()| invalid(format!("unknown package_type {package_type:?}")))?;
    let now = state.clock.now_secs();
    state.store.write(|db| {
        let owner = db
            .account(&owner)?
            .ok_or_else(|| ApiError::not_found(format!("no account {owner:?}"), REST_DOCS))?;
        let package = db
            .package(owner.id, package_type, &name)?
            .ok_or_else(|| ApiError::not_found(format!("no live package {name:?}"), REST_DOCS))?;
        if db.set_version_tags(package.id, version_id, &tags, now)? {
            Ok(())
        } else {
            Err(ApiError::not_found(
                format!("no active version {version_id} of {name:?}"),
                REST_DOCS,
            ))
        }
    })?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Serialize)]
struct ClockView {
    now: String,
    offset_seconds: f64,
}

fn clock_view(state: &AppState) -> Json<ClockView> {
    Json(ClockView {
        now: Time(state.clock.now_secs()).to_string(),
        offset_seconds: state.clock.offset_secs(),
    })
}

/// `GET /_emulator/clock`.
async fn get_clock(State(state): State<AppState>) -> Json<ClockView> {
    clock_view(&state)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Advance {
    seconds: f64,
}

/// `POST /_emulator/clock/advance` with `{"seconds": N}`.
async fn advance_clock(
    State(state): State<AppState>,
    advance: Result<Json<Advance>, JsonRejection>,
) -> Result<Json<ClockView>, ApiError> {
    let advance = body(advance)?;
    state
        .clock
        .try_advance(advance.seconds)
        .map_err(|err| invalid(format!("seconds: {err}")))?;
    Ok(clock_view(&state))
}

/// Rate limits as JSON; fields left out take GitHub's defaults.
#[derive(Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct LimitsView {
    enabled: bool,
    authenticated_per_hour: u32,
    unauthenticated_per_hour: u32,
    max_concurrent: u32,
    points_per_minute: u32,
    read_points: u32,
    write_points: u32,
    exceeded_status: u16,
    time_factor: f64,
}

impl Default for LimitsView {
    fn default() -> Self {
        LimitsView::from(&LimitsConfig::default())
    }
}

impl From<&LimitsConfig> for LimitsView {
    fn from(c: &LimitsConfig) -> Self {
        LimitsView {
            enabled: c.enabled,
            authenticated_per_hour: c.authenticated_per_hour,
            unauthenticated_per_hour: c.unauthenticated_per_hour,
            max_concurrent: c.max_concurrent,
            points_per_minute: c.points_per_minute,
            read_points: c.read_points,
            write_points: c.write_points,
            exceeded_status: c.exceeded_status.as_u16(),
            time_factor: c.time_factor,
        }
    }
}

/// `GET /_emulator/limits`.
async fn get_limits(State(state): State<AppState>) -> Json<LimitsView> {
    Json(LimitsView::from(state.limiter().config()))
}

/// `GET /_emulator/limits/rejections`: requests the rate limits refused.
async fn get_rejections(State(state): State<AppState>) -> Json<serde_json::Value> {
    let limiter = state.limiter();
    let rejections = limiter.rejections();
    Json(serde_json::json!({
        "primary": rejections.primary(),
        "secondary": rejections.secondary(),
    }))
}

/// `PUT /_emulator/limits`: replaces the limits; counters start afresh.
async fn put_limits(
    State(state): State<AppState>,
    view: Result<Json<LimitsView>, JsonRejection>,
) -> Result<Json<LimitsView>, ApiError> {
    let v = body(view)?;
    let exceeded_status = match v.exceeded_status {
        403 => StatusCode::FORBIDDEN,
        429 => StatusCode::TOO_MANY_REQUESTS,
        other => {
            return Err(invalid(format!(
                "exceeded_status must be 403 or 429, not {other}"
            )))
        }
    };
    if !(v.time_factor.is_finite() && v.time_factor > 0.0) {
        return Err(invalid("time_factor must be a positive number"));
    }
    state.set_limits(LimitsConfig {
        enabled: v.enabled,
        authenticated_per_hour: v.authenticated_per_hour,
        unauthenticated_per_hour: v.unauthenticated_per_hour,
        max_concurrent: v.max_concurrent,
        points_per_minute: v.points_per_minute,
        read_points: v.read_points,
        write_points: v.write_points,
        exceeded_status,
        time_factor: v.time_factor,
    });
    Ok(Json(LimitsView::from(state.limiter().config())))
}

#[cfg(test)]
mod tests {
    use super::same_token;

    #[test]
    fn tokens_match_only_when_equal() {
        assert!(same_token("s3cret-admin", "s3cret-admin"));
        for other in [
            "",
            "s3cret",
            "s3cret-admin!",
            "S3cret-admin",
            "s3cret-admiN",
        ] {
            assert!(!same_token(other, "s3cret-admin"), "{other:?}");
        }
    }
}
