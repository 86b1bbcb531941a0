//! The SQLite store: one connection behind a mutex, prepared statements
//! cached. Every request runs its reads, checks and writes in one closure
//! holding the lock (writes inside a transaction), so concurrent deletes and
//! restores of the same object are serialized and exactly one wins.

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use rusqlite::config::DbConfig;
use rusqlite::{params, Connection, OptionalExtension, Row, TransactionBehavior};

use crate::types::{AccountKind, PackageRole, PackageType, Role, Visibility};

const SCHEMA: &str = include_str!("schema.sql");

/// Errors of the store.
pub type StoreResult<T> = Result<T, rusqlite::Error>;

/// The database.
pub struct Store {
    conn: Mutex<Connection>,
}

/// An account: user or organization.
#[derive(Debug, Clone)]
pub struct Account {
    /// Numeric id.
    pub id: i64,
    /// Login.
    pub login: String,
    /// User or organization.
    pub kind: AccountKind,
    /// `site_admin` flag.
    pub site_admin: bool,
}

/// A repository linked to a package.
#[derive(Debug, Clone)]
pub struct Repository {
    /// Numeric id.
    pub id: i64,
    /// Name (without owner).
    pub name: String,
    /// Private repository.
    pub private: bool,
    /// Description.
    pub description: Option<String>,
}

/// A package with what rendering needs.
#[derive(Debug, Clone)]
pub struct Package {
    /// Numeric id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Registry.
    pub package_type: PackageType,
    /// Visibility.
    pub visibility: Visibility,
    /// Owning account.
    pub owner: Account,
    /// Linked repository.
    pub repository: Option<Repository>,
    /// Number of active versions.
    pub version_count: i64,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds.
    pub updated_at: i64,
    /// Unix seconds, for deleted packages.
    pub deleted_at: Option<i64>,
}

/// A package version.
#[derive(Debug, Clone)]
pub struct Version {
    /// Numeric id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Container/docker tags.
    pub tags: Vec<String>,
    /// Downloads.
    pub downloads: i64,
    /// License.
    pub license: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds.
    pub updated_at: i64,
    /// Unix seconds, for deleted versions.
    pub deleted_at: Option<i64>,
}

/// The identity a token resolves to.
#[derive(Debug, Clone)]
pub struct TokenOwner {
    /// The user (for an installation token, the app's bot user).
    pub user: Account,
    /// Scopes as GitHub reports them (`read:packages, repo`); empty for an
    /// installation token.
    pub scopes: String,
    /// For an installation token: what the installation grants.
    pub installation: Option<crate::apps::Grant>,
}

/// Which versions a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VersionState {
    /// Not deleted.
    Active,
    /// Deleted and still restorable.
    Deleted,
}

const PACKAGE_COLUMNS: &str = "p.id, p.name, p.package_type, p.visibility, p.version_count, \
     p.created_at, p.updated_at, p.deleted_at, \
     a.id, a.login, a.kind, a.site_admin, \
     r.id, r.name, r.private, r.description";

const PACKAGE_FROM: &str = "FROM packages p JOIN accounts a ON a.id = p.owner_id \
     LEFT JOIN repositories r ON r.id = p.repository_id";

const VERSION_COLUMNS: &str =
    "id, name, tags, downloads, license, description, created_at, updated_at, deleted_at";

pub(crate) fn account_from(row: &Row<'_>, at: usize) -> StoreResult<Account> {
    let kind: String = row.get(at + 2)?;
    Ok(Account {
        id: row.get(at)?,
        login: row.get(at + 1)?,
        kind: if kind == "Organization" {
            AccountKind::Organization
        } else {
            AccountKind::User
        },
        site_admin: row.get(at + 3)?,
    })
}

