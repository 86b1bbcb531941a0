//! The manifest graph of a container package, and the rules it adds to a
//! plan: a multi-platform index protects its children, a kept image protects
//! its signatures, attestations and other referrers, and (optionally)
//! deleting a manifest also deletes what only it holds.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::cleanup::plan::{Action, Decision, Rule};
use crate::registry::{referrer_tag_subject, Manifest};

/// How a container package's manifests link to each other, by digest; or
/// why that could not be read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ManifestGraph {
    /// The links of each manifest read, by digest.
    pub manifests: BTreeMap<String, ManifestLinks>,
    /// Why the graph could not be read; the planner then deletes nothing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unreadable: Option<String>,
}

/// What one manifest links to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ManifestLinks {
    /// Its media type.
    pub media_type: String,
    /// For an index: the digests of the manifests it lists.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<String>,
    /// For a referrer: the digest it refers to (OCI `subject`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
}

impl ManifestGraph {
    /// A graph that could not be read, and why.
    pub fn unreadable(reason: impl Into<String>) -> ManifestGraph {
        ManifestGraph {
            manifests: BTreeMap::new(),
            unreadable: Some(reason.into()),
        }
    }

    /// Adds a fetched manifest.
    pub fn insert(&mut self, manifest: &Manifest) {
        self.manifests.insert(
            manifest.digest.clone(),
            ManifestLinks {
                media_type: manifest.media_type.clone(),
                children: manifest.children.iter().map(|c| c.digest.clone()).collect(),
                subject: manifest.subject.clone(),
            },
        );
    }
}

/// Whether the manifest graph was used, in a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GraphStatus {
    /// Read: the graph rules applied.
    Read,
    /// Could not be read: nothing is deleted in the package.
    Unreadable,
    /// Not fetched: the policy deletes nothing, so no link could matter.
    NotNeeded,
}

/// What a plan says about the manifest graph it used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GraphSummary {
    /// Read, unreadable or not needed.
    pub status: GraphStatus,
    /// Manifests in the graph.
    pub manifests: usize,
    /// Manifest fetches made to build it (each counts as a download).
    pub fetched: usize,
    /// Whether deleting a manifest also deletes what only it holds.
    pub delete_referenced: bool,
    /// Why the graph could not be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// How manifest `a` holds manifest `b`: `b` must stay while `a` stays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Link {
    /// `a` is an index listing `b`.
    Child,
    /// `b` is a signature, attestation or other referrer of `a`.
    Referrer,
}

/// Keep decisions that the cascade may turn into deletions: those a policy
/// filter made. Protections (newest, keep_latest, excluded, downloads,
/// releases, GitHub's refusals) always stand.
pub(crate) fn cascadable(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::Tagged
            | Rule::Untagged
            | Rule::NotContainer
            | Rule::NotIncluded
            | Rule::NotPrerelease
            | Rule::TooRecent
    )
}

fn short(digest: &str) -> &str {
    let end = digest.find(':').map_or(0, |i| i + 1) + 12;
    digest.get(..end).unwrap_or(digest)
}

/// The holders of each decision and what each decision holds, by index in
/// `decisions`.
struct Edges {
    /// `holders[b]`: the manifests `a` (with the link) that hold `b`.
    holders: Vec<Vec<(usize, Link)>>,
    /// `held[a]`: the manifests `b` that `a` holds.
    held: Vec<Vec<(usize, Link)>>,
}

fn edges(decisions: &[Decision], graph: &ManifestGraph) -> Edges {
    let position: BTreeMap<&str, usize> = decisions
        .iter()
        .enumerate()
        .map(|(i, d)| (d.name.as_str(), i))
        .collect();
    let mut holders = vec![Vec::new(); decisions.len()];
    let mut held = vec![Vec::new(); decisions.len()];
    let mut link = |a: usize, b: usize, kind: Link| {
        if a != b && !holders[b].contains(&(a, kind)) {
            holders[b].push((a, kind));
            held[a].push((b, kind));
        }
    };
    for (i, decision) in decisions.iter().enumerate() {
        if let Some(links) = graph.manifests.get(&decision.name) {
            for child in &links.children {
                if let Some(&j) = position.get(child.as_str()) {
                    link(i, j, Link::Child);
                }
            }
            if let Some(&j) = links.subject.as_deref().and_then(|s| position.get(s)) {
                link(j, i, Link::Referrer);
            }
        }
        for subject in decision.tags.iter().filter_map(|t| referrer_tag_subject(t)) {
            if let Some(&j) = position.get(subject.as_str()) {
                link(j, i, Link::Referrer);
            }
        }
    }
    Edges { holders, held }
}

