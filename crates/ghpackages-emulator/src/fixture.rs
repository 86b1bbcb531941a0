//! The JSON fixture format: accounts, tokens, repositories, packages and
//! versions to load into the store. Documented in the crate's README.

use std::path::Path;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::registry::ManifestFixture;
use crate::types::{PackageRole, PackageType, Role, Visibility};

/// The embedded demo fixture (`fixtures/demo.json`).
const DEMO: &str = include_str!("../fixtures/demo.json");

/// Data to load into the emulator. Every list is optional.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fixture {
    /// User accounts.
    #[serde(default)]
    pub users: Vec<UserFixture>,
    /// Organizations and their members.
    #[serde(default)]
    pub orgs: Vec<OrgFixture>,
    /// Personal access tokens (classic).
    #[serde(default)]
    pub tokens: Vec<TokenFixture>,
    /// Repositories packages can be linked to.
    #[serde(default)]
    pub repositories: Vec<RepositoryFixture>,
    /// Packages with their versions.
    #[serde(default)]
    pub packages: Vec<PackageFixture>,
    /// GitHub Apps and their installations.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub apps: Vec<AppFixture>,
    /// GitHub Actions `GITHUB_TOKEN`s of workflow runs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions_tokens: Vec<ActionsTokenFixture>,
}

/// The `GITHUB_TOKEN` of a workflow run: an installation token of the GitHub
/// Actions app, scoped to the workflow's repository, with the `packages`
/// permission of the workflow's `permissions:`.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionsTokenFixture {
    /// The secret value (on GitHub, `ghs_…`).
    pub token: String,
    /// The workflow's repository, `OWNER/REPO`.
    pub repository: String,
    /// The workflow's permissions, e.g. `{"packages": "write"}`; only
    /// `packages` (`read` or `write`) matters here.
    #[serde(default)]
    pub permissions: std::collections::BTreeMap<String, AppPermission>,
}

impl std::fmt::Debug for ActionsTokenFixture {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ActionsTokenFixture")
            .field("token", &"<redacted>")
            .field("repository", &self.repository)
            .field("permissions", &self.permissions)
            .finish()
    }
}

/// A GitHub App: what its JWTs are checked against, and where it is installed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppFixture {
    /// The app id (a JWT's issuer may be this or the client id).
    pub id: i64,
    /// The client id (`Iv1.…`), also accepted as a JWT's issuer.
    #[serde(default)]
    pub client_id: Option<String>,
    /// The app's slug; its installations act as the user `SLUG[bot]`.
    pub slug: String,
    /// Display name; defaults to the slug.
    #[serde(default)]
    pub name: Option<String>,
    /// The public key of the app's private key, in PEM.
    pub public_key: String,
    /// Where the app is installed.
    #[serde(default)]
    pub installations: Vec<InstallationFixture>,
}

/// An installation of an app on an account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstallationFixture {
    /// The installation id.
    pub id: i64,
    /// Login of the user or organization the app is installed on.
    pub account: String,
    /// Permissions granted, e.g. `{"packages": "write", "metadata": "read"}`;
    /// `packages` decides what the installation's tokens may do.
    #[serde(default)]
    pub permissions: std::collections::BTreeMap<String, AppPermission>,
    /// `all` (default) or `selected`.
    #[serde(default = "all_repositories")]
    pub repository_selection: String,
}

/// The level of one permission of an installation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AppPermission {
    /// Read access.
    Read,
    /// Read and write access.
    Write,
    /// Full control (GitHub uses it for a few permissions).
    Admin,
}

fn all_repositories() -> String {
    "all".to_owned()
}

/// A user account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserFixture {
    /// Login, unique among users and organizations (case-insensitive).
    pub login: String,
    /// Numeric id; assigned when absent.
    #[serde(default)]
    pub id: Option<i64>,
    /// Display name.
    #[serde(default)]
    pub name: Option<String>,
    /// The `site_admin` flag of the owner object.
    #[serde(default)]
    pub site_admin: bool,
}

/// An organization.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrgFixture {
    /// Login, unique among users and organizations (case-insensitive).
    pub login: String,
    /// Numeric id; assigned when absent.
    #[serde(default)]
    pub id: Option<i64>,
    /// Display name.
    #[serde(default)]
    pub name: Option<String>,
    /// Members and their roles.
    #[serde(default)]
    pub members: Vec<MemberFixture>,
}

/// A member of an organization.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberFixture {
    /// The user's login.
    pub login: String,
    /// `member` or `admin`.
    pub role: Role,
}

/// A personal access token (classic).
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenFixture {
    /// The secret value clients send.
    pub token: String,
    /// Login of the user the token belongs to.
    pub user: String,
    /// Classic scopes, e.g. `read:packages`, `delete:packages`, `repo`.
    #[serde(default)]
    pub scopes: Vec<String>,
}