fn package_from(row: &Row<'_>) -> StoreResult<Package> {
    let package_type: String = row.get(2)?;
    let visibility: String = row.get(3)?;
    let repo_id: Option<i64> = row.get(12)?;
    let repository = match repo_id {
        Some(id) => Some(Repository {
            id,
            name: row.get(13)?,
            private: row.get(14)?,
            description: row.get(15)?,
        }),
        None => None,
    };
    Ok(Package {
        id: row.get(0)?,
        name: row.get(1)?,
        package_type: package_type.parse().unwrap_or(PackageType::Container),
        visibility: visibility.parse().unwrap_or(Visibility::Private),
        version_count: row.get(4)?,
        created_at: row.get(5)?,
        updated_at: row.get(6)?,
        deleted_at: row.get(7)?,
        owner: account_from(row, 8)?,
        repository,
    })
}

fn version_from(row: &Row<'_>) -> StoreResult<Version> {
    let tags: String = row.get(2)?;
    Ok(Version {
        id: row.get(0)?,
        name: row.get(1)?,
        tags: serde_json::from_str(&tags).unwrap_or_default(),
        downloads: row.get(3)?,
        license: row.get(4)?,
        description: row.get(5)?,
        created_at: row.get(6)?,
        updated_at: row.get(7)?,
        deleted_at: row.get(8)?,
    })
}

