//! The manifest-graph rules of the planner, one by one. Pure: no server.

use std::collections::BTreeMap;

use chrono::{DateTime, TimeDelta, Utc};
use ghpackages::cleanup::{
    plan_with_graph, Action, GraphStatus, ManifestGraph, ManifestLinks, PackageFacts, Plan, Policy,
    Rule,
};
use ghpackages::registry::{OCI_INDEX, OCI_MANIFEST};
use ghpackages::PackageVersion;
use serde_json::json;

fn now() -> DateTime<Utc> {
    "2026-06-01T00:00:00Z".parse().unwrap()
}

fn digest(n: u64) -> String {
    format!("sha256:{n:064x}")
}

/// Container version `id`, named `digest(id)`, `days` old.
fn version(id: u64, days: i64, tags: &[&str]) -> PackageVersion {
    let created = now() - TimeDelta::days(days);
    serde_json::from_value(json!({
        "id": id,
        "name": digest(id),
        "url": format!("https://api.github.com/orgs/o/packages/container/p/versions/{id}"),
        "package_html_url": "https://github.com/orgs/o/packages/container/package/p",
        "created_at": created,
        "updated_at": created,
        "metadata": {"package_type": "container", "container": {"tags": tags}},
    }))
    .unwrap()
}

fn signature_tag(of: u64) -> String {
    format!("sha256-{of:064x}.sig")
}

#[derive(Default)]
struct Graph(ManifestGraph);

impl Graph {
    fn index(mut self, id: u64, children: &[u64]) -> Self {
        self.0.manifests.insert(
            digest(id),
            ManifestLinks {
                media_type: OCI_INDEX.into(),
                children: children.iter().map(|c| digest(*c)).collect(),
                subject: None,
            },
        );
        self
    }

    fn image(mut self, id: u64, subject: Option<u64>) -> Self {
        self.0.manifests.insert(
            digest(id),
            ManifestLinks {
                media_type: OCI_MANIFEST.into(),
                children: Vec::new(),
                subject: subject.map(digest),
            },
        );
        self
    }
}

/// Plans with `policy`; `keep_newest` is off unless the policy sets it, so
/// that each test shows the graph rules alone.
fn run(
    versions: &[PackageVersion],
    graph: &Graph,
    mut policy: serde_json::Value,
    cascade: bool,
) -> Plan {
    if policy.get("keep_newest").is_none() {
        policy["keep_newest"] = json!(false);
    }
    let policy = Policy::from_json(&policy.to_string()).unwrap();
    plan_with_graph(
        versions,
        &PackageFacts::default(),
        &policy,
        &graph.0,
        cascade,
        now(),
    )
}

fn decisions(plan: &Plan) -> BTreeMap<u64, (Action, Rule)> {
    plan.decisions
        .iter()
        .map(|d| (d.version_id, (d.action, d.rule)))
        .collect()
}

fn deleted(plan: &Plan) -> Vec<u64> {
    let mut ids: Vec<u64> = plan.deletions().map(|d| d.version_id).collect();
    ids.sort();
    ids
}

#[test]
fn a_kept_index_keeps_its_untagged_children() {
    let versions = [
        version(1, 10, &[]),
        version(2, 10, &[]),
        version(3, 10, &["v1"]),
        version(4, 20, &[]),
    ];
    let graph = Graph::default()
        .image(1, None)
        .image(2, None)
        .index(3, &[1, 2])
        .image(4, None);
    let plan = run(&versions, &graph, json!({"tags": "untagged"}), true);
    let by_id = decisions(&plan);
    assert_eq!(by_id[&1], (Action::Keep, Rule::IndexChild));
    assert_eq!(by_id[&2], (Action::Keep, Rule::IndexChild));
    assert_eq!(by_id[&3], (Action::Keep, Rule::Tagged));
    assert_eq!(by_id[&4], (Action::Delete, Rule::Policy));
    let reason = &plan
        .decisions
        .iter()
        .find(|d| d.version_id == 1)
        .unwrap()
        .reason;
    assert!(reason.contains("(v1)"), "{reason}");
    let summary = plan.graph.as_ref().unwrap();
    assert_eq!(summary.status, GraphStatus::Read);
    assert_eq!(summary.manifests, 4);
}

