//! GitHub's rules for deleting and restoring packages and versions.

use axum::http::StatusCode;

use crate::access::{Action, Rights};
use crate::error::ApiError;
use crate::store::{Account, Db, Package, Version};
use crate::types::{AccountKind, PackageType, Visibility};

/// Deleted packages and versions can be restored for 30 days.
pub const RESTORE_WINDOW_SECS: i64 = 30 * 24 * 60 * 60;

/// Downloads above which a public package or version cannot be deleted.
pub const DOWNLOAD_LIMIT: i64 = 5_000;

/// GitHub's answer when the last version would go.
pub const LAST_VERSION_MESSAGE: &str =
    "You cannot delete the last tagged version of a package. You must delete the package instead.";

/// 403 unless the caller administers the owner's packages.
pub fn require_admin(
    owner: &Account,
    rights: Rights,
    action: Action,
    docs: &'static str,
) -> Result<(), ApiError> {
    if rights.admin {
        return Ok(());
    }
    let verb = if action == Action::Restore {
        "restore"
    } else {
        "delete"
    };
    let message = match owner.kind {
        AccountKind::Organization => format!(
            "You must be an admin of the {} organization to {verb} its packages.",
            owner.login
        ),
        AccountKind::User => format!("You must be {} to {verb} their packages.", owner.login),
    };
    Err(ApiError::forbidden(message, docs))
}

/// A public package with a version downloaded more than 5,000 times stays.
pub fn check_package_deletable(
    db: &Db<'_>,
    package: &Package,
    docs: &'static str,
) -> Result<(), ApiError> {
    if package.visibility == Visibility::Public && db.max_downloads(package.id)? > DOWNLOAD_LIMIT {
        return Err(ApiError::forbidden(
            "Publicly visible packages with versions that have more than 5000 downloads cannot be deleted. Contact GitHub support for more help.",
            docs,
        ));
    }
    Ok(())
}

/// A version of a public package downloaded more than 5,000 times stays, and
/// the last version (for containers, the last tagged version) cannot be
/// deleted: the package has to be deleted instead.
pub fn check_version_deletable(
    db: &Db<'_>,
    package: &Package,
    version: &Version,
    docs: &'static str,
) -> Result<(), ApiError> {
    if package.visibility == Visibility::Public && version.downloads > DOWNLOAD_LIMIT {
        return Err(ApiError::forbidden(
            "Publicly visible package versions with more than 5000 downloads cannot be deleted. Contact GitHub support for more help.",
            docs,
        ));
    }
    let (active, tagged) = db.active_counts(package.id)?;
    let last_tagged =
        package.package_type == PackageType::Container && !version.tags.is_empty() && tagged <= 1;
    if active <= 1 || last_tagged {
        return Err(ApiError::bad_request(LAST_VERSION_MESSAGE, docs));
    }
    Ok(())
}

/// 409 when a new package or version now uses the deleted one's name.
pub fn namespace_taken(docs: &'static str) -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        "The package namespace is in use by another package or version. Delete it before restoring this one.",
        docs,
    )
}
