//! Applying a saved plan: only what is unchanged since the plan is deleted.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

use futures::stream::{self, StreamExt, TryStreamExt};
use serde::{Deserialize, Serialize};

use crate::cleanup::execute::{self, Batch, ExecuteOptions};
use crate::cleanup::graph::{GraphStatus, ManifestGraph};
use crate::cleanup::package::read_graph;
use crate::cleanup::packages::{PackagePlan, PackagesPlan, PackagesReport, PLAN_FORMAT_VERSION};
use crate::cleanup::plan::{version_tags, Action, Decision};
use crate::cleanup::progress::Progress;
use crate::client::Client;
use crate::error::{Error, ErrorKind, Result};
use crate::models::PackageVersion;
use crate::owner::Owner;
use crate::pagination::ListVersionsOptions;
use crate::registry::{referrer_tag_subject, repository_name, RegistryClient};
use crate::types::PackageType;

/// Packages listed at once while checking a plan.
const PACKAGES_AT_ONCE: usize = 4;

/// A planned deletion that applying the plan did not make, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkippedVersion {
    /// The package's name.
    pub package: String,
    /// The version's id.
    pub version_id: u64,
    /// The version's name, as planned.
    pub name: String,
    /// Why it was not deleted.
    pub reason: String,
}

impl PackagesPlan {
    /// Refuses a plan this client must not apply: another format version,
    /// another server than the client's, or (when `owner` is given) another
    /// owner. `invalid_input` errors (argument `plan`) say which.
    pub fn check_target(&self, client: &Client, owner: Option<&Owner>) -> Result<()> {
        let bad = |message: String| Err(Error::invalid_input("plan", message));
        if self.format_version != PLAN_FORMAT_VERSION {
            return bad(format!(
                "plan format version {} is not supported (this is version {PLAN_FORMAT_VERSION})",
                self.format_version
            ));
        }
        if self.api_url != client.base_url() {
            return bad(format!(
                "the plan was made on {}, but the client is aimed at {}",
                self.api_url,
                client.base_url()
            ));
        }
        let planned = self.owner()?;
        match owner {
            Some(owner) if *owner != planned => bad(format!(
                "the plan is for {} {planned}, not {owner}",
                match planned {
                    Owner::Org(_) => "organization",
                    _ => "user",
                }
            )),
            _ => Ok(()),
        }
    }
}

/// What applying `plan` now would skip, and why: each planned deletion whose
/// version is gone or changed since the plan (another name, tags added or
/// removed), and, in a container package, what such a version holds
/// (platform manifests, signatures: their holder is no longer deleted with
/// them). In a container package planned with its manifest graph, versions
/// pushed after the plan (in none of its decisions) are read too, and what
/// they refer to is kept, transitively: the manifests a new index lists, the
/// manifest a new signature or attestation refers to, and what those hold;
/// if the graph cannot be read then, nothing in the package is deleted.
/// Reads each package's versions once (and for a container package with a
/// changed version, the manifests of its planned deletions; with a pushed
/// one, also the pushed manifests, each fetch a download on GitHub).
pub async fn check_plan(client: &Client, plan: &PackagesPlan) -> Result<Vec<SkippedVersion>> {
    let owner = plan.owner()?;
    let owner = &owner;
    // By index: closures over borrowed items would make the future not `Send`.
    let planned: Vec<usize> = (0..plan.packages.len())
        .filter(|&i| plan.packages[i].delete_count() > 0)
        .collect();
    let skipped: Vec<Vec<SkippedVersion>> = stream::iter(planned)
        .map(|i| async move {
            let package = &plan.packages[i];
            let versions = match client
                .list_all_package_versions(
                    owner,
                    plan.package_type,
                    &package.package,
                    &ListVersionsOptions::default(),
                )
                .await
            {
                Ok(versions) => versions,
                Err(error) if error.kind() == ErrorKind::NotFound => Vec::new(),
                Err(error) => return Err(error),
            };
            if versions.is_empty() {
                // GitHub removes a package with its last version: none
                // listed is a package that no longer exists by this name.
                return Ok(package_gone(package));
            }
            check_package(client, owner, plan.package_type, package, &versions).await
        })
        .buffered(PACKAGES_AT_ONCE)
        .try_collect()
        .await?;
    Ok(skipped.into_iter().flatten().collect())
}

