//! Saved plans: written in the documented format (checked against
//! docs/plan.schema.json), read back, and applied after the packages
//! changed: only versions unchanged since the plan are deleted. Client →
//! HTTP → emulator → SQLite.

use std::collections::BTreeSet;

use ghpackages::cleanup::{
    self, Action, ExecuteOptions, PackagesPlan, PlanOptions, Policy, SkippedVersion,
};
use ghpackages::{Client, ErrorKind, ListVersionsOptions, Owner, PackageType};
use ghpackages_emulator::{
    Emulator, EmulatorConfig, Fixture, LimitsConfig, RunningEmulator, VersionFixture,
};
use serde_json::{json, Value};

const ADMIN: &str = "ghp_apply_admin";

fn digest(n: u32) -> String {
    format!("sha256:{n:064x}")
}

/// `svc`: 16 generated images, every 4th tagged; `multi`: two multi-platform
/// images (an index, two platform manifests and a cosign signature each),
/// the older one untagged.
fn fixture() -> Fixture {
    let image = |base: u32, tag: Option<&str>, hour: u32| {
        let at = |minute: u32| format!("2025-02-01T{hour:02}:{minute:02}:00Z");
        json!([
            {"name": digest(base + 1), "id": base + 1, "created_at": at(0)},
            {"name": digest(base + 2), "id": base + 2, "created_at": at(0)},
            {"name": digest(base), "id": base, "created_at": at(1),
             "tags": tag.map(|t| vec![t]).unwrap_or_default(),
             "manifest": {"children": [digest(base + 1), digest(base + 2)]}},
            {"name": digest(base + 3), "id": base + 3, "created_at": at(2),
             "tags": [format!("sha256-{}.sig", &digest(base)[7..])],
             "manifest": {"subject": digest(base),
                          "artifact_type": "application/vnd.dev.cosign.artifact.sig.v1+json"}}
        ])
    };
    let mut multi: Vec<Value> = Vec::new();
    for (base, tag, hour) in [(100, None, 1), (200, Some("v2"), 2)] {
        multi.extend(image(base, tag, hour).as_array().unwrap().iter().cloned());
    }
    let fixture = json!({
        "users": [{"login": "octocat", "id": 583231}],
        "orgs": [{"login": "octo-org", "id": 6811672,
                  "members": [{"login": "octocat", "role": "admin"}]}],
        "tokens": [{"token": ADMIN, "user": "octocat",
                    "scopes": ["read:packages", "write:packages", "delete:packages"]}],
        "packages": [
            {"owner": "octo-org", "package_type": "container", "name": "svc",
             "generate": {"count": 16, "name": "sha256:{digest}",
                          "start": "2025-01-01T00:00:00Z", "interval_seconds": 3600,
                          "tags": ["v{n}"], "tag_every": 4}},
            {"owner": "octo-org", "package_type": "container", "name": "multi",
             "versions": multi}
        ]
    });
    Fixture::from_json(&fixture.to_string()).unwrap()
}

async fn emulator() -> RunningEmulator {
    Emulator::start(EmulatorConfig {
        fixture: Some(fixture()),
        limits: LimitsConfig::disabled(),
        ..EmulatorConfig::default()
    })
    .await
    .expect("the emulator starts")
}

fn client(emulator: &RunningEmulator) -> Client {
    Client::builder()
        .base_url(emulator.base_url())
        .token(ADMIN)
        .token_from_env(false)
        .build()
        .unwrap()
}

fn org() -> Owner {
    Owner::org("octo-org")
}

/// Fails the test unless `plan` (as written) satisfies docs/plan.schema.json.
fn assert_schema_valid(plan: &str) {
    let schema: Value =
        serde_json::from_str(include_str!("../../../docs/plan.schema.json")).unwrap();
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the plan schema compiles");
    let instance: Value = serde_json::from_str(plan).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "plan does not match the schema: {errors:#?}"
    );
}

async fn active(client: &Client, package: &str) -> BTreeSet<u64> {
    client
        .list_all_package_versions(
            &org(),
            PackageType::Container,
            package,
            &ListVersionsOptions::default(),
        )
        .await
        .unwrap()
        .iter()
        .map(|v| v.id)
        .collect()
}

