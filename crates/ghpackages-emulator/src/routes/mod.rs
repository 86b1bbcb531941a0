//! The 27 operations: one handler per operation kind, serving the three
//! owner families (`/orgs/{org}`, `/users/{username}`, `/user`).

mod call;
mod conflicts;
mod docs;
mod packages;
mod versions;

use axum::routing::{get, post};
use axum::Router;

use crate::error::ApiError;
use crate::state::AppState;

pub use call::ApiPrefix;
pub(crate) use call::{json, Call};

/// 404 `Not Found` for unknown routes and methods, as GitHub answers.
pub async fn not_found() -> ApiError {
    ApiError::route_not_found()
}

/// The API routes, relative to an API root (`/` or `/api/v3`).
pub fn api() -> Router<AppState> {
    let mut router = Router::new();
    for family in ["/orgs/{org}", "/users/{username}", "/user"] {
        let package = format!("{family}/packages/{{package_type}}/{{package_name}}");
        let version = format!("{package}/versions/{{package_version_id}}");
        router = router
            .route(&format!("{family}/docker/conflicts"), get(conflicts::list))
            .route(&format!("{family}/packages"), get(packages::list))
            .route(&package, get(packages::get).delete(packages::delete))
            .route(&format!("{package}/restore"), post(packages::restore))
            .route(&format!("{package}/versions"), get(versions::list))
            .route(&version, get(versions::get).delete(versions::delete))
            .route(&format!("{version}/restore"), post(versions::restore));
    }
    router
}
