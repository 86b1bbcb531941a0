//! The cleanup planner, rule by rule. Pure: no server needed.

use chrono::{DateTime, TimeDelta, Utc};
use ghpackages::cleanup::{
    plan, plan_with, Action, PackageFacts, Plan, Policy, Rule, GITHUB_PUBLIC_DOWNLOAD_LIMIT,
};
use ghpackages::{PackageVersion, Visibility};
use serde_json::json;

fn now() -> DateTime<Utc> {
    "2026-06-01T00:00:00Z".parse().unwrap()
}

/// A container version `days` old; `tags: None` makes an npm-style version without tags.
fn version(id: u64, name: &str, days: i64, tags: Option<&[&str]>) -> PackageVersion {
    let created = now() - TimeDelta::days(days);
    let metadata = match tags {
        Some(tags) => json!({"package_type": "container", "container": {"tags": tags}}),
        None => json!({"package_type": "npm"}),
    };
    serde_json::from_value(json!({
        "id": id,
        "name": name,
        "url": format!("https://api.github.com/orgs/o/packages/container/p/versions/{id}"),
        "package_html_url": "https://github.com/orgs/o/packages/container/package/p",
        "created_at": created,
        "updated_at": created,
        "metadata": metadata,
    }))
    .unwrap()
}

fn policy(json: serde_json::Value) -> Policy {
    Policy::from_json(&json.to_string()).unwrap()
}

/// `(version id, action, rule)` per decision, newest first.
fn summary(plan: &Plan) -> Vec<(u64, Action, Rule)> {
    plan.decisions
        .iter()
        .map(|d| (d.version_id, d.action, d.rule))
        .collect()
}

fn deleted_ids(plan: &Plan) -> Vec<u64> {
    plan.deletions().map(|d| d.version_id).collect()
}

/// Five untagged-or-tagged container versions, ids 1 (oldest) to 5 (newest).
fn five() -> Vec<PackageVersion> {
    vec![
        version(1, "sha256:01", 50, Some(&[])),
        version(2, "sha256:02", 40, Some(&["v1.0.0"])),
        version(3, "sha256:03", 30, Some(&[])),
        version(4, "sha256:04", 20, Some(&["pr-12", "v1.1.0-rc.1"])),
        version(5, "sha256:05", 10, Some(&["latest"])),
    ]
}

#[test]
fn decisions_are_newest_first_and_independent_of_input_order() {
    let policy = policy(json!({"keep_latest": 2}));
    let mut versions = five();
    let forward = plan(&versions, &policy, now());
    versions.reverse();
    versions.swap(1, 3);
    let shuffled = plan(&versions, &policy, now());
    assert_eq!(forward, shuffled);
    let ids: Vec<u64> = forward.decisions.iter().map(|d| d.version_id).collect();
    assert_eq!(ids, [5, 4, 3, 2, 1]);
    // Deletions are executed oldest first.
    assert_eq!(deleted_ids(&forward), [1, 2, 3]);
}

#[test]
fn same_creation_time_is_ordered_by_id() {
    let versions = vec![
        version(7, "a", 5, Some(&[])),
        version(9, "b", 5, Some(&[])),
        version(8, "c", 5, Some(&[])),
    ];
    let plan = plan(&versions, &policy(json!({"keep_latest": 1})), now());
    assert_eq!(
        summary(&plan),
        [
            (9, Action::Keep, Rule::Newest),
            (8, Action::Delete, Rule::Policy),
            (7, Action::Delete, Rule::Policy),
        ]
    );
}

#[test]
fn an_empty_policy_deletes_nothing() {
    let plan = plan(&five(), &Policy::default(), now());
    assert_eq!(plan.delete_count(), 0);
    assert_eq!(plan.decisions[0].rule, Rule::Newest);
    assert!(plan.decisions[1..]
        .iter()
        .all(|d| d.rule == Rule::EmptyPolicy && d.action == Action::Keep));
}

