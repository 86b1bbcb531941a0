//! Saved plans: written in the documented format (checked against
//! docs/plan.schema.json), read back, and applied after the packages
//! changed, before or during the apply: only versions unchanged since the
//! plan are deleted. Client → HTTP → emulator → SQLite.

use std::collections::BTreeSet;
use std::sync::{Mutex, Once};

use ghpackages::cleanup::{
    self, validate_package, Action, ExecuteOptions, PackagesPlan, PackagesReport, PlanOptions,
    Policy, Progress, SkippedVersion, ValidateOptions,
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
/// the older one untagged; `relisted`: an untagged image (299), an untagged
/// index (300) older than the platform manifests it lists (301, 302) and a
/// signature of it (303), and a tagged image (400), so that applying its
/// plan oldest first checks the index before what it holds; `rebuilt`: an
/// untagged old index (500) of two platform manifests (501, 502), a
/// signature of 501 (503), an untagged image (504) and a tagged one (510),
/// so that its plan deletes 500 to 504.
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
    let at = |hour: u32, minute: u32| format!("2025-02-01T{hour:02}:{minute:02}:00Z");
    let relisted = json!([
        {"name": digest(299), "id": 299, "created_at": at(2, 0)},
        {"name": digest(300), "id": 300, "created_at": at(3, 0),
         "manifest": {"children": [digest(301), digest(302)]}},
        {"name": digest(301), "id": 301, "created_at": at(3, 1)},
        {"name": digest(302), "id": 302, "created_at": at(3, 1)},
        {"name": digest(303), "id": 303, "created_at": at(3, 2),
         "tags": [format!("sha256-{}.sig", &digest(300)[7..])],
         "manifest": {"subject": digest(300),
                      "artifact_type": "application/vnd.dev.cosign.artifact.sig.v1+json"}},
        {"name": digest(400), "id": 400, "created_at": at(4, 0), "tags": ["latest"]}
    ]);
    let rebuilt = json!([
        {"name": digest(501), "id": 501, "created_at": at(5, 0)},
        {"name": digest(502), "id": 502, "created_at": at(5, 0)},
        {"name": digest(500), "id": 500, "created_at": at(5, 1),
         "manifest": {"children": [digest(501), digest(502)]}},
        {"name": digest(503), "id": 503, "created_at": at(5, 2),
         "tags": [format!("sha256-{}.sig", &digest(501)[7..])],
         "manifest": {"subject": digest(501),
                      "artifact_type": "application/vnd.dev.cosign.artifact.sig.v1+json"}},
        {"name": digest(504), "id": 504, "created_at": at(5, 3)},
        {"name": digest(510), "id": 510, "created_at": at(6, 0), "tags": ["latest"]}
    ]);
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
             "versions": multi},
            {"owner": "octo-org", "package_type": "container", "name": "relisted",
             "versions": relisted},
            {"owner": "octo-org", "package_type": "container", "name": "rebuilt",
             "versions": rebuilt}
        ]
    });
    Fixture::from_json(&fixture.to_string()).unwrap()
}

async fn emulator() -> RunningEmulator {
    emulator_with(LimitsConfig::disabled()).await
}

