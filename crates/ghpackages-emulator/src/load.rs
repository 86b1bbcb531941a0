//! Loading a [`Fixture`] into the store, in one transaction.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use crate::fixture::{Fixture, FixtureError, PackageFixture, VersionFixture};
use crate::store::Db;
use crate::types::{AccountKind, PackageType};

/// What a load created.
#[derive(Debug, Default, Clone, Serialize, PartialEq, Eq)]
pub struct LoadSummary {
    /// Users created.
    pub users: usize,
    /// Organizations created.
    pub orgs: usize,
    /// Tokens created.
    pub tokens: usize,
    /// Repositories created.
    pub repositories: usize,
    /// Packages created.
    pub packages: usize,
    /// Versions created.
    pub versions: usize,
}

impl From<rusqlite::Error> for FixtureError {
    fn from(err: rusqlite::Error) -> Self {
        FixtureError::Invalid(err.to_string())
    }
}

fn account_id(db: &Db<'_>, login: &str, what: &str) -> Result<i64, FixtureError> {
    db.account(login)?
        .map(|a| a.id)
        .ok_or_else(|| FixtureError::Invalid(format!("{what} refers to unknown account {login:?}")))
}

/// GitHub's login rule: letters, digits and hyphens, not starting with a
/// hyphen, at most 39 characters.
fn check_login(login: &str) -> Result<(), FixtureError> {
    let valid = !login.is_empty()
        && login.len() <= 39
        && !login.starts_with('-')
        && login
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if valid {
        Ok(())
    } else {
        Err(FixtureError::Invalid(format!(
            "login {login:?}: use letters, digits and hyphens (at most 39, not starting with a hyphen)"
        )))
    }
}

/// GitHub's repository name rule: letters, digits, `.`, `-` and `_`.
fn check_repository_name(name: &str) -> Result<(), FixtureError> {
    let valid = !name.is_empty()
        && name.len() <= 100
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'));
    if valid {
        Ok(())
    } else {
        Err(FixtureError::Invalid(format!(
            "repository name {name:?}: use letters, digits, '.', '-' and '_'"
        )))
    }
}

/// Adds everything in `fixture` to the store. Accounts, tokens and
/// repositories it refers to may come from the same fixture or exist already.
pub fn load(db: &Db<'_>, fixture: &Fixture, now: i64) -> Result<LoadSummary, FixtureError> {
    let conn = db.conn();
    let mut summary = LoadSummary::default();
    for user in &fixture.users {
        check_login(&user.login)?;
        conn.execute(
            "INSERT INTO accounts (id, login, kind, name, site_admin) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                user.id,
                user.login,
                AccountKind::User.as_str(),
                user.name,
                user.site_admin
            ],
        )
        .map_err(|e| FixtureError::Invalid(format!("user {:?}: {e}", user.login)))?;
        summary.users += 1;
    }
    for org in &fixture.orgs {
        check_login(&org.login)?;
        conn.execute(
            "INSERT INTO accounts (id, login, kind, name, site_admin) VALUES (?1, ?2, ?3, ?4, 0)",
            params![
                org.id,
                org.login,
                AccountKind::Organization.as_str(),
                org.name
            ],
        )
        .map_err(|e| FixtureError::Invalid(format!("org {:?}: {e}", org.login)))?;
        summary.orgs += 1;
        let org_id = account_id(db, &org.login, "org")?;
        for member in &org.members {
            let user = db
                .account(&member.login)?
                .filter(|a| a.kind == AccountKind::User);
            let user = user.ok_or_else(|| {
                FixtureError::Invalid(format!(
                    "org {:?} member {:?} is not a user",
                    org.login, member.login
                ))
            })?;
            conn.execute(
                "INSERT OR REPLACE INTO memberships (org_id, user_id, role) VALUES (?1, ?2, ?3)",
                params![org_id, user.id, member.role.as_str()],
            )?;
        }
    }
    for token in &fixture.tokens {
        let user = db
            .account(&token.user)?
            .filter(|a| a.kind == AccountKind::User);
        let user = user.ok_or_else(|| {
            FixtureError::Invalid(format!("a token refers to unknown user {:?}", token.user))
        })?;
        conn.execute(
            "INSERT OR REPLACE INTO tokens (token, user_id, scopes) VALUES (?1, ?2, ?3)",
            params![token.token, user.id, token.scopes.join(", ")],
        )?;
        summary.tokens += 1;
    }
    for repo in &fixture.repositories {
        check_repository_name(&repo.name)?;
        let owner_id = account_id(db, &repo.owner, "repository")?;
        conn.execute(
            "INSERT INTO repositories (id, owner_id, name, private, description) \
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![repo.id, owner_id, repo.name, repo.private, repo.description],
        )
        .map_err(|e| FixtureError::Invalid(format!("repository {:?}: {e}", repo.name)))?;
        summary.repositories += 1;
    }
    for package in &fixture.packages {
        summary.versions += load_package(db, package, now)?;
        summary.packages += 1;
    }
    for app in &fixture.apps {
        crate::apps::load_app(db, app, now)?;
    }
    crate::apps::load_actions_tokens(db, &fixture.actions_tokens)?;
    Ok(summary)
}

fn secs(t: &Option<DateTime<Utc>>) -> Option<i64> {
    t.as_ref().map(DateTime::timestamp)
}

