//! The enumerations of the Packages API as the emulator stores and parses them.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// `package_type`: the registry of a package.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PackageType {
    /// npm registry.
    Npm,
    /// Apache Maven / Gradle registry.
    Maven,
    /// RubyGems registry.
    Rubygems,
    /// The legacy Docker registry.
    Docker,
    /// NuGet registry.
    Nuget,
    /// Container registry.
    Container,
}

impl PackageType {
    /// Every type, in the order of GitHub's description.
    pub const ALL: [PackageType; 6] = [
        PackageType::Npm,
        PackageType::Maven,
        PackageType::Rubygems,
        PackageType::Docker,
        PackageType::Nuget,
        PackageType::Container,
    ];

    /// The wire name.
    pub const fn as_str(self) -> &'static str {
        match self {
            PackageType::Npm => "npm",
            PackageType::Maven => "maven",
            PackageType::Rubygems => "rubygems",
            PackageType::Docker => "docker",
            PackageType::Nuget => "nuget",
            PackageType::Container => "container",
        }
    }

    /// Registries that only support repository-scoped permissions (Maven/Gradle
    /// and the legacy Docker registry): their packages also need the `repo` scope
    /// and have no package-level admin role.
    pub const fn repository_scoped(self) -> bool {
        matches!(self, PackageType::Maven | PackageType::Docker)
    }
}

impl fmt::Display for PackageType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for PackageType {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, ()> {
        PackageType::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or(())
    }
}

/// The visibility of a stored package.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Visibility {
    /// Visible to everyone.
    Public,
    /// Visible to the owner, org members and granted users.
    Private,
}

impl Visibility {
    /// The wire name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Visibility::Public => "public",
            Visibility::Private => "private",
        }
    }
}

impl FromStr for Visibility {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, ()> {
        match s {
            "public" => Ok(Visibility::Public),
            "private" => Ok(Visibility::Private),
            _ => Err(()),
        }
    }
}

/// Whether an account is a user or an organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountKind {
    /// A user (`"type": "User"`).
    User,
    /// An organization (`"type": "Organization"`).
    Organization,
}

impl AccountKind {
    /// The `type` field of the owner object.
    pub const fn as_str(self) -> &'static str {
        match self {
            AccountKind::User => "User",
            AccountKind::Organization => "Organization",
        }
    }

    /// The path segment of API URLs about this account's packages.
    pub const fn route(self) -> &'static str {
        match self {
            AccountKind::User => "users",
            AccountKind::Organization => "orgs",
        }
    }
}

/// The role of a user in an organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// An ordinary member.
    Member,
    /// An organization owner.
    Admin,
}

impl Role {
    /// The stored name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Role::Member => "member",
            Role::Admin => "admin",
        }
    }
}

/// A role granted to a user on one package.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PackageRole {
    /// May see the package, even a private one.
    Read,
    /// May see it and publish to it (publishing is not emulated).
    Write,
    /// May also delete and restore it and its versions.
    Admin,
}

impl PackageRole {
    /// The stored name.
    pub const fn as_str(self) -> &'static str {
        match self {
            PackageRole::Read => "read",
            PackageRole::Write => "write",
            PackageRole::Admin => "admin",
        }
    }
}