impl std::fmt::Debug for TokenFixture {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenFixture")
            .field("token", &"<redacted>")
            .field("user", &self.user)
            .field("scopes", &self.scopes)
            .finish()
    }
}

/// A repository, owned by a user or an organization.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RepositoryFixture {
    /// Login of the owning account.
    pub owner: String,
    /// Repository name.
    pub name: String,
    /// Numeric id; assigned when absent.
    #[serde(default)]
    pub id: Option<i64>,
    /// Whether the repository is private.
    #[serde(default)]
    pub private: bool,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
}

/// A package and its versions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackageFixture {
    /// Login of the owning user or organization.
    pub owner: String,
    /// The registry.
    pub package_type: PackageType,
    /// Package name (may contain `/` for containers).
    pub name: String,
    /// Numeric id; assigned when absent.
    #[serde(default)]
    pub id: Option<i64>,
    /// `public` or `private` (default).
    #[serde(default = "private")]
    pub visibility: Visibility,
    /// Name of a repository of the same owner the package is linked to.
    #[serde(default)]
    pub repository: Option<String>,
    /// Creation time; defaults to the oldest version's, or now.
    #[serde(default)]
    pub created_at: Option<DateTime<Utc>>,
    /// Deletion time, for a package that is already deleted.
    #[serde(default)]
    pub deleted_at: Option<DateTime<Utc>>,
    /// Whether the package conflicted during the Docker migration.
    #[serde(default)]
    pub docker_migration_conflict: bool,
    /// Users granted a role on this package alone.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub collaborators: Vec<CollaboratorFixture>,
    /// Repositories given a role in the package's Manage Actions access
    /// settings (their workflows' `GITHUB_TOKEN`); the linked repository
    /// has `admin` unless listed here.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions_access: Vec<ActionsAccessFixture>,
    /// Versions listed one by one.
    #[serde(default)]
    pub versions: Vec<VersionFixture>,
    /// Versions generated from a pattern, in addition to `versions`.
    #[serde(default)]
    pub generate: Option<VersionGenerator>,
}

/// A repository given a role on one package for its workflows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionsAccessFixture {
    /// `OWNER/REPO`.
    pub repository: String,
    /// `read`, `write` or `admin`.
    pub role: PackageRole,
}

/// A user granted a role on one package.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CollaboratorFixture {
    /// The user's login.
    pub login: String,
    /// `read`, `write` or `admin`.
    pub role: PackageRole,
}

fn private() -> Visibility {
    Visibility::Private
}

/// One version of a package.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VersionFixture {
    /// Version name (a digest for containers).
    pub name: String,
    /// Numeric id; assigned when absent.
    #[serde(default)]
    pub id: Option<i64>,
    /// Container or docker tags.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Download count (decides whether a public package may be deleted).
    #[serde(default)]
    pub downloads: i64,
    /// Creation time; defaults to now.
    #[serde(default)]
    pub created_at: Option<DateTime<Utc>>,
    /// Last update; defaults to `created_at`.
    #[serde(default)]
    pub updated_at: Option<DateTime<Utc>>,
    /// Deletion time, for a version that is already deleted.
    #[serde(default)]
    pub deleted_at: Option<DateTime<Utc>>,
    /// License.
    #[serde(default)]
    pub license: Option<String>,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// For a container version: its manifest, as the registry serves it
    /// (an index with children, an image, a signature or attestation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manifest: Option<Box<ManifestFixture>>,
}

/// The most versions one generator may describe: enough for any pagination
/// test, small enough that a fixture cannot exhaust the server's memory.
pub const MAX_GENERATED_VERSIONS: u32 = 100_000;

/// Many versions described by a pattern: version `n` (1-based) is named
/// `name` with `{n}` replaced by `n` and `{digest}` by a stable 64-hex-digit
/// digest, created `interval_seconds` after version `n - 1`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VersionGenerator {
    /// How many versions.
    pub count: u32,
    /// Name pattern, e.g. `1.0.{n}` or `sha256:{digest}`.
    pub name: String,
    /// Creation time of version 1.
    pub start: DateTime<Utc>,
    /// Seconds between two versions.
    pub interval_seconds: i64,
    /// Downloads of every generated version.
    #[serde(default)]
    pub downloads: i64,
    /// Tag patterns (`{n}` replaced) given to every `tag_every`-th version.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Which versions get tags: those whose `n` is a multiple of this (default 1).
    #[serde(default)]
    pub tag_every: Option<u32>,
}

