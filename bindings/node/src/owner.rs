//! `Owner`: the operations of one owner (an organization, a user, or the
//! authenticated user). The core implements each operation once for all three
//! families; this class forwards to it.

use ghpackages::{Client as CoreClient, Owner as CoreOwner, OwnerHandle, Page};
use napi::bindgen_prelude::{PromiseRaw, Unknown};
use napi::{Env, Result};
use napi_derive::napi;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::args;
use crate::client::rate_limit;
use crate::promise::{json, json_text, spawn, JsonText};
use crate::stream::ItemStream;

/// The packages of one owner. Get one from `client.org(name)`,
/// `client.user(name)` or `client.me()`.
#[napi]
pub struct Owner {
    handle: OwnerHandle,
}

impl Owner {
    pub fn new(handle: OwnerHandle) -> Self {
        Owner { handle }
    }

    pub fn client(&self) -> &CoreClient {
        self.handle.client()
    }

    pub fn owner(&self) -> &CoreOwner {
        self.handle.owner()
    }

    pub fn handle(&self) -> &OwnerHandle {
        &self.handle
    }
}

/// `{ items, links, rateLimit }` of one page.
fn page<T: Serialize>(page: Page<T>) -> ghpackages::Result<Value> {
    Ok(json!({
        "items": json(&page.items)?,
        "links": {
            "next": page.links.next,
            "prev": page.links.prev,
            "first": page.links.first,
            "last": page.links.last,
        },
        "rateLimit": page.rate_limit.as_ref().map(rate_limit),
    }))
}

