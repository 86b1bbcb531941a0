//! The operations, each written once for the three owner families.

use futures::stream::BoxStream;
use futures::TryStreamExt;
use reqwest::Method;

use super::query::{
    failed, owner_context, package_context, stream_per_page, version_context, with_query,
};
use super::{refuse_insecure_token, Client};
use crate::arguments;
use crate::error::Result;
use crate::models::{Package, PackageVersion};
use crate::owner::Owner;
use crate::pagination::{ListPackagesOptions, ListVersionsOptions, Page};
use crate::paths;
use crate::types::{PackageType, Visibility};

#[cfg(doc)]
use super::ClientBuilder;

impl Client {
    /// One page of packages of one type, with the page's `Link` relations.
    ///
    /// GitHub operations `packages/list-packages-for-organization`,
    /// `packages/list-packages-for-user` and
    /// `packages/list-packages-for-authenticated-user`
    /// (<https://docs.github.com/en/rest/packages/packages#list-packages-for-an-organization>).
    /// `page * per_page` may not exceed 10000 (GitHub answers 400 beyond).
    pub async fn list_packages(
        &self,
        owner: &Owner,
        options: &ListPackagesOptions,
    ) -> Result<Page<Package>> {
        self.packages_request(owner, options, options.per_page)?
            .page(options.page)
            .await
    }

