//! List, get, delete and restore package versions.

use axum::extract::State;
use axum::response::Response;

use super::call::{json, no_content, Call, Family};
use super::docs::{docs, Op};
use super::packages::find;
use crate::access::{check_scopes, require_user, Action};
use crate::error::ApiError;
use crate::links::link_header;
use crate::params;
use crate::render::{VersionContext, VersionJson};
use crate::rules::{self, RESTORE_WINDOW_SECS};
use crate::state::AppState;
use crate::store::VersionState;

fn version_not_found(docs: &'static str) -> ApiError {
    ApiError::not_found("Package version not found.", docs)
}

/// `GET .../packages/{package_type}/{package_name}/versions`
pub async fn list(State(state): State<AppState>, call: Call) -> Result<Response, ApiError> {
    let docs = docs(Op::ListVersions, call.family.kind());
    let user = require_user(&call.identity, docs)?;
    let package_type = params::parse_package_type(call.param("package_type"), docs)?;
    // GitHub's description defines `state` on the org and authenticated-user
    // lists only; on `/users/{username}/...` it is an unknown parameter,
    // which GitHub ignores: active versions are listed whatever it says.
    let version_state = match call.family {
        Family::User(_) => VersionState::Active,
        Family::Org(_) | Family::Me => params::state(&call.query, docs)?,
    };
    let paging = params::paging(&call.query, docs)?;
    check_scopes(user, Action::Read, Some(package_type), docs)?;
    let since = state.clock.now_secs() - RESTORE_WINDOW_SECS;
    let (package, (total, items)) = state.store.read(|db| -> Result<_, ApiError> {
        let (package, _) = find(db, &call, package_type, docs)?;
        let page = db.versions(
            package.id,
            version_state,
            since,
            paging.per_page,
            paging.offset(),
        )?;
        Ok((package, page))
    })?;
    let context = VersionContext::new(&package, call.urls());
    let body: Vec<VersionJson<'_>> = items
        .iter()
        .map(|version| VersionJson {
            context: &context,
            version,
        })
        .collect();
    let link = link_header(&call.self_url(), &call.query, paging, total);
    Ok(json(body.as_slice(), link))
}

/// `GET .../versions/{package_version_id}`
pub async fn get(State(state): State<AppState>, call: Call) -> Result<Response, ApiError> {
    let docs = docs(Op::GetVersion, call.family.kind());
    let user = require_user(&call.identity, docs)?;
    let package_type = params::parse_package_type(call.param("package_type"), docs)?;
    let id = params::version_id(call.param("package_version_id"), docs)?;
    check_scopes(user, Action::Read, Some(package_type), docs)?;
    let (package, version) = state.store.read(|db| -> Result<_, ApiError> {
        let (package, _) = find(db, &call, package_type, docs)?;
        let version = db
            .version(package.id, id)?
            .filter(|v| v.deleted_at.is_none())
            .ok_or_else(|| version_not_found(docs))?;
        Ok((package, version))
    })?;
    let context = VersionContext::new(&package, call.urls());
    Ok(json(
        &VersionJson {
            context: &context,
            version: &version,
        },
        None,
    ))
}

/// `DELETE .../versions/{package_version_id}`
pub async fn delete(State(state): State<AppState>, call: Call) -> Result<Response, ApiError> {
    let docs = docs(Op::DeleteVersion, call.family.kind());
    let user = require_user(&call.identity, docs)?;
    let package_type = params::parse_package_type(call.param("package_type"), docs)?;
    let id = params::version_id(call.param("package_version_id"), docs)?;
    check_scopes(user, Action::Delete, Some(package_type), docs)?;
    let now = state.clock.now_secs();
    state.store.write(|db| {
        let (package, rights) = find(db, &call, package_type, docs)?;
        let version = db
            .version(package.id, id)?
            .filter(|v| v.deleted_at.is_none())
            .ok_or_else(|| version_not_found(docs))?;
        rules::require_admin(&package.owner, rights, Action::Delete, docs)?;
        rules::check_version_deletable(db, &package, &version, docs)?;
        db.set_version_deleted(package.id, id, Some(now), now)?;
        Ok::<_, ApiError>(())
    })?;
    Ok(no_content())
}

/// `POST .../versions/{package_version_id}/restore`
pub async fn restore(State(state): State<AppState>, call: Call) -> Result<Response, ApiError> {
    let docs = docs(Op::RestoreVersion, call.family.kind());
    let user = require_user(&call.identity, docs)?;
    let package_type = params::parse_package_type(call.param("package_type"), docs)?;
    let id = params::version_id(call.param("package_version_id"), docs)?;
    check_scopes(user, Action::Restore, Some(package_type), docs)?;
    let now = state.clock.now_secs();
    state.store.write(|db| {
        let (package, rights) = find(db, &call, package_type, docs)?;
        let version = db
            .version(package.id, id)?
            .filter(|v| {
                v.deleted_at
                    .is_some_and(|at| at >= now - RESTORE_WINDOW_SECS)
            })
            .ok_or_else(|| version_not_found(docs))?;
        rules::require_admin(&package.owner, rights, Action::Restore, docs)?;
        if db.has_active_version_named(package.id, &version.name)? {
            return Err(rules::namespace_taken(docs));
        }
        db.set_version_deleted(package.id, id, None, now)?;
        Ok(())
    })?;
    Ok(no_content())
}