#[napi]
impl Owner {
    /// `'org'`, `'user'` or `'me'`.
    #[napi(getter, ts_return_type = "'org' | 'user' | 'me'")]
    pub fn kind(&self) -> &'static str {
        match self.handle.owner() {
            CoreOwner::Org(_) => "org",
            CoreOwner::User(_) => "user",
            CoreOwner::AuthenticatedUser => "me",
        }
    }

    /// The login of the organization or user; `null` for `me()`.
    #[napi(getter)]
    pub fn name(&self) -> Option<String> {
        match self.handle.owner() {
            CoreOwner::Org(name) | CoreOwner::User(name) => Some(name.clone()),
            CoreOwner::AuthenticatedUser => None,
        }
    }

    /// One page of packages of one registry: `{ items, links, rateLimit }`.
    #[napi(
        ts_args_type = "packageType: PackageType, options?: ListPackagesOptions",
        ts_return_type = "Promise<Page<Package>>"
    )]
    pub fn list_packages<'env>(
        &self,
        env: &'env Env,
        package_type: Unknown,
        options: Option<Unknown>,
    ) -> Result<PromiseRaw<'env, Value>> {
        let query = packages_query(env, package_type, options);
        let handle = self.handle.clone();
        spawn(
            env,
            async move { page(handle.list_packages(&query?).await?) },
        )
    }

    /// Every package of one registry, read page by page:
    /// `for await (const p of owner.streamPackages('npm'))`.
    #[napi(
        ts_args_type = "packageType: PackageType, options?: ListPackagesOptions",
        ts_return_type = "AsyncIterable<Package>"
    )]
    pub fn stream_packages(
        &self,
        env: &Env,
        package_type: Unknown,
        options: Option<Unknown>,
    ) -> ItemStream {
        match packages_query(env, package_type, options) {
            Ok(query) => ItemStream::new(self.handle.stream_packages(&query)),
            Err(error) => ItemStream::failed(error),
        }
    }

    /// Every package of one registry, collected into an array.
    #[napi(
        ts_args_type = "packageType: PackageType, options?: ListPackagesOptions",
        ts_return_type = "Promise<Package[]>"
    )]
    pub fn list_all_packages<'env>(
        &self,
        env: &'env Env,
        package_type: Unknown,
        options: Option<Unknown>,
    ) -> Result<PromiseRaw<'env, JsonText>> {
        let query = packages_query(env, package_type, options);
        let handle = self.handle.clone();
        spawn(env, async move {
            json_text(&handle.list_all_packages(&query?).await?)
        })
    }

    /// One package.
    #[napi(
        ts_args_type = "packageType: PackageType, packageName: string",
        ts_return_type = "Promise<Package>"
    )]
    pub fn get_package<'env>(
        &self,
        env: &'env Env,
        package_type: Unknown,
        package_name: Unknown,
    ) -> Result<PromiseRaw<'env, JsonText>> {
        let target = package(env, package_type, package_name);
        let handle = self.handle.clone();
        spawn(env, async move {
            let (package_type, name) = target?;
            json_text(&handle.get_package(package_type, &name).await?)
        })
    }

    /// Deletes a package; it can be restored for 30 days.
    #[napi(
        ts_args_type = "packageType: PackageType, packageName: string",
        ts_return_type = "Promise<void>"
    )]
    pub fn delete_package<'env>(
        &self,
        env: &'env Env,
        package_type: Unknown,
        package_name: Unknown,
    ) -> Result<PromiseRaw<'env, ()>> {
        let target = package(env, package_type, package_name);
        let handle = self.handle.clone();
        spawn(env, async move {
            let (package_type, name) = target?;
            handle.delete_package(package_type, &name).await
        })
    }

    /// Restores a package deleted within the last 30 days. `options.token` is
    /// GitHub's `token` query parameter, needed when a package of the same
    /// name was published since.
    #[napi(
        ts_args_type = "packageType: PackageType, packageName: string, options?: RestorePackageOptions",
        ts_return_type = "Promise<void>"
    )]
    pub fn restore_package<'env>(
        &self,
        env: &'env Env,
        package_type: Unknown,
        package_name: Unknown,
        options: Option<Unknown>,
    ) -> Result<PromiseRaw<'env, ()>> {
        let target = package(env, package_type, package_name);
        let options = args::options::<RestoreOptions>(env, "options", options, &[]);
        let handle = self.handle.clone();
        spawn(env, async move {
            let (package_type, name) = target?;
            let token = options?.token;
            handle
                .restore_package(package_type, &name, token.as_deref())
                .await
        })
    }

    /// One page of a package's versions, newest first: `{ items, links, rateLimit }`.
    #[napi(
        ts_args_type = "packageType: PackageType, packageName: string, options?: ListPackageVersionsOptions",
        ts_return_type = "Promise<Page<PackageVersion>>"
    )]
    pub fn list_package_versions<'env>(
        &self,
        env: &'env Env,
        package_type: Unknown,
        package_name: Unknown,
        options: Option<Unknown>,
    ) -> Result<PromiseRaw<'env, Value>> {
        let target = package(env, package_type, package_name);
        let query = versions_query(env, options);
        let handle = self.handle.clone();
        spawn(env, async move {
            let (package_type, name) = target?;
            page(
                handle
                    .list_package_versions(package_type, &name, &query?)
                    .await?,
            )
        })
    }

    /// Every version of a package, read page by page:
    /// `for await (const v of owner.streamPackageVersions(...))`.
    #[napi(
        ts_args_type = "packageType: PackageType, packageName: string, options?: ListPackageVersionsOptions",
        ts_return_type = "AsyncIterable<PackageVersion>"
    )]
    pub fn stream_package_versions(
        &self,
        env: &Env,
        package_type: Unknown,
        package_name: Unknown,
        options: Option<Unknown>,
    ) -> ItemStream {
        let target = package(env, package_type, package_name);
        let query = versions_query(env, options);
        match target.and_then(|target| Ok((target, query?))) {
            Ok(((package_type, name), query)) => ItemStream::new(
                self.handle
                    .stream_package_versions(package_type, &name, &query),
            ),
            Err(error) => ItemStream::failed(error),
        }
    }

    /// Every version of a package, collected into an array.
    #[napi(
        ts_args_type = "packageType: PackageType, packageName: string, options?: ListPackageVersionsOptions",
        ts_return_type = "Promise<PackageVersion[]>"
    )]
    pub fn list_all_package_versions<'env>(
        &self,
        env: &'env Env,
        package_type: Unknown,
        package_name: Unknown,
        options: Option<Unknown>,
    ) -> Result<PromiseRaw<'env, JsonText>> {
        let target = package(env, package_type, package_name);
        let query = versions_query(env, options);
        let handle = self.handle.clone();
        spawn(env, async move {
            let (package_type, name) = target?;
            json_text(
                &handle
                    .list_all_package_versions(package_type, &name, &query?)
                    .await?,
            )
        })
    }

    /// One version of a package.
    #[napi(
        ts_args_type = "packageType: PackageType, packageName: string, versionId: number",
        ts_return_type = "Promise<PackageVersion>"
    )]
    pub fn get_package_version<'env>(
        &self,
        env: &'env Env,
        package_type: Unknown,
        package_name: Unknown,
        version_id: Unknown,
    ) -> Result<PromiseRaw<'env, JsonText>> {
        let target = version(env, package_type, package_name, version_id);
        let handle = self.handle.clone();
        spawn(env, async move {
            let (package_type, name, id) = target?;
            json_text(&handle.get_package_version(package_type, &name, id).await?)
        })
    }

    /// Deletes a version; it can be restored for 30 days.
    #[napi(
        ts_args_type = "packageType: PackageType, packageName: string, versionId: number",
        ts_return_type = "Promise<void>"
    )]
    pub fn delete_package_version<'env>(
        &self,
        env: &'env Env,
        package_type: Unknown,
        package_name: Unknown,
        version_id: Unknown,
    ) -> Result<PromiseRaw<'env, ()>> {
        let target = version(env, package_type, package_name, version_id);
        let handle = self.handle.clone();
        spawn(env, async move {
            let (package_type, name, id) = target?;
            handle.delete_package_version(package_type, &name, id).await
        })
    }

    /// Restores a version deleted within the last 30 days.
    #[napi(
        ts_args_type = "packageType: PackageType, packageName: string, versionId: number",
        ts_return_type = "Promise<void>"
    )]
    pub fn restore_package_version<'env>(
        &self,
        env: &'env Env,
        package_type: Unknown,
        package_name: Unknown,
        version_id: Unknown,
    ) -> Result<PromiseRaw<'env, ()>> {
        let target = version(env, package_type, package_name, version_id);
        let handle = self.handle.clone();
        spawn(env, async move {
            let (package_type, name, id) = target?;
            handle
                .restore_package_version(package_type, &name, id)
                .await
        })
    }

    /// Packages that conflict with the Docker registry's migration to the
    /// Container registry.
    #[napi(ts_return_type = "Promise<Package[]>")]
    pub fn list_docker_migration_conflicts<'env>(
        &self,
        env: &'env Env,
    ) -> Result<PromiseRaw<'env, Value>> {
        let handle = self.handle.clone();
        spawn(env, async move {
            json(&handle.list_docker_migration_conflicts().await?)
        })
    }
}