    /// Every package, as a stream in GitHub's order (pages fetched concurrently
    /// when the last page is known). `options.page` is the first page to read;
    /// without `page` and `per_page`, pages of 100 are read.
    ///
    /// GitHub serves package lists only up to item 10000 (`page * per_page`);
    /// no page beyond is requested. When the first page's links show the list
    /// goes further, the stream yields a `validation` error before any item,
    /// saying how to narrow the listing ([`Client::list_all_packages`] splits
    /// it by visibility by itself).
    pub fn stream_packages(
        &self,
        owner: &Owner,
        options: &ListPackagesOptions,
    ) -> BoxStream<'static, Result<Package>> {
        let per_page = stream_per_page(options.page, options.per_page);
        match self.packages_request(owner, options, per_page) {
            Ok(request) => request.items(options.page),
            Err(error) => failed(error),
        }
    }

    /// Every package, collected (see [`Client::stream_packages`]).
    ///
    /// When the listing is longer than GitHub's window of 10000 items and
    /// neither `visibility` nor `page` is set, each visibility (public,
    /// private, internal) is listed on its own and the results merged, in
    /// package id order and without duplicates (registries without granular
    /// permissions list `internal` packages as `private`). When one of those
    /// is still longer than the window, the answer is a `validation` error
    /// naming the window and how to narrow the listing, and no packages.
    pub async fn list_all_packages(
        &self,
        owner: &Owner,
        options: &ListPackagesOptions,
    ) -> Result<Vec<Package>> {
        let per_page = stream_per_page(options.page, options.per_page);
        let request = self.packages_request(owner, options, per_page)?;
        let number = options.page.unwrap_or(1);
        let first = request.page::<Package>(options.page).await?;
        if request.fits_window(&first.links, number)
            || options.visibility.is_some()
            || options.page.is_some()
        {
            return request.items_after(first, number).try_collect().await;
        }
        let mut packages = Vec::new();
        for visibility in [
            Visibility::Public,
            Visibility::Private,
            Visibility::Internal,
        ] {
            let one = ListPackagesOptions {
                visibility: Some(visibility),
                ..options.clone()
            };
            let listed: Vec<Package> = self.stream_packages(owner, &one).try_collect().await?;
            packages.extend(listed);
        }
        packages.sort_by_key(|package| package.id);
        packages.dedup_by_key(|package| package.id);
        Ok(packages)
    }

    /// One package.
    ///
    /// GitHub operations `packages/get-package-for-organization`,
    /// `packages/get-package-for-user` and
    /// `packages/get-package-for-authenticated-user`
    /// (<https://docs.github.com/en/rest/packages/packages#get-a-package-for-an-organization>).
    pub async fn get_package(
        &self,
        owner: &Owner,
        package_type: PackageType,
        name: &str,
    ) -> Result<Package> {
        arguments::owner(owner)?;
        arguments::package_name(name)?;
        let path = paths::package(owner, package_type, name);
        self.get(&path, package_context(owner, package_type, name))
            .await
    }

    /// Deletes a package (restorable for 30 days).
    ///
    /// GitHub operations `packages/delete-package-for-org`,
    /// `packages/delete-package-for-user` and
    /// `packages/delete-package-for-authenticated-user`
    /// (<https://docs.github.com/en/rest/packages/packages#delete-a-package-for-an-organization>).
    /// A retried delete whose first attempt went through ends in `not_found`.
    pub async fn delete_package(
        &self,
        owner: &Owner,
        package_type: PackageType,
        name: &str,
    ) -> Result<()> {
        arguments::owner(owner)?;
        arguments::package_name(name)?;
        let url = self.url(&paths::package(owner, package_type, name))?;
        self.send_empty(
            Method::DELETE,
            url,
            package_context(owner, package_type, name),
        )
        .await
    }

    /// Restores a deleted package, optionally with the `token` query parameter
    /// (a token is refused over plain `http://` to a non-loopback host unless
    /// [`ClientBuilder::allow_insecure_http`] is set).
    ///
    /// GitHub operations `packages/restore-package-for-org`,
    /// `packages/restore-package-for-user` and
    /// `packages/restore-package-for-authenticated-user`
    /// (<https://docs.github.com/en/rest/packages/packages#restore-a-package-for-an-organization>).
    pub async fn restore_package(
        &self,
        owner: &Owner,
        package_type: PackageType,
        name: &str,
        token: Option<&str>,
    ) -> Result<()> {
        arguments::owner(owner)?;
        arguments::package_name(name)?;
        arguments::restore_token(token)?;
        if token.is_some() {
            let base = &self.inner.http.base;
            refuse_insecure_token(
                "token",
                "restore token",
                base.is_insecure_remote(),
                self.inner.allow_insecure_http,
                base.authority(),
                self.inner.insecure_http_setting,
            )?;
        }
        let path = format!("{}/restore", paths::package(owner, package_type, name));
        let pairs: Vec<(&str, String)> = token
            .map(|token| ("token", token.to_owned()))
            .into_iter()
            .collect();
        let url = with_query(self.url(&path)?, &pairs);
        self.send_empty(
            Method::POST,
            url,
            package_context(owner, package_type, name),
        )
        .await
    }

    /// One page of versions, newest first, with the page's `Link` relations.
    ///
    /// GitHub operations `packages/get-all-package-versions-for-package-owned-by-org`,
    /// `packages/get-all-package-versions-for-package-owned-by-user` and
    /// `packages/get-all-package-versions-for-package-owned-by-authenticated-user`
    /// (<https://docs.github.com/en/rest/packages/packages#list-package-versions-for-a-package-owned-by-an-organization>).
    ///
    /// GitHub's user-owned operation has no `state` parameter and lists the
    /// active versions: for [`Owner::User`], `state` `active` is accepted and
    /// not sent, `deleted` is refused as `invalid_input`. Its description
    /// omits `page` and `per_page` too, but GitHub paginates it like every
    /// list (with a `Link` header), so those are sent for every family.
    pub async fn list_package_versions(
        &self,
        owner: &Owner,
        package_type: PackageType,
        name: &str,
        options: &ListVersionsOptions,
    ) -> Result<Page<PackageVersion>> {
        self.versions_request(owner, package_type, name, options, options.per_page)?
            .page(options.page)
            .await
    }

    /// Every version, as a stream in GitHub's order (see
    /// [`Client::stream_packages`] for pages and page sizes).
    pub fn stream_package_versions(
        &self,
        owner: &Owner,
        package_type: PackageType,
        name: &str,
        options: &ListVersionsOptions,
    ) -> BoxStream<'static, Result<PackageVersion>> {
        let per_page = stream_per_page(options.page, options.per_page);
        match self.versions_request(owner, package_type, name, options, per_page) {
            Ok(request) => request.items(options.page),
            Err(error) => failed(error),
        }
    }

    /// Every version, collected.
    pub async fn list_all_package_versions(
        &self,
        owner: &Owner,
        package_type: PackageType,
        name: &str,
        options: &ListVersionsOptions,
    ) -> Result<Vec<PackageVersion>> {
        self.stream_package_versions(owner, package_type, name, options)
            .try_collect()
            .await
    }

    /// One version.
    ///
    /// GitHub operations `packages/get-package-version-for-organization`,
    /// `packages/get-package-version-for-user` and
    /// `packages/get-package-version-for-authenticated-user`
    /// (<https://docs.github.com/en/rest/packages/packages#get-a-package-version-for-an-organization>).
    pub async fn get_package_version(
        &self,
        owner: &Owner,
        package_type: PackageType,
        name: &str,
        version_id: u64,
    ) -> Result<PackageVersion> {
        arguments::owner(owner)?;
        arguments::package_name(name)?;
        arguments::version_id(version_id)?;
        let path = paths::version(owner, package_type, name, version_id);
        self.get(
            &path,
            version_context(owner, package_type, name, version_id),
        )
        .await
    }

    /// Deletes a version (restorable for 30 days).
    ///
    /// GitHub operations `packages/delete-package-version-for-org`,
    /// `packages/delete-package-version-for-user` and
    /// `packages/delete-package-version-for-authenticated-user`
    /// (<https://docs.github.com/en/rest/packages/packages#delete-package-version-for-an-organization>).
    /// A retried delete whose first attempt went through ends in `not_found`.
    pub async fn delete_package_version(
        &self,
        owner: &Owner,
        package_type: PackageType,
        name: &str,
        version_id: u64,
    ) -> Result<()> {
        arguments::owner(owner)?;
        arguments::package_name(name)?;
        arguments::version_id(version_id)?;
        let url = self.url(&paths::version(owner, package_type, name, version_id))?;
        let context = version_context(owner, package_type, name, version_id);
        self.send_empty(Method::DELETE, url, context).await
    }

    /// Restores a deleted version.
    ///
    /// GitHub operations `packages/restore-package-version-for-org`,
    /// `packages/restore-package-version-for-user` and
    /// `packages/restore-package-version-for-authenticated-user`
    /// (<https://docs.github.com/en/rest/packages/packages#restore-package-version-for-an-organization>).
    pub async fn restore_package_version(
        &self,
        owner: &Owner,
        package_type: PackageType,
        name: &str,
        version_id: u64,
    ) -> Result<()> {
        arguments::owner(owner)?;
        arguments::package_name(name)?;
        arguments::version_id(version_id)?;
        let path = format!(
            "{}/restore",
            paths::version(owner, package_type, name, version_id)
        );
        let context = version_context(owner, package_type, name, version_id);
        self.send_empty(Method::POST, self.url(&path)?, context)
            .await
    }

    /// Packages that conflict with the Docker migration.
    ///
    /// GitHub operations
    /// `packages/list-docker-migration-conflicting-packages-for-organization`,
    /// `packages/list-docker-migration-conflicting-packages-for-user` and
    /// `packages/list-docker-migration-conflicting-packages-for-authenticated-user`
    /// (<https://docs.github.com/en/rest/packages/packages#get-list-of-conflicting-packages-during-docker-migration-for-organization>).
    pub async fn list_docker_migration_conflicts(&self, owner: &Owner) -> Result<Vec<Package>> {
        arguments::owner(owner)?;
        self.get(&paths::docker_conflicts(owner), owner_context(owner))
            .await
    }
}