/// Every planned deletion of `package`, skipped: no package of that name
/// exists now (renamed or deleted since the plan, or misnamed in the plan).
fn package_gone(package: &PackagePlan) -> Vec<SkippedVersion> {
    package
        .decisions
        .iter()
        .filter(|d| d.action == Action::Delete)
        .map(|d| SkippedVersion {
            package: package.package.clone(),
            version_id: d.version_id,
            name: d.name.clone(),
            reason: format!(
                "package {} not found (renamed or deleted since the plan, or misnamed in it)",
                package.package
            ),
        })
        .collect()
}

async fn check_package(
    client: &Client,
    owner: &Owner,
    package_type: PackageType,
    package: &PackagePlan,
    versions: &[PackageVersion],
) -> Result<Vec<SkippedVersion>> {
    let now: BTreeMap<u64, &PackageVersion> = versions.iter().map(|v| (v.id, v)).collect();
    let planned: Vec<&Decision> = package
        .decisions
        .iter()
        .filter(|d| d.action == Action::Delete)
        .collect();
    let mut skipped: BTreeMap<u64, String> = BTreeMap::new();
    for decision in &planned {
        if let Some(reason) = changed_since(decision, now.get(&decision.version_id).copied()) {
            skipped.insert(decision.version_id, reason);
        }
    }
    let changed: Vec<&Decision> = planned
        .iter()
        .copied()
        .filter(|d| skipped.contains_key(&d.version_id) && now.contains_key(&d.version_id))
        .collect();
    let pushed = if skipped.len() < planned.len() {
        pushed_since(package, versions)
    } else {
        Vec::new()
    };
    if package_type == PackageType::Container && (!changed.is_empty() || !pushed.is_empty()) {
        let repository = repository_of(client, owner, &package.package).await?;
        let registry = RegistryClient::new(client);
        let graph = if pushed.is_empty() {
            read_links(&registry, &repository, &planned).await
        } else {
            // What the new versions refer to, through what the plan deletes:
            // read as the planner reads a graph, failing closed.
            let present: Vec<(u64, &str)> = pushed
                .iter()
                .copied()
                .chain(
                    planned
                        .iter()
                        .filter_map(|d| now.get(&d.version_id).copied()),
                )
                .map(|v| (v.id, v.name.as_str()))
                .collect();
            read_graph(&registry, &repository, &present).await
        };
        let held = match &graph.unreadable {
            Some(error) => planned
                .iter()
                .map(|d| {
                    (
                        d.version_id,
                        format!(
                            "manifest graph unreadable with the versions pushed after the plan, \
                             nothing deleted here: {error}"
                        ),
                    )
                })
                .collect(),
            None => {
                let roots: Vec<Root<'_>> = changed
                    .iter()
                    .map(|d| Root {
                        name: &d.name,
                        pushed: None,
                    })
                    .chain(pushed.iter().map(|v| Root {
                        name: &v.name,
                        pushed: Some(v),
                    }))
                    .collect();
                held_by(&graph, &planned, &roots)
            }
        };
        for (id, reason) in held {
            skipped.entry(id).or_insert(reason);
        }
    }
    Ok(planned
        .iter()
        .filter_map(|d| {
            skipped.remove(&d.version_id).map(|reason| SkippedVersion {
                package: package.package.clone(),
                version_id: d.version_id,
                name: d.name.clone(),
                reason,
            })
        })
        .collect())
}

