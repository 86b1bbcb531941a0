//! The 27 operations of the GitHub Packages API: nine functions, each
//! serving the organization, user and authenticated-user families through a
//! `ghpackages_owner`, plus an "all items" variant of both list calls.
//!
//! Common to every function here:
//! - `client`, `owner` and `name` are required; `error` may be NULL;
//! - out-pointers are set to NULL first and receive a new object on success,
//!   owned by the caller and freed with the matching `*_free` function;
//! - the call blocks the calling thread until the request (with retries)
//!   completes;
//! - thread safety: any number of threads may call with the same client.

use std::os::raw::c_char;

use crate::call::{arg, call, give, out_slot};
use crate::client::ghpackages_client;
use crate::error::{ghpackages_error, ghpackages_status};
use crate::models::{
    ghpackages_package, ghpackages_package_list, ghpackages_package_version,
    ghpackages_package_version_list,
};
use crate::runtime::block_on;
use crate::strings::{opt_str_arg, str_arg};
use crate::types::{
    ghpackages_list_packages_options, ghpackages_list_versions_options, ghpackages_owner,
    ghpackages_package_type, list_packages_options_arg, list_versions_options_arg, owner_arg,
    package_type_arg,
};

/// Lists one page of packages of a registry.
///
/// GitHub operations `packages/list-packages-for-organization`,
/// `packages/list-packages-for-user`,
/// `packages/list-packages-for-authenticated-user`.
///
/// @param client the client.
/// @param owner whose packages.
/// @param package_type a `GHPACKAGES_PACKAGE_TYPE_*` constant.
/// @param options visibility filter, page and per-page, or NULL.
/// @param[out] out receives the page: its packages and its `Link` relations.
/// @param[out] error NULL, or receives an error object on failure.
/// @return `GHPACKAGES_OK` or an error code.
///
/// Ownership: the caller owns `*out`; free it with
/// `ghpackages_package_list_free`. Arguments are borrowed for the call.
/// Thread safety: safe to call concurrently with the same client.
///
/// # Safety
/// Pointers are NULL or valid; strings are NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn ghpackages_list_packages(
    client: *const ghpackages_client,
    owner: *const ghpackages_owner,
    package_type: ghpackages_package_type,
    options: *const ghpackages_list_packages_options,
    out: *mut *mut ghpackages_package_list,
    error: *mut *mut ghpackages_error,
) -> ghpackages_status {
    call(error, || {
        let out = out_slot(out, "out")?;
        let client = &arg(client, "client")?.inner;
        let owner = owner_arg(owner)?;
        let options = list_packages_options_arg(package_type_arg(package_type)?, options)?;
        let page = block_on(client.list_packages(&owner, &options))??;
        give(out, ghpackages_package_list::from_page(&page)?);
        Ok(())
    })
}

/// Lists every package of a registry, reading every page (pages are fetched
/// concurrently when their number is known).
///
/// GitHub operations as `ghpackages_list_packages`.
///
/// @param client the client.
/// @param owner whose packages.
/// @param package_type a `GHPACKAGES_PACKAGE_TYPE_*` constant.
/// @param options visibility filter; `page` is the first page to read and
///        `per_page` the page size; or NULL.
/// @param[out] out receives every package, in GitHub's order (links NULL).
/// @param[out] error NULL, or receives an error object on failure.
/// @return `GHPACKAGES_OK` or an error code.
///
/// Ownership: the caller owns `*out`; free it with
/// `ghpackages_package_list_free`. Arguments are borrowed for the call.
/// Thread safety: safe to call concurrently with the same client.
///
/// # Safety
/// Pointers are NULL or valid; strings are NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn ghpackages_list_all_packages(
    client: *const ghpackages_client,
    owner: *const ghpackages_owner,
    package_type: ghpackages_package_type,
    options: *const ghpackages_list_packages_options,
    out: *mut *mut ghpackages_package_list,
    error: *mut *mut ghpackages_error,
) -> ghpackages_status {
    call(error, || {
        let out = out_slot(out, "out")?;
        let client = &arg(client, "client")?.inner;
        let owner = owner_arg(owner)?;
        let options = list_packages_options_arg(package_type_arg(package_type)?, options)?;
        let packages = block_on(client.list_all_packages(&owner, &options))??;
        give(out, ghpackages_package_list::from_items(&packages)?);
        Ok(())
    })
}

