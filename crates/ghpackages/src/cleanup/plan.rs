//! The planner: a pure function from a package's versions and a [`Policy`]
//! to a decision per version, each naming the rule that made it.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::cleanup::graph::{self, GraphStatus, GraphSummary, ManifestGraph};
use crate::cleanup::in_use::refers_to;
use crate::cleanup::policy::{Policy, SemverFilter, TagFilter};
use crate::models::PackageVersion;
use crate::types::Visibility;

/// GitHub refuses to delete a version of a public package downloaded more
/// often than this.
pub const GITHUB_PUBLIC_DOWNLOAD_LIMIT: u64 = 5_000;

/// What the planner knows about a package beyond its versions. Everything is
/// optional: a rule that needs a missing fact either cannot fire (the GitHub
/// download limit) or keeps the version (`max_downloads`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PackageFacts {
    /// The package's visibility (from `get_package`).
    pub visibility: Option<Visibility>,
    /// Download counts by version id. The REST API does not report them; a
    /// caller who knows them (from the registry or the web UI) supplies them.
    pub downloads: BTreeMap<u64, u64>,
    /// Tags and digests in use (deployed, referenced by manifests): the
    /// versions they name are kept, with their manifest graph.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub in_use: Vec<InUse>,
}

/// A tag or digest in use, and where it was found: the version it names is
/// kept (rule `in_use`), and with the manifest graph, what that version
/// holds (platform manifests, signatures, attestations).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InUse {
    /// A tag (`v1.2`) or a digest (`sha256:…`).
    pub reference: String,
    /// Where it was found: `FILE:LINE`, or the option that gave it.
    pub source: String,
}

/// Whether a version is deleted or kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// The version is deleted when the plan is executed.
    Delete,
    /// The version is left alone.
    Keep,
}

/// The rule that decided a version's fate; serialized as its snake_case name.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// Deleted: every rule of the policy selected it.
    Policy,
    /// Kept: GitHub refuses to delete a version of a public package with more
    /// than 5,000 downloads.
    GithubDownloadLimit,
    /// Kept: GitHub refuses to delete the last version of a package.
    LastVersion,
    /// Kept: GitHub refuses to delete the last tagged version of a container.
    LastTaggedVersion,
    /// Kept: the most recent version (`keep_newest`).
    Newest,
    /// Kept: among the `keep_latest` most recent versions.
    KeepLatest,
    /// Kept: the policy sets no rule that selects versions.
    EmptyPolicy,
    /// Kept: the name or a tag matches an `exclude` pattern.
    Excluded,
    /// Kept: neither the name nor a tag matches an `include` pattern.
    NotIncluded,
    /// Kept: tagged, and the policy deletes only untagged versions.
    Tagged,
    /// Kept: untagged, and the policy deletes only tagged versions.
    Untagged,
    /// Kept: a tag rule is set but the version has no container or docker tags.
    NotContainer,
    /// Kept: named or tagged with a semantic-version release.
    SemverRelease,
    /// Kept: the policy deletes only pre-releases and this is not one.
    NotPrerelease,
    /// Kept: created after the `older_than` cutoff.
    TooRecent,
    /// Kept: downloaded more than `max_downloads` times.
    Downloads,
    /// Kept: `max_downloads` is set and the version's count is unknown.
    DownloadsUnknown,
    /// Kept: a manifest listed by a kept multi-platform index.
    IndexChild,
    /// Kept: a signature, attestation or other referrer of a kept manifest.
    Referrer,
    /// Deleted: held only by manifests the plan deletes (the children of a
    /// deleted index, the signatures of a deleted image).
    OrphanedReference,
    /// Kept: the package's manifest graph could not be read, so nothing in
    /// it is deleted.
    GraphUnreadable,
    /// Kept: in use, named by a tag or digest reference (the decision's
    /// `kept_by` says where).
    InUse,
}

