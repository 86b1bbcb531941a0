//! Results as C structs: packages, versions, and lists of each.
//!
//! Every struct is owned by the library's allocator and read-only for the
//! caller; each has one `*_free` function, and the strings and arrays inside
//! are freed with it. Each object also carries its raw JSON (`json`), with
//! every field GitHub sent, for what the struct does not carry.

use std::os::raw::c_char;
use std::ptr;

use chrono::{DateTime, SecondsFormat, Utc};
use sdk::{Error, ErrorKind, Links, Package, PackageVersion, Page};
use serde::Serialize;

use crate::strings::{free_string, opt_to_c, to_c};
use crate::types::{
    ghpackages_package_type, ghpackages_visibility, package_type_to_c, visibility_to_c,
};

/// A package (GitHub's `package` schema).
#[repr(C)]
pub struct ghpackages_package {
    /// Unique identifier of the package.
    pub id: u64,
    /// The name (container names may contain `/`).
    pub name: *mut c_char,
    /// The registry: a `GHPACKAGES_PACKAGE_TYPE_*` constant.
    pub package_type: ghpackages_package_type,
    /// `GHPACKAGES_VISIBILITY_PUBLIC`, `_PRIVATE` or `_INTERNAL`.
    pub visibility: ghpackages_visibility,
    /// The number of versions.
    pub version_count: u64,
    /// API URL of the package.
    pub url: *mut c_char,
    /// Web URL of the package.
    pub html_url: *mut c_char,
    /// Login of the owning user or organization, or NULL when not sent.
    pub owner_login: *mut c_char,
    /// `owner/name` of the linked repository, or NULL when there is none.
    pub repository_full_name: *mut c_char,
    /// Creation time, RFC 3339 in UTC.
    pub created_at: *mut c_char,
    /// Last update time, RFC 3339 in UTC.
    pub updated_at: *mut c_char,
    /// The whole object as JSON, every field GitHub sent included.
    pub json: *mut c_char,
}

/// A package version (GitHub's `package-version` schema).
#[repr(C)]
pub struct ghpackages_package_version {
    /// Unique identifier of the version.
    pub id: u64,
    /// The name (a container version's name is its digest).
    pub name: *mut c_char,
    /// API URL of the version.
    pub url: *mut c_char,
    /// Web URL of the package.
    pub package_html_url: *mut c_char,
    /// Web URL of the version, or NULL.
    pub html_url: *mut c_char,
    /// License, or NULL.
    pub license: *mut c_char,
    /// Description, or NULL.
    pub description: *mut c_char,
    /// Creation time, RFC 3339 in UTC.
    pub created_at: *mut c_char,
    /// Last update time, RFC 3339 in UTC.
    pub updated_at: *mut c_char,
    /// Deletion time (RFC 3339) of a deleted version, or NULL.
    pub deleted_at: *mut c_char,
    /// The container or docker tags of the version (`tag_count` strings);
    /// NULL when there are none.
    pub tags: *mut *mut c_char,
    /// The number of `tags`.
    pub tag_count: usize,
    /// The whole object as JSON, every field GitHub sent included.
    pub json: *mut c_char,
}

/// The `Link` relations of a page, as absolute URLs; each NULL when absent.
/// A page is the last one when `next` is NULL.
#[repr(C)]
pub struct ghpackages_links {
    /// `rel="next"`.
    pub next: *mut c_char,
    /// `rel="prev"`.
    pub prev: *mut c_char,
    /// `rel="first"`.
    pub first: *mut c_char,
    /// `rel="last"`.
    pub last: *mut c_char,
}

/// A list of packages: one page (with its links) or every item (links all
/// NULL).
#[repr(C)]
pub struct ghpackages_package_list {
    /// `count` packages in GitHub's order; NULL when `count` is 0.
    pub items: *mut ghpackages_package,
    /// The number of `items`.
    pub count: usize,
    /// The links of the page.
    pub links: ghpackages_links,
}

/// A list of package versions: one page (with its links) or every item
/// (links all NULL).
#[repr(C)]
pub struct ghpackages_package_version_list {
    /// `count` versions, newest first; NULL when `count` is 0.
    pub items: *mut ghpackages_package_version,
    /// The number of `items`.
    pub count: usize,
    /// The links of the page.
    pub links: ghpackages_links,
}

