//! Arguments from C: owners, the API's enumerations and list options.
//!
//! Enumerations cross the boundary as plain integers with named constants,
//! because a C caller may pass any value and an out-of-range one must be an
//! `invalid_input` error rather than undefined behaviour.

use std::os::raw::c_char;

use sdk::{
    Error, ListPackagesOptions, ListVersionsOptions, Owner, PackageType, VersionState, Visibility,
};

use crate::call::arg;
use crate::strings::str_arg;

/// A registry (`package_type`): one of the `GHPACKAGES_PACKAGE_TYPE_*` constants.
pub type ghpackages_package_type = u32;
/// npm registry.
pub const GHPACKAGES_PACKAGE_TYPE_NPM: ghpackages_package_type = 1;
/// Apache Maven registry.
pub const GHPACKAGES_PACKAGE_TYPE_MAVEN: ghpackages_package_type = 2;
/// RubyGems registry.
pub const GHPACKAGES_PACKAGE_TYPE_RUBYGEMS: ghpackages_package_type = 3;
/// The legacy Docker registry (`docker.pkg.github.com`).
pub const GHPACKAGES_PACKAGE_TYPE_DOCKER: ghpackages_package_type = 4;
/// NuGet registry.
pub const GHPACKAGES_PACKAGE_TYPE_NUGET: ghpackages_package_type = 5;
/// Container registry (`ghcr.io`).
pub const GHPACKAGES_PACKAGE_TYPE_CONTAINER: ghpackages_package_type = 6;

/// How many package types there are: the `GHPACKAGES_PACKAGE_TYPE_*`
/// constants are 1 to this number.
pub const GHPACKAGES_PACKAGE_TYPE_COUNT: ghpackages_package_type = 6;

/// The name GitHub gives a package type (`"npm"`, `"container"`, ...).
///
/// @param package_type a `GHPACKAGES_PACKAGE_TYPE_*` constant.
/// @return a static NUL-terminated string, or NULL for a value that is no
///         package type.
///
/// Ownership: the string is static; do not free it.
/// Thread safety: safe to call from any thread at any time.
#[no_mangle]
pub extern "C" fn ghpackages_package_type_name(
    package_type: ghpackages_package_type,
) -> *const c_char {
    match package_type_arg(package_type) {
        Ok(PackageType::Npm) => c"npm".as_ptr(),
        Ok(PackageType::Maven) => c"maven".as_ptr(),
        Ok(PackageType::Rubygems) => c"rubygems".as_ptr(),
        Ok(PackageType::Docker) => c"docker".as_ptr(),
        Ok(PackageType::Nuget) => c"nuget".as_ptr(),
        Ok(PackageType::Container) => c"container".as_ptr(),
        Err(_) => std::ptr::null(),
    }
}

/// A visibility: one of the `GHPACKAGES_VISIBILITY_*` constants.
pub type ghpackages_visibility = u32;
/// As a list filter: any visibility (the filter is not sent).
pub const GHPACKAGES_VISIBILITY_ANY: ghpackages_visibility = 0;
/// Visible to everyone.
pub const GHPACKAGES_VISIBILITY_PUBLIC: ghpackages_visibility = 1;
/// Visible to those granted access.
pub const GHPACKAGES_VISIBILITY_PRIVATE: ghpackages_visibility = 2;
/// Visible to members of the enterprise.
pub const GHPACKAGES_VISIBILITY_INTERNAL: ghpackages_visibility = 3;

/// A version state filter: one of the `GHPACKAGES_VERSION_STATE_*` constants.
pub type ghpackages_version_state = u32;
/// Not sent: GitHub lists active versions.
pub const GHPACKAGES_VERSION_STATE_DEFAULT: ghpackages_version_state = 0;
/// Versions that have not been deleted.
pub const GHPACKAGES_VERSION_STATE_ACTIVE: ghpackages_version_state = 1;
/// Versions deleted within the last 30 days, which can be restored.
pub const GHPACKAGES_VERSION_STATE_DELETED: ghpackages_version_state = 2;

/// The family of an owner: one of the `GHPACKAGES_OWNER_*` constants.
pub type ghpackages_owner_kind = u32;
/// An organization, by login (`/orgs/{org}/...`).
pub const GHPACKAGES_OWNER_ORG: ghpackages_owner_kind = 1;
/// A user, by login (`/users/{username}/...`).
pub const GHPACKAGES_OWNER_USER: ghpackages_owner_kind = 2;
/// The user the token belongs to (`/user/...`); `name` is ignored.
pub const GHPACKAGES_OWNER_AUTHENTICATED_USER: ghpackages_owner_kind = 3;