/// Gets one package.
///
/// GitHub operations `packages/get-package-for-organization`,
/// `packages/get-package-for-user`,
/// `packages/get-package-for-authenticated-user`.
///
/// @param client the client.
/// @param owner the package's owner.
/// @param package_type a `GHPACKAGES_PACKAGE_TYPE_*` constant.
/// @param name the package name, unencoded (`org/image`, `@scope/name`).
/// @param[out] out receives the package.
/// @param[out] error NULL, or receives an error object on failure.
/// @return `GHPACKAGES_OK` or an error code.
///
/// Ownership: the caller owns `*out`; free it with `ghpackages_package_free`.
/// Arguments are borrowed for the call.
/// Thread safety: safe to call concurrently with the same client.
///
/// # Safety
/// Pointers are NULL or valid; strings are NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn ghpackages_get_package(
    client: *const ghpackages_client,
    owner: *const ghpackages_owner,
    package_type: ghpackages_package_type,
    name: *const c_char,
    out: *mut *mut ghpackages_package,
    error: *mut *mut ghpackages_error,
) -> ghpackages_status {
    call(error, || {
        let out = out_slot(out, "out")?;
        let client = &arg(client, "client")?.inner;
        let owner = owner_arg(owner)?;
        let package_type = package_type_arg(package_type)?;
        let name = str_arg(name, "name")?;
        let package = block_on(client.get_package(&owner, package_type, name))??;
        give(out, ghpackages_package::from_sdk(&package)?);
        Ok(())
    })
}

/// Deletes a package; it can be restored for 30 days.
///
/// GitHub operations `packages/delete-package-for-organization`,
/// `packages/delete-package-for-user`,
/// `packages/delete-package-for-authenticated-user`.
///
/// @param client the client.
/// @param owner the package's owner.
/// @param package_type a `GHPACKAGES_PACKAGE_TYPE_*` constant.
/// @param name the package name, unencoded.
/// @param[out] error NULL, or receives an error object on failure.
/// @return `GHPACKAGES_OK` or an error code.
///
/// Ownership: arguments are borrowed for the call; nothing is allocated on
/// success.
/// Thread safety: safe to call concurrently with the same client.
///
/// # Safety
/// Pointers are NULL or valid; strings are NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn ghpackages_delete_package(
    client: *const ghpackages_client,
    owner: *const ghpackages_owner,
    package_type: ghpackages_package_type,
    name: *const c_char,
    error: *mut *mut ghpackages_error,
) -> ghpackages_status {
    call(error, || {
        let client = &arg(client, "client")?.inner;
        let owner = owner_arg(owner)?;
        let package_type = package_type_arg(package_type)?;
        let name = str_arg(name, "name")?;
        block_on(client.delete_package(&owner, package_type, name))?
    })
}

/// Restores a package deleted within the last 30 days.
///
/// GitHub operations `packages/restore-package-for-organization`,
/// `packages/restore-package-for-user`,
/// `packages/restore-package-for-authenticated-user`.
///
/// @param client the client.
/// @param owner the package's owner.
/// @param package_type a `GHPACKAGES_PACKAGE_TYPE_*` constant.
/// @param name the package name, unencoded.
/// @param token GitHub's optional `token` query parameter, or NULL.
/// @param[out] error NULL, or receives an error object on failure.
/// @return `GHPACKAGES_OK` or an error code.
///
/// Ownership: arguments are borrowed for the call; nothing is allocated on
/// success.
/// Thread safety: safe to call concurrently with the same client.
///
/// # Safety
/// Pointers are NULL or valid; strings are NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn ghpackages_restore_package(
    client: *const ghpackages_client,
    owner: *const ghpackages_owner,
    package_type: ghpackages_package_type,
    name: *const c_char,
    token: *const c_char,
    error: *mut *mut ghpackages_error,
) -> ghpackages_status {
    call(error, || {
        let client = &arg(client, "client")?.inner;
        let owner = owner_arg(owner)?;
        let package_type = package_type_arg(package_type)?;
        let name = str_arg(name, "name")?;
        let token = opt_str_arg(token, "token")?;
        block_on(client.restore_package(&owner, package_type, name, token))?
    })
}

