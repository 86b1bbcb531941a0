//! After a prune: pull the manifest graph of every tag still in a container
//! package and report any manifest an index lists that the registry no
//! longer has.

use std::collections::{BTreeMap, BTreeSet};

use futures::stream::{self, StreamExt};
use serde::{Deserialize, Serialize};

use crate::cleanup::package::owner_login;
use crate::client::Client;
use crate::error::{ErrorKind, Result};
use crate::owner::Owner;
use crate::pagination::ListVersionsOptions;
use crate::registry::{repository_name, RegistryClient, DEFAULT_REGISTRY_CONCURRENCY};
use crate::types::PackageType;

/// How [`validate_package`] runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ValidateOptions {
    /// Manifests fetched at once (default 8).
    pub concurrency: usize,
}

impl Default for ValidateOptions {
    fn default() -> Self {
        ValidateOptions {
            concurrency: DEFAULT_REGISTRY_CONCURRENCY,
        }
    }
}

/// A manifest an index lists but the registry does not have.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MissingManifest {
    /// The missing manifest's digest.
    pub digest: String,
    /// The index that lists it; `None` when a tag's own manifest is missing.
    pub parent: Option<String>,
    /// The tags whose graph it belongs to.
    pub tags: Vec<String>,
}

/// A manifest that could not be read for another reason than being missing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnreadableManifest {
    /// Its digest.
    pub digest: String,
    /// The error kind's name (`forbidden`, `server`, ...).
    pub kind: String,
    /// The error.
    pub message: String,
}

/// The result of [`validate_package`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidationReport {
    /// The registry repository checked (`owner/name`).
    pub repository: String,
    /// Tags whose graph was pulled.
    pub tags: usize,
    /// Distinct manifests checked.
    pub manifests: usize,
    /// Manifest fetches made (each counts as a download).
    pub fetched: usize,
    /// Listed manifests the registry does not have.
    pub missing: Vec<MissingManifest>,
    /// Manifests that could not be read.
    pub unreadable: Vec<UnreadableManifest>,
}

impl ValidationReport {
    /// Whether every tag's graph is whole and was read.
    pub fn is_complete(&self) -> bool {
        self.missing.is_empty() && self.unreadable.is_empty()
    }
}

/// Pulls the manifest graph of every tag of a container package's active
/// versions: resolves each tag in the registry with a `HEAD` (no download),
/// then fetches each tagged manifest and, level by level, every manifest an
/// index lists, each digest once. A tag the registry does not know (reported
/// under its version's digest) or a listed manifest that is missing is in
/// `missing`; other failures in `unreadable`.
pub async fn validate_package(
    client: &Client,
    owner: &Owner,
    name: &str,
    options: &ValidateOptions,
) -> Result<ValidationReport> {
    let package = client
        .get_package(owner, PackageType::Container, name)
        .await?;
    let versions = client
        .list_all_package_versions(
            owner,
            PackageType::Container,
            name,
            &ListVersionsOptions::default(),
        )
        .await?;
    let repository = repository_name(owner_login(owner, &package), &package.name);
    let registry = RegistryClient::new(client).with_concurrency(options.concurrency);
    let tagged: Vec<(String, String)> = versions
        .iter()
        .flat_map(|version| {
            let tags = version
                .metadata
                .as_ref()
                .and_then(|m| m.container.as_ref())
                .map(|c| c.tags.clone())
                .unwrap_or_default();
            tags.into_iter().map(|tag| (tag, version.name.clone()))
        })
        .collect();
    let resolved: Vec<(String, String, Result<String>)> = stream::iter(tagged.iter().cloned())
        .map(|(tag, listed)| {
            let registry = &registry;
            let repository = &repository;
            async move {
                let digest = registry.resolve(repository, &tag).await;
                (tag, listed, digest)
            }
        })
        .buffer_unordered(options.concurrency.max(1))
        .collect()
        .await;
    let mut missing = Vec::new();
    let mut unreadable = Vec::new();
    // The tags each root manifest serves.
    let mut roots: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (tag, listed, digest) in resolved {
        match digest {
            Ok(digest) => roots.entry(digest).or_default().push(tag),
            Err(error) if error.kind() == ErrorKind::NotFound => missing.push(MissingManifest {
                digest: listed,
                parent: None,
                tags: vec![tag],
            }),
            Err(error) => unreadable.push(UnreadableManifest {
                digest: listed,
                kind: error.kind().name().to_owned(),
                message: error.to_string(),
            }),
        }
    }
    for tags in roots.values_mut() {
        tags.sort();
    }
    let mut seen: BTreeSet<String> = roots.keys().cloned().collect();
    let mut level: Vec<(String, Option<String>, Vec<String>)> = roots
        .into_iter()
        .map(|(digest, tags)| (digest, None, tags))
        .collect();
    let mut report = ValidationReport {
        repository: repository.clone(),
        tags: tagged.len(),
        manifests: 0,
        fetched: 0,
        missing,
        unreadable,
    };
    while !level.is_empty() {
        let digests: Vec<String> = level.iter().map(|(d, _, _)| d.clone()).collect();
        let results = registry.manifests(&repository, &digests).await;
        let mut next = Vec::new();
        for ((digest, parent, tags), (_, result)) in level.into_iter().zip(results) {
            report.manifests += 1;
            match result {
                Ok(manifest) => {
                    for child in &manifest.children {
                        if seen.insert(child.digest.clone()) {
                            next.push((child.digest.clone(), Some(digest.clone()), tags.clone()));
                        }
                    }
                }
                Err(error) if error.kind() == ErrorKind::NotFound => {
                    report.missing.push(MissingManifest {
                        digest,
                        parent,
                        tags,
                    });
                }
                Err(error) => report.unreadable.push(UnreadableManifest {
                    digest,
                    kind: error.kind().name().to_owned(),
                    message: error.to_string(),
                }),
            }
        }
        level = next;
    }
    report.fetched = registry.fetch_count();
    Ok(report)
}