impl Rule {
    /// The stable snake_case name of the rule.
    pub fn name(self) -> &'static str {
        match self {
            Rule::Policy => "policy",
            Rule::GithubDownloadLimit => "github_download_limit",
            Rule::LastVersion => "last_version",
            Rule::LastTaggedVersion => "last_tagged_version",
            Rule::Newest => "newest",
            Rule::KeepLatest => "keep_latest",
            Rule::EmptyPolicy => "empty_policy",
            Rule::Excluded => "excluded",
            Rule::NotIncluded => "not_included",
            Rule::Tagged => "tagged",
            Rule::Untagged => "untagged",
            Rule::NotContainer => "not_container",
            Rule::SemverRelease => "semver_release",
            Rule::NotPrerelease => "not_prerelease",
            Rule::TooRecent => "too_recent",
            Rule::Downloads => "downloads",
            Rule::DownloadsUnknown => "downloads_unknown",
            Rule::IndexChild => "index_child",
            Rule::Referrer => "referrer",
            Rule::OrphanedReference => "orphaned_reference",
            Rule::GraphUnreadable => "graph_unreadable",
            Rule::InUse => "in_use",
        }
    }
}

/// The fate of one version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// The version's id.
    pub version_id: u64,
    /// The version's name (a digest for container versions).
    pub name: String,
    /// The version's container or docker tags.
    pub tags: Vec<String>,
    /// When the version was created.
    pub created_at: DateTime<Utc>,
    /// Delete or keep.
    pub action: Action,
    /// The rule that decided.
    pub rule: Rule,
    /// The decision in words.
    pub reason: String,
    /// For a version in use: where each reference that keeps it was found
    /// (`deploy/app.yaml:12`, `--keep-tag`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kept_by: Vec<String>,
}

/// The decisions for every version of a package, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// The policy the plan applies.
    pub policy: Policy,
    /// The instant ages were measured from.
    pub now: DateTime<Utc>,
    /// One decision per version, most recently created first.
    pub decisions: Vec<Decision>,
    /// For a container package planned with its manifest graph: what the
    /// graph was and whether it could be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub graph: Option<GraphSummary>,
}

impl Plan {
    /// The versions to delete, oldest first (the order execution uses).
    pub fn deletions(&self) -> impl Iterator<Item = &Decision> {
        self.decisions
            .iter()
            .rev()
            .filter(|d| d.action == Action::Delete)
    }

    /// The versions to keep, newest first.
    pub fn kept(&self) -> impl Iterator<Item = &Decision> {
        self.decisions.iter().filter(|d| d.action == Action::Keep)
    }

    /// How many versions the plan deletes.
    pub fn delete_count(&self) -> usize {
        self.deletions().count()
    }
}

/// Plans with no facts beyond the versions themselves. See [`plan_with`].
pub fn plan(versions: &[PackageVersion], policy: &Policy, now: DateTime<Utc>) -> Plan {
    plan_with(versions, &PackageFacts::default(), policy, now)
}

/// Decides, for each of a package's active versions (all of them: the
/// last-version guard relies on seeing the whole package), whether the policy
/// deletes it. Pure and deterministic: versions are ordered by creation time,
/// then id, both newest first, and each decision names the first rule, in this
/// order, that applies to it:
///
/// 1. `github_download_limit`, `newest`, `keep_latest` (protections),
/// 2. `empty_policy`, `excluded`, `not_included`, `tagged` / `untagged` /
///    `not_container`, `semver_release` / `not_prerelease`, `too_recent`,
///    `downloads` / `downloads_unknown` (the policy's filters),
/// 3. otherwise `policy`: deleted;
///
/// then GitHub's own refusals: if every tagged version of a container would
/// be deleted, the newest of them is kept (`last_tagged_version`), and if
/// every version would be deleted, the newest is kept (`last_version`).
pub fn plan_with(
    versions: &[PackageVersion],
    facts: &PackageFacts,
    policy: &Policy,
    now: DateTime<Utc>,
) -> Plan {
    plan_core(versions, facts, policy, None, now)
}

