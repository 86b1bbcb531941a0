//! Authorization: which scopes an operation needs, and what a caller may do
//! with a package (read it, administer it, or not even know it exists).

use axum::http::HeaderValue;

use crate::error::ApiError;
use crate::fixture::AppPermission;
use crate::identity::{Identity, ACCEPTED_OAUTH_SCOPES};
use crate::store::{Account, Db, StoreResult, TokenOwner};
use crate::types::{AccountKind, PackageRole, PackageType, Role, Visibility};

/// What an operation does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Lists or gets.
    Read,
    /// Deletes.
    Delete,
    /// Restores.
    Restore,
}

impl Action {
    fn verb(self) -> &'static str {
        match self {
            Action::Read => "read",
            Action::Delete => "delete",
            Action::Restore => "restore",
        }
    }
}

/// The classic scopes an operation needs: `read:packages`, plus
/// `delete:packages` to delete or `write:packages` to restore, plus `repo`
/// for registries with repository-scoped permissions only.
pub fn required_scopes(action: Action, package_type: Option<PackageType>) -> Vec<&'static str> {
    let mut scopes = vec!["read:packages"];
    match action {
        Action::Read => {}
        Action::Delete => scopes.push("delete:packages"),
        Action::Restore => scopes.push("write:packages"),
    }
    if package_type.is_some_and(PackageType::repository_scoped) {
        scopes.push("repo");
    }
    scopes
}

fn has_scope(granted: &str, scope: &str) -> bool {
    let mut granted = granted.split(',').map(str::trim);
    // `write:packages` includes `read:packages`, as GitHub grants them.
    granted.any(|g| g == scope || (scope == "read:packages" && g == "write:packages"))
}

/// 403 unless the token carries every scope the operation needs; for an
/// installation token, unless the installation's `packages` permission
/// allows the action (`read` to read, `write` to delete or restore).
pub fn check_scopes(
    user: &TokenOwner,
    action: Action,
    package_type: Option<PackageType>,
    docs: &'static str,
) -> Result<(), ApiError> {
    if let Some(grant) = &user.installation {
        let needed = match action {
            Action::Read => AppPermission::Read,
            Action::Delete | Action::Restore => AppPermission::Write,
        };
        return match grant.packages {
            Some(granted) if granted >= needed => Ok(()),
            _ => Err(ApiError::forbidden(
                "Resource not accessible by integration",
                docs,
            )),
        };
    }
    let required = required_scopes(action, package_type);
    let missing: Vec<&str> = required
        .iter()
        .copied()
        .filter(|scope| !has_scope(&user.scopes, scope))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let what = match package_type {
        Some(t) => format!("{} {t} packages", action.verb()),
        None => format!("{} packages", action.verb()),
    };
    let plural = if missing.len() > 1 { "s" } else { "" };
    let message = format!(
        "You need the {} scope{plural} to {what}. The token has: {}.",
        missing.join(" and "),
        if user.scopes.is_empty() {
            "no scopes"
        } else {
            &user.scopes
        }
    );
    let accepted = HeaderValue::from_str(&required.join(", "))
        .unwrap_or(HeaderValue::from_static("read:packages"));
    Err(ApiError::forbidden(message, docs).with_header(ACCEPTED_OAUTH_SCOPES.clone(), accepted))
}

/// 401 `Requires authentication` without a token; the token's owner otherwise.
pub fn require_user<'a>(
    identity: &'a Identity,
    docs: &'static str,
) -> Result<&'a TokenOwner, ApiError> {
    identity
        .user
        .as_deref()
        .ok_or_else(|| ApiError::requires_authentication(docs))
}

/// What a caller may do with the packages of an owner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rights {
    /// May see private packages.
    pub see_private: bool,
    /// May delete and restore packages (the user themself, an org admin, who
    /// is admin of every package of the organization, or, through
    /// [`package_rights`], a user granted `admin` on the package).
    pub admin: bool,
}