fn json_of(value: &impl Serialize) -> Result<*mut c_char, Error> {
    serde_json::to_string(value)
        .map(|json| to_c(&json))
        .map_err(|e| {
            Error::new(
                ErrorKind::Decode,
                format!("cannot encode the object as JSON: {e}"),
            )
        })
}

fn time(value: &DateTime<Utc>) -> *mut c_char {
    to_c(&value.to_rfc3339_opts(SecondsFormat::AutoSi, true))
}

/// Hands a vector to C as a pointer and a length; NULL when empty.
fn into_array<T>(items: Vec<T>) -> (*mut T, usize) {
    if items.is_empty() {
        return (ptr::null_mut(), 0);
    }
    let count = items.len();
    (Box::into_raw(items.into_boxed_slice()).cast(), count)
}

/// Takes back an array made by [`into_array`].
///
/// # Safety
/// `items` and `count` come from one call of `into_array`, not yet freed.
unsafe fn free_array<T>(items: *mut T, count: usize) {
    if !items.is_null() {
        drop(Box::from_raw(ptr::slice_from_raw_parts_mut(items, count)));
    }
}

impl ghpackages_package {
    pub(crate) fn from_sdk(package: &Package) -> Result<Self, Error> {
        Ok(ghpackages_package {
            id: package.id,
            name: to_c(&package.name),
            package_type: package_type_to_c(package.package_type),
            visibility: visibility_to_c(package.visibility),
            version_count: package.version_count,
            url: to_c(&package.url),
            html_url: to_c(&package.html_url),
            owner_login: opt_to_c(package.owner.as_ref().map(|owner| owner.login.as_str())),
            repository_full_name: opt_to_c(
                package
                    .repository
                    .as_ref()
                    .map(|repository| repository.full_name.as_str()),
            ),
            created_at: time(&package.created_at),
            updated_at: time(&package.updated_at),
            json: json_of(package)?,
        })
    }
}

impl Drop for ghpackages_package {
    fn drop(&mut self) {
        for text in [
            self.name,
            self.url,
            self.html_url,
            self.owner_login,
            self.repository_full_name,
            self.created_at,
            self.updated_at,
            self.json,
        ] {
            free_string(text);
        }
    }
}

/// The tags a version carries: container tags, else docker `tags`, else
/// docker `tag` (GitHub's schema spells it both ways).
fn tags_of(version: &PackageVersion) -> &[String] {
    let Some(metadata) = &version.metadata else {
        return &[];
    };
    if let Some(container) = &metadata.container {
        return &container.tags;
    }
    metadata
        .docker
        .as_ref()
        .and_then(|docker| docker.tags.as_deref().or(docker.tag.as_deref()))
        .unwrap_or_default()
}

impl ghpackages_package_version {
    pub(crate) fn from_sdk(version: &PackageVersion) -> Result<Self, Error> {
        let (tags, tag_count) = into_array(tags_of(version).iter().map(|tag| to_c(tag)).collect());
        Ok(ghpackages_package_version {
            id: version.id,
            name: to_c(&version.name),
            url: to_c(&version.url),
            package_html_url: to_c(&version.package_html_url),
            html_url: opt_to_c(version.html_url.as_deref()),
            license: opt_to_c(version.license.as_deref()),
            description: opt_to_c(version.description.as_deref()),
            created_at: time(&version.created_at),
            updated_at: time(&version.updated_at),
            deleted_at: version.deleted_at.as_ref().map_or(ptr::null_mut(), time),
            tags,
            tag_count,
            json: json_of(version)?,
        })
    }
}

impl Drop for ghpackages_package_version {
    fn drop(&mut self) {
        for text in [
            self.name,
            self.url,
            self.package_html_url,
            self.html_url,
            self.license,
            self.description,
            self.created_at,
            self.updated_at,
            self.deleted_at,
            self.json,
        ] {
            free_string(text);
        }
        if !self.tags.is_null() {
            // SAFETY: `tags` and `tag_count` come from `into_array`.
            let tags =
                unsafe { Box::from_raw(ptr::slice_from_raw_parts_mut(self.tags, self.tag_count)) };
            tags.iter().for_each(|tag| free_string(*tag));
        }
    }
}

impl ghpackages_links {
    fn none() -> Self {
        ghpackages_links::from_sdk(&Links::default())
    }

    fn from_sdk(links: &Links) -> Self {
        ghpackages_links {
            next: opt_to_c(links.next.as_deref()),
            prev: opt_to_c(links.prev.as_deref()),
            first: opt_to_c(links.first.as_deref()),
            last: opt_to_c(links.last.as_deref()),
        }
    }
}

