//! Container cleanup with the manifest graph, end to end: client → REST API
//! and registry → emulator → SQLite, on `container_graph_fixture.json`
//! (the demo's `octo-web`: multi-platform images, an index sharing a child
//! with another, signed images, an attestation, orphans; and
//! `octo-web-broken`, the same with one unreadable index).

use std::collections::BTreeSet;

use ghpackages::cleanup::{
    self, plan_package, validate_package, Action, ExecuteOptions, GraphStatus, Plan, PlanOptions,
    Policy, Rule, ValidateOptions,
};
use ghpackages::registry::{repository_name, RegistryClient};
use ghpackages::PackageRef;
use ghpackages::{Client, ErrorKind, ListVersionsOptions, Owner, PackageType, RetryPolicy};
use ghpackages_emulator::{Emulator, EmulatorConfig, Fixture, LimitsConfig, RunningEmulator};

const TOKEN: &str = "ghp_graph_admin";
const PACKAGE: &str = "octo-web";
const BROKEN: &str = "octo-web-broken";
/// The orphans of `octo-web`: untagged images, an untagged index and its
/// children, an untagged image and its signature.
const ORPHANS: [u64; 7] = [100700, 100701, 100702, 100703, 100704, 100705, 100711];

async fn emulator() -> RunningEmulator {
    Emulator::start(EmulatorConfig {
        fixture: Some(Fixture::from_json(include_str!("container_graph_fixture.json")).unwrap()),
        limits: LimitsConfig::disabled(),
        ..EmulatorConfig::default()
    })
    .await
    .expect("the emulator starts")
}

fn client(emulator: &RunningEmulator) -> Client {
    Client::builder()
        .base_url(emulator.base_url())
        .token(TOKEN)
        .token_from_env(false)
        .retry(RetryPolicy::none())
        .build()
        .unwrap()
}