async fn emulator_with(limits: LimitsConfig) -> RunningEmulator {
    Emulator::start(EmulatorConfig {
        fixture: Some(fixture()),
        limits,
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
    saved_plan_of(client, &["svc", "multi"]).await
}

/// The plan of `packages` (untagged versions but the newest), saved and read back.
async fn saved_plan_of(client: &Client, packages: &[&str]) -> PackagesPlan {
    let patterns: Vec<String> = packages.iter().map(|p| p.to_string()).collect();
    let plan = cleanup::plan_packages(
        client,
        &org(),
        PackageType::Container,
        &patterns,
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
    // A decision the schema refuses: deleted by a rule that only keeps.
    let kept = value["packages"][0]["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .position(|d| d["action"] == "keep" && d["rule"] != "in_use")
        .expect("the plan keeps a version");
    let decision = value["packages"][0]["decisions"][kept].clone();
    let mut bent = value.clone();
    bent["packages"][0]["decisions"][kept]["action"] = json!("delete");
    let message = refused(&bent.to_string());
    assert!(
        message.contains(&format!(
            "{} version {} ({}) is to be deleted by rule {}",
            value["packages"][0]["package"].as_str().unwrap(),
            decision["version_id"],
            decision["name"].as_str().unwrap(),
            decision["rule"].as_str().unwrap()
        )),
        "{message}"
    );
    let mut bent = value.clone();
    bent["packages"][0]["decisions"][kept]["rule"] = json!("in_use");
    assert!(refused(&bent.to_string()).contains("kept as in use without kept_by"));
    bent["packages"][0]["decisions"][kept]["kept_by"] = json!(["deploy/app.yaml:3"]);
    PackagesPlan::from_json(&bent.to_string()).expect("in use, and where");
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

/// Applies `plan` one deletion at a time, `check_each` or not, calling
/// `change` (what someone else does meanwhile) once, after the first
/// deletion; the report, and the last progress seen.
async fn apply_changing_during_the_run(
    client: &Client,
    plan: &PackagesPlan,
    check_each: bool,
    change: impl Fn() + Send + Sync,
) -> (PackagesReport, Progress) {
    let changed = Once::new();
    let last = Mutex::new(None);
    let options = ExecuteOptions {
        concurrency: 1,
        journal_file: false,
        check_each,
        ..ExecuteOptions::default()
    };
    let report = cleanup::apply_plan_with_progress(client, plan, &options, |progress| {
        changed.call_once(&change);
        *last.lock().unwrap() = Some(progress.clone());
    })
    .await
    .unwrap();
    (report, last.into_inner().unwrap().unwrap())
}

/// Deletes a version as someone else would, from inside a progress callback
/// (which is not async): on this multi-threaded runtime, blocking is allowed.
fn delete_as_someone_else(client: &Client, package: &str, version_id: u64) {
    tokio::task::block_in_place(|| {
        tokio::runtime::Handle::current().block_on(async {
            client
                .delete_package_version(&org(), PackageType::Container, package, version_id)
                .await
                .unwrap()
        })
    });
}

fn reason_of(report: &PackagesReport, id: u64) -> &str {
    &report
        .skipped
        .iter()
        .find(|s| s.version_id == id)
        .unwrap_or_else(|| panic!("{id} is not skipped: {:#?}", report.skipped))
        .reason
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_version_changed_during_the_apply_is_checked_just_before_its_deletion_and_skipped() {
    let emulator = emulator().await;
    let client = client(&emulator);
    let plan = saved_plan_of(&client, &["svc"]).await;
    // Newest first: changed are the last but one and two planned deletions,
    // so that the last one's progress shows them skipped.
    let svc = planned(&plan, "svc");
    let (tagged, gone) = (svc[2], svc[1]);
    let (report, last) = apply_changing_during_the_run(&client, &plan, true, || {
        emulator
            .set_tags(
                "octo-org",
                "container".parse().unwrap(),
                "svc",
                tagged as i64,
                &["hotfix".into()],
            )
            .unwrap();
        delete_as_someone_else(&client, "svc", gone);
    })
    .await;
    assert_eq!(
        reason_of(&report, tagged),
        "newly tagged since the plan: hotfix"
    );
    assert_eq!(
        reason_of(&report, gone),
        "gone since the plan (deleted by someone else)"
    );
    assert_eq!(report.skipped.len(), 2);
    assert_eq!(
        (report.deleted, report.already_gone, report.failed),
        (svc.len() - 2, 0, 0)
    );
    // The skipped deletions are no longer planned: the run ends with none left.
    assert_eq!(
        (last.total.planned, last.total.done, last.total.left),
        (svc.len() - 2, svc.len() - 2, 0)
    );
    let now = active(&client, "svc").await;
    assert!(
        now.contains(&tagged),
        "the version tagged during the run stays"
    );
    for id in svc.iter().filter(|id| **id != tagged) {
        assert!(!now.contains(id), "{id} was planned and unchanged");
    }
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_check_each_a_version_changed_during_the_apply_is_deleted() {
    let emulator = emulator().await;
    let client = client(&emulator);
    let plan = saved_plan_of(&client, &["svc"]).await;
    let svc = planned(&plan, "svc");
    let (tagged, gone) = (svc[0], svc[1]);
    let (report, _) = apply_changing_during_the_run(&client, &plan, false, || {
        emulator
            .set_tags(
                "octo-org",
                "container".parse().unwrap(),
                "svc",
                tagged as i64,
                &["hotfix".into()],
            )
            .unwrap();
        delete_as_someone_else(&client, "svc", gone);
    })
    .await;
    // Checked once, before the run: the changes made during it are not seen.
    assert!(report.skipped.is_empty(), "{:#?}", report.skipped);
    assert_eq!(
        (report.deleted, report.already_gone, report.failed),
        (svc.len() - 1, 1, 0)
    );
    assert!(!active(&client, "svc").await.contains(&tagged));
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_index_tagged_during_the_apply_keeps_what_it_holds_that_is_not_yet_deleted() {
    let emulator = emulator().await;
    let client = client(&emulator);
    let plan = saved_plan_of(&client, &["relisted"]).await;
    assert_eq!(
        planned(&plan, "relisted")
            .into_iter()
            .collect::<BTreeSet<_>>(),
        BTreeSet::from([299, 300, 301, 302, 303])
    );
    // 299 goes first; then the index is tagged, before its check.
    let (report, _) = apply_changing_during_the_run(&client, &plan, true, || {
        emulator
            .set_tags(
                "octo-org",
                "container".parse().unwrap(),
                "relisted",
                300,
                &["rc".into()],
            )
            .unwrap();
    })
    .await;
    assert_eq!(reason_of(&report, 300), "newly tagged since the plan: rc");
    let holder = digest(300);
    for held in [301, 302] {
        assert_eq!(
            reason_of(&report, held),
            format!("listed by {holder}, which changed since the plan")
        );
    }
    assert_eq!(
        reason_of(&report, 303),
        format!("refers to {holder}, which changed since the plan")
    );
    assert_eq!((report.deleted, report.failed), (1, 0));
    let now = active(&client, "relisted").await;
    assert_eq!(now, BTreeSet::from([300, 301, 302, 303, 400]));
    emulator.shutdown().await;
}

/// The requests of the hourly budget `apply` spends, read from
/// `X-RateLimit-Remaining` before and after it (each read costs one).
async fn requests_spent(client: &Client, plan: &PackagesPlan, check_each: bool) -> u64 {
    let remaining = || async {
        client
            .get_package(&org(), PackageType::Container, "svc")
            .await
            .unwrap();
        client.rate_limit().unwrap().remaining
    };
    let before = remaining().await;
    let options = ExecuteOptions {
        journal_file: false,
        check_each,
        ..ExecuteOptions::default()
    };
    let report = cleanup::apply_plan(client, plan, &options).await.unwrap();
    assert_eq!(report.deleted, planned(plan, "svc").len());
    before - remaining().await - 1
}

#[tokio::test]
async fn check_each_costs_one_get_per_deletion() {
    let mut spent = Vec::new();
    for check_each in [true, false] {
        let emulator = emulator_with(LimitsConfig::default()).await;
        let client = client(&emulator);
        let plan = saved_plan_of(&client, &["svc"]).await;
        spent.push(requests_spent(&client, &plan, check_each).await);
        let rejections = emulator.rejections();
        assert_eq!((rejections.primary(), rejections.secondary()), (0, 0));
        emulator.shutdown().await;
    }
    // One listing of svc (one page) up front, then per deletion a GET and a
    // DELETE, or the DELETE alone.
    assert_eq!(spent, [1 + 2 * 12, 1 + 12]);
}

/// Pushes versions to `package` as a registry push would.
fn push(emulator: &RunningEmulator, package: &str, versions: Value) {
    let versions: Vec<VersionFixture> = serde_json::from_value(versions).unwrap();
    emulator
        .add_versions("octo-org", "container".parse().unwrap(), package, &versions)
        .unwrap();
}

/// A signature (cosign tag and OCI subject) of manifest `signed`.
fn signature(id: u32, signed: u32) -> Value {
    json!({"name": digest(id), "id": id,
           "tags": [format!("sha256-{}.sig", &digest(signed)[7..])],
           "manifest": {"subject": digest(signed),
                        "artifact_type": "application/vnd.dev.cosign.artifact.sig.v1+json"}})
}

/// Plans `rebuilt` (and `svc`), lets `after_plan` push, and applies the plan.
async fn apply_rebuilt(after_plan: impl Fn(&RunningEmulator)) -> (RunningEmulator, PackagesReport) {
    let emulator = emulator().await;
    let client = client(&emulator);
    let plan = saved_plan_of(&client, &["rebuilt", "svc"]).await;
    assert_eq!(
        planned(&plan, "rebuilt")
            .into_iter()
            .collect::<BTreeSet<_>>(),
        BTreeSet::from([500, 501, 502, 503, 504])
    );
    after_plan(&emulator);
    let checked = cleanup::check_plan(&client, &plan).await.unwrap();
    let options = ExecuteOptions {
        journal_file: false,
        ..ExecuteOptions::default()
    };
    let report = cleanup::apply_plan(&client, &plan, &options).await.unwrap();
    assert_eq!(report.skipped, checked);
    assert_eq!(report.failed + report.already_gone, 0);
    (emulator, report)
}

#[tokio::test]
async fn what_a_version_pushed_after_the_plan_refers_to_is_not_deleted() {
    // Control: with nothing pushed, the plan deletes 500 to 504.
    let (emulator, report) = apply_rebuilt(|_| {}).await;
    assert!(report.skipped.is_empty(), "{:#?}", report.skipped);
    assert_eq!(report.deleted, 5 + 12);
    let now = active(&client(&emulator), "rebuilt").await;
    assert_eq!(now, BTreeSet::from([510]));
    emulator.shutdown().await;

    // After the plan: a new tagged index over planned platform manifest 501
    // and a new one (601), and a new signature of planned 502.
    let (emulator, report) = apply_rebuilt(|emulator| {
        push(
            emulator,
            "rebuilt",
            json!([
                {"name": digest(601), "id": 601},
                {"name": digest(600), "id": 600, "tags": ["v2"],
                 "manifest": {"children": [digest(501), digest(601)]}},
                signature(602, 502)
            ]),
        );
    })
    .await;
    let (index, signed) = (digest(600), digest(501));
    assert_eq!(
        reason_of(&report, 501),
        format!("listed by {index}, pushed after the plan (version 600)")
    );
    assert_eq!(
        reason_of(&report, 503),
        format!("refers to {signed}, which version 600 pushed after the plan refers to")
    );
    assert_eq!(
        reason_of(&report, 502),
        format!(
            "referred to by {}, pushed after the plan (version 602)",
            digest(602)
        )
    );
    assert_eq!(report.skipped.len(), 3, "{:#?}", report.skipped);
    // The old index and the unrelated image go; svc, with nothing pushed, is whole.
    assert_eq!(report.deleted, 2 + 12);
    let client = client(&emulator);
    let now = active(&client, "rebuilt").await;
    assert_eq!(now, BTreeSet::from([501, 502, 503, 510, 600, 601, 602]));
    let validation = validate_package(&client, &org(), "rebuilt", &ValidateOptions::default())
        .await
        .unwrap();
    assert!(validation.is_complete(), "{validation:#?}");
    emulator.shutdown().await;
}

#[tokio::test]
async fn a_version_pushed_after_the_plan_that_cannot_be_read_keeps_the_package_whole() {
    let (emulator, report) = apply_rebuilt(|emulator| {
        push(
            emulator,
            "rebuilt",
            json!([{"name": digest(700), "id": 700, "tags": ["v3"],
                    "manifest": {"unreadable": true}}]),
        );
    })
    .await;
    let skipped: BTreeSet<u64> = report.skipped.iter().map(|s| s.version_id).collect();
    assert_eq!(skipped, BTreeSet::from([500, 501, 502, 503, 504]));
    for skip in &report.skipped {
        assert!(
            skip.reason.starts_with(
                "manifest graph unreadable with the versions pushed after the plan, \
                 nothing deleted here: "
            ) && skip.reason.contains(&digest(700)),
            "{skip:?}"
        );
    }
    // The other package's plan stands.
    assert_eq!(report.deleted, 12);
    assert_eq!(
        active(&client(&emulator), "rebuilt").await,
        BTreeSet::from([500, 501, 502, 503, 504, 510, 700])
    );
    emulator.shutdown().await;
}
