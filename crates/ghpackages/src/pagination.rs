//! Pages of results, their `Link` relations, and list options.

use serde::Deserialize;

use crate::rate_limit::RateLimit;
use crate::types::{PackageType, VersionState, Visibility};

/// The `Link` relations of a page, as absolute URLs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Links {
    /// `rel="next"`.
    pub next: Option<String>,
    /// `rel="prev"`.
    pub prev: Option<String>,
    /// `rel="first"`.
    pub first: Option<String>,
    /// `rel="last"`.
    pub last: Option<String>,
}

/// One page of a list, with its links.
#[derive(Debug, Clone)]
pub struct Page<T> {
    /// The items of this page, in GitHub's order.
    pub items: Vec<T>,
    /// The `Link` relations of the response.
    pub links: Links,
    /// The rate-limit state reported with the response.
    pub rate_limit: Option<RateLimit>,
}

/// Options of the list-packages operations. Deserializes from
/// `{"package_type", "visibility", "page", "per_page"}`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, expecting = "an object of list options")]
pub struct ListPackagesOptions {
    /// The registry to list (required by GitHub).
    pub package_type: PackageType,
    /// Only packages of this visibility.
    #[serde(default)]
    pub visibility: Option<Visibility>,
    /// Page number, from 1 (`page * per_page` at most 10000).
    #[serde(default)]
    pub page: Option<u32>,
    /// Items per page, 1..=100 (GitHub's default is 30).
    #[serde(default)]
    pub per_page: Option<u32>,
}

impl ListPackagesOptions {
    /// Options listing packages of `package_type`, with GitHub's defaults otherwise.
    pub fn new(package_type: PackageType) -> Self {
        ListPackagesOptions {
            package_type,
            visibility: None,
            page: None,
            per_page: None,
        }
    }
}

/// Options of the list-package-versions operations. Deserializes from
/// `{"state", "page", "per_page"}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields, expecting = "an object of list options")]
pub struct ListVersionsOptions {
    /// `active` (GitHub's default) or `deleted` versions. Versions of another
    /// user's packages ([`Owner::User`](crate::Owner::User)) can only be listed
    /// `active`: GitHub's operation has no `state`, so `deleted` is refused.
    pub state: Option<VersionState>,
    /// Page number, from 1.
    pub page: Option<u32>,
    /// Items per page, 1..=100 (GitHub's default is 30).
    pub per_page: Option<u32>,
}
