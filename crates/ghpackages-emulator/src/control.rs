//! In-process control of a running emulator: what the admin API under
//! `/_emulator/` does, called directly, so a test (or a language binding's
//! test kit) needs neither HTTP nor the admin token to set up data, inject
//! faults and inspect what its code left behind.

use crate::faults::FaultsConfig;
use crate::fixture::{Fixture, FixtureError, PackageFixture, VersionFixture};
use crate::limits::LimitsConfig;
use crate::load::{insert_versions, load, LoadSummary};
use crate::render::{to_json, Urls, VersionContext, VersionJson};
use crate::rules::RESTORE_WINDOW_SECS;
use crate::server::RunningEmulator;
use crate::types::PackageType;

use crate::store::Db;

pub use crate::store::VersionState;

/// Why a control operation was refused.
#[derive(Debug, thiserror::Error)]
pub enum ControlError {
    /// The data or settings do not make sense (the admin API's 422).
    #[error("{0}")]
    Invalid(String),
    /// The account or package does not exist (the admin API's 404).
    #[error("{0}")]
    NotFound(String),
}

impl From<FixtureError> for ControlError {
    fn from(err: FixtureError) -> Self {
        ControlError::Invalid(err.to_string())
    }
}

impl From<rusqlite::Error> for ControlError {
    fn from(err: rusqlite::Error) -> Self {
        ControlError::Invalid(err.to_string())
    }
}

impl RunningEmulator {
    /// Adds a fixture's data, in one transaction (`POST /_emulator/fixture`).
    pub fn load(&self, fixture: &Fixture) -> Result<LoadSummary, ControlError> {
        let now = self.state.clock.now_secs();
        Ok(self.state.store.write(|db| load(db, fixture, now))?)
    }

    /// Creates a package with its versions (`POST /_emulator/packages`).
    /// An unknown owner is [`ControlError::NotFound`]; other refusals are
    /// [`ControlError::Invalid`], "invalid package: ...".
    pub fn add_package(&self, package: PackageFixture) -> Result<LoadSummary, ControlError> {
        let owner = package.owner.clone();
        let known = self
            .state
            .store
            .read(|db| db.account(&owner).map(|account| account.is_some()))?;
        if !known {
            return Err(ControlError::NotFound(format!(
                "no account {owner:?}: add it (as a user or an org) with load() first"
            )));
        }
        let now = self.state.clock.now_secs();
        let fixture = Fixture {
            packages: vec![package],
            ..Fixture::default()
        };
        self.state
            .store
            .write(|db| load(db, &fixture, now))
            .map_err(|err| match err {
                FixtureError::Invalid(problem) => {
                    ControlError::Invalid(format!("invalid package: {problem}"))
                }
                other => ControlError::from(other),
            })
    }

    /// Replaces the fault injection (`PUT /_emulator/faults`);
    /// `FaultsConfig::default()` turns it off.
    pub fn set_faults(&self, faults: FaultsConfig) -> Result<(), ControlError> {
        self.state.faults.set(faults).map_err(ControlError::Invalid)
    }

    /// The faults in force.
    pub fn faults(&self) -> FaultsConfig {
        self.state.faults.config()
    }

    /// Replaces the rate limits; counters start afresh (`PUT /_emulator/limits`).
    pub fn set_limits(&self, limits: LimitsConfig) {
        self.state.set_limits(limits);
    }

    /// Adds versions to a live package, as pushes would
    /// (`POST /_emulator/packages/{owner}/{package_type}/{name}/versions`).
    pub fn add_versions(
        &self,
        owner: &str,
        package_type: PackageType,
        name: &str,
        versions: &[VersionFixture],
    ) -> Result<usize, ControlError> {
        let now = self.state.clock.now_secs();
        self.state.store.write(|db| {
            let package = live_package(db, owner, package_type, name)?;
            Ok(insert_versions(db, package, package_type, versions, now)?)
        })
    }

    /// Gives an active version exactly `tags`, as pushing its manifest under
    /// them does: the tags leave any other version that had them
    /// (`PUT /_emulator/packages/{owner}/{package_type}/{name}/versions/{id}/tags`).
    pub fn set_tags(
        &self,
        owner: &str,
        package_type: PackageType,
        name: &str,
        version_id: i64,
        tags: &[String],
    ) -> Result<(), ControlError> {
        let now = self.state.clock.now_secs();
        self.state.store.write(|db| {
            let package = live_package(db, owner, package_type, name)?;
            if db.set_version_tags(package, version_id, tags, now)? {
                Ok(())
            } else {
                Err(ControlError::NotFound(format!(
                    "no active version {version_id} of {name:?}"
                )))
            }
        })
    }

    /// The versions of a live package in `state` (deleted: still restorable),
    /// newest first, as a JSON array of `package-version` objects exactly as
    /// the API answers them, whoever may see them.
    pub fn versions(
        &self,
        owner: &str,
        package_type: PackageType,
        name: &str,
        state: VersionState,
    ) -> Result<Vec<u8>, ControlError> {
        let since = self.state.clock.now_secs() - RESTORE_WINDOW_SECS;
        let (package, versions) = self.state.store.read(|db| -> Result<_, ControlError> {
            let account = db
                .account(owner)?
                .ok_or_else(|| ControlError::NotFound(format!("no account {owner:?}")))?;
            let package = db.package(account.id, package_type, name)?.ok_or_else(|| {
                ControlError::NotFound(format!(
                    "no live {package_type} package {name:?} of {owner:?}"
                ))
            })?;
            let (_, versions) = db.versions(package.id, state, since, i64::MAX, 0)?;
            Ok((package, versions))
        })?;
        let base = self.base_url();
        let context = VersionContext::new(
            &package,
            Urls {
                root: base,
                api: base,
            },
        );
        let body: Vec<VersionJson<'_>> = versions
            .iter()
            .map(|version| VersionJson {
                context: &context,
                version,
            })
            .collect();
        Ok(to_json(body.as_slice()))
    }
}

/// The id of a live package.
fn live_package(
    db: &Db<'_>,
    owner: &str,
    package_type: PackageType,
    name: &str,
) -> Result<i64, ControlError> {
    let account = db
        .account(owner)?
        .ok_or_else(|| ControlError::NotFound(format!("no account {owner:?}")))?;
    let package = db.package(account.id, package_type, name)?.ok_or_else(|| {
        ControlError::NotFound(format!(
            "no live {package_type} package {name:?} of {owner:?}"
        ))
    })?;
    Ok(package.id)
}