impl VersionGenerator {
    /// The versions the pattern describes, oldest first. Fails when a
    /// creation time falls outside the dates chrono can represent (a huge
    /// `interval_seconds`), which used to panic.
    pub fn expand(&self, package_name: &str) -> Result<Vec<VersionFixture>, FixtureError> {
        if self.count > MAX_GENERATED_VERSIONS {
            return Err(FixtureError::Invalid(format!(
                "package {package_name:?}: generate.count {} is above {MAX_GENERATED_VERSIONS}",
                self.count
            )));
        }
        let every = self.tag_every.unwrap_or(1).max(1);
        (1..=self.count)
            .map(|n| {
                let created = self
                    .interval_seconds
                    .checked_mul(i64::from(n) - 1)
                    .and_then(chrono::Duration::try_seconds)
                    .and_then(|offset| self.start.checked_add_signed(offset))
                    .ok_or_else(|| {
                        FixtureError::Invalid(format!(
                            "package {package_name:?}: generated version {n} would be created \
                             beyond the representable dates (interval_seconds {})",
                            self.interval_seconds
                        ))
                    })?;
                let fill = |pattern: &str| {
                    pattern
                        .replace("{n}", &n.to_string())
                        .replace("{digest}", &digest(package_name, n))
                };
                let tags = if n % every == 0 {
                    self.tags.iter().map(|t| fill(t)).collect()
                } else {
                    Vec::new()
                };
                Ok(VersionFixture {
                    name: fill(&self.name),
                    id: None,
                    tags,
                    downloads: self.downloads,
                    created_at: Some(created),
                    updated_at: None,
                    deleted_at: None,
                    license: None,
                    description: None,
                    manifest: None,
                })
            })
            .collect()
    }
}

/// A stable, digest-looking hex string for generated container versions.
fn digest(seed: &str, n: u32) -> String {
    let mut state: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in seed.bytes().chain(n.to_le_bytes()) {
        state ^= u64::from(byte);
        state = state.wrapping_mul(0x0100_0000_01b3);
    }
    (0..4)
        .map(|_| {
            state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            format!("{:016x}", z ^ (z >> 31))
        })
        .collect()
}

/// A fixture that could not be read or does not make sense.
#[derive(Debug, thiserror::Error)]
pub enum FixtureError {
    /// The file could not be read.
    #[error("cannot read fixture {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The JSON does not match the format.
    #[error("invalid fixture: {0}")]
    Json(#[from] serde_json::Error),
    /// The data refers to something missing, or repeats a unique name.
    #[error("invalid fixture: {0}")]
    Invalid(String),
}

impl Fixture {
    /// The demo fixture documented in the README.
    pub fn demo() -> Fixture {
        Fixture::from_json(DEMO).expect("the embedded demo fixture is valid")
    }

    /// Parses a fixture from JSON text.
    pub fn from_json(text: &str) -> Result<Fixture, FixtureError> {
        Ok(serde_json::from_str(text)?)
    }

    /// Reads a fixture file.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Fixture, FixtureError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| FixtureError::Io {
            path: path.display().to_string(),
            source,
        })?;
        Fixture::from_json(&text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_fixture_parses_and_generates_hundreds_of_versions() {
        let demo = Fixture::demo();
        let generated: usize = demo
            .packages
            .iter()
            .filter_map(|p| {
                p.generate
                    .as_ref()
                    .map(|g| g.expand(&p.name).unwrap().len())
            })
            .sum();
        assert!(generated >= 300, "only {generated} generated versions");
    }

    #[test]
    fn generator_fills_patterns_and_spaces_versions() {
        let generator = VersionGenerator {
            count: 3,
            name: "sha256:{digest}".into(),
            start: "2025-01-01T00:00:00Z".parse().unwrap(),
            interval_seconds: 60,
            downloads: 2,
            tags: vec!["build-{n}".into()],
            tag_every: Some(2),
        };
        let versions = generator.expand("app").unwrap();
        assert_eq!(versions.len(), 3);
        assert_eq!(versions[0].name.len(), "sha256:".len() + 64);
        assert_ne!(versions[0].name, versions[1].name);
        assert!(versions[0].tags.is_empty());
        assert_eq!(versions[1].tags, vec!["build-2".to_string()]);
        let gap = versions[2].created_at.unwrap() - versions[1].created_at.unwrap();
        assert_eq!(gap.num_seconds(), 60);
    }

    #[test]
    fn generators_are_bounded() {
        let generator = VersionGenerator {
            count: MAX_GENERATED_VERSIONS + 1,
            name: "1.{n}".into(),
            start: "2025-01-01T00:00:00Z".parse().unwrap(),
            interval_seconds: 1,
            downloads: 0,
            tags: Vec::new(),
            tag_every: None,
        };
        let err = generator.expand("big").unwrap_err();
        assert!(err.to_string().contains("generate.count"), "{err}");
    }

    #[test]
    fn unknown_fields_are_rejected() {
        let err = Fixture::from_json(r#"{"users": [{"login": "a", "nope": 1}]}"#).unwrap_err();
        assert!(err.to_string().contains("nope"), "{err}");
    }
}