#[test]
fn keep_latest_keeps_the_n_most_recent() {
    let plan = plan(&five(), &policy(json!({"keep_latest": 3})), now());
    assert_eq!(
        summary(&plan),
        [
            (5, Action::Keep, Rule::Newest),
            (4, Action::Keep, Rule::KeepLatest),
            (3, Action::Keep, Rule::KeepLatest),
            (2, Action::Delete, Rule::Policy),
            (1, Action::Delete, Rule::Policy),
        ]
    );
    assert_eq!(plan.decisions[3].reason, "beyond the 3 most recent");
    let none_kept = plan_with(
        &five(),
        &PackageFacts::default(),
        &policy(json!({"keep_latest": 0, "keep_newest": false})),
        now(),
    );
    // Everything selected: GitHub's rules still keep the last tagged version.
    assert_eq!(deleted_ids(&none_kept), [1, 2, 3, 4]);
    assert_eq!(none_kept.decisions[0].rule, Rule::LastTaggedVersion);
}

#[test]
fn keep_newest_is_on_by_default_and_can_be_turned_off() {
    let on = plan(&five(), &policy(json!({"tags": "tagged"})), now());
    assert_eq!(summary(&on)[0], (5, Action::Keep, Rule::Newest));
    let off = plan(
        &five(),
        &policy(json!({"tags": "tagged", "keep_newest": false})),
        now(),
    );
    assert_eq!(summary(&off)[1], (4, Action::Delete, Rule::Policy));
    assert_eq!(deleted_ids(&off), [2, 4]);
    assert_eq!(summary(&off)[0], (5, Action::Keep, Rule::LastTaggedVersion));
}

#[test]
fn the_last_tagged_container_version_is_kept() {
    let plan = plan(
        &five(),
        &policy(json!({"include": [{"glob": "*"}], "exclude": [{"glob": "latest"}]})),
        now(),
    );
    // 5 (the newest, tagged latest) stays, so the other tagged versions may go.
    assert_eq!(deleted_ids(&plan), [1, 2, 3, 4]);
    let untagged_newest = vec![
        version(1, "sha256:01", 9, Some(&["v1"])),
        version(2, "sha256:02", 1, Some(&[])),
    ];
    let plan =
        ghpackages::cleanup::plan(&untagged_newest, &policy(json!({"tags": "tagged"})), now());
    assert_eq!(
        summary(&plan),
        [
            (2, Action::Keep, Rule::Newest),
            (1, Action::Keep, Rule::LastTaggedVersion),
        ]
    );
    assert!(plan.decisions[1].reason.contains("last tagged version"));
}

#[test]
fn last_version_is_kept_when_everything_is_selected() {
    let versions = vec![version(1, "only", 100, Some(&[]))];
    let plan = plan(
        &versions,
        &policy(json!({"older_than": "1d", "keep_newest": false})),
        now(),
    );
    assert_eq!(summary(&plan), [(1, Action::Keep, Rule::LastVersion)]);
    assert!(plan.decisions[0].reason.contains("last version"));
}

#[test]
fn older_than_a_duration_or_a_date() {
    let by_age = plan(&five(), &policy(json!({"older_than": "35d"})), now());
    assert_eq!(deleted_ids(&by_age), [1, 2]);
    assert_eq!(by_age.decisions[2].rule, Rule::TooRecent);
    assert!(by_age.decisions[4].reason.contains("older than 5w"));
    let by_date = plan(&five(), &policy(json!({"older_than": "2026-05-03"})), now());
    assert_eq!(deleted_ids(&by_date), [1, 2, 3]);
    // A version created exactly at the cutoff is not older than it.
    let exact = plan(&five(), &policy(json!({"older_than": "30d"})), now());
    assert_eq!(deleted_ids(&exact), [1, 2]);
}

