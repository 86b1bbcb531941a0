//! [`PackageRef`]: one package (owner, type, name), in a form that
//! serializes; what listing, planning, executing and undoing all address.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::owner::Owner;
use crate::types::PackageType;

/// The family of an [`Owner`], as journals and reports spell it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OwnerType {
    /// An organization.
    Org,
    /// A user, by login.
    User,
    /// The user the token belongs to.
    AuthenticatedUser,
}

/// One package: its owner, registry and name. Serializes as
/// `{"owner_type": "org", "owner": "octo-org", "package_type": "container", "package": "hello"}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "PackageRefParts", into = "PackageRefParts")]
pub struct PackageRef {
    /// Who owns the package.
    pub owner: Owner,
    /// The package's registry.
    pub package_type: PackageType,
    /// The package's name.
    pub name: String,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PackageRefParts {
    owner_type: OwnerType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    owner: Option<String>,
    package_type: PackageType,
    package: String,
}

impl PackageRef {
    /// A reference to package `name` of `owner` in registry `package_type`.
    pub fn new(owner: Owner, package_type: PackageType, name: impl Into<String>) -> PackageRef {
        PackageRef {
            owner,
            package_type,
            name: name.into(),
        }
    }

    /// The owner's family.
    pub fn owner_type(&self) -> OwnerType {
        match self.owner {
            Owner::Org(_) => OwnerType::Org,
            Owner::User(_) => OwnerType::User,
            Owner::AuthenticatedUser => OwnerType::AuthenticatedUser,
        }
    }

    /// The owner's login, unless it is the authenticated user.
    pub fn owner_login(&self) -> Option<&str> {
        match &self.owner {
            Owner::Org(name) | Owner::User(name) => Some(name),
            Owner::AuthenticatedUser => None,
        }
    }

    /// Rebuilds a reference from its serialized parts; an org or user needs a login.
    pub fn from_parts(
        owner_type: OwnerType,
        owner: Option<&str>,
        package_type: PackageType,
        name: &str,
    ) -> Result<PackageRef> {
        let login = || {
            owner
                .filter(|o| !o.is_empty())
                .map(str::to_owned)
                .ok_or_else(|| Error::invalid_input("owner", "an org or user owner needs a login"))
        };
        let owner = match owner_type {
            OwnerType::Org => Owner::Org(login()?),
            OwnerType::User => Owner::User(login()?),
            OwnerType::AuthenticatedUser => Owner::AuthenticatedUser,
        };
        Ok(PackageRef::new(owner, package_type, name))
    }
}

impl fmt::Display for PackageRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{} ({})", self.owner, self.name, self.package_type)
    }
}

impl TryFrom<PackageRefParts> for PackageRef {
    type Error = Error;

    fn try_from(parts: PackageRefParts) -> Result<PackageRef> {
        PackageRef::from_parts(
            parts.owner_type,
            parts.owner.as_deref(),
            parts.package_type,
            &parts.package,
        )
    }
}

impl From<PackageRef> for PackageRefParts {
    fn from(package: PackageRef) -> PackageRefParts {
        PackageRefParts {
            owner_type: package.owner_type(),
            owner: package.owner_login().map(str::to_owned),
            package_type: package.package_type,
            package: package.name,
        }
    }
}
