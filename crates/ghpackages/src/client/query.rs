//! List queries, and what errors are about.

use std::sync::Arc;

use futures::stream::{self, BoxStream, StreamExt};
use url::Url;

use super::Client;
use crate::arguments::{self, DEFAULT_PER_PAGE, MAX_PACKAGE_WINDOW};
use crate::error::{Error, Result};
use crate::owner::Owner;
use crate::page_stream::{ListRequest, Window};
use crate::pagination::{ListPackagesOptions, ListVersionsOptions};
use crate::paths;
use crate::types::PackageType;

/// Page size of streams when the caller sets neither `page` nor `per_page`:
/// GitHub's maximum, for the fewest requests.
const STREAM_PER_PAGE: u32 = 100;

/// What an owner's errors are about: "organization 'octo-org'".
pub(super) fn owner_context(owner: &Owner) -> String {
    match owner {
        Owner::Org(name) => format!("organization '{name}'"),
        Owner::User(name) => format!("user '{name}'"),
        Owner::AuthenticatedUser => "the authenticated user".to_owned(),
    }
}

/// What a package's errors are about: "package 'octo-org/hello' (container)".
pub(super) fn package_context(owner: &Owner, package_type: PackageType, name: &str) -> String {
    match owner {
        Owner::Org(login) | Owner::User(login) => {
            format!("package '{login}/{name}' ({package_type})")
        }
        Owner::AuthenticatedUser => {
            format!("package '{name}' ({package_type}) of the authenticated user")
        }
    }
}

/// What a version's errors are about: "version 42 of package 'octo-org/hello' (container)".
pub(super) fn version_context(
    owner: &Owner,
    package_type: PackageType,
    name: &str,
    id: u64,
) -> String {
    format!(
        "version {id} of {}",
        package_context(owner, package_type, name)
    )
}

/// Appends `pairs` to `url` (leaving it without `?` when there are none).
pub(super) fn with_query(mut url: Url, pairs: &[(&str, String)]) -> Url {
    if !pairs.is_empty() {
        let mut query = url.query_pairs_mut();
        for (name, value) in pairs {
            query.append_pair(name, value);
        }
    }
    url
}

/// The query of a version list. GitHub's user-owned version list has no
/// `state` parameter (see [`Client::list_package_versions`]), so it is not sent there.
pub(super) fn versions_query(
    owner: &Owner,
    options: &ListVersionsOptions,
    per_page: Option<u32>,
) -> Vec<(&'static str, String)> {
    let mut pairs = Vec::new();
    if let (Some(state), false) = (options.state, matches!(owner, Owner::User(_))) {
        pairs.push(("state", state.as_str().to_owned()));
    }
    if let Some(per_page) = per_page {
        pairs.push(("per_page", per_page.to_string()));
    }
    pairs
}

/// The page size of a stream: the caller's, or 100 when the caller chose
/// neither a page size nor a start page (a start page means pages of 30).
pub(super) fn stream_per_page(page: Option<u32>, per_page: Option<u32>) -> Option<u32> {
    match (page, per_page) {
        (_, Some(per_page)) => Some(per_page),
        (None, None) => Some(STREAM_PER_PAGE),
        (Some(_), None) => None,
    }
}

/// How to narrow a package listing longer than GitHub's window.
fn narrow_packages(options: &ListPackagesOptions) -> String {
    let package_type = options.package_type;
    match options.visibility {
        None => format!(
            "Narrow the listing: list the {package_type} packages of each visibility (public, \
             private, internal) on its own; listing every package does that by itself when each \
             visibility fits."
        ),
        Some(visibility) => format!(
            "The {visibility} {package_type} packages alone pass it, and GitHub's only filters \
             are the package type and the visibility, so no narrower listing exists: the first \
             {MAX_PACKAGE_WINDOW} can be read page by page (per_page 100, pages 1 to 100)."
        ),
    }
}

/// A stream that yields `error` and ends.
pub(super) fn failed<T: Send + 'static>(error: Error) -> BoxStream<'static, Result<T>> {
    stream::once(async move { Err(error) }).boxed()
}

impl Client {
    pub(super) fn packages_request(
        &self,
        owner: &Owner,
        options: &ListPackagesOptions,
        per_page: Option<u32>,
    ) -> Result<ListRequest> {
        arguments::owner(owner)?;
        arguments::paging(options.page, per_page)?;
        arguments::package_window(options.page, per_page)?;
        let mut pairs = vec![("package_type", options.package_type.as_str().to_owned())];
        if let Some(visibility) = options.visibility {
            pairs.push(("visibility", visibility.as_str().to_owned()));
        }
        if let Some(per_page) = per_page {
            pairs.push(("per_page", per_page.to_string()));
        }
        Ok(ListRequest {
            http: Arc::clone(&self.inner.http),
            page_concurrency: self.inner.page_concurrency,
            url: with_query(self.url(&paths::packages(owner))?, &pairs),
            context: owner_context(owner),
            per_page: per_page.unwrap_or(DEFAULT_PER_PAGE),
            window: Some(Window {
                items: MAX_PACKAGE_WINDOW,
                noun: "packages",
                narrow: narrow_packages(options),
            }),
        })
    }

    pub(super) fn versions_request(
        &self,
        owner: &Owner,
        package_type: PackageType,
        name: &str,
        options: &ListVersionsOptions,
        per_page: Option<u32>,
    ) -> Result<ListRequest> {
        arguments::owner(owner)?;
        arguments::package_name(name)?;
        arguments::paging(options.page, per_page)?;
        arguments::version_state(owner, options.state)?;
        let url = self.url(&paths::versions(owner, package_type, name))?;
        Ok(ListRequest {
            http: Arc::clone(&self.inner.http),
            page_concurrency: self.inner.page_concurrency,
            url: with_query(url, &versions_query(owner, options, per_page)),
            context: package_context(owner, package_type, name),
            per_page: per_page.unwrap_or(DEFAULT_PER_PAGE),
            window: None,
        })
    }
}
