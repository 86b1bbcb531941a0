//! Client for the GitHub Packages REST API (github.com and GitHub Enterprise
//! Server): all 27 operations of the org, user and authenticated-user
//! families, on tokio and reqwest (rustls).
//!
//! - One [`Client`] (one connection pool, cheap to clone) serves every
//!   [`Owner`]: `Owner::org("octo-org")`, `Owner::user("octocat")` or
//!   `Owner::AuthenticatedUser`.
//! - Arguments are checked before anything is sent: a bad owner, package
//!   name, version id or page is an [`ErrorKind::InvalidInput`] error naming
//!   the argument (`Error::argument`).
//! - Lists come one [`Page`] at a time (with the parsed `Link` relations) or as
//!   a stream of every item; when GitHub says how many pages there are, the
//!   stream fetches them concurrently ([`ClientBuilder::page_concurrency`]) and
//!   still yields items in GitHub's order.
//! - Failures are one [`Error`] type whose [`Error::kind`] has a stable name
//!   (`not_found`, `rate_limited`, ...), with the status, GitHub's message,
//!   documentation URL, request id and rate-limit state.
//! - Connection failures, 500/502/503/504, 429 and rate-limit 403s are retried
//!   with exponential backoff and jitter, honouring `Retry-After` and
//!   `X-RateLimit-Reset` ([`RetryPolicy`]).
//! - Or it authenticates as a GitHub App installation ([`GitHubApp`]):
//!   installation tokens are exchanged, cached and renewed by the client.
//! - The token never appears in `Debug` output, errors or logs, and is not
//!   sent over plain `http://` except to loopback hosts, unless allowed with
//!   [`ClientBuilder::allow_insecure_http`].
//!
//! ```no_run
//! use futures::TryStreamExt;
//! use ghpackages::{Client, ErrorKind, ListVersionsOptions, Owner, PackageType};
//!
//! # async fn run() -> ghpackages::Result<()> {
//! // The token comes from GITHUB_TOKEN or GH_TOKEN unless given here.
//! let client = Client::builder()
//!     .base_url("https://ghes.example.com") // GitHub Enterprise Server: /api/v3 is added
//!     .build()?;
//! let org = Owner::org("octo-org");
//!
//! // Every version of a container image, newest first.
//! let mut versions =
//!     client.stream_package_versions(&org, PackageType::Container, "octo-org/app", &ListVersionsOptions::default());
//! while let Some(version) = versions.try_next().await? {
//!     let untagged = version
//!         .metadata
//!         .as_ref()
//!         .and_then(|metadata| metadata.container.as_ref())
//!         .is_some_and(|container| container.tags.is_empty());
//!     if untagged {
//!         match client
//!             .delete_package_version(&org, PackageType::Container, "octo-org/app", version.id)
//!             .await
//!         {
//!             Ok(()) => println!("deleted {}", version.name),
//!             // Someone else deleted it meanwhile.
//!             Err(error) if error.kind() == ErrorKind::NotFound => {}
//!             Err(error) => return Err(error),
//!         }
//!     }
//! }
//! # Ok(())
//! # }
//! ```
#![warn(missing_docs)]

pub mod app;
pub mod cleanup;
pub mod client;
pub mod config;
pub mod error;
pub mod models;
pub mod options;
pub mod owner;
pub mod package_ref;
pub mod pagination;
pub mod rate_limit;
pub mod rate_limit_wait;
pub mod registry;
pub mod types;

mod arguments;
mod base_url;
mod http;
mod http_error;
mod links;
mod page_stream;
mod paths;
mod retry;
mod secret;

pub use app::{AppConfig, AppInstallation, AppInstallationInfo, GitHubApp};
pub use client::{Client, ClientBuilder, OwnerHandle};
pub use config::{
    BaseUrlSource, ClientConfig, RetryPolicy, TokenSource, BASE_URL_VARIABLE, DEFAULT_API_VERSION,
    DEFAULT_BASE_URL,
};
pub use error::{Error, ErrorKind, Result};
#[doc(hidden)]
pub use http_error::error_from_http_response;
pub use models::{
    ContainerMetadata, DockerMetadata, MinimalRepository, Package, PackageVersion,
    PackageVersionMetadata, SimpleUser,
};
pub use owner::Owner;
pub use package_ref::{OwnerType, PackageRef};
pub use pagination::{Links, ListPackagesOptions, ListVersionsOptions, Page};
pub use rate_limit::RateLimit;
pub use rate_limit_wait::{RateLimitReason, RateLimitWait};
pub use secret::{looks_like_secret, secret_file_in_error, unreadable_secret_file, Secret};
pub use types::{PackageType, VersionState, Visibility};

/// The examples of the crate's README as doctests, so they stay true: the
/// list and undo examples run against the demo emulator, the container one
/// (which needs a registry) is compiled.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

/// The Rust example of the repository's README, run against the demo emulator.
#[doc = include_str!("../../../README.md")]
#[cfg(doctest)]
pub struct RepositoryReadmeDoctests;