/// The container versions of `package` pushed since its plan (in none of
/// its decisions), when the plan used the manifest graph: what they refer
/// to must not be deleted.
fn pushed_since<'a>(
    package: &PackagePlan,
    versions: &'a [PackageVersion],
) -> Vec<&'a PackageVersion> {
    let used_graph = package
        .graph
        .as_ref()
        .is_some_and(|g| g.status == GraphStatus::Read);
    if !used_graph {
        return Vec::new();
    }
    let known: BTreeSet<u64> = package.decisions.iter().map(|d| d.version_id).collect();
    versions
        .iter()
        .filter(|v| v.deleted_at.is_none() && !known.contains(&v.id))
        .collect()
}

/// Why the planned deletion `decision` must not be made, now that its
/// version is `now` (`None`: gone), if it must not.
fn changed_since(decision: &Decision, now: Option<&PackageVersion>) -> Option<String> {
    match now {
        None => Some("gone since the plan (deleted by someone else)".to_owned()),
        Some(version) if version.name != decision.name => {
            Some(format!("renamed since the plan: {} now", version.name))
        }
        Some(version) => tags_changed(decision, &version_tags(version).unwrap_or_default()),
    }
}

/// Why the version's tags are no longer those planned, if they are not.
fn tags_changed(decision: &Decision, now: &[String]) -> Option<String> {
    let before: BTreeSet<&str> = decision.tags.iter().map(String::as_str).collect();
    let after: BTreeSet<&str> = now.iter().map(String::as_str).collect();
    let added: Vec<&str> = after.difference(&before).copied().collect();
    let removed: Vec<&str> = before.difference(&after).copied().collect();
    match (added.is_empty(), removed.is_empty()) {
        (true, true) => None,
        (false, _) => Some(format!("newly tagged since the plan: {}", added.join(", "))),
        (true, false) => Some(format!("untagged since the plan: {}", removed.join(", "))),
    }
}

/// The registry repository of container package `package`.
async fn repository_of(client: &Client, owner: &Owner, package: &str) -> Result<String> {
    let login = match owner {
        Owner::Org(login) | Owner::User(login) => login.clone(),
        Owner::AuthenticatedUser => client
            .get_package(owner, PackageType::Container, package)
            .await?
            .owner
            .map(|o| o.login)
            .unwrap_or_default(),
    };
    Ok(repository_name(&login, package))
}

/// The links of the manifests of `planned` that could be read: one that
/// cannot be read links nothing, and its own check stands.
async fn read_links(
    registry: &RegistryClient,
    repository: &str,
    planned: &[&Decision],
) -> ManifestGraph {
    let digests: Vec<String> = planned.iter().map(|d| d.name.clone()).collect();
    let mut graph = ManifestGraph::default();
    for (_, manifest) in registry.manifests(repository, &digests).await {
        if let Ok(manifest) = manifest {
            graph.insert(&manifest);
        }
    }
    graph
}

/// A version whose images an apply must not break: one changed since the
/// plan, or one pushed after it (`pushed`).
struct Root<'a> {
    /// Its digest.
    name: &'a str,
    /// The version, when it was pushed after the plan.
    pushed: Option<&'a PackageVersion>,
}