impl Drop for ghpackages_links {
    fn drop(&mut self) {
        for text in [self.next, self.prev, self.first, self.last] {
            free_string(text);
        }
    }
}

impl ghpackages_package_list {
    pub(crate) fn from_page(page: &Page<Package>) -> Result<Self, Error> {
        let mut list = ghpackages_package_list::from_items(&page.items)?;
        list.links = ghpackages_links::from_sdk(&page.links);
        Ok(list)
    }

    pub(crate) fn from_items(packages: &[Package]) -> Result<Self, Error> {
        let items = packages
            .iter()
            .map(ghpackages_package::from_sdk)
            .collect::<Result<Vec<_>, _>>()?;
        let (items, count) = into_array(items);
        Ok(ghpackages_package_list {
            items,
            count,
            links: ghpackages_links::none(),
        })
    }
}

impl Drop for ghpackages_package_list {
    fn drop(&mut self) {
        // SAFETY: `items` and `count` come from `into_array`.
        unsafe { free_array(self.items, self.count) };
    }
}

impl ghpackages_package_version_list {
    pub(crate) fn from_page(page: &Page<PackageVersion>) -> Result<Self, Error> {
        let mut list = ghpackages_package_version_list::from_items(&page.items)?;
        list.links = ghpackages_links::from_sdk(&page.links);
        Ok(list)
    }

    pub(crate) fn from_items(versions: &[PackageVersion]) -> Result<Self, Error> {
        let items = versions
            .iter()
            .map(ghpackages_package_version::from_sdk)
            .collect::<Result<Vec<_>, _>>()?;
        let (items, count) = into_array(items);
        Ok(ghpackages_package_version_list {
            items,
            count,
            links: ghpackages_links::none(),
        })
    }
}

impl Drop for ghpackages_package_version_list {
    fn drop(&mut self) {
        // SAFETY: `items` and `count` come from `into_array`.
        unsafe { free_array(self.items, self.count) };
    }
}

/// Frees a package returned by `ghpackages_get_package`.
///
/// @param package the package, or NULL (then nothing happens).
///
/// Ownership: takes ownership; the package and its strings are invalid
/// afterwards. Never call it on an item of a `ghpackages_package_list`.
/// Thread safety: safe from any thread; free each package once.
///
/// # Safety
/// `package` is NULL or a package from this library, not yet freed.
#[no_mangle]
pub unsafe extern "C" fn ghpackages_package_free(package: *mut ghpackages_package) {
    if !package.is_null() {
        drop(Box::from_raw(package));
    }
}

/// Frees a package version returned by `ghpackages_get_package_version`.
///
/// @param version the version, or NULL (then nothing happens).
///
/// Ownership: takes ownership; the version, its strings and tags are invalid
/// afterwards. Never call it on an item of a `ghpackages_package_version_list`.
/// Thread safety: safe from any thread; free each version once.
///
/// # Safety
/// `version` is NULL or a version from this library, not yet freed.
#[no_mangle]
pub unsafe extern "C" fn ghpackages_package_version_free(version: *mut ghpackages_package_version) {
    if !version.is_null() {
        drop(Box::from_raw(version));
    }
}

/// Frees a list of packages, with every item and link in it.
///
/// @param list the list, or NULL (then nothing happens).
///
/// Ownership: takes ownership; the list, its items and their strings are
/// invalid afterwards.
/// Thread safety: safe from any thread; free each list once.
///
/// # Safety
/// `list` is NULL or a list from this library, not yet freed.
#[no_mangle]
pub unsafe extern "C" fn ghpackages_package_list_free(list: *mut ghpackages_package_list) {
    if !list.is_null() {
        drop(Box::from_raw(list));
    }
}

/// Frees a list of package versions, with every item and link in it.
///
/// @param list the list, or NULL (then nothing happens).
///
/// Ownership: takes ownership; the list, its items and their strings are
/// invalid afterwards.
/// Thread safety: safe from any thread; free each list once.
///
/// # Safety
/// `list` is NULL or a list from this library, not yet freed.
#[no_mangle]
pub unsafe extern "C" fn ghpackages_package_version_list_free(
    list: *mut ghpackages_package_version_list,
) {
    if !list.is_null() {
        drop(Box::from_raw(list));
    }
}