impl Store {
    /// Opens (and creates) a database file in WAL mode, or an in-memory
    /// database when `path` is `None`.
    pub fn open(path: Option<&Path>) -> StoreResult<Store> {
        let conn = match path {
            Some(path) => {
                let conn = Connection::open(path)?;
                conn.pragma_update(None, "journal_mode", "WAL")?;
                conn.pragma_update(None, "synchronous", "NORMAL")?;
                conn
            }
            None => Connection::open_in_memory()?,
        };
        // Plans must not depend on bound values: otherwise SQLite marks the
        // statements to be re-prepared on every new binding, which undoes the
        // statement cache.
        conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.set_prepared_statement_cache_capacity(64);
        conn.execute_batch(SCHEMA)?;
        Ok(Store {
            conn: Mutex::new(conn),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        self.conn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Runs read-only work.
    pub fn read<T>(&self, work: impl FnOnce(&Db<'_>) -> T) -> T {
        let conn = self.lock();
        work(&Db { conn: &conn })
    }

    /// Runs work in one immediate transaction, committed when it returns `Ok`.
    pub fn write<T, E>(&self, work: impl FnOnce(&Db<'_>) -> Result<T, E>) -> Result<T, E>
    where
        E: From<rusqlite::Error>,
    {
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = work(&Db { conn: &tx })?;
        tx.commit()?;
        Ok(out)
    }
}

/// Queries and updates on a locked connection.
pub struct Db<'c> {
    conn: &'c Connection,
}

impl Db<'_> {
    /// The user a token belongs to.
    pub fn token_owner(&self, token: &str) -> StoreResult<Option<TokenOwner>> {
        self.conn
            .prepare_cached(
                "SELECT a.id, a.login, a.kind, a.site_admin, t.scopes \
                 FROM tokens t JOIN accounts a ON a.id = t.user_id WHERE t.token = ?1",
            )?
            .query_row([token], |row| {
                Ok(TokenOwner {
                    user: account_from(row, 0)?,
                    scopes: row.get(4)?,
                    installation: None,
                })
            })
            .optional()
    }

    /// An account by login (case-insensitive).
    pub fn account(&self, login: &str) -> StoreResult<Option<Account>> {
        self.conn
            .prepare_cached("SELECT id, login, kind, site_admin FROM accounts WHERE login = ?1")?
            .query_row([login], |row| account_from(row, 0))
            .optional()
    }

    /// The role of a user in an organization, if a member.
    pub fn role(&self, org_id: i64, user_id: i64) -> StoreResult<Option<Role>> {
        let role: Option<String> = self
            .conn
            .prepare_cached("SELECT role FROM memberships WHERE org_id = ?1 AND user_id = ?2")?
            .query_row([org_id, user_id], |row| row.get(0))
            .optional()?;
        Ok(role.map(|r| {
            if r == "admin" {
                Role::Admin
            } else {
                Role::Member
            }
        }))
    }

    /// The role granted to a user on one package, if any.
    pub fn package_role(&self, package_id: i64, user_id: i64) -> StoreResult<Option<PackageRole>> {
        let role: Option<String> = self
            .conn
            .prepare_cached(
                "SELECT role FROM package_roles WHERE package_id = ?1 AND user_id = ?2",
            )?
            .query_row([package_id, user_id], |row| row.get(0))
            .optional()?;
        Ok(role.map(|r| match r.as_str() {
            "admin" => PackageRole::Admin,
            "write" => PackageRole::Write,
            _ => PackageRole::Read,
        }))
    }

    /// The role a repository's GITHUB_TOKEN has on a package: the one its
    /// Manage Actions access settings give, else `admin` for the repository
    /// the package is linked to.
    pub fn actions_role(
        &self,
        package_id: i64,
        repository_id: i64,
    ) -> StoreResult<Option<PackageRole>> {
        let role: Option<String> = self
            .conn
            .prepare_cached(
                "SELECT COALESCE((SELECT role FROM package_actions_access \
                 WHERE package_id = ?1 AND repository_id = ?2), \
                 CASE WHEN repository_id = ?2 THEN 'admin' END) FROM packages WHERE id = ?1",
            )?
            .query_row([package_id, repository_id], |row| row.get(0))
            .optional()?
            .flatten();
        Ok(role.map(|r| match r.as_str() {
            "admin" => PackageRole::Admin,
            "write" => PackageRole::Write,
            _ => PackageRole::Read,
        }))
    }

    /// The live package of a namespace.
    pub fn package(
        &self,
        owner_id: i64,
        package_type: PackageType,
        name: &str,
    ) -> StoreResult<Option<Package>> {
        self.conn
            .prepare_cached(&format!(
                "SELECT {PACKAGE_COLUMNS} {PACKAGE_FROM} WHERE p.owner_id = ?1 \
                 AND p.package_type = ?2 AND p.name = ?3 AND p.deleted_at IS NULL"
            ))?
            .query_row(params![owner_id, package_type.as_str(), name], package_from)
            .optional()
    }

    /// The most recently deleted package of a namespace deleted after `since`.
    pub fn deleted_package(
        &self,
        owner_id: i64,
        package_type: PackageType,
        name: &str,
        since: i64,
    ) -> StoreResult<Option<Package>> {
        self.conn
            .prepare_cached(&format!(
                "SELECT {PACKAGE_COLUMNS} {PACKAGE_FROM} WHERE p.owner_id = ?1 \
                 AND p.package_type = ?2 AND p.name = ?3 AND p.deleted_at >= ?4 \
                 ORDER BY p.deleted_at DESC, p.id DESC LIMIT 1"
            ))?
            .query_row(
                params![owner_id, package_type.as_str(), name, since],
                package_from,
            )
            .optional()
    }

    /// A page of live packages of an owner and type, with the total count.
    /// `visibility` filters; `include_private` says whether private packages
    /// are visible to the caller at all; otherwise the private packages the
    /// user `grantee` holds a role on are still visible.
    #[allow(clippy::too_many_arguments)]
    pub fn packages(
        &self,
        owner_id: i64,
        package_type: PackageType,
        visibility: Option<Visibility>,
        include_private: bool,
        grantee: Option<i64>,
        actions_repository: Option<i64>,
        limit: i64,
        offset: i64,
    ) -> StoreResult<(i64, Vec<Package>)> {
        let filter = "p.owner_id = ?1 AND p.package_type = ?2 AND p.deleted_at IS NULL \
             AND (?3 IS NULL OR p.visibility = ?3) AND (?4 OR p.visibility = 'public' \
             OR EXISTS (SELECT 1 FROM package_roles g WHERE g.package_id = p.id AND g.user_id = ?5) \
             OR p.repository_id = ?8 OR EXISTS (SELECT 1 FROM package_actions_access x \
             WHERE x.package_id = p.id AND x.repository_id = ?8))";
        let vis = visibility.map(Visibility::as_str);
        let total: i64 = self
            .conn
            .prepare_cached(&format!("SELECT COUNT(*) FROM packages p WHERE {filter}"))?
            .query_row(
                params![
                    owner_id,
                    package_type.as_str(),
                    vis,
                    include_private,
                    grantee,
                    None::<i64>,
                    None::<i64>,
                    actions_repository
                ],
                |row| row.get(0),
            )?;
        let items = self
            .conn
            .prepare_cached(&format!(
                "SELECT {PACKAGE_COLUMNS} {PACKAGE_FROM} WHERE {filter} \
                 ORDER BY p.id LIMIT ?6 OFFSET ?7"
            ))?
            .query_map(
                params![
                    owner_id,
                    package_type.as_str(),
                    vis,
                    include_private,
                    grantee,
                    limit,
                    offset,
                    actions_repository
                ],
                package_from,
            )?
            .collect::<StoreResult<Vec<_>>>()?;
        Ok((total, items))
    }

    /// Live packages of an owner that conflicted during the Docker migration.
    pub fn docker_conflicts(
        &self,
        owner_id: i64,
        include_private: bool,
    ) -> StoreResult<Vec<Package>> {
        self.conn
            .prepare_cached(&format!(
                "SELECT {PACKAGE_COLUMNS} {PACKAGE_FROM} WHERE p.owner_id = ?1 \
                 AND p.docker_conflict = 1 AND p.deleted_at IS NULL \
                 AND (?2 OR p.visibility = 'public') ORDER BY p.id"
            ))?
            .query_map(params![owner_id, include_private], package_from)?
            .collect()
    }

    /// A page of versions, newest first, with the total count. Deleted
    /// versions are those deleted after `restorable_since`.
    pub fn versions(
        &self,
        package_id: i64,
        state: VersionState,
        restorable_since: i64,
        limit: i64,
        offset: i64,
    ) -> StoreResult<(i64, Vec<Version>)> {
        let filter = match state {
            VersionState::Active => "package_id = ?1 AND deleted_at IS NULL AND ?2 = ?2",
            VersionState::Deleted => "package_id = ?1 AND deleted_at >= ?2",
        };
        let total: i64 = self
            .conn
            .prepare_cached(&format!("SELECT COUNT(*) FROM versions WHERE {filter}"))?
            .query_row(params![package_id, restorable_since], |row| row.get(0))?;
        let items = self
            .conn
            .prepare_cached(&format!(
                "SELECT {VERSION_COLUMNS} FROM versions WHERE {filter} \
                 ORDER BY created_at DESC, id DESC LIMIT ?3 OFFSET ?4"
            ))?
            .query_map(
                params![package_id, restorable_since, limit, offset],
                version_from,
            )?
            .collect::<StoreResult<Vec<_>>>()?;
        Ok((total, items))
    }

    /// One version of a package, deleted or not.
    pub fn version(&self, package_id: i64, version_id: i64) -> StoreResult<Option<Version>> {
        self.conn
            .prepare_cached(&format!(
                "SELECT {VERSION_COLUMNS} FROM versions WHERE package_id = ?1 AND id = ?2"
            ))?
            .query_row([package_id, version_id], version_from)
            .optional()
    }

    /// The highest download count of any version (deleted ones included).
    pub fn max_downloads(&self, package_id: i64) -> StoreResult<i64> {
        self.conn
            .prepare_cached(
                "SELECT COALESCE(MAX(downloads), 0) FROM versions WHERE package_id = ?1",
            )?
            .query_row([package_id], |row| row.get(0))
    }

    /// Active versions of a package: (all, tagged).
    pub fn active_counts(&self, package_id: i64) -> StoreResult<(i64, i64)> {
        self.conn
            .prepare_cached(
                "SELECT COUNT(*), COALESCE(SUM(tags <> '[]'), 0) FROM versions \
                 WHERE package_id = ?1 AND deleted_at IS NULL",
            )?
            .query_row([package_id], |row| Ok((row.get(0)?, row.get(1)?)))
    }

    /// Marks a package deleted (or restores it with `None`).
    pub fn set_package_deleted(&self, package_id: i64, deleted_at: Option<i64>) -> StoreResult<()> {
        self.conn
            .prepare_cached("UPDATE packages SET deleted_at = ?2 WHERE id = ?1")?
            .execute(params![package_id, deleted_at])?;
        Ok(())
    }

    /// Marks a version deleted (or restores it with `None`) and keeps the
    /// package's `version_count` and `updated_at` true.
    pub fn set_version_deleted(
        &self,
        package_id: i64,
        version_id: i64,
        deleted_at: Option<i64>,
        now: i64,
    ) -> StoreResult<()> {
        self.conn
            .prepare_cached(
                "UPDATE versions SET deleted_at = ?3 WHERE package_id = ?1 AND id = ?2",
            )?
            .execute(params![package_id, version_id, deleted_at])?;
        self.refresh_package(package_id, now)
    }

    /// Recomputes `version_count` and sets `updated_at` to `now`.
    pub fn refresh_package(&self, package_id: i64, now: i64) -> StoreResult<()> {
        self.conn
            .prepare_cached(
                "UPDATE packages SET version_count = (SELECT COUNT(*) FROM versions \
                 WHERE package_id = ?1 AND deleted_at IS NULL), updated_at = MAX(updated_at, ?2) \
                 WHERE id = ?1",
            )?
            .execute(params![package_id, now])?;
        Ok(())
    }

    /// Gives an active version exactly `tags`, as a push of its manifest
    /// under those tags does: a tag names one manifest, so the tags leave
    /// any other version of the package that had them. Returns whether the
    /// version exists and is active.
    pub fn set_version_tags(
        &self,
        package_id: i64,
        version_id: i64,
        tags: &[String],
        now: i64,
    ) -> StoreResult<bool> {
        let active = self
            .version(package_id, version_id)?
            .is_some_and(|v| v.deleted_at.is_none());
        if !active {
            return Ok(false);
        }
        let others: Vec<(i64, Vec<String>)> = self
            .conn
            .prepare_cached(
                "SELECT id, tags FROM versions WHERE package_id = ?1 AND id != ?2 \
                 AND deleted_at IS NULL",
            )?
            .query_map(params![package_id, version_id], |row| {
                let tags: String = row.get(1)?;
                Ok((row.get(0)?, serde_json::from_str(&tags).unwrap_or_default()))
            })?
            .collect::<Result<_, _>>()?;
        let mut update = self.conn.prepare_cached(
            "UPDATE versions SET tags = ?1, updated_at = ?2 WHERE package_id = ?3 AND id = ?4",
        )?;
        for (id, old) in others {
            if old.iter().any(|t| tags.contains(t)) {
                let kept: Vec<&String> = old.iter().filter(|t| !tags.contains(t)).collect();
                let json = serde_json::to_string(&kept).unwrap_or_else(|_| "[]".into());
                update.execute(params![json, now, package_id, id])?;
            }
        }
        let json = serde_json::to_string(tags).unwrap_or_else(|_| "[]".into());
        update.execute(params![json, now, package_id, version_id])?;
        self.refresh_package(package_id, now)?;
        Ok(true)
    }

    /// The connection, for the fixture loader and the admin API.
    pub fn conn(&self) -> &Connection {
        self.conn
    }
}

impl Db<'_> {
    /// Whether a package has an active version of this name.
    pub fn has_active_version_named(&self, package_id: i64, name: &str) -> StoreResult<bool> {
        self.conn
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM versions WHERE package_id = ?1 AND name = ?2 \
                 AND deleted_at IS NULL)",
            )?
            .query_row(params![package_id, name], |row| row.get(0))
    }
}

impl Db<'_> {
    /// Whether no account exists yet (a fresh database).
    pub fn is_empty(&self) -> StoreResult<bool> {
        self.conn
            .query_row("SELECT NOT EXISTS (SELECT 1 FROM accounts)", [], |row| {
                row.get(0)
            })
    }

    /// Removes every row.
    pub fn clear(&self) -> StoreResult<()> {
        self.conn.execute_batch(
            "DELETE FROM package_actions_access; DELETE FROM registry_actions_grants; DELETE FROM actions_tokens; DELETE FROM installation_tokens; DELETE FROM installations; DELETE FROM apps; \
             DELETE FROM manifests; DELETE FROM registry_tokens; \
             DELETE FROM versions; DELETE FROM package_roles; DELETE FROM packages; DELETE FROM repositories; \
             DELETE FROM tokens; DELETE FROM memberships; DELETE FROM accounts;",
        )
    }
}
