//! Client for the GitHub Packages REST API.
#![warn(missing_docs)]

pub mod cleanup;
pub mod client;
pub mod config;
pub mod error;
pub mod models;
pub mod owner;
pub mod pagination;
pub mod rate_limit;
pub mod types;

mod base_url;
mod http;
mod http_error;
mod links;
mod page_stream;
mod paths;
mod retry;
mod secret;
mod validate;

pub use client::{Client, ClientBuilder};
pub use config::{RetryPolicy, DEFAULT_API_VERSION, DEFAULT_BASE_URL};
pub use error::{Error, ErrorKind, Result};
pub use models::{
    ContainerMetadata, DockerMetadata, MinimalRepository, Package, PackageVersion,
    PackageVersionMetadata, SimpleUser,
};
pub use owner::Owner;
pub use pagination::{Links, ListPackagesOptions, ListVersionsOptions, Page};
pub use rate_limit::RateLimit;
pub use types::{PackageType, VersionState, Visibility};