async fn saved_plan(client: &Client) -> PackagesPlan {
    let plan = cleanup::plan_packages(
        client,
        &org(),
        PackageType::Container,
        &["svc".into(), "multi".into()],
        &Policy::from_json(r#"{"tags": "untagged", "keep_latest": 1}"#).unwrap(),
        &PlanOptions::default(),
    )
    .await
    .unwrap();
    let text = plan.to_json();
    assert_schema_valid(&text);
    let read = PackagesPlan::from_json(&text).unwrap();
    assert_eq!(read, plan);
    read
}

fn planned(plan: &PackagesPlan, package: &str) -> Vec<u64> {
    plan.packages
        .iter()
        .find(|p| p.package == package)
        .unwrap()
        .decisions
        .iter()
        .filter(|d| d.action == Action::Delete)
        .map(|d| d.version_id)
        .collect()
}

#[tokio::test]
async fn apply_deletes_only_what_is_unchanged_since_the_plan() {
    let emulator = emulator().await;
    let client = client(&emulator);
    let plan = saved_plan(&client).await;
    let svc = planned(&plan, "svc");
    let multi = planned(&plan, "multi");
    // The old image of `multi` (index 100, platforms 101 and 102, signature 103) goes.
    assert_eq!(
        multi.iter().copied().collect::<BTreeSet<_>>(),
        BTreeSet::from([100, 101, 102, 103])
    );
    assert_eq!(svc.len(), 12);
    // After the plan: one planned version newly tagged, one deleted by
    // someone else, a new version pushed, and the old index tagged.
    let (tagged, gone) = (svc[0], svc[1]);
    emulator
        .set_tags(
            "octo-org",
            "container".parse().unwrap(),
            "svc",
            tagged as i64,
            &["hotfix".into()],
        )
        .unwrap();
    client
        .delete_package_version(&org(), PackageType::Container, "svc", gone)
        .await
        .unwrap();
    let pushed: VersionFixture =
        serde_json::from_value(json!({"name": digest(999), "id": 999})).unwrap();
    emulator
        .add_versions("octo-org", "container".parse().unwrap(), "svc", &[pushed])
        .unwrap();
    emulator
        .set_tags(
            "octo-org",
            "container".parse().unwrap(),
            "multi",
            100,
            &["restored".into()],
        )
        .unwrap();
    let checked = cleanup::check_plan(&client, &plan).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let options = ExecuteOptions {
        journal: Some(dir.path().join("apply.jsonl")),
        ..ExecuteOptions::default()
    };
    let report = cleanup::apply_plan(&client, &plan, &options).await.unwrap();
    assert_eq!(report.skipped, checked);
    let reason = |id: u64| -> &str {
        let skipped: &SkippedVersion = report.skipped.iter().find(|s| s.version_id == id).unwrap();
        &skipped.reason
    };
    assert_eq!(reason(tagged), "newly tagged since the plan: hotfix");
    assert_eq!(
        reason(gone),
        "gone since the plan (deleted by someone else)"
    );
    assert_eq!(reason(100), "newly tagged since the plan: restored");
    let holder = digest(100);
    for held in [101, 102] {
        assert_eq!(
            reason(held),
            format!("listed by {holder}, which changed since the plan")
        );
    }
    assert_eq!(
        reason(103),
        format!("refers to {holder}, which changed since the plan")
    );
    assert_eq!(report.skipped.len(), 6);
    assert_eq!(report.deleted, svc.len() - 2);
    assert_eq!(report.failed + report.already_gone, 0);
    let svc_now = active(&client, "svc").await;
    assert!(svc_now.contains(&tagged) && svc_now.contains(&999));
    for id in &svc[2..] {
        assert!(!svc_now.contains(id), "{id} was planned and unchanged");
    }
    let multi_now = active(&client, "multi").await;
    assert!([100, 101, 102, 103].iter().all(|id| multi_now.contains(id)));
    emulator.shutdown().await;
}

#[tokio::test]
async fn plans_that_are_not_plans_or_not_for_this_client_are_refused() {
    let emulator = emulator().await;
    let client = client(&emulator);
    let plan = saved_plan(&client).await;
    let mut value: Value = serde_json::from_str(&plan.to_json()).unwrap();
    let refused = |text: &str| {
        let error = PackagesPlan::from_json(text).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidInput, "{error}");
        assert_eq!(error.argument(), Some("plan"));
        error.message().to_owned()
    };
    assert!(refused("{\"format_version\": 1,").contains("not JSON"));
    assert!(refused("[]").contains("no format_version"));
    value["format_version"] = json!(2);
    assert!(refused(&value.to_string()).contains("plan format version 2 is not supported"));
    value["format_version"] = json!(1);
    value["packages"][0]["decisions"][0]["action"] = json!("shred");
    assert!(refused(&value.to_string()).contains("packages[0].decisions[0].action"));
    value["packages"][0]["decisions"][0]["action"] = json!("keep");
    value["surprise"] = json!(true);
    assert!(refused(&value.to_string()).contains("surprise"));
    // Another owner, another server.
    let error = plan
        .check_target(&client, Some(&Owner::org("other-org")))
        .unwrap_err();
    assert_eq!(
        error.message(),
        "the plan is for organization octo-org, not other-org"
    );
    plan.check_target(&client, Some(&org())).unwrap();
    let elsewhere = PackagesPlan {
        api_url: "https://api.github.com".into(),
        ..plan.clone()
    };
    let error = cleanup::apply_plan(&client, &elsewhere, &ExecuteOptions::default())
        .await
        .unwrap_err();
    assert!(
        error.message().starts_with("the plan was made on https://api.github.com, but the client is aimed at http://127.0.0.1:"),
        "{error}"
    );
    emulator.shutdown().await;
}