type PackageTarget = ghpackages::Result<(ghpackages::PackageType, String)>;

fn package(env: &Env, package_type: Unknown, package_name: Unknown) -> PackageTarget {
    Ok((
        args::package_type(env, package_type)?,
        args::string(env, "packageName", package_name)?,
    ))
}

fn version(
    env: &Env,
    package_type: Unknown,
    package_name: Unknown,
    version_id: Unknown,
) -> ghpackages::Result<(ghpackages::PackageType, String, u64)> {
    let (package_type, name) = package(env, package_type, package_name)?;
    Ok((package_type, name, args::version_id(env, version_id)?))
}

fn versions_query(
    env: &Env,
    options: Option<Unknown>,
) -> ghpackages::Result<ghpackages::ListVersionsOptions> {
    args::options(env, "options", options, &[])
}

fn packages_query(
    env: &Env,
    package_type: Unknown,
    options: Option<Unknown>,
) -> ghpackages::Result<ghpackages::ListPackagesOptions> {
    let package_type = args::package_type(env, package_type)?;
    args::options(
        env,
        "options",
        options,
        &[("package_type", Value::from(package_type.as_str()))],
    )
}

/// `{ token? }` of `restorePackage`: GitHub's `token` query parameter.
#[derive(Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct RestoreOptions {
    token: Option<String>,
}
