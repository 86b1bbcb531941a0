//! [`OwnerHandle`]: the operations of one owner, so callers name the owner
//! once (`client.org("octo-org").get_package(...)`).

use futures::stream::BoxStream;

use super::Client;
use crate::error::Result;
use crate::models::{Package, PackageVersion};
use crate::owner::Owner;
use crate::package_ref::PackageRef;
use crate::pagination::{ListPackagesOptions, ListVersionsOptions, Page};
use crate::types::PackageType;

/// The packages of one owner on one client. Cheap to clone; every method is
/// the [`Client`] operation of the same name with this owner.
#[derive(Debug, Clone)]
pub struct OwnerHandle {
    client: Client,
    owner: Owner,
}

impl Client {
    /// The packages of `owner`.
    pub fn owner(&self, owner: Owner) -> OwnerHandle {
        OwnerHandle {
            client: self.clone(),
            owner,
        }
    }

    /// The packages of organization `org` (`/orgs/{org}/...`).
    pub fn org(&self, org: impl Into<String>) -> OwnerHandle {
        self.owner(Owner::org(org))
    }

    /// The packages of user `username` (`/users/{username}/...`).
    pub fn user(&self, username: impl Into<String>) -> OwnerHandle {
        self.owner(Owner::user(username))
    }

    /// The packages of the user the token belongs to (`/user/...`).
    pub fn me(&self) -> OwnerHandle {
        self.owner(Owner::AuthenticatedUser)
    }
}

impl OwnerHandle {
    /// The owner.
    pub fn owner(&self) -> &Owner {
        &self.owner
    }

    /// The client.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// A reference to this owner's package `name` of `package_type`.
    pub fn package(&self, package_type: PackageType, name: impl Into<String>) -> PackageRef {
        PackageRef::new(self.owner.clone(), package_type, name)
    }

    /// See [`Client::list_packages`].
    pub async fn list_packages(&self, options: &ListPackagesOptions) -> Result<Page<Package>> {
        self.client.list_packages(&self.owner, options).await
    }

    /// See [`Client::stream_packages`].
    pub fn stream_packages(
        &self,
        options: &ListPackagesOptions,
    ) -> BoxStream<'static, Result<Package>> {
        self.client.stream_packages(&self.owner, options)
    }

    /// See [`Client::list_all_packages`].
    pub async fn list_all_packages(&self, options: &ListPackagesOptions) -> Result<Vec<Package>> {
        self.client.list_all_packages(&self.owner, options).await
    }

    /// See [`Client::get_package`].
    pub async fn get_package(&self, package_type: PackageType, name: &str) -> Result<Package> {
        self.client
            .get_package(&self.owner, package_type, name)
            .await
    }

    /// See [`Client::delete_package`].
    pub async fn delete_package(&self, package_type: PackageType, name: &str) -> Result<()> {
        self.client
            .delete_package(&self.owner, package_type, name)
            .await
    }

    /// See [`Client::restore_package`].
    pub async fn restore_package(
        &self,
        package_type: PackageType,
        name: &str,
        token: Option<&str>,
    ) -> Result<()> {
        self.client
            .restore_package(&self.owner, package_type, name, token)
            .await
    }

    /// See [`Client::list_package_versions`].
    pub async fn list_package_versions(
        &self,
        package_type: PackageType,
        name: &str,
        options: &ListVersionsOptions,
    ) -> Result<Page<PackageVersion>> {
        self.client
            .list_package_versions(&self.owner, package_type, name, options)
            .await
    }

    /// See [`Client::stream_package_versions`].
    pub fn stream_package_versions(
        &self,
        package_type: PackageType,
        name: &str,
        options: &ListVersionsOptions,
    ) -> BoxStream<'static, Result<PackageVersion>> {
        self.client
            .stream_package_versions(&self.owner, package_type, name, options)
    }

    /// See [`Client::list_all_package_versions`].
    pub async fn list_all_package_versions(
        &self,
        package_type: PackageType,
        name: &str,
        options: &ListVersionsOptions,
    ) -> Result<Vec<PackageVersion>> {
        self.client
            .list_all_package_versions(&self.owner, package_type, name, options)
            .await
    }

    /// See [`Client::get_package_version`].
    pub async fn get_package_version(
        &self,
        package_type: PackageType,
        name: &str,
        version_id: u64,
    ) -> Result<PackageVersion> {
        self.client
            .get_package_version(&self.owner, package_type, name, version_id)
            .await
    }

    /// See [`Client::delete_package_version`].
    pub async fn delete_package_version(
        &self,
        package_type: PackageType,
        name: &str,
        version_id: u64,
    ) -> Result<()> {
        self.client
            .delete_package_version(&self.owner, package_type, name, version_id)
            .await
    }

    /// See [`Client::restore_package_version`].
    pub async fn restore_package_version(
        &self,
        package_type: PackageType,
        name: &str,
        version_id: u64,
    ) -> Result<()> {
        self.client
            .restore_package_version(&self.owner, package_type, name, version_id)
            .await
    }

    /// See [`Client::list_docker_migration_conflicts`].
    pub async fn list_docker_migration_conflicts(&self) -> Result<Vec<Package>> {
        self.client
            .list_docker_migration_conflicts(&self.owner)
            .await
    }
}