/// Lists one page of the versions of a package, newest first.
///
/// GitHub operations
/// `packages/get-all-package-versions-for-package-owned-by-org`,
/// `packages/get-all-package-versions-for-package-owned-by-user`,
/// `packages/get-all-package-versions-for-package-owned-by-authenticated-user`.
///
/// @param client the client.
/// @param owner the package's owner.
/// @param package_type a `GHPACKAGES_PACKAGE_TYPE_*` constant.
/// @param name the package name, unencoded.
/// @param options state filter, page and per-page, or NULL.
/// @param[out] out receives the page: its versions and its `Link` relations.
/// @param[out] error NULL, or receives an error object on failure.
/// @return `GHPACKAGES_OK` or an error code.
///
/// Ownership: the caller owns `*out`; free it with
/// `ghpackages_package_version_list_free`. Arguments are borrowed for the call.
/// Thread safety: safe to call concurrently with the same client.
///
/// # Safety
/// Pointers are NULL or valid; strings are NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn ghpackages_list_package_versions(
    client: *const ghpackages_client,
    owner: *const ghpackages_owner,
    package_type: ghpackages_package_type,
    name: *const c_char,
    options: *const ghpackages_list_versions_options,
    out: *mut *mut ghpackages_package_version_list,
    error: *mut *mut ghpackages_error,
) -> ghpackages_status {
    call(error, || {
        let out = out_slot(out, "out")?;
        let client = &arg(client, "client")?.inner;
        let owner = owner_arg(owner)?;
        let package_type = package_type_arg(package_type)?;
        let name = str_arg(name, "name")?;
        let options = list_versions_options_arg(options)?;
        let page = block_on(client.list_package_versions(&owner, package_type, name, &options))??;
        give(out, ghpackages_package_version_list::from_page(&page)?);
        Ok(())
    })
}

/// Lists every version of a package, newest first, reading every page
/// (pages are fetched concurrently when their number is known).
///
/// GitHub operations as `ghpackages_list_package_versions`.
///
/// @param client the client.
/// @param owner the package's owner.
/// @param package_type a `GHPACKAGES_PACKAGE_TYPE_*` constant.
/// @param name the package name, unencoded.
/// @param options state filter; `page` is the first page to read and
///        `per_page` the page size; or NULL.
/// @param[out] out receives every version (links NULL).
/// @param[out] error NULL, or receives an error object on failure.
/// @return `GHPACKAGES_OK` or an error code.
///
/// Ownership: the caller owns `*out`; free it with
/// `ghpackages_package_version_list_free`. Arguments are borrowed for the call.
/// Thread safety: safe to call concurrently with the same client.
///
/// # Safety
/// Pointers are NULL or valid; strings are NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn ghpackages_list_all_package_versions(
    client: *const ghpackages_client,
    owner: *const ghpackages_owner,
    package_type: ghpackages_package_type,
    name: *const c_char,
    options: *const ghpackages_list_versions_options,
    out: *mut *mut ghpackages_package_version_list,
    error: *mut *mut ghpackages_error,
) -> ghpackages_status {
    call(error, || {
        let out = out_slot(out, "out")?;
        let client = &arg(client, "client")?.inner;
        let owner = owner_arg(owner)?;
        let package_type = package_type_arg(package_type)?;
        let name = str_arg(name, "name")?;
        let options = list_versions_options_arg(options)?;
        let versions =
            block_on(client.list_all_package_versions(&owner, package_type, name, &options))??;
        give(out, ghpackages_package_version_list::from_items(&versions)?);
        Ok(())
    })
}

/// Gets one version of a package.
///
/// GitHub operations `packages/get-package-version-for-organization`,
/// `packages/get-package-version-for-user`,
/// `packages/get-package-version-for-authenticated-user`.
///
/// @param client the client.
/// @param owner the package's owner.
/// @param package_type a `GHPACKAGES_PACKAGE_TYPE_*` constant.
/// @param name the package name, unencoded.
/// @param version_id the version's id.
/// @param[out] out receives the version.
/// @param[out] error NULL, or receives an error object on failure.
/// @return `GHPACKAGES_OK` or an error code.
///
/// Ownership: the caller owns `*out`; free it with
/// `ghpackages_package_version_free`. Arguments are borrowed for the call.
/// Thread safety: safe to call concurrently with the same client.
///
/// # Safety
/// Pointers are NULL or valid; strings are NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn ghpackages_get_package_version(
    client: *const ghpackages_client,
    owner: *const ghpackages_owner,
    package_type: ghpackages_package_type,
    name: *const c_char,
    version_id: u64,
    out: *mut *mut ghpackages_package_version,
    error: *mut *mut ghpackages_error,
) -> ghpackages_status {
    call(error, || {
        let out = out_slot(out, "out")?;
        let client = &arg(client, "client")?.inner;
        let owner = owner_arg(owner)?;
        let package_type = package_type_arg(package_type)?;
        let name = str_arg(name, "name")?;
        let version =
            block_on(client.get_package_version(&owner, package_type, name, version_id))??;
        give(out, ghpackages_package_version::from_sdk(&version)?);
        Ok(())
    })
}

