//! List, get, delete and restore packages.

use axum::extract::State;
use axum::response::Response;

use super::call::{json, no_content, Call};
use super::docs::{docs, Op};
use crate::access::{caller_rights, check_scopes, package_rights, require_user, Action, Rights};
use crate::error::ApiError;
use crate::links::link_header;
use crate::params;
use crate::render::PackageJson;
use crate::rules::{self, RESTORE_WINDOW_SECS};
use crate::state::AppState;
use crate::store::{Db, Package};
use crate::types::PackageType;

/// `GET .../packages?package_type=...`
pub async fn list(State(state): State<AppState>, call: Call) -> Result<Response, ApiError> {
    let docs = docs(Op::ListPackages, call.family.kind());
    let user = require_user(&call.identity, docs)?;
    let package_type = params::package_type(&call.query, docs)?;
    let visibility = params::visibility(&call.query, docs)?;
    let paging = params::paging(&call.query, docs)?;
    params::check_depth(paging, docs)?;
    check_scopes(user, Action::Read, Some(package_type), docs)?;
    let (total, items) = state.store.read(|db| -> Result<_, ApiError> {
        let owner = call.owner(db, docs)?;
        let rights = caller_rights(db, &owner, Some(user))?;
        match visibility.map(|v| v.stored(package_type)) {
            Some(None) => Ok((0, Vec::new())),
            filter => Ok(db.packages(
                owner.id,
                package_type,
                filter.flatten(),
                rights.see_private,
                Some(user.user.id),
                user.installation.as_ref().and_then(|g| g.repository),
                paging.per_page,
                paging.offset(),
            )?),
        }
    })?;
    let urls = call.urls();
    let body: Vec<PackageJson<'_>> = items
        .iter()
        .map(|package| PackageJson { package, urls })
        .collect();
    let link = link_header(&call.self_url(), &call.query, paging, total);
    Ok(json(body.as_slice(), link))
}

/// The live package the path names, if the caller may see it; 404 otherwise.
pub fn find(
    db: &Db<'_>,
    call: &Call,
    package_type: PackageType,
    docs: &'static str,
) -> Result<(Package, Rights), ApiError> {
    let owner = call.owner(db, docs)?;
    let caller = call.identity.user.as_deref();
    let owner_rights = caller_rights(db, &owner, call.identity.user.as_deref())?;
    let Some(package) = db.package(owner.id, package_type, call.param("package_name"))? else {
        return Err(ApiError::not_found("Package not found.", docs));
    };
    let rights = package_rights(db, owner_rights, package.id, caller)?;
    if !rights.can_see(package.visibility) {
        return Err(ApiError::not_found("Package not found.", docs));
    }
    Ok((package, rights))
}

/// `GET .../packages/{package_type}/{package_name}`
pub async fn get(State(state): State<AppState>, call: Call) -> Result<Response, ApiError> {
    let docs = docs(Op::GetPackage, call.family.kind());
    let user = require_user(&call.identity, docs)?;
    let package_type = params::parse_package_type(call.param("package_type"), docs)?;
    check_scopes(user, Action::Read, Some(package_type), docs)?;
    let (package, _) = state.store.read(|db| find(db, &call, package_type, docs))?;
    Ok(json(
        &PackageJson {
            package: &package,
            urls: call.urls(),
        },
        None,
    ))
}

/// `DELETE .../packages/{package_type}/{package_name}`
pub async fn delete(State(state): State<AppState>, call: Call) -> Result<Response, ApiError> {
    let docs = docs(Op::DeletePackage, call.family.kind());
    let user = require_user(&call.identity, docs)?;
    let package_type = params::parse_package_type(call.param("package_type"), docs)?;
    check_scopes(user, Action::Delete, Some(package_type), docs)?;
    let now = state.clock.now_secs();
    state.store.write(|db| {
        let (package, rights) = find(db, &call, package_type, docs)?;
        rules::require_admin(&package.owner, rights, Action::Delete, docs)?;
        rules::check_package_deletable(db, &package, docs)?;
        db.set_package_deleted(package.id, Some(now))?;
        Ok::<_, ApiError>(())
    })?;
    Ok(no_content())
}

/// `POST .../packages/{package_type}/{package_name}/restore[?token=...]`
///
/// The `token` query parameter is accepted as GitHub documents it ("package
/// token") and has no further effect.
pub async fn restore(State(state): State<AppState>, call: Call) -> Result<Response, ApiError> {
    let docs = docs(Op::RestorePackage, call.family.kind());
    let user = require_user(&call.identity, docs)?;
    let package_type = params::parse_package_type(call.param("package_type"), docs)?;
    check_scopes(user, Action::Restore, Some(package_type), docs)?;
    let now = state.clock.now_secs();
    state.store.write(|db| {
        let owner = call.owner(db, docs)?;
        let owner_rights = caller_rights(db, &owner, Some(user))?;
        let name = call.param("package_name");
        let deleted = db
            .deleted_package(owner.id, package_type, name, now - RESTORE_WINDOW_SECS)?
            .ok_or_else(|| ApiError::not_found("Package not found.", docs))?;
        let rights = package_rights(db, owner_rights, deleted.id, Some(user))?;
        if !rights.can_see(deleted.visibility) {
            return Err(ApiError::not_found("Package not found.", docs));
        }
        rules::require_admin(&owner, rights, Action::Restore, docs)?;
        if db.package(owner.id, package_type, name)?.is_some() {
            return Err(rules::namespace_taken(docs));
        }
        db.set_package_deleted(deleted.id, None)?;
        Ok(())
    })?;
    Ok(no_content())
}