fn untagged() -> Policy {
    Policy::from_json(r#"{"tags": "untagged"}"#).unwrap()
}

fn org() -> Owner {
    Owner::org("octo-org")
}

fn deleted_ids(plan: &Plan) -> BTreeSet<u64> {
    plan.deletions().map(|d| d.version_id).collect()
}

fn decision(plan: &Plan, id: u64) -> (Action, Rule) {
    let d = plan.decisions.iter().find(|d| d.version_id == id).unwrap();
    (d.action, d.rule)
}

async fn execute(client: &Client, name: &str, plan: &Plan) {
    let target = PackageRef::new(org(), PackageType::Container, name);
    let report = cleanup::execute(
        client,
        &target,
        plan,
        &ExecuteOptions {
            journal_file: false,
            ..ExecuteOptions::default()
        },
    )
    .await
    .unwrap();
    assert!(report.is_success(), "{report:?}");
    assert_eq!(report.deleted, plan.delete_count());
}

async fn active_ids(client: &Client, name: &str) -> BTreeSet<u64> {
    client
        .list_all_package_versions(
            &org(),
            PackageType::Container,
            name,
            &ListVersionsOptions::default(),
        )
        .await
        .unwrap()
        .iter()
        .map(|v| v.id)
        .collect()
}

#[tokio::test]
async fn pruning_untagged_deletes_exactly_the_orphans_and_leaves_a_complete_graph() {
    let emulator = emulator().await;
    let client = client(&emulator);
    assert_eq!(client.registry_url(), emulator.base_url());
    let plan = plan_package(
        &client,
        &org(),
        PackageType::Container,
        PACKAGE,
        &untagged(),
        &PlanOptions::default(),
    )
    .await
    .unwrap();
    assert_eq!(deleted_ids(&plan), BTreeSet::from(ORPHANS));
    let graph = plan.graph.clone().unwrap();
    assert_eq!(graph.status, GraphStatus::Read);
    assert_eq!(graph.manifests, 17);
    assert_eq!(graph.fetched, 17, "each manifest fetched once");
    // Each decision names its rule.
    assert_eq!(
        decision(&plan, 100705),
        (Action::Delete, Rule::OrphanedReference)
    );
    assert_eq!(decision(&plan, 100703), (Action::Delete, Rule::Policy));
    assert_eq!(decision(&plan, 100706), (Action::Keep, Rule::IndexChild));
    assert_eq!(decision(&plan, 100707), (Action::Keep, Rule::IndexChild));
    assert_eq!(decision(&plan, 100709), (Action::Keep, Rule::IndexChild));
    assert_eq!(decision(&plan, 100712), (Action::Keep, Rule::IndexChild));
    assert_eq!(decision(&plan, 100715), (Action::Keep, Rule::Tagged));
    // The attestation is the newest version, but recency counts images: the
    // newest is the index it refers to, and the attestation follows it.
    assert_eq!(decision(&plan, 100716), (Action::Keep, Rule::Referrer));
    assert_eq!(decision(&plan, 100714), (Action::Keep, Rule::Newest));
    // Keeping the latest image keeps it whole: its index, platforms, signature
    // and attestation.
    let latest = Policy::from_json(r#"{"keep_latest": 1, "keep_newest": false}"#).unwrap();
    let other = plan_package(
        &client,
        &org(),
        PackageType::Container,
        PACKAGE,
        &latest,
        &PlanOptions::default(),
    )
    .await
    .unwrap();
    let kept: BTreeSet<u64> = other.kept().map(|d| d.version_id).collect();
    assert_eq!(
        kept,
        BTreeSet::from([100712, 100713, 100714, 100715, 100716])
    );
    assert_eq!(decision(&other, 100714), (Action::Keep, Rule::KeepLatest));

    execute(&client, PACKAGE, &plan).await;
    let left = active_ids(&client, PACKAGE).await;
    assert_eq!(left.len(), 10);
    assert!(left.is_disjoint(&BTreeSet::from(ORPHANS)));

    let report = validate_package(&client, &org(), PACKAGE, &ValidateOptions::default())
        .await
        .unwrap();
    assert!(report.is_complete(), "{report:?}");
    assert_eq!(report.repository, "octo-org/octo-web");
    assert_eq!(report.tags, 5);
    // Three indexes, their five distinct children, and the signature.
    assert_eq!(report.manifests, 9);
    assert_eq!(report.fetched, 9);
    emulator.shutdown().await;
}

#[tokio::test]
async fn without_the_graph_the_same_prune_breaks_images_and_validate_says_so() {
    let emulator = emulator().await;
    let client = client(&emulator);
    let options = PlanOptions {
        manifest_graph: false,
        ..PlanOptions::default()
    };
    let plan = plan_package(
        &client,
        &org(),
        PackageType::Container,
        PACKAGE,
        &untagged(),
        &options,
    )
    .await
    .unwrap();
    assert_eq!(plan.graph, None);
    // Every untagged manifest goes, platform children and attestation included.
    let deleted = deleted_ids(&plan);
    assert!(
        deleted.contains(&100706) && deleted.contains(&100707),
        "{deleted:?}"
    );
    execute(&client, PACKAGE, &plan).await;
    let report = validate_package(&client, &org(), PACKAGE, &ValidateOptions::default())
        .await
        .unwrap();
    assert!(!report.is_complete());
    let parents: BTreeSet<&str> = report
        .missing
        .iter()
        .filter_map(|m| m.parent.as_deref())
        .collect();
    // 100707 is shared: reported once, under the first index that listed it.
    assert_eq!(report.missing.len(), 5, "{report:?}");
    assert!(report.unreadable.is_empty(), "{report:?}");
    assert!(report.missing.iter().all(|m| m.parent.is_some()));
    // The three tagged indexes all lost children.
    assert_eq!(parents.len(), 3, "{parents:?}");
    emulator.shutdown().await;
}

#[tokio::test]
async fn an_unreadable_manifest_makes_the_planner_skip_the_package() {
    let emulator = emulator().await;
    let client = client(&emulator);
    let before = active_ids(&client, BROKEN).await;
    let plan = plan_package(
        &client,
        &org(),
        PackageType::Container,
        BROKEN,
        &untagged(),
        &PlanOptions::default(),
    )
    .await
    .unwrap();
    assert_eq!(plan.delete_count(), 0);
    let graph = plan.graph.clone().unwrap();
    assert_eq!(graph.status, GraphStatus::Unreadable);
    let error = graph.error.unwrap();
    assert!(error.contains("DENIED") && error.contains("403"), "{error}");
    let refused = plan
        .decisions
        .iter()
        .filter(|d| d.rule == Rule::GraphUnreadable)
        .count();
    // The policy would have deleted all 11 untagged versions but the newest.
    assert_eq!(refused, 11);
    assert!(plan.decisions.iter().all(|d| d.action == Action::Keep));
    // Executing the plan deletes nothing.
    let target = PackageRef::new(org(), PackageType::Container, BROKEN);
    let report = cleanup::execute(
        &client,
        &target,
        &plan,
        &ExecuteOptions {
            journal_file: false,
            ..ExecuteOptions::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(report.deleted, 0);
    assert_eq!(active_ids(&client, BROKEN).await, before);
    // validate reports the unreadable index apart from missing manifests.
    let report = validate_package(&client, &org(), BROKEN, &ValidateOptions::default())
        .await
        .unwrap();
    assert!(report.missing.is_empty());
    assert_eq!(report.unreadable.len(), 1);
    assert_eq!(report.unreadable[0].kind, "forbidden");
    emulator.shutdown().await;
}

#[tokio::test]
async fn a_policy_that_deletes_nothing_fetches_no_manifest() {
    let emulator = emulator().await;
    let client = client(&emulator);
    let policy = Policy::from_json(r#"{"tags": "untagged", "older_than": "2020-01-01"}"#).unwrap();
    let plan = plan_package(
        &client,
        &org(),
        PackageType::Container,
        BROKEN,
        &policy,
        &PlanOptions::default(),
    )
    .await
    .unwrap();
    let graph = plan.graph.unwrap();
    assert_eq!(graph.status, GraphStatus::NotNeeded);
    assert_eq!(graph.fetched, 0);
    emulator.shutdown().await;
}

#[tokio::test]
async fn the_registry_client_caches_by_digest_and_reports_missing_manifests() {
    let emulator = emulator().await;
    let client = client(&emulator);
    let registry = RegistryClient::new(&client).with_concurrency(2);
    let repository = repository_name("octo-org", PACKAGE);
    let index = registry.manifest(&repository, "latest").await.unwrap();
    assert!(index.is_index());
    let children: Vec<String> = index.children.iter().map(|c| c.digest.clone()).collect();
    let again = [children.clone(), children.clone()].concat();
    let fetched = registry.manifests(&repository, &again).await;
    assert_eq!(fetched.len(), 4);
    assert!(fetched.iter().all(|(_, r)| r.is_ok()));
    // One by tag, two distinct children: three fetches.
    assert_eq!(registry.fetch_count(), 3);
    // A HEAD resolves a tag without a download.
    assert_eq!(
        registry.resolve(&repository, "1.1.0").await.unwrap(),
        index.digest
    );
    let error = registry
        .resolve(&repository, "no-such-tag")
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::NotFound);
    assert_eq!(registry.fetch_count(), 3);
    let missing = format!("sha256:{}", "0".repeat(64));
    let error = registry.manifest(&repository, &missing).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::NotFound);
    assert!(error.to_string().contains("octo-org/octo-web"), "{error}");
    // A token the emulator does not know fails the handshake.
    let stranger = Client::builder()
        .base_url(emulator.base_url())
        .token("ghp_unknown")
        .token_from_env(false)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let error = RegistryClient::new(&stranger)
        .manifest(&repository, "latest")
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Unauthorized);
    assert!(!format!("{error:?}").contains("ghp_unknown"));
    emulator.shutdown().await;
}

#[test]
fn the_registry_is_derived_from_the_api_base_unless_set() {
    let build = |api: &str, registry: Option<&str>| {
        let mut builder = Client::builder()
            .base_url(api)
            .token("t")
            .token_from_env(false);
        if let Some(registry) = registry {
            builder = builder.registry_url(registry);
        }
        builder.build().map(|c| c.registry_url().to_owned())
    };
    assert_eq!(
        build("https://api.github.com", None).unwrap(),
        "https://ghcr.io"
    );
    assert_eq!(
        build("https://ghes.example.com/api/v3", None).unwrap(),
        "https://containers.ghes.example.com"
    );
    assert_eq!(
        build("https://ghes.example.com", Some("registry.example.com/")).unwrap(),
        "https://registry.example.com"
    );
    let error = build(
        "https://api.github.com",
        Some("http://registry.example.com"),
    )
    .unwrap_err();
    assert_eq!(error.argument(), Some("registry_url"));
}

#[tokio::test]
async fn an_expired_registry_token_is_renewed() {
    let emulator = emulator().await;
    let client = client(&emulator);
    let registry = RegistryClient::new(&client);
    let repository = repository_name("octo-org", PACKAGE);
    let index = registry.manifest(&repository, "latest").await.unwrap();
    // Registry tokens last five minutes; the same run goes on after that.
    emulator.clock().advance(301.0);
    let child = &index.children[0].digest;
    let manifest = registry.manifest(&repository, child).await.unwrap();
    assert_eq!(&manifest.digest, child);
    assert_eq!(registry.fetch_count(), 2);
    emulator.shutdown().await;
}