/// The names, among `versions` (name and tags), of the manifests another
/// of them holds: listed by an index, or referring to a manifest (OCI
/// `subject` or a cosign tag).
pub(crate) fn held<'a>(
    graph: &ManifestGraph,
    versions: &[(&'a str, &[String])],
) -> BTreeSet<&'a str> {
    let present: BTreeMap<&str, &'a str> =
        versions.iter().map(|(name, _)| (*name, *name)).collect();
    let mut held = BTreeSet::new();
    for (name, tags) in versions {
        if let Some(links) = graph.manifests.get(*name) {
            held.extend(
                links
                    .children
                    .iter()
                    .filter_map(|c| present.get(c.as_str()).copied()),
            );
            if links
                .subject
                .as_deref()
                .is_some_and(|s| present.contains_key(s) && s != *name)
            {
                held.insert(*name);
            }
        }
        let signs_one = tags
            .iter()
            .filter_map(|t| referrer_tag_subject(t))
            .any(|s| present.contains_key(s.as_str()) && s != *name);
        if signs_one {
            held.insert(*name);
        }
    }
    held
}

/// Fail closed: an unreadable graph keeps every version.
pub(crate) fn refuse_all(decisions: &mut [Decision], reason: &str) {
    for decision in decisions.iter_mut().filter(|d| d.action == Action::Delete) {
        decision.action = Action::Keep;
        decision.rule = Rule::GraphUnreadable;
        decision.reason = format!("manifest graph unreadable, nothing deleted here: {reason}");
    }
}

/// Deletes, when `cascade` is on, what only deleted manifests hold, then
/// keeps whatever a kept manifest holds (transitively).
pub(crate) fn apply(decisions: &mut [Decision], graph: &ManifestGraph, cascade: bool) {
    let edges = edges(decisions, graph);
    protect(decisions, &edges);
    if cascade {
        delete_orphans(decisions, &edges);
    }
}

/// Keeps whatever a kept manifest holds, transitively; run again after
/// GitHub's own refusals turned deletions into keeps.
pub(crate) fn protect_held(decisions: &mut [Decision], graph: &ManifestGraph) {
    let edges = edges(decisions, graph);
    protect(decisions, &edges);
}

fn protect(decisions: &mut [Decision], edges: &Edges) {
    let mut work: Vec<usize> = (0..decisions.len())
        .filter(|&i| decisions[i].action == Action::Keep)
        .collect();
    while let Some(a) = work.pop() {
        for &(b, link) in &edges.held[a] {
            if decisions[b].action != Action::Delete {
                continue;
            }
            let holder = describe(&decisions[a]);
            let decision = &mut decisions[b];
            decision.action = Action::Keep;
            (decision.rule, decision.reason) = match link {
                Link::Child => (Rule::IndexChild, format!("listed by kept index {holder}")),
                Link::Referrer => (Rule::Referrer, format!("refers to kept manifest {holder}")),
            };
            work.push(b);
        }
    }
}

fn delete_orphans(decisions: &mut [Decision], edges: &Edges) {
    let mut work: Vec<usize> = (0..decisions.len())
        .filter(|&i| decisions[i].action == Action::Delete)
        .collect();
    while let Some(a) = work.pop() {
        for &(b, _) in &edges.held[a] {
            let candidate = &decisions[b];
            let own_tag = candidate
                .tags
                .iter()
                .any(|t| referrer_tag_subject(t).is_none());
            if candidate.action != Action::Keep || !cascadable(candidate.rule) || own_tag {
                continue;
            }
            if edges.holders[b]
                .iter()
                .any(|&(h, _)| decisions[h].action != Action::Delete)
            {
                continue;
            }
            let holders: Vec<String> = edges.holders[b]
                .iter()
                .map(|&(h, _)| describe(&decisions[h]))
                .collect();
            let decision = &mut decisions[b];
            decision.action = Action::Delete;
            decision.rule = Rule::OrphanedReference;
            decision.reason = format!("held only by deleted {}", holders.join(", "));
            work.push(b);
        }
    }
}

fn describe(decision: &Decision) -> String {
    match decision.tags.first() {
        Some(tag) => format!("{} ({tag})", short(&decision.name)),
        None => short(&decision.name).to_owned(),
    }
}