#[test]
fn a_child_shared_by_two_indexes_stays_while_either_stays() {
    // Index 10 (v2, kept) lists 1 and 3; index 11 (v1, old, deleted) lists 2 and 3.
    let versions = [
        version(1, 5, &[]),
        version(10, 5, &["v2"]),
        version(2, 100, &[]),
        version(3, 100, &[]),
        version(11, 100, &["v1"]),
    ];
    let graph = Graph::default()
        .image(1, None)
        .image(2, None)
        .image(3, None)
        .index(10, &[1, 3])
        .index(11, &[2, 3]);
    let plan = run(
        &versions,
        &graph,
        json!({"tags": "tagged", "older_than": "30d"}),
        true,
    );
    let by_id = decisions(&plan);
    assert_eq!(by_id[&11], (Action::Delete, Rule::Policy));
    assert_eq!(by_id[&2], (Action::Delete, Rule::OrphanedReference));
    assert_eq!(by_id[&3], (Action::Keep, Rule::Untagged));
    assert_eq!(by_id[&1], (Action::Keep, Rule::Untagged));
    assert_eq!(by_id[&10], (Action::Keep, Rule::TooRecent));
    assert_eq!(deleted(&plan), [2, 11]);
}

#[test]
fn shared_child_deleted_by_policy_is_kept_by_the_remaining_index() {
    let versions = [
        version(1, 50, &[]),
        version(2, 50, &["stable"]),
        version(3, 50, &[]),
    ];
    // Untagged index 3 and tagged index 2 share child 1.
    let graph = Graph::default()
        .image(1, None)
        .index(2, &[1])
        .index(3, &[1]);
    let plan = run(&versions, &graph, json!({"tags": "untagged"}), true);
    let by_id = decisions(&plan);
    assert_eq!(by_id[&3], (Action::Delete, Rule::Policy));
    assert_eq!(by_id[&1], (Action::Keep, Rule::IndexChild));
}

#[test]
fn a_kept_image_keeps_its_signatures_and_attestations() {
    let sig = signature_tag(1);
    let versions = [
        version(1, 10, &["v1"]),
        version(2, 10, &[&sig]),
        version(3, 10, &[]),
    ];
    // 2: cosign signature by tag; 3: untagged OCI referrer (an attestation).
    let graph = Graph::default()
        .image(1, None)
        .image(2, None)
        .image(3, Some(1));
    let plan = run(&versions, &graph, json!({"tags": "untagged"}), true);
    let by_id = decisions(&plan);
    assert_eq!(by_id[&3], (Action::Keep, Rule::Referrer));
    assert_eq!(by_id[&2], (Action::Keep, Rule::Tagged));
    // A policy deleting tagged versions would take the signature: the image keeps it.
    let plan = run(
        &versions,
        &graph,
        json!({"exclude": [{"glob": "v1"}], "tags": "tagged"}),
        true,
    );
    let by_id = decisions(&plan);
    assert_eq!(by_id[&1], (Action::Keep, Rule::Excluded));
    assert_eq!(by_id[&2], (Action::Keep, Rule::Referrer));
}

#[test]
fn deleting_an_image_deletes_what_only_it_references_unless_switched_off() {
    let sig = signature_tag(1);
    let versions = [
        version(1, 10, &[]),
        version(2, 10, &[&sig]),
        version(3, 10, &[]),
        version(4, 1, &["latest"]),
    ];
    let graph = Graph::default()
        .image(1, None)
        .image(2, None)
        .image(3, Some(1))
        .image(4, None);
    let plan = run(&versions, &graph, json!({"tags": "untagged"}), true);
    let by_id = decisions(&plan);
    assert_eq!(by_id[&1], (Action::Delete, Rule::Policy));
    assert_eq!(by_id[&2], (Action::Delete, Rule::OrphanedReference));
    assert_eq!(by_id[&3], (Action::Delete, Rule::Policy));
    assert_eq!(by_id[&4], (Action::Keep, Rule::Tagged));
    let plan = run(&versions, &graph, json!({"tags": "untagged"}), false);
    assert_eq!(decisions(&plan)[&2], (Action::Keep, Rule::Tagged));
    assert!(!plan.graph.unwrap().delete_referenced);
}

#[test]
fn the_cascade_never_overrides_a_protection_or_an_own_tag() {
    let versions = [
        version(1, 100, &[]),
        version(2, 100, &["amd64-only"]),
        version(3, 100, &["v0"]),
        version(9, 1, &["latest"]),
    ];
    let graph = Graph::default()
        .image(1, None)
        .image(2, None)
        .index(3, &[1, 2])
        .image(9, None);
    // Deletes tagged v0; child 1 is excluded by pattern, child 2 has a tag of its own.
    let policy = json!({"tags": "tagged", "exclude": [{"glob": digest(1)}, {"glob": "latest"}]});
    let plan = run(&versions, &graph, policy, true);
    let by_id = decisions(&plan);
    assert_eq!(by_id[&3], (Action::Delete, Rule::Policy));
    assert_eq!(by_id[&1], (Action::Keep, Rule::Excluded));
    assert_eq!(by_id[&2], (Action::Delete, Rule::Policy));
    // With the tag filter reversed, the tagged child is kept by its own tag, not cascaded.
    let plan = run(
        &versions,
        &graph,
        json!({"tags": "untagged", "keep_newest": false}),
        true,
    );
    let by_id = decisions(&plan);
    assert_eq!(by_id[&2], (Action::Keep, Rule::Tagged));
}