#[test]
fn include_matches_names_and_tags_by_glob_and_regex() {
    let by_glob = plan(
        &five(),
        &policy(json!({"include": [{"glob": "pr-*"}]})),
        now(),
    );
    assert_eq!(deleted_ids(&by_glob), [4]);
    assert_eq!(by_glob.decisions[3].rule, Rule::NotIncluded);
    assert!(by_glob.decisions[1]
        .reason
        .contains("\"pr-12\" matches glob \"pr-*\""));
    let by_regex = plan(
        &five(),
        &policy(json!({"include": [{"regex": "^sha256:0[12]$"}, {"glob": "nothing"}]})),
        now(),
    );
    assert_eq!(deleted_ids(&by_regex), [1, 2]);
}

#[test]
fn exclude_protects_matching_versions() {
    let plan = plan(
        &five(),
        &policy(json!({"older_than": "1d", "exclude": [{"regex": "^v\\d+\\.\\d+\\.\\d+$"}]})),
        now(),
    );
    assert_eq!(deleted_ids(&plan), [1, 3, 4]);
    assert_eq!(plan.decisions[3].rule, Rule::Excluded);
    assert!(plan.decisions[3].reason.contains("\"v1.0.0\""));
    // Exclude wins over include.
    let both = ghpackages::cleanup::plan(
        &five(),
        &policy(json!({"include": [{"glob": "*"}], "exclude": [{"glob": "pr-*"}]})),
        now(),
    );
    assert_eq!(deleted_ids(&both), [1, 2, 3]);
}

#[test]
fn untagged_only_and_tagged_only() {
    let untagged = plan(&five(), &policy(json!({"tags": "untagged"})), now());
    assert_eq!(deleted_ids(&untagged), [1, 3]);
    assert_eq!(untagged.decisions[1].rule, Rule::Tagged);
    assert_eq!(untagged.decisions[1].reason, "tagged pr-12, v1.1.0-rc.1");
    let tagged = plan(&five(), &policy(json!({"tags": "tagged"})), now());
    assert_eq!(deleted_ids(&tagged), [2, 4]);
    assert_eq!(tagged.decisions[2].rule, Rule::Untagged);
}

#[test]
fn tag_rules_never_select_versions_without_container_tags() {
    let versions = vec![
        version(1, "1.0.0", 30, None),
        version(2, "1.0.1", 20, None),
        version(3, "1.0.2", 10, None),
    ];
    let plan = plan(&versions, &policy(json!({"tags": "untagged"})), now());
    assert_eq!(plan.delete_count(), 0);
    assert_eq!(plan.decisions[1].rule, Rule::NotContainer);
}

#[test]
fn docker_tags_count_as_tags() {
    let mut tagged = version(1, "sha256:aa", 30, Some(&[]));
    tagged.metadata =
        serde_json::from_value(json!({"package_type": "docker", "docker": {"tag": ["old"]}}))
            .unwrap();
    let versions = vec![tagged, version(2, "sha256:bb", 20, Some(&[]))];
    let plan = plan(
        &versions,
        &policy(json!({"tags": "tagged", "keep_newest": false})),
        now(),
    );
    assert_eq!(summary(&plan)[1], (1, Action::Delete, Rule::Policy));
    assert_eq!(plan.decisions[1].tags, ["old"]);
}

#[test]
fn keep_releases_protects_semver_releases() {
    let versions = vec![
        version(1, "1.0.0", 50, None),
        version(2, "v1.1.0-beta.1", 40, None),
        version(3, "nightly-2026", 30, None),
        version(4, "2.0.0+build.5", 20, None),
        version(5, "2.1.0-rc.1", 10, None),
    ];
    let plan = plan(
        &versions,
        &policy(json!({"semver": "keep_releases", "keep_newest": false})),
        now(),
    );
    assert_eq!(deleted_ids(&plan), [2, 3, 5]);
    assert_eq!(plan.decisions[1].rule, Rule::SemverRelease);
    assert_eq!(plan.decisions[1].reason, "release 2.0.0+build.5");
}