/// The planned deletions (of a container package) that `roots` hold,
/// transitively, and why: the manifests an index lists, the signatures and
/// attestations that refer to a manifest, and for a version pushed after
/// the plan also the manifest it refers to itself (a new signature keeps
/// what it signs).
fn held_by(graph: &ManifestGraph, planned: &[&Decision], roots: &[Root<'_>]) -> Vec<(u64, String)> {
    let by_name: BTreeMap<&str, &Decision> =
        planned.iter().map(|d| (d.name.as_str(), *d)).collect();
    let subject_of = |name: &str, tags: &[String]| -> Vec<String> {
        let links = graph.manifests.get(name);
        links
            .and_then(|l| l.subject.clone())
            .into_iter()
            .chain(tags.iter().filter_map(|t| referrer_tag_subject(t)))
            .collect()
    };
    let mut referrers: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for decision in planned {
        for subject in subject_of(&decision.name, &decision.tags) {
            referrers.entry(subject).or_default().push(&decision.name);
        }
    }
    let mut held = Vec::new();
    let mut seen: BTreeSet<&str> = roots.iter().map(|r| r.name).collect();
    // Each holder with the root it was reached from.
    let mut work: Vec<(&str, &Root<'_>)> = roots.iter().map(|r| (r.name, r)).collect();
    while let Some((holder, root)) = work.pop() {
        let mut links: Vec<(String, &str)> = graph
            .manifests
            .get(holder)
            .into_iter()
            .flat_map(|l| l.children.iter().map(|c| (c.clone(), "listed by")))
            .collect();
        links.extend(
            referrers
                .get(holder)
                .into_iter()
                .flatten()
                .map(|name| ((*name).to_owned(), "refers to")),
        );
        if let Some(version) = root.pushed.filter(|v| v.name == holder) {
            let tags = version_tags(version).unwrap_or_default();
            links.extend(
                subject_of(holder, &tags)
                    .into_iter()
                    .map(|s| (s, "referred to by")),
            );
        }
        for (name, link) in links {
            let Some(decision) = by_name.get(name.as_str()) else {
                continue;
            };
            if !seen.insert(decision.name.as_str()) {
                continue;
            }
            let reason = match root.pushed {
                None => format!("{link} {holder}, which changed since the plan"),
                Some(version) if version.name == holder => format!(
                    "{link} {holder}, pushed after the plan (version {})",
                    version.id
                ),
                Some(version) => format!(
                    "{link} {holder}, which version {} pushed after the plan refers to",
                    version.id
                ),
            };
            held.push((decision.version_id, reason));
            work.push((decision.name.as_str(), root));
        }
    }
    held
}

/// The check an apply makes immediately before each deletion (`check_each`),
/// shared by the run's concurrent deletions.
pub(crate) struct Recheck<'a> {
    client: &'a Client,
    owner: Owner,
    package_type: PackageType,
    /// Each batch's package and planned deletions, by the batch's index.
    packages: Vec<(String, Vec<Decision>)>,
    state: Mutex<RecheckState>,
}

#[derive(Default)]
struct RecheckState {
    /// Deletions begun (being checked, deleted or skipped): batch index, version id.
    begun: BTreeSet<(usize, u64)>,
    /// Deletions not yet begun that a version found changed holds, and why.
    held: BTreeMap<(usize, u64), String>,
}

impl Recheck<'_> {
    fn lock(&self) -> std::sync::MutexGuard<'_, RecheckState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Marks the deletion of `decision` (of batch `index`) begun; why it is
    /// skipped without a request, when a changed version found earlier holds it.
    pub(crate) fn begin(&self, index: usize, decision: &Decision) -> Option<String> {
        let mut state = self.lock();
        state.begun.insert((index, decision.version_id));
        state.held.remove(&(index, decision.version_id))
    }

    /// Why `decision` (of batch `index`) must not be deleted, now that its
    /// version is `now` (`None`: gone), if it must not. A changed container
    /// version also protects what it holds among the deletions not yet begun.
    pub(crate) async fn changed(
        &self,
        index: usize,
        decision: &Decision,
        now: Option<&PackageVersion>,
    ) -> Result<Option<String>> {
        let Some(reason) = changed_since(decision, now) else {
            return Ok(None);
        };
        if self.package_type == PackageType::Container && now.is_some() {
            let (package, deletions) = &self.packages[index];
            let remaining: Vec<&Decision> = {
                let state = self.lock();
                deletions
                    .iter()
                    .filter(|d| {
                        d.version_id == decision.version_id
                            || !state.begun.contains(&(index, d.version_id))
                    })
                    .collect()
            };
            if remaining.len() > 1 {
                let repository = repository_of(self.client, &self.owner, package).await?;
                let graph =
                    read_links(&RegistryClient::new(self.client), &repository, &remaining).await;
                let root = Root {
                    name: &decision.name,
                    pushed: None,
                };
                let held = held_by(&graph, &remaining, &[root]);
                let mut state = self.lock();
                for (id, why) in held {
                    // One begun meanwhile (concurrency above 1) is not recalled.
                    if !state.begun.contains(&(index, id)) {
                        state.held.entry((index, id)).or_insert(why);
                    }
                }
            }
        }
        Ok(Some(reason))
    }
}