fn load_package(db: &Db<'_>, package: &PackageFixture, now: i64) -> Result<usize, FixtureError> {
    let conn = db.conn();
    let owner_id = account_id(db, &package.owner, "package")?;
    let repository_id: Option<i64> = match &package.repository {
        Some(name) => Some(
            conn.query_row(
                "SELECT id FROM repositories WHERE owner_id = ?1 AND name = ?2",
                params![owner_id, name],
                |row| row.get(0),
            )
            .map_err(|_| {
                FixtureError::Invalid(format!(
                    "package {:?} refers to unknown repository {:?} of {:?}",
                    package.name, name, package.owner
                ))
            })?,
        ),
        None => None,
    };
    if package.name.is_empty() || package.name.len() > 255 {
        return Err(FixtureError::Invalid(format!(
            "package name {:?} must have 1 to 255 characters",
            package.name
        )));
    }
    if package.deleted_at.is_none()
        && db
            .package(owner_id, package.package_type, &package.name)?
            .is_some()
    {
        return Err(FixtureError::Invalid(format!(
            "package {:?}: {} already has a live {} package of that name",
            package.name, package.owner, package.package_type
        )));
    }
    let mut versions: Vec<VersionFixture> = package.versions.clone();
    if let Some(generator) = &package.generate {
        versions.extend(generator.expand(&package.name)?);
    }
    let oldest = versions.iter().filter_map(|v| secs(&v.created_at)).min();
    let created_at = secs(&package.created_at).or(oldest).unwrap_or(now);
    let newest = versions
        .iter()
        .map(|v| secs(&v.updated_at).or(secs(&v.created_at)).unwrap_or(now))
        .max()
        .unwrap_or(created_at);
    conn.execute(
        "INSERT INTO packages (id, owner_id, package_type, name, visibility, repository_id, \
         created_at, updated_at, deleted_at, docker_conflict) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            package.id,
            owner_id,
            package.package_type.as_str(),
            package.name,
            package.visibility.as_str(),
            repository_id,
            created_at,
            newest.max(created_at),
            secs(&package.deleted_at),
            package.docker_migration_conflict,
        ],
    )
    .map_err(|e| FixtureError::Invalid(format!("package {:?}: {e}", package.name)))?;
    let package_id = conn.last_insert_rowid();
    for collaborator in &package.collaborators {
        let user = db
            .account(&collaborator.login)?
            .filter(|a| a.kind == AccountKind::User);
        let user = user.ok_or_else(|| {
            FixtureError::Invalid(format!(
                "package {:?} collaborator {:?} is not a user",
                package.name, collaborator.login
            ))
        })?;
        conn.execute(
            "INSERT OR REPLACE INTO package_roles (package_id, user_id, role) VALUES (?1, ?2, ?3)",
            params![package_id, user.id, collaborator.role.as_str()],
        )?;
    }
    for access in &package.actions_access {
        let repository: Option<i64> = access
            .repository
            .split_once('/')
            .map(|(owner, name)| {
                conn.query_row(
                    "SELECT r.id FROM repositories r JOIN accounts a ON a.id = r.owner_id \
                     WHERE a.login = ?1 AND r.name = ?2",
                    params![owner, name],
                    |row| row.get(0),
                )
                .optional()
            })
            .transpose()?
            .flatten();
        let repository = repository.ok_or_else(|| {
            FixtureError::Invalid(format!(
                "package {:?} actions_access: unknown repository {:?} (OWNER/REPO)",
                package.name, access.repository
            ))
        })?;
        conn.execute(
            "INSERT OR REPLACE INTO package_actions_access (package_id, repository_id, role) \
             VALUES (?1, ?2, ?3)",
            params![package_id, repository, access.role.as_str()],
        )?;
    }
    let count = insert_versions(db, package_id, package.package_type, &versions, now)?;
    Ok(count)
}

/// Adds versions to a package and refreshes its counters.
pub fn insert_versions(
    db: &Db<'_>,
    package_id: i64,
    package_type: PackageType,
    versions: &[VersionFixture],
    now: i64,
) -> Result<usize, FixtureError> {
    let conn = db.conn();
    let mut seen: HashMap<&str, ()> = HashMap::new();
    for version in versions {
        if seen.insert(version.name.as_str(), ()).is_some() && version.deleted_at.is_none() {
            return Err(FixtureError::Invalid(format!(
                "{package_type} package {package_id} lists version {:?} twice",
                version.name
            )));
        }
        let created = secs(&version.created_at).unwrap_or(now);
        let updated = secs(&version.updated_at).unwrap_or(created);
        let tags = serde_json::to_string(&version.tags).unwrap_or_else(|_| "[]".into());
        conn.prepare_cached(
            "INSERT INTO versions (id, package_id, name, tags, downloads, license, description, \
             created_at, updated_at, deleted_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )?
        .execute(params![
            version.id,
            package_id,
            version.name,
            tags,
            version.downloads,
            version.license,
            version.description,
            created,
            updated,
            secs(&version.deleted_at),
        ])
        .map_err(|e| FixtureError::Invalid(format!("version {:?}: {e}", version.name)))?;
        if version.manifest.is_some() && package_type != PackageType::Container {
            return Err(FixtureError::Invalid(format!(
                "version {:?}: only container versions have a manifest",
                version.name
            )));
        }
        crate::registry::store_manifest(
            db,
            conn.last_insert_rowid(),
            &version.name,
            version.manifest.as_deref(),
        )
        .map_err(FixtureError::Invalid)?;
        conn.execute(
            "UPDATE packages SET updated_at = MAX(updated_at, ?2) WHERE id = ?1",
            params![package_id, updated],
        )?;
    }
    let touched = conn.query_row(
        "SELECT updated_at FROM packages WHERE id = ?1",
        [package_id],
        |row| row.get::<_, i64>(0),
    )?;
    db.refresh_package(package_id, touched)?;
    Ok(versions.len())
}