#[test]
fn only_prereleases_deletes_nothing_else() {
    let plan = plan(
        &five(),
        &policy(json!({"semver": "only_prereleases", "keep_newest": false})),
        now(),
    );
    // 4 is tagged both pr-12 and v1.1.0-rc.1: a pre-release and no release.
    assert_eq!(deleted_ids(&plan), [4]);
    assert!(plan.decisions[1].reason.contains("pre-release 1.1.0-rc.1"));
    assert_eq!(plan.decisions[3].rule, Rule::NotPrerelease);
    assert_eq!(plan.decisions[4].reason, "not a semantic version");
    let mixed = vec![
        version(1, "sha256:01", 9, Some(&["v2.0.0", "v2.0.0-rc.2"])),
        version(2, "sha256:02", 1, Some(&[])),
    ];
    let mixed = ghpackages::cleanup::plan(
        &mixed,
        &policy(json!({"semver": "only_prereleases"})),
        now(),
    );
    assert_eq!(summary(&mixed)[1], (1, Action::Keep, Rule::NotPrerelease));
}

#[test]
fn max_downloads_needs_known_counts() {
    let facts = PackageFacts {
        visibility: Some(Visibility::Private),
        downloads: [(1, 10), (2, 500), (3, 100)].into_iter().collect(),
        ..PackageFacts::default()
    };
    let policy = policy(json!({"older_than": "1d", "max_downloads": 100}));
    let plan = plan_with(&five(), &facts, &policy, now());
    assert_eq!(
        summary(&plan),
        [
            (5, Action::Keep, Rule::Newest),
            (4, Action::Keep, Rule::DownloadsUnknown),
            (3, Action::Delete, Rule::Policy),
            (2, Action::Keep, Rule::Downloads),
            (1, Action::Delete, Rule::Policy),
        ]
    );
    // Without counts at all (the REST API's case) the rule keeps everything.
    let blind = ghpackages::cleanup::plan(&five(), &policy, now());
    assert_eq!(blind.delete_count(), 0);
}

#[test]
fn github_refuses_public_versions_over_5000_downloads() {
    let over = GITHUB_PUBLIC_DOWNLOAD_LIMIT + 1;
    let policy = policy(json!({"older_than": "1d"}));
    let public = PackageFacts {
        visibility: Some(Visibility::Public),
        downloads: [(1, over), (2, GITHUB_PUBLIC_DOWNLOAD_LIMIT)]
            .into_iter()
            .collect(),
        ..PackageFacts::default()
    };
    let plan = plan_with(&five(), &public, &policy, now());
    assert_eq!(deleted_ids(&plan), [2, 3, 4]);
    assert_eq!(plan.decisions[4].rule, Rule::GithubDownloadLimit);
    // A private package has no such limit.
    let private = PackageFacts {
        visibility: Some(Visibility::Private),
        ..public
    };
    let plan = plan_with(&five(), &private, &policy, now());
    assert_eq!(deleted_ids(&plan), [1, 2, 3, 4]);
}

#[test]
fn deleted_reasons_name_every_selecting_rule() {
    let plan = plan(
        &five(),
        &policy(
            json!({"tags": "untagged", "older_than": "45d", "include": [{"glob": "sha256:*"}]}),
        ),
        now(),
    );
    assert_eq!(deleted_ids(&plan), [1]);
    assert_eq!(
        plan.decisions[4].reason,
        "\"sha256:01\" matches glob \"sha256:*\", untagged, older than 45d"
    );
}

#[test]
fn plans_serialize_with_stable_rule_names() {
    let plan = plan(&five(), &policy(json!({"keep_latest": 4})), now());
    let json = serde_json::to_value(&plan).unwrap();
    assert_eq!(json["decisions"][0]["rule"], "newest");
    assert_eq!(json["decisions"][1]["rule"], "keep_latest");
    assert_eq!(json["decisions"][4]["action"], "delete");
    assert_eq!(json["decisions"][4]["rule"], "policy");
    assert_eq!(json["policy"]["keep_latest"], 4);
    let back: Plan = serde_json::from_value(json).unwrap();
    assert_eq!(back, plan);
    for decision in &plan.decisions {
        assert_eq!(
            serde_json::to_value(decision.rule).unwrap(),
            decision.rule.name()
        );
    }
}