/// Deletes a version of a package; it can be restored for 30 days.
///
/// GitHub operations `packages/delete-package-version-for-org`,
/// `packages/delete-package-version-for-user`,
/// `packages/delete-package-version-for-authenticated-user`.
///
/// @param client the client.
/// @param owner the package's owner.
/// @param package_type a `GHPACKAGES_PACKAGE_TYPE_*` constant.
/// @param name the package name, unencoded.
/// @param version_id the version's id.
/// @param[out] error NULL, or receives an error object on failure.
/// @return `GHPACKAGES_OK` or an error code.
///
/// Ownership: arguments are borrowed for the call; nothing is allocated on
/// success.
/// Thread safety: safe to call concurrently with the same client.
///
/// # Safety
/// Pointers are NULL or valid; strings are NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn ghpackages_delete_package_version(
    client: *const ghpackages_client,
    owner: *const ghpackages_owner,
    package_type: ghpackages_package_type,
    name: *const c_char,
    version_id: u64,
    error: *mut *mut ghpackages_error,
) -> ghpackages_status {
    call(error, || {
        let client = &arg(client, "client")?.inner;
        let owner = owner_arg(owner)?;
        let package_type = package_type_arg(package_type)?;
        let name = str_arg(name, "name")?;
        block_on(client.delete_package_version(&owner, package_type, name, version_id))?
    })
}

/// Restores a version deleted within the last 30 days.
///
/// GitHub operations `packages/restore-package-version-for-org`,
/// `packages/restore-package-version-for-user`,
/// `packages/restore-package-version-for-authenticated-user`.
///
/// @param client the client.
/// @param owner the package's owner.
/// @param package_type a `GHPACKAGES_PACKAGE_TYPE_*` constant.
/// @param name the package name, unencoded.
/// @param version_id the version's id.
/// @param[out] error NULL, or receives an error object on failure.
/// @return `GHPACKAGES_OK` or an error code.
///
/// Ownership: arguments are borrowed for the call; nothing is allocated on
/// success.
/// Thread safety: safe to call concurrently with the same client.
///
/// # Safety
/// Pointers are NULL or valid; strings are NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn ghpackages_restore_package_version(
    client: *const ghpackages_client,
    owner: *const ghpackages_owner,
    package_type: ghpackages_package_type,
    name: *const c_char,
    version_id: u64,
    error: *mut *mut ghpackages_error,
) -> ghpackages_status {
    call(error, || {
        let client = &arg(client, "client")?.inner;
        let owner = owner_arg(owner)?;
        let package_type = package_type_arg(package_type)?;
        let name = str_arg(name, "name")?;
        block_on(client.restore_package_version(&owner, package_type, name, version_id))?
    })
}

/// Lists the packages that conflict with the Docker migration.
///
/// GitHub operations
/// `packages/list-docker-migration-conflicting-packages-for-organization`,
/// `packages/list-docker-migration-conflicting-packages-for-user`,
/// `packages/list-docker-migration-conflicting-packages-for-authenticated-user`.
///
/// @param client the client.
/// @param owner whose packages.
/// @param[out] out receives the conflicting packages (links NULL).
/// @param[out] error NULL, or receives an error object on failure.
/// @return `GHPACKAGES_OK` or an error code.
///
/// Ownership: the caller owns `*out`; free it with
/// `ghpackages_package_list_free`. Arguments are borrowed for the call.
/// Thread safety: safe to call concurrently with the same client.
///
/// # Safety
/// Pointers are NULL or valid; strings are NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn ghpackages_list_docker_migration_conflicts(
    client: *const ghpackages_client,
    owner: *const ghpackages_owner,
    out: *mut *mut ghpackages_package_list,
    error: *mut *mut ghpackages_error,
) -> ghpackages_status {
    call(error, || {
        let out = out_slot(out, "out")?;
        let client = &arg(client, "client")?.inner;
        let owner = owner_arg(owner)?;
        let packages = block_on(client.list_docker_migration_conflicts(&owner))??;
        give(out, ghpackages_package_list::from_items(&packages)?);
        Ok(())
    })
}
