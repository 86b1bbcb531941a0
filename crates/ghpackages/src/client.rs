//! The client: one connection pool, all 27 operations through [`Owner`].

use std::sync::Arc;
use std::time::Duration;

use futures::stream::BoxStream;

use crate::config::RetryPolicy;
use crate::error::Result;
use crate::models::{Package, PackageVersion};
use crate::owner::Owner;
use crate::pagination::{ListPackagesOptions, ListVersionsOptions, Page};
use crate::rate_limit::RateLimit;
use crate::types::PackageType;

/// Builds a [`Client`].
#[derive(Clone, Default)]
pub struct ClientBuilder {
    base_url: Option<String>,
    token: Option<String>,
    token_from_env: Option<bool>,
    api_version: Option<String>,
    user_agent: Option<String>,
    connect_timeout: Option<Duration>,
    timeout: Option<Duration>,
    retry: Option<RetryPolicy>,
    page_concurrency: Option<usize>,
    allow_insecure_http: bool,
}

impl ClientBuilder {
    /// A builder with every setting at its default.
    pub fn new() -> Self {
        ClientBuilder::default()
    }

    /// API base URL: `https://api.github.com` (default), or a GitHub
    /// Enterprise Server as `https://HOST/api/v3` or `https://HOST`.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The token to authenticate with. Without one, `GITHUB_TOKEN` then
    /// `GH_TOKEN` are read, unless [`ClientBuilder::token_from_env`] is off.
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// Whether to read `GITHUB_TOKEN`/`GH_TOKEN` when no token is given (default on).
    pub fn token_from_env(mut self, enabled: bool) -> Self {
        self.token_from_env = Some(enabled);
        self
    }

    /// `X-GitHub-Api-Version` to send (default `2022-11-28`).
    pub fn api_version(mut self, version: impl Into<String>) -> Self {
        self.api_version = Some(version.into());
        self
    }

    /// `User-Agent` to send (default `ghpackages-rust/VERSION`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Timeout to establish a connection.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Timeout of one whole request (each attempt).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Retry policy (default [`RetryPolicy::default`]).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// How many pages are fetched at once when listing everything (default 8).
    pub fn page_concurrency(mut self, pages: usize) -> Self {
        self.page_concurrency = Some(pages);
        self
    }

    /// Allow sending the token over plain `http://` to a non-loopback host.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Validates the settings and builds the client.
    pub fn build(self) -> Result<Client> {
        todo!()
    }
}

/// A client of the GitHub Packages API. Cheap to clone; clones share one
/// connection pool and one rate-limit state.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {}

impl Client {
    /// A builder.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// A client with default settings and the token from the environment.
    pub fn new() -> Result<Client> {
        ClientBuilder::new().build()
    }

    /// The normalized API base URL (no trailing slash).
    pub fn base_url(&self) -> &str {
        todo!()
    }

    /// Whether a token is configured.
    pub fn has_token(&self) -> bool {
        todo!()
    }

    /// The rate-limit state of the last response received, if any.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        todo!()
    }

    /// The classic scopes of the token (`X-OAuth-Scopes`) as last reported by
    /// GitHub; `None` until a response carried the header.
    pub fn token_scopes(&self) -> Option<Vec<String>> {
        todo!()
    }

    /// One page of packages. Operation ids `packages/list-packages-for-organization`,
    /// `packages/list-packages-for-user`, `packages/list-packages-for-authenticated-user`.
    pub async fn list_packages(
        &self,
        owner: &Owner,
        options: &ListPackagesOptions,
    ) -> Result<Page<Package>> {
        todo!()
    }

    /// Every package, as a stream in GitHub's order (pages fetched concurrently
    /// when the last page is known). `options.page` is the first page to read.
    pub fn packages_stream(
        &self,
        owner: &Owner,
        options: &ListPackagesOptions,
    ) -> BoxStream<'static, Result<Package>> {
        todo!()
    }

    /// Every package, collected.
    pub async fn list_all_packages(
        &self,
        owner: &Owner,
        options: &ListPackagesOptions,
    ) -> Result<Vec<Package>> {
        todo!()
    }

    /// One package. Operation ids `packages/get-package-for-organization`, ...
    pub async fn get_package(
        &self,
        owner: &Owner,
        package_type: PackageType,
        name: &str,
    ) -> Result<Package> {
        todo!()
    }

    /// Deletes a package (restorable for 30 days).
    pub async fn delete_package(
        &self,
        owner: &Owner,
        package_type: PackageType,
        name: &str,
    ) -> Result<()> {
        todo!()
    }

    /// Restores a deleted package, optionally with the `token` query parameter.
    pub async fn restore_package(
        &self,
        owner: &Owner,
        package_type: PackageType,
        name: &str,
        token: Option<&str>,
    ) -> Result<()> {
        todo!()
    }

    /// One page of versions, newest first.
    pub async fn list_package_versions(
        &self,
        owner: &Owner,
        package_type: PackageType,
        name: &str,
        options: &ListVersionsOptions,
    ) -> Result<Page<PackageVersion>> {
        todo!()
    }

    /// Every version, as a stream in GitHub's order.
    pub fn package_versions_stream(
        &self,
        owner: &Owner,
        package_type: PackageType,
        name: &str,
        options: &ListVersionsOptions,
    ) -> BoxStream<'static, Result<PackageVersion>> {
        todo!()
    }

    /// Every version, collected.
    pub async fn list_all_package_versions(
        &self,
        owner: &Owner,
        package_type: PackageType,
        name: &str,
        options: &ListVersionsOptions,
    ) -> Result<Vec<PackageVersion>> {
        todo!()
    }

    /// One version.
    pub async fn get_package_version(
        &self,
        owner: &Owner,
        package_type: PackageType,
        name: &str,
        version_id: u64,
    ) -> Result<PackageVersion> {
        todo!()
    }

    /// Deletes a version (restorable for 30 days).
    pub async fn delete_package_version(
        &self,
        owner: &Owner,
        package_type: PackageType,
        name: &str,
        version_id: u64,
    ) -> Result<()> {
        todo!()
    }

    /// Restores a deleted version.
    pub async fn restore_package_version(
        &self,
        owner: &Owner,
        package_type: PackageType,
        name: &str,
        version_id: u64,
    ) -> Result<()> {
        todo!()
    }

    /// Packages that conflict with the Docker migration.
    pub async fn list_docker_migration_conflicts(&self, owner: &Owner) -> Result<Vec<Package>> {
        todo!()
    }
}