/// The rights of the caller of a request over the packages of `owner`: an
/// installation token sees every package of the account it is installed on
/// and administers them with the `packages: write` permission; elsewhere
/// it sees public packages only. Other callers: see [`rights`].
pub fn caller_rights(
    db: &Db<'_>,
    owner: &Account,
    caller: Option<&TokenOwner>,
) -> StoreResult<Rights> {
    match caller.and_then(|c| c.installation.as_ref()) {
        // GitHub Actions' token: public packages, and through
        // [`package_rights`] those linked to its repository.
        Some(grant) if grant.repository.is_some() => Ok(Rights {
            see_private: false,
            admin: false,
        }),
        Some(grant) => {
            let installed = grant.account_id == owner.id;
            Ok(Rights {
                see_private: installed,
                admin: installed && grant.packages >= Some(AppPermission::Write),
            })
        }
        None => rights(db, owner, caller.map(|c| &c.user)),
    }
}

/// The caller's rights over the packages of `owner`.
pub fn rights(db: &Db<'_>, owner: &Account, caller: Option<&Account>) -> StoreResult<Rights> {
    let Some(caller) = caller else {
        return Ok(Rights {
            see_private: false,
            admin: false,
        });
    };
    match owner.kind {
        AccountKind::User => {
            let own = owner.id == caller.id;
            Ok(Rights {
                see_private: own,
                admin: own,
            })
        }
        AccountKind::Organization => {
            let role = db.role(owner.id, caller.id)?;
            Ok(Rights {
                see_private: role.is_some(),
                admin: role == Some(Role::Admin),
            })
        }
    }
}

/// The caller's rights over one package: `owner_rights` (see [`rights`])
/// widened by a role granted to the caller on that package — any role
/// reveals a private package, `admin` allows deleting and restoring it.
/// GitHub Actions' token has the role the package's Actions access settings
/// give its repository (by default `admin` for the package's linked
/// repository, as GitHub gives it), used as far as its `packages`
/// permission goes.
pub fn package_rights(
    db: &Db<'_>,
    owner_rights: Rights,
    package_id: i64,
    caller: Option<&TokenOwner>,
) -> StoreResult<Rights> {
    if owner_rights.admin {
        return Ok(owner_rights);
    }
    let Some(caller) = caller else {
        return Ok(owner_rights);
    };
    if let Some(grant) = caller.installation.as_ref() {
        let Some(repository) = grant.repository else {
            return Ok(owner_rights);
        };
        let role = db.actions_role(package_id, repository)?;
        return Ok(Rights {
            see_private: owner_rights.see_private || role.is_some(),
            admin: role == Some(PackageRole::Admin) && grant.packages >= Some(AppPermission::Write),
        });
    }
    let granted = db.package_role(package_id, caller.user.id)?;
    Ok(Rights {
        see_private: owner_rights.see_private || granted.is_some(),
        admin: granted == Some(PackageRole::Admin),
    })
}

impl Rights {
    /// Whether the caller may see a package of this visibility.
    pub fn can_see(self, visibility: Visibility) -> bool {
        visibility == Visibility::Public || self.see_private
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_per_action_and_registry() {
        assert_eq!(
            required_scopes(Action::Read, Some(PackageType::Npm)),
            ["read:packages"]
        );
        assert_eq!(
            required_scopes(Action::Delete, Some(PackageType::Maven)),
            ["read:packages", "delete:packages", "repo"]
        );
        assert_eq!(
            required_scopes(Action::Restore, Some(PackageType::Docker)),
            ["read:packages", "write:packages", "repo"]
        );
    }

    #[test]
    fn write_implies_read() {
        assert!(has_scope("write:packages", "read:packages"));
        assert!(has_scope("repo, read:packages", "read:packages"));
        assert!(!has_scope("delete:packages", "read:packages"));
        assert!(!has_scope("", "repo"));
    }
}