/// [`plan_with`] for a container package whose manifest graph is known
/// (see [`plan_package`](crate::cleanup::plan_package), which reads it).
/// Still pure. `keep_latest` and `keep_newest` count images: a manifest that
/// another version of the package holds (listed by an index, or referring
/// to a manifest) takes no place of its own, and follows its holder. After
/// the policy's decisions, in this order:
///
/// 1. an unreadable graph keeps everything (`graph_unreadable`: fail closed);
/// 2. a kept index keeps the manifests it lists (`index_child`), a kept
///    manifest keeps its signatures, attestations and other referrers
///    (OCI `subject`, or cosign tags `sha256-<hex>.sig|.att|.sbom`;
///    `referrer`), transitively, so a child listed by two indexes stays while
///    either stays;
/// 3. with `delete_referenced`, a manifest held only by deleted manifests,
///    with no tag of its own and kept only by a policy filter (not by a
///    protection), is deleted too (`orphaned_reference`);
/// 4. GitHub's refusals (`last_tagged_version`, `last_version`), after which
///    rule 2 runs again for whatever they kept.
pub fn plan_with_graph(
    versions: &[PackageVersion],
    facts: &PackageFacts,
    policy: &Policy,
    graph: &ManifestGraph,
    delete_referenced: bool,
    now: DateTime<Utc>,
) -> Plan {
    plan_core(
        versions,
        facts,
        policy,
        Some((graph, delete_referenced)),
        now,
    )
}

/// Keeps what is in use. A version kept by a protection stays under that
/// rule; one deleted, or kept only by a policy filter (which the graph's
/// cascade could overturn), is kept as `in_use`. Either way `kept_by` names
/// every reference to it.
fn keep_in_use(decisions: &mut [Decision], in_use: &[InUse]) {
    if in_use.is_empty() {
        return;
    }
    for decision in decisions.iter_mut() {
        let sources: Vec<&InUse> = in_use
            .iter()
            .filter(|u| refers_to(&u.reference, &decision.name, &decision.tags))
            .collect();
        let Some(first) = sources.first() else {
            continue;
        };
        decision.kept_by = sources.iter().map(|u| u.source.clone()).collect();
        if decision.action == Action::Delete || graph::cascadable(decision.rule) {
            decision.action = Action::Keep;
            decision.rule = Rule::InUse;
            decision.reason = if sources.len() == 1 {
                format!("in use: {} at {}", first.reference, first.source)
            } else {
                format!(
                    "in use: {} at {} and {} more",
                    first.reference,
                    first.source,
                    sources.len() - 1
                )
            };
        }
    }
}