/// Who owns the packages an operation addresses. One function serves the
/// three families of GitHub operations (organization, user, authenticated
/// user) through this value.
#[repr(C)]
pub struct ghpackages_owner {
    /// `GHPACKAGES_OWNER_ORG`, `GHPACKAGES_OWNER_USER` or
    /// `GHPACKAGES_OWNER_AUTHENTICATED_USER`.
    pub kind: ghpackages_owner_kind,
    /// The login of the organization or user; ignored (may be NULL) for the
    /// authenticated user.
    pub name: *const c_char,
}

/// Options of `ghpackages_list_packages` and `ghpackages_list_all_packages`.
/// A zeroed struct (or a NULL pointer) means GitHub's defaults.
#[repr(C)]
pub struct ghpackages_list_packages_options {
    /// `GHPACKAGES_VISIBILITY_ANY` (no filter) or a visibility to filter by.
    pub visibility: ghpackages_visibility,
    /// Page number from 1; 0 means the first page.
    pub page: i64,
    /// Items per page, 1..=100; 0 means GitHub's default (30).
    pub per_page: i64,
}

/// Options of `ghpackages_list_package_versions` and
/// `ghpackages_list_all_package_versions`. A zeroed struct (or a NULL
/// pointer) means GitHub's defaults.
#[repr(C)]
pub struct ghpackages_list_versions_options {
    /// `GHPACKAGES_VERSION_STATE_DEFAULT`, `_ACTIVE` or `_DELETED`.
    pub state: ghpackages_version_state,
    /// Page number from 1; 0 means the first page.
    pub page: i64,
    /// Items per page, 1..=100; 0 means GitHub's default (30).
    pub per_page: i64,
}

/// Reads an owner argument.
///
/// # Safety
/// `owner` is NULL or points to a valid `ghpackages_owner` whose `name` is
/// NULL or a NUL-terminated string.
pub(crate) unsafe fn owner_arg(owner: *const ghpackages_owner) -> Result<Owner, Error> {
    let owner = arg(owner, "owner")?;
    match owner.kind {
        GHPACKAGES_OWNER_ORG => Ok(Owner::org(str_arg(owner.name, "owner.name")?)),
        GHPACKAGES_OWNER_USER => Ok(Owner::user(str_arg(owner.name, "owner.name")?)),
        GHPACKAGES_OWNER_AUTHENTICATED_USER => Ok(Owner::AuthenticatedUser),
        other => Err(Error::invalid_input(
            "owner.kind",
            format!("unknown owner kind {other}; expected a GHPACKAGES_OWNER_* constant"),
        )),
    }
}

pub(crate) fn package_type_arg(value: ghpackages_package_type) -> Result<PackageType, Error> {
    enum_arg(value, PackageType::ALL, 1, "package_type")
}

pub(crate) fn package_type_to_c(value: PackageType) -> ghpackages_package_type {
    enum_to_c(value, PackageType::ALL, 1)
}

pub(crate) fn visibility_to_c(value: Visibility) -> ghpackages_visibility {
    enum_to_c(value, Visibility::ALL, 1)
}

/// The constants number the core's `ALL` lists from `first`, so the two can
/// never disagree on order.
fn enum_arg<T: Copy>(
    value: u32,
    all: &[T],
    first: u32,
    argument: &'static str,
) -> Result<T, Error> {
    value
        .checked_sub(first)
        .and_then(|index| all.get(index as usize))
        .copied()
        .ok_or_else(|| {
            Error::invalid_input(argument, format!("{argument} {value} is out of range"))
        })
}

fn enum_to_c<T: PartialEq>(value: T, all: &[T], first: u32) -> u32 {
    let index = all
        .iter()
        .position(|known| *known == value)
        .unwrap_or_default();
    first + index as u32
}

/// A page or per-page number: 0 means unset; negative or past `u32::MAX` is
/// out of range (the core checks the API's own bounds).
fn page_number(value: i64, argument: &'static str) -> Result<Option<u32>, Error> {
    match value {
        0 => Ok(None),
        value => u32::try_from(value).map(Some).map_err(|_| {
            Error::invalid_input(argument, format!("{argument} {value} is out of range"))
        }),
    }
}

