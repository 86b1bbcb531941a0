//! The registry side of container packages: a small client of the OCI
//! distribution API, enough to read how a package's manifests link to each
//! other (multi-platform indexes and their children, signatures and
//! attestations and the images they refer to).
//!
//! The REST API lists a container package's versions (one per manifest) but
//! not these links; the registry (`ghcr.io`, or `containers.HOST` on GitHub
//! Enterprise Server) serves them. [`RegistryClient`] does the token
//! handshake (`/token` with the user's token, scoped
//! `repository:OWNER/NAME:pull`) and fetches manifests by digest with the OCI
//! index, OCI manifest and Docker manifest-list media types, concurrently
//! (bounded) and at most once per digest: each fetch counts as a download on
//! GitHub.

mod address;
mod client;
mod manifest;

pub(crate) use address::RegistryBase;
pub use client::{repository_name, RegistryClient, DEFAULT_REGISTRY_CONCURRENCY};
pub use manifest::{
    is_digest, referrer_tag_subject, Child, Manifest, ACCEPTED_MEDIA_TYPES, DOCKER_MANIFEST,
    DOCKER_MANIFEST_LIST, OCI_INDEX, OCI_MANIFEST,
};