#[test]
fn children_of_an_index_kept_by_githubs_last_tagged_rule_are_kept() {
    let versions = [version(1, 100, &[]), version(2, 100, &["only"])];
    let graph = Graph::default().image(1, None).index(2, &[1]);
    let plan = run(
        &versions,
        &graph,
        json!({"tags": "tagged", "keep_newest": false}),
        true,
    );
    let by_id = decisions(&plan);
    assert_eq!(by_id[&2], (Action::Keep, Rule::LastTaggedVersion));
    assert_eq!(by_id[&1], (Action::Keep, Rule::IndexChild));
    assert!(deleted(&plan).is_empty());
}

#[test]
fn an_unreadable_graph_deletes_nothing_and_says_why() {
    let versions = [
        version(1, 100, &[]),
        version(2, 100, &[]),
        version(3, 1, &["latest"]),
    ];
    let graph = Graph(ManifestGraph::unreadable(
        "manifest sha256:… forbidden (403)",
    ));
    let plan = run(&versions, &graph, json!({"tags": "untagged"}), true);
    assert!(deleted(&plan).is_empty());
    let by_id = decisions(&plan);
    assert_eq!(by_id[&1], (Action::Keep, Rule::GraphUnreadable));
    assert_eq!(by_id[&3], (Action::Keep, Rule::Tagged));
    let reason = &plan
        .decisions
        .iter()
        .find(|d| d.version_id == 1)
        .unwrap()
        .reason;
    assert!(reason.contains("forbidden (403)"), "{reason}");
    let summary = plan.graph.unwrap();
    assert_eq!(summary.status, GraphStatus::Unreadable);
    assert!(summary.error.unwrap().contains("forbidden"));
}

#[test]
fn nested_links_protect_transitively_and_rules_have_names() {
    // Kept index 3 lists 2; 1 is the signature of child 2 (untagged referrer).
    let versions = [
        version(1, 50, &[]),
        version(2, 50, &[]),
        version(3, 50, &["v3"]),
    ];
    let graph = Graph::default()
        .image(1, Some(2))
        .image(2, None)
        .index(3, &[2]);
    let plan = run(&versions, &graph, json!({"tags": "untagged"}), true);
    let by_id = decisions(&plan);
    assert_eq!(by_id[&2], (Action::Keep, Rule::IndexChild));
    assert_eq!(by_id[&1], (Action::Keep, Rule::Referrer));
    let names: Vec<&str> = [
        Rule::IndexChild,
        Rule::Referrer,
        Rule::OrphanedReference,
        Rule::GraphUnreadable,
    ]
    .iter()
    .map(|r| r.name())
    .collect();
    assert_eq!(
        names,
        [
            "index_child",
            "referrer",
            "orphaned_reference",
            "graph_unreadable"
        ]
    );
    let json = serde_json::to_value(&plan).unwrap();
    assert_eq!(json["graph"]["status"], "read");
    assert_eq!(json["decisions"][1]["version_id"], 2);
    assert_eq!(json["decisions"][1]["rule"], "index_child");
}

#[test]
fn recency_counts_images_not_the_manifests_they_hold() {
    // Two multi-platform images: index 3 (children 1, 2) and the newer index 6
    // (children 4, 5), whose signature 7 is the newest version of all.
    let sig = signature_tag(6);
    let versions = [
        version(1, 20, &[]),
        version(2, 20, &[]),
        version(3, 20, &["v1"]),
        version(4, 10, &[]),
        version(5, 10, &[]),
        version(6, 10, &["v2"]),
        version(7, 9, &[&sig]),
    ];
    let graph = Graph::default()
        .image(1, None)
        .image(2, None)
        .index(3, &[1, 2])
        .image(4, None)
        .image(5, None)
        .index(6, &[4, 5])
        .image(7, None);
    let plan = run(&versions, &graph, json!({"keep_latest": 1}), true);
    let by_id = decisions(&plan);
    assert_eq!(by_id[&6], (Action::Keep, Rule::KeepLatest));
    assert_eq!(by_id[&4], (Action::Keep, Rule::IndexChild));
    assert_eq!(by_id[&7], (Action::Keep, Rule::Referrer));
    assert_eq!(deleted(&plan), [1, 2, 3]);
    let plan = run(
        &versions,
        &graph,
        json!({"tags": "untagged", "keep_newest": true}),
        true,
    );
    assert_eq!(decisions(&plan)[&6], (Action::Keep, Rule::Newest));
    assert_eq!(decisions(&plan)[&7], (Action::Keep, Rule::Tagged));
}