/// Reads list-packages options (NULL means the defaults).
///
/// # Safety
/// `options` is NULL or points to a valid `ghpackages_list_packages_options`.
pub(crate) unsafe fn list_packages_options_arg(
    package_type: PackageType,
    options: *const ghpackages_list_packages_options,
) -> Result<ListPackagesOptions, Error> {
    let mut parsed = ListPackagesOptions::new(package_type);
    if let Some(options) = options.as_ref() {
        parsed.visibility = match options.visibility {
            GHPACKAGES_VISIBILITY_ANY => None,
            value => Some(enum_arg(value, Visibility::ALL, 1, "visibility")?),
        };
        parsed.page = page_number(options.page, "page")?;
        parsed.per_page = page_number(options.per_page, "per_page")?;
    }
    Ok(parsed)
}

/// Reads list-versions options (NULL means the defaults).
///
/// # Safety
/// `options` is NULL or points to a valid `ghpackages_list_versions_options`.
pub(crate) unsafe fn list_versions_options_arg(
    options: *const ghpackages_list_versions_options,
) -> Result<ListVersionsOptions, Error> {
    let mut parsed = ListVersionsOptions::default();
    if let Some(options) = options.as_ref() {
        parsed.state = match options.state {
            GHPACKAGES_VERSION_STATE_DEFAULT => None,
            value => Some(enum_arg(value, VersionState::ALL, 1, "state")?),
        };
        parsed.page = page_number(options.page, "page")?;
        parsed.per_page = page_number(options.per_page, "per_page")?;
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_type_names_are_the_core_list() {
        assert_eq!(
            GHPACKAGES_PACKAGE_TYPE_COUNT as usize,
            PackageType::ALL.len()
        );
        for (index, package_type) in PackageType::ALL.iter().enumerate() {
            let name = ghpackages_package_type_name(index as u32 + 1);
            let name = unsafe { std::ffi::CStr::from_ptr(name) };
            assert_eq!(name.to_str().unwrap(), package_type.as_str());
        }
        assert!(ghpackages_package_type_name(0).is_null());
        assert!(ghpackages_package_type_name(GHPACKAGES_PACKAGE_TYPE_COUNT + 1).is_null());
    }

    #[test]
    fn constants_follow_the_core_lists() {
        let named = [
            (GHPACKAGES_PACKAGE_TYPE_NPM, PackageType::Npm),
            (GHPACKAGES_PACKAGE_TYPE_MAVEN, PackageType::Maven),
            (GHPACKAGES_PACKAGE_TYPE_RUBYGEMS, PackageType::Rubygems),
            (GHPACKAGES_PACKAGE_TYPE_DOCKER, PackageType::Docker),
            (GHPACKAGES_PACKAGE_TYPE_NUGET, PackageType::Nuget),
            (GHPACKAGES_PACKAGE_TYPE_CONTAINER, PackageType::Container),
        ];
        assert_eq!(named.len(), PackageType::ALL.len());
        for (constant, value) in named {
            assert_eq!(package_type_arg(constant).unwrap(), value);
            assert_eq!(package_type_to_c(value), constant);
        }
        let named = [
            (GHPACKAGES_VISIBILITY_PUBLIC, Visibility::Public),
            (GHPACKAGES_VISIBILITY_PRIVATE, Visibility::Private),
            (GHPACKAGES_VISIBILITY_INTERNAL, Visibility::Internal),
        ];
        assert_eq!(named.len(), Visibility::ALL.len());
        for (constant, value) in named {
            assert_eq!(visibility_to_c(value), constant);
        }
        assert_eq!(
            enum_arg(
                GHPACKAGES_VERSION_STATE_DELETED,
                VersionState::ALL,
                1,
                "state"
            )
            .unwrap(),
            VersionState::Deleted
        );
    }

    #[test]
    fn out_of_range_values_are_invalid_input() {
        for value in [0, 7, u32::MAX] {
            let error = package_type_arg(value).unwrap_err();
            assert_eq!(error.argument(), Some("package_type"));
        }
        for value in [-1, i64::MIN, i64::from(u32::MAX) + 1] {
            assert!(page_number(value, "page").is_err());
        }
        assert_eq!(page_number(0, "page").unwrap(), None);
        assert_eq!(page_number(100, "page").unwrap(), Some(100));
    }
}
