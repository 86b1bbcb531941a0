//! Planning a package in one call: its facts and versions from the REST
//! API, its manifest graph from the registry when it is a container, then
//! the pure planner. Bindings and the CLI call this rather than repeating it.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::cleanup::graph::{GraphStatus, GraphSummary, ManifestGraph};
use crate::cleanup::in_use::{in_use_by, KeepRef};
use crate::cleanup::plan::{plan_with, plan_with_graph, PackageFacts, Plan};
use crate::cleanup::policy::Policy;
use crate::client::Client;
use crate::error::{ErrorKind, Result};
use crate::models::Package;
use crate::owner::Owner;
use crate::pagination::ListVersionsOptions;
use crate::registry::{is_digest, repository_name, RegistryClient, DEFAULT_REGISTRY_CONCURRENCY};
use crate::types::PackageType;

/// How [`plan_package`] plans. Serializes to and from JSON like a policy
/// (`{"manifest_graph": true, "delete_referenced": true, "concurrency": 8,
/// "downloads": {"100001": 42}}`); every field is optional.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PlanOptions {
    /// For container packages, read the manifest graph from the registry and
    /// apply its rules (on by default). Off, a container is planned from its
    /// versions alone, which can break multi-platform images.
    pub manifest_graph: bool,
    /// Deleting a manifest also deletes what only it holds: the children of
    /// a deleted index, the signatures of a deleted image (on by default).
    pub delete_referenced: bool,
    /// Manifests fetched at once (default 8).
    pub concurrency: usize,
    /// Download counts by version id, for `max_downloads` and GitHub's
    /// 5,000-downloads rule (the REST API does not report them).
    pub downloads: BTreeMap<u64, u64>,
    /// Versions in use, kept with their manifest graph: the references of
    /// [`read_references`](crate::cleanup::read_references), or tags and
    /// digests given one by one ([`KeepRef::tag`], [`KeepRef::digest`]);
    /// [`keep_refs`](crate::cleanup::keep_refs) makes it from all three.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub keep: Vec<KeepRef>,
}

impl Default for PlanOptions {
    fn default() -> Self {
        PlanOptions {
            manifest_graph: true,
            delete_referenced: true,
            concurrency: DEFAULT_REGISTRY_CONCURRENCY,
            downloads: BTreeMap::new(),
            keep: Vec::new(),
        }
    }
}

/// Plans a cleanup of one package: reads the package (its visibility) and
/// every active version, and for a container package whose policy deletes
/// anything, its manifest graph (each manifest fetched once, at most
/// `concurrency` at once); then plans with [`plan_with_graph`], or
/// [`plan_with`] for other registries. A graph that cannot be read (a
/// registry error, a manifest that is missing or not understood) does not
/// fail the call: the plan deletes nothing and its `graph` says why.
pub async fn plan_package(
    client: &Client,
    owner: &Owner,
    package_type: PackageType,
    name: &str,
    policy: &Policy,
    options: &PlanOptions,
) -> Result<Plan> {
    plan_package_at(
        client,
        owner,
        package_type,
        name,
        policy,
        options,
        Utc::now(),
    )
    .await
}

/// [`plan_package`] with ages measured from `now`, so that the packages of
/// one run share it.
pub(crate) async fn plan_package_at(
    client: &Client,
    owner: &Owner,
    package_type: PackageType,
    name: &str,
    policy: &Policy,
    options: &PlanOptions,
    now: DateTime<Utc>,
) -> Result<Plan> {
    let package = client.get_package(owner, package_type, name).await?;
    let versions = client
        .list_all_package_versions(owner, package_type, name, &ListVersionsOptions::default())
        .await?;
    let facts = PackageFacts {
        visibility: Some(package.visibility),
        downloads: options.downloads.clone(),
        in_use: in_use_by(&options.keep, owner_login(owner, &package), &package.name),
    };
    let plan = plan_with(&versions, &facts, policy, now);
    if package_type != PackageType::Container || !options.manifest_graph {
        return Ok(plan);
    }
    if plan.delete_count() == 0 {
        return Ok(Plan {
            graph: Some(GraphSummary {
                status: GraphStatus::NotNeeded,
                manifests: 0,
                fetched: 0,
                delete_referenced: options.delete_referenced,
                error: None,
            }),
            ..plan
        });
    }
    let registry = RegistryClient::new(client).with_concurrency(options.concurrency);
    let repository = repository_name(owner_login(owner, &package), &package.name);
    let named: Vec<(u64, &str)> = versions.iter().map(|v| (v.id, v.name.as_str())).collect();
    let graph = read_graph(&registry, &repository, &named).await;
    let mut plan = plan_with_graph(
        &versions,
        &facts,
        policy,
        &graph,
        options.delete_referenced,
        now,
    );
    if let Some(summary) = &mut plan.graph {
        summary.fetched = registry.fetch_count();
    }
    Ok(plan)
}

/// The login the package's registry repository is named after.
pub(crate) fn owner_login<'a>(owner: &'a Owner, package: &'a Package) -> &'a str {
    match (owner, &package.owner) {
        (Owner::Org(login) | Owner::User(login), _) => login,
        (Owner::AuthenticatedUser, Some(user)) => &user.login,
        (Owner::AuthenticatedUser, None) => "",
    }
}

/// The manifest of every version (id and name), by its digest (the
/// version's name); the first failure makes the whole graph unreadable.
pub(crate) async fn read_graph(
    registry: &RegistryClient,
    repository: &str,
    versions: &[(u64, &str)],
) -> ManifestGraph {
    if let Some((id, name)) = versions.iter().find(|(_, name)| !is_digest(name)) {
        return ManifestGraph::unreadable(format!(
            "version {id} is named {name:?}, not a manifest digest"
        ));
    }
    if repository.starts_with('/') {
        return ManifestGraph::unreadable("the package's owner is unknown");
    }
    let digests: Vec<String> = versions
        .iter()
        .map(|(_, name)| (*name).to_owned())
        .collect();
    let mut graph = ManifestGraph::default();
    for (_, fetched) in registry.manifests(repository, &digests).await {
        match fetched {
            Ok(manifest) => graph.insert(&manifest),
            Err(error)
                if registry.uses_app_token()
                    && matches!(
                        error.kind(),
                        ErrorKind::NotFound | ErrorKind::Unauthorized | ErrorKind::Forbidden
                    ) =>
            {
                return ManifestGraph::unreadable(format!(
                    "the GitHub App's installation token cannot read the registry manifests of {repository} \
                     (GitHub's container registry gives installation tokens public images only; the registry said: {error}); \
                     plan with a personal access token (classic) with read:packages, \
                     or without the manifest graph (ghpkg --no-manifest-graph, manifest_graph off in the libraries)"
                ));
            }
            Err(error) => return ManifestGraph::unreadable(error.to_string()),
        }
    }
    graph
}