/// Applies a saved plan. See [`apply_plan_with_progress`].
pub async fn apply_plan(
    client: &Client,
    plan: &PackagesPlan,
    options: &ExecuteOptions,
) -> Result<PackagesReport> {
    apply_plan_with_progress(client, plan, options, |_| {}).await
}

/// Executes a saved plan as
/// [`execute_packages_with_progress`](crate::cleanup::execute_packages_with_progress)
/// does, deleting only what is unchanged: first refuses a plan of another
/// format version or server ([`PackagesPlan::check_target`]), then reads
/// every planned package afresh ([`check_plan`]) and skips each deletion
/// whose version is gone or changed, or is held by a changed one or by a
/// container version pushed after the plan; the report's `skipped` says why
/// for each.
///
/// With `options.check_each` (the default), each version is also read again
/// immediately before its deletion, through the same pacer (one more
/// request, and `max_requests` counts it), and skipped by the same rules if
/// it changed during the run; a changed container version then also keeps
/// what it holds among the deletions not yet begun. GitHub has no
/// conditional delete: a change between that read and the deletion is not
/// seen, and neither is a version pushed once the run has begun. Those
/// skips follow the up-front ones in `skipped`, and leave the progress
/// counts' `planned`.
///
/// `options.budget.max_requests` counts the listings that check the plan
/// too (requests this client and its clones send meanwhile count as well):
/// when they leave no room for a deletion, the apply fails with an
/// `invalid_input` error (argument `budget`) before deleting anything.
pub async fn apply_plan_with_progress(
    client: &Client,
    plan: &PackagesPlan,
    options: &ExecuteOptions,
    on_progress: impl Fn(&Progress) + Send + Sync,
) -> Result<PackagesReport> {
    plan.check_target(client, None)?;
    let sent_at_start = client.requests_sent();
    let skipped = check_plan(client, plan).await?;
    // The check's listings count against `max_requests`.
    let spent = client.requests_sent().saturating_sub(sent_at_start);
    let skip: BTreeSet<(&str, u64)> = skipped
        .iter()
        .map(|s| (s.package.as_str(), s.version_id))
        .collect();
    let batches = plan
        .packages
        .iter()
        .map(|package| {
            Ok(Batch {
                target: plan.target(package)?,
                deletions: package
                    .decisions
                    .iter()
                    .rev()
                    .filter(|d| d.action == Action::Delete)
                    .filter(|d| !skip.contains(&(package.package.as_str(), d.version_id)))
                    .cloned()
                    .collect(),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let owner = plan.owner()?;
    let recheck = options.check_each.then(|| Recheck {
        client,
        owner,
        package_type: plan.package_type,
        packages: batches
            .iter()
            .map(|b| (b.target.name.clone(), b.deletions.clone()))
            .collect(),
        state: Mutex::default(),
    });
    let label = format!("{}-packages", plan.package_type);
    let run = execute::run(
        client,
        batches,
        &label,
        options,
        recheck.as_ref(),
        spent,
        on_progress,
    )
    .await?;
    let mut report = PackagesReport::from_run(run);
    let mut all = skipped;
    all.append(&mut report.skipped);
    report.skipped = all;
    Ok(report)
}