fn plan_core(
    versions: &[PackageVersion],
    facts: &PackageFacts,
    policy: &Policy,
    graph: Option<(&ManifestGraph, bool)>,
    now: DateTime<Utc>,
) -> Plan {
    let mut ordered: Vec<&PackageVersion> = versions.iter().collect();
    ordered.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)));
    let all_tags: Vec<Option<Vec<String>>> = ordered.iter().map(|v| version_tags(v)).collect();
    // With a graph, recency counts images: a manifest another one holds (a
    // platform manifest, a signature) takes no place of its own.
    let held = match graph {
        Some((graph, _)) if graph.unreadable.is_none() => {
            let named: Vec<(&str, &[String])> = ordered
                .iter()
                .zip(&all_tags)
                .map(|(v, tags)| (v.name.as_str(), tags.as_deref().unwrap_or_default()))
                .collect();
            graph::held(graph, &named)
        }
        _ => Default::default(),
    };
    let mut next_rank = 0;
    let mut decisions: Vec<Decision> = ordered
        .iter()
        .zip(all_tags)
        .map(|(version, tags)| {
            let rank = if held.contains(version.name.as_str()) {
                usize::MAX
            } else {
                next_rank += 1;
                next_rank - 1
            };
            let (action, rule, reason) = decide(policy, facts, now, rank, version, tags.as_deref());
            Decision {
                version_id: version.id,
                name: version.name.clone(),
                tags: tags.unwrap_or_default(),
                created_at: version.created_at,
                action,
                rule,
                reason,
                kept_by: Vec::new(),
            }
        })
        .collect();
    keep_in_use(&mut decisions, &facts.in_use);
    if let Some((graph, delete_referenced)) = graph {
        match &graph.unreadable {
            Some(reason) => graph::refuse_all(&mut decisions, reason),
            None => graph::apply(&mut decisions, graph, delete_referenced),
        }
    }
    keep_last_tagged_version(&mut decisions, &ordered);
    keep_last_version(&mut decisions);
    if let Some((graph, _)) = graph.filter(|(g, _)| g.unreadable.is_none()) {
        graph::protect_held(&mut decisions, graph);
    }
    Plan {
        policy: policy.clone(),
        now,
        decisions,
        graph: graph.map(|(graph, delete_referenced)| GraphSummary {
            status: if graph.unreadable.is_some() {
                GraphStatus::Unreadable
            } else {
                GraphStatus::Read
            },
            manifests: graph.manifests.len(),
            fetched: 0,
            delete_referenced,
            error: graph.unreadable.clone(),
        }),
    }
}

fn keep_last_version(decisions: &mut [Decision]) {
    if let Some(newest) = decisions.first_mut() {
        if newest.action == Action::Delete && decisions.iter().all(|d| d.action == Action::Delete) {
            let newest = &mut decisions[0];
            newest.action = Action::Keep;
            newest.rule = Rule::LastVersion;
            newest.reason = "GitHub refuses to delete the last version of a package".into();
        }
    }
}

/// GitHub refuses to delete a container's last tagged version: when the plan
/// would delete every tagged version, the newest of them is kept.
fn keep_last_tagged_version(decisions: &mut [Decision], versions: &[&PackageVersion]) {
    let is_container =
        |v: &PackageVersion| v.metadata.as_ref().is_some_and(|m| m.container.is_some());
    let mut tagged = decisions
        .iter_mut()
        .zip(versions)
        .filter(|(d, v)| is_container(v) && !d.tags.is_empty())
        .map(|(d, _)| d);
    let Some(newest) = tagged.next() else { return };
    if newest.action == Action::Delete && tagged.all(|d| d.action == Action::Delete) {
        newest.action = Action::Keep;
        newest.rule = Rule::LastTaggedVersion;
        newest.reason = "GitHub refuses to delete the last tagged version of a container".into();
    }
}

/// Container and docker tags; `None` when the version carries neither kind
/// of metadata (other registries have no tags).
pub(crate) fn version_tags(version: &PackageVersion) -> Option<Vec<String>> {
    let metadata = version.metadata.as_ref()?;
    if let Some(container) = &metadata.container {
        return Some(container.tags.clone());
    }
    let docker = metadata.docker.as_ref()?;
    let mut tags = docker.tags.clone().unwrap_or_default();
    for tag in docker.tag.iter().flatten() {
        if !tags.contains(tag) {
            tags.push(tag.clone());
        }
    }
    Some(tags)
}

