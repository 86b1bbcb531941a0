//! The Docker migration conflict lists.

use axum::extract::State;
use axum::response::Response;

use super::call::{json, Call, Family};
use super::docs::{docs, Op};
use crate::access::{caller_rights, check_scopes, require_user, Action};
use crate::error::ApiError;
use crate::render::PackageJson;
use crate::state::AppState;

/// `GET .../docker/conflicts`. The org and user lists can be read without a
/// token, showing public packages only; the authenticated user's list needs one.
pub async fn list(State(state): State<AppState>, call: Call) -> Result<Response, ApiError> {
    let docs = docs(Op::Conflicts, call.family.kind());
    if call.family == Family::Me {
        require_user(&call.identity, docs)?;
    }
    if let Some(user) = call.identity.user.as_deref() {
        check_scopes(user, Action::Read, None, docs)?;
    }
    let items = state.store.read(|db| -> Result<_, ApiError> {
        let owner = call.owner(db, docs)?;
        let rights = caller_rights(db, &owner, call.identity.user.as_deref())?;
        Ok(db.docker_conflicts(owner.id, rights.see_private)?)
    })?;
    let urls = call.urls();
    let body: Vec<PackageJson<'_>> = items
        .iter()
        .map(|package| PackageJson { package, urls })
        .collect();
    Ok(json(body.as_slice(), None))
}