fn decide(
    policy: &Policy,
    facts: &PackageFacts,
    now: DateTime<Utc>,
    rank: usize,
    version: &PackageVersion,
    tags: Option<&[String]>,
) -> (Action, Rule, String) {
    let keep = |rule: Rule, reason: String| (Action::Keep, rule, reason);
    let downloads = facts.downloads.get(&version.id).copied();
    let names = || {
        std::iter::once(version.name.as_str())
            .chain(tags.unwrap_or_default().iter().map(String::as_str))
    };

    if facts.visibility == Some(Visibility::Public) {
        if let Some(count) = downloads.filter(|c| *c > GITHUB_PUBLIC_DOWNLOAD_LIMIT) {
            return keep(
                Rule::GithubDownloadLimit,
                format!("public and downloaded {count} times; GitHub refuses to delete it"),
            );
        }
    }
    if policy.keep_newest && rank == 0 {
        return keep(Rule::Newest, "the newest version".into());
    }
    if let Some(n) = policy.keep_latest {
        if rank < n as usize {
            return keep(
                Rule::KeepLatest,
                format!("among the {n} most recent versions"),
            );
        }
    }
    if !policy.selects_anything() {
        return keep(Rule::EmptyPolicy, "the policy selects no versions".into());
    }
    let mut selected_by = Vec::new();
    for pattern in &policy.exclude {
        if let Some(text) = names().find(|text| pattern.is_match(text)) {
            return keep(
                Rule::Excluded,
                format!("{text:?} matches excluded {pattern}"),
            );
        }
    }
    if !policy.include.is_empty() {
        let found = policy
            .include
            .iter()
            .find_map(|pattern| names().find(|t| pattern.is_match(t)).map(|t| (pattern, t)));
        match found {
            Some((pattern, text)) => selected_by.push(format!("{text:?} matches {pattern}")),
            None => return keep(Rule::NotIncluded, "matches no include pattern".into()),
        }
    }
    match (policy.tags, tags) {
        (TagFilter::Any, _) => {}
        (_, None) => {
            return keep(
                Rule::NotContainer,
                "has no container tags to filter on".into(),
            );
        }
        (TagFilter::Untagged, Some(tags)) if !tags.is_empty() => {
            return keep(Rule::Tagged, format!("tagged {}", tags.join(", ")));
        }
        (TagFilter::Tagged, Some([])) => return keep(Rule::Untagged, "untagged".into()),
        (TagFilter::Untagged, _) => selected_by.push("untagged".into()),
        (TagFilter::Tagged, _) => selected_by.push("tagged".into()),
    }
    if policy.semver != SemverFilter::Any {
        let versions: Vec<semver::Version> = names().filter_map(parse_semver).collect();
        let release = versions.iter().find(|v| v.pre.is_empty());
        let prerelease = versions.iter().find(|v| !v.pre.is_empty());
        match (policy.semver, release, prerelease) {
            (SemverFilter::KeepReleases, Some(release), _) => {
                return keep(Rule::SemverRelease, format!("release {release}"));
            }
            (SemverFilter::OnlyPrereleases, Some(release), _) => {
                return keep(Rule::NotPrerelease, format!("release {release}"));
            }
            (SemverFilter::OnlyPrereleases, None, None) => {
                return keep(Rule::NotPrerelease, "not a semantic version".into());
            }
            (SemverFilter::OnlyPrereleases, None, Some(pre)) => {
                selected_by.push(format!("pre-release {pre}"));
            }
            _ => {}
        }
    }
    if let Some(age) = &policy.older_than {
        let cutoff = age.cutoff(now);
        if version.created_at >= cutoff {
            return keep(
                Rule::TooRecent,
                format!("created after {}", cutoff.to_rfc3339()),
            );
        }
        selected_by.push(format!("older than {age}"));
    }
    if let Some(max) = policy.max_downloads {
        match downloads {
            None => {
                return keep(Rule::DownloadsUnknown, "download count unknown".into());
            }
            Some(count) if count > max => {
                return keep(
                    Rule::Downloads,
                    format!("downloaded {count} times (> {max})"),
                );
            }
            Some(_) => {}
        }
    }
    if let Some(n) = policy.keep_latest {
        selected_by.push(format!("beyond the {n} most recent"));
    }
    (Action::Delete, Rule::Policy, selected_by.join(", "))
}

/// A semantic version in a name or tag, with an optional leading `v`.
fn parse_semver(text: &str) -> Option<semver::Version> {
    let text = text.strip_prefix(['v', 'V']).unwrap_or(text);
    semver::Version::parse(text).ok()
}
