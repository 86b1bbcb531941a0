//! `ghpkg prune --plan-out` and `ghpkg apply` (reviewable plans, applied
//! only to what is unchanged), and `--keep-refs-from`/`--keep-tag`/
//! `--keep-digest` (what is in use is kept with its manifest graph). The
//! real binary against an in-process emulator.

use std::path::Path;
use std::process::{Command, Output};

use ghpackages_emulator::{Emulator, EmulatorConfig, Fixture, LimitsConfig, RunningEmulator};
use serde_json::{json, Value};

const TOKEN: &str = "ghp_plans_admin";

fn digest(n: u32) -> String {
    format!("sha256:{n:064x}")
}

/// `app`: five multi-platform images v0..v4 (index `N00` tagged `vN`,
/// platform manifests `N01` and `N02`, cosign signature `N03`), an hour apart.
async fn emulator() -> RunningEmulator {
    let mut versions = Vec::new();
    for n in 0..5u32 {
        let base = (n + 1) * 100;
        let at = |minute: u32| format!("2025-02-01T{:02}:{minute:02}:00Z", n + 1);
        versions.extend([
            json!({"name": digest(base + 1), "id": base + 1, "created_at": at(0)}),
            json!({"name": digest(base + 2), "id": base + 2, "created_at": at(0)}),
            json!({"name": digest(base), "id": base, "created_at": at(1), "tags": [format!("v{n}")],
                   "manifest": {"children": [digest(base + 1), digest(base + 2)]}}),
            json!({"name": digest(base + 3), "id": base + 3, "created_at": at(2),
                   "tags": [format!("sha256-{}.sig", &digest(base)[7..])],
                   "manifest": {"subject": digest(base),
                                "artifact_type": "application/vnd.dev.cosign.artifact.sig.v1+json"}}),
        ]);
    }
    let fixture = json!({
        "users": [{"login": "octocat", "id": 583231}],
        "orgs": [{"login": "octo-org", "id": 6811672,
                  "members": [{"login": "octocat", "role": "admin"}]}],
        "tokens": [{"token": TOKEN, "user": "octocat",
                    "scopes": ["read:packages", "write:packages", "delete:packages"]}],
        "packages": [{"owner": "octo-org", "package_type": "container", "name": "app",
                      "versions": versions}]
    });
    Emulator::start(EmulatorConfig {
        fixture: Some(Fixture::from_json(&fixture.to_string()).unwrap()),
        limits: LimitsConfig::disabled(),
        ..EmulatorConfig::default()
    })
    .await
    .expect("the emulator starts")
}

/// Runs `ghpkg ARGS` to completion, off the emulator's runtime.
async fn ghpkg(emulator: &RunningEmulator, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ghpkg"));
    command
        .args(args)
        .env_remove("GH_TOKEN")
        .env_remove("GHPKG_REGISTRY_URL")
        .env("GITHUB_TOKEN", TOKEN)
        .env("GITHUB_API_URL", emulator.base_url());
    tokio::task::spawn_blocking(move || command.output().expect("ghpkg runs"))
        .await
        .unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

fn json_of(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(output)))
}

/// Fails the test unless the plan file satisfies docs/plan.schema.json.
fn assert_schema_valid(path: &Path) {
    let schema: Value =
        serde_json::from_str(include_str!("../../../docs/plan.schema.json")).unwrap();
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the plan schema compiles");
    let plan: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&plan)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "plan does not match the schema: {errors:#?}"
    );
}

fn active_ids(emulator: &RunningEmulator) -> Vec<u64> {
    let body = emulator
        .versions(
            "octo-org",
            "container".parse().unwrap(),
            "app",
            ghpackages_emulator::VersionState::Active,
        )
        .unwrap();
    let versions: Vec<Value> = serde_json::from_slice(&body).unwrap();
    let mut ids: Vec<u64> = versions.iter().map(|v| v["id"].as_u64().unwrap()).collect();
    ids.sort();
    ids
}

fn image(index: u64) -> [u64; 4] {
    [index, index + 1, index + 2, index + 3]
}

#[tokio::test]
async fn a_manifest_directory_keeps_its_images_with_platforms_and_signatures() {
    let emulator = emulator().await;
    let host = emulator.base_url().trim_start_matches("http://").to_owned();
    let dir = tempfile::tempdir().unwrap();
    let refs = dir.path().join("manifests");
    std::fs::create_dir_all(refs.join("deploy")).unwrap();
    // Two tags and one digest of this package on this registry; the rest
    // name another registry, owner or package, or sit in a binary file.
    std::fs::write(
        refs.join("deploy/app.yaml"),
        format!("kind: Deployment\nspec:\n  image: {host}/octo-org/app:v1\n  sidecar: ghcr.io/octo-org/app:v0\n"),
    )
    .unwrap();
    std::fs::write(
        refs.join("values.yaml"),
        format!("other: {host}/other-org/app:v0\nimage: {host}/octo-org/app:v2 # pinned by tag\nalso: {host}/octo-org/other:v0\ngone: {host}/octo-org/app:v9\n"),
    )
    .unwrap();
    std::fs::write(
        refs.join("compose.yml"),
        format!(
            "services:\n  app:\n    image: \"{host}/octo-org/app@{}\"\n",
            digest(400)
        ),
    )
    .unwrap();
    std::fs::write(refs.join("image.bin"), format!("\0{host}/octo-org/app:v0")).unwrap();
    let refs_arg = refs.to_str().unwrap();
    let journal = dir.path().join("prune.jsonl");
    let output = ghpkg(
        &emulator,
        &[
            "--org",
            "octo-org",
            "--json",
            "prune",
            "-t",
            "container",
            "app",
            "--keep-latest",
            "1",
            "--keep-refs-from",
            refs_arg,
            "--yes",
            "--journal",
            journal.to_str().unwrap(),
        ],
    )
    .await;
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    // The one reference to this package that matches no version is said,
    // as a JSON line; those to other owners, packages or registries are not.
    let warnings: Vec<Value> = stderr(&output)
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|line| line["event"] == "warning")
        .collect();
    assert_eq!(
        warnings,
        [json!({
            "event": "warning",
            "warning": "keep_ref_unmatched",
            "source": format!("{refs_arg}/values.yaml:4"),
            "reference": "v9",
            "packages": ["app"],
            "message": format!("{refs_arg}/values.yaml:4 refers to octo-org/app:v9, which matches no version of app: it keeps nothing"),
        })],
        "{}",
        stderr(&output)
    );
    let body = json_of(&output);
    let decision = |id: u64| -> Value {
        body["plan"]["decisions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["version_id"] == id)
            .unwrap()
            .clone()
    };
    let kept_by = |id: u64| decision(id)["kept_by"].clone();
    assert_eq!(decision(200)["rule"], "in_use");
    assert_eq!(
        kept_by(200),
        json!([format!("{refs_arg}/deploy/app.yaml:3")])
    );
    assert_eq!(kept_by(300), json!([format!("{refs_arg}/values.yaml:2")]));
    assert_eq!(kept_by(400), json!([format!("{refs_arg}/compose.yml:3")]));
    assert_eq!(
        decision(300)["reason"],
        format!("in use: v2 at {refs_arg}/values.yaml:2")
    );
    for index in [200, 300, 400] {
        assert_eq!(decision(index + 1)["rule"], "index_child", "{index}");
        assert_eq!(decision(index + 2)["rule"], "index_child", "{index}");
        assert_eq!(decision(index + 3)["rule"], "referrer", "{index}");
    }
    // Without the references, the whole of v0..v3 would go; with them, only v0.
    assert_eq!(body["report"]["deleted"], 4);
    let mut expected: Vec<u64> = [200, 300, 400, 500].into_iter().flat_map(image).collect();
    expected.sort();
    assert_eq!(active_ids(&emulator), expected);
    let validated = ghpkg(&emulator, &["--org", "octo-org", "validate", "app"]).await;
    assert_eq!(validated.status.code(), Some(0), "{validated:?}");
    assert!(
        stdout(&validated).contains("0 missing"),
        "{}",
        stdout(&validated)
    );
    emulator.shutdown().await;
}

/// `ghpkg --org octo-org prune -t container app --keep-latest 1` and `extra`.
fn prune_app<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "--org",
        "octo-org",
        "prune",
        "-t",
        "container",
        "app",
        "--keep-latest",
        "1",
    ];
    args.extend_from_slice(extra);
    args
}

#[tokio::test]
async fn tags_and_digests_one_by_one_and_bad_references() {
    let emulator = emulator().await;
    let digest_500 = digest(500);
    let dry = ghpkg(
        &emulator,
        &prune_app(&["--json", "--keep-tag", "v0", "--keep-digest", &digest(200)]),
    )
    .await;
    assert_eq!(dry.status.code(), Some(0), "{dry:?}");
    let body = json_of(&dry);
    let decisions = body["plan"]["decisions"].as_array().unwrap();
    let find = |id: u64| decisions.iter().find(|d| d["version_id"] == id).unwrap();
    assert_eq!(find(100)["kept_by"], json!(["--keep-tag"]));
    assert_eq!(find(200)["kept_by"], json!(["--keep-digest"]));
    assert_eq!(find(103)["rule"], "referrer");
    // 300..303 and 400..403 go.
    assert_eq!(
        decisions.iter().filter(|d| d["action"] == "delete").count(),
        8,
        "{digest_500}"
    );
    assert_eq!(stderr(&dry), "", "every reference matched a version");
    // A tag and a digest that match nothing keep nothing, and the run says so.
    let digest_999 = digest(999);
    let unmatched = ghpkg(
        &emulator,
        &prune_app(&[
            "--keep-tag",
            "v0",
            "--keep-tag",
            "v7",
            "--keep-digest",
            &digest_999,
        ]),
    )
    .await;
    assert_eq!(unmatched.status.code(), Some(0), "{unmatched:?}");
    assert_eq!(
        stderr(&unmatched),
        format!(
            "warning: --keep-tag v7, which matches no version of app: it keeps nothing\n\
             warning: --keep-digest {}, which matches no version of app: it keeps nothing\n",
            digest(999)
        )
    );
    let cases: [(&[&str], &str); 3] = [
        (&["--keep-digest", "sha256:abc"], "is not a manifest digest"),
        (&["--keep-tag", "a b"], "is not a tag"),
        (
            &["--keep-refs-from", "/nonexistent/manifests"],
            "cannot read /nonexistent/manifests",
        ),
    ];
    for (extra, message) in cases {
        let output = ghpkg(&emulator, &prune_app(extra)).await;
        assert_eq!(output.status.code(), Some(2), "{extra:?}: {output:?}");
        assert!(
            stderr(&output).contains(message),
            "{extra:?}: {}",
            stderr(&output)
        );
    }
    emulator.shutdown().await;
}

#[tokio::test]
async fn a_saved_plan_is_reviewed_then_applied_to_what_did_not_change() {
    let emulator = emulator().await;
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("plan.json");
    let plan_arg = plan.to_str().unwrap();
    let before = active_ids(&emulator);
    let written = ghpkg(
        &emulator,
        &[
            "--org",
            "octo-org",
            "prune",
            "-t",
            "container",
            "--package",
            "app",
            "--keep-latest",
            "1",
            "--plan-out",
            plan_arg,
        ],
    )
    .await;
    assert_eq!(written.status.code(), Some(0), "{written:?}");
    assert!(
        stdout(&written).contains(&format!("plan written to {plan_arg}: nothing was deleted")),
        "{}",
        stdout(&written)
    );
    assert_eq!(active_ids(&emulator), before);
    assert_schema_valid(&plan);
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&plan).unwrap()).unwrap();
    assert_eq!(saved["format_version"], 1);
    assert_eq!(saved["owner"], "octo-org");
    assert_eq!(saved["policy"]["keep_latest"], 1);
    // The single-package form writes the same format.
    let single = dir.path().join("single.json");
    let output = ghpkg(
        &emulator,
        &prune_app(&["--plan-out", single.to_str().unwrap()]),
    )
    .await;
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert_schema_valid(&single);
    // After the review, v1's index is tagged again: that image stays.
    emulator
        .set_tags(
            "octo-org",
            "container".parse().unwrap(),
            "app",
            200,
            &["v1".into(), "prod".into()],
        )
        .unwrap();
    let dry = ghpkg(&emulator, &["apply", plan_arg]).await;
    assert_eq!(dry.status.code(), Some(0), "{dry:?}");
    let text = stdout(&dry);
    assert!(text.contains("newly tagged since the plan: prod"), "{text}");
    assert!(
        text.contains("run again with --yes to delete 12 versions (4 skipped)"),
        "{text}"
    );
    assert_eq!(active_ids(&emulator), before);
    let journal = dir.path().join("apply.jsonl");
    let applied = ghpkg(
        &emulator,
        &[
            "--json",
            "apply",
            plan_arg,
            "--yes",
            "--journal",
            journal.to_str().unwrap(),
        ],
    )
    .await;
    assert_eq!(applied.status.code(), Some(0), "{applied:?}");
    let report = &json_of(&applied)["report"];
    assert_eq!(report["deleted"], 12);
    assert_eq!(report["skipped"].as_array().unwrap().len(), 4);
    let mut expected: Vec<u64> = [200, 500].into_iter().flat_map(image).collect();
    expected.sort();
    assert_eq!(active_ids(&emulator), expected);
    let undo = ghpkg(&emulator, &["undo", journal.to_str().unwrap()]).await;
    assert!(stdout(&undo).contains("restored 12"), "{undo:?}");
    emulator.shutdown().await;
}

#[tokio::test]
async fn apply_keeps_what_an_index_pushed_after_the_plan_lists() {
    let emulator = emulator().await;
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("plan.json");
    let plan_arg = plan.to_str().unwrap();
    let written = ghpkg(
        &emulator,
        &[
            "--org",
            "octo-org",
            "prune",
            "-t",
            "container",
            "app",
            "--keep-latest",
            "1",
            "--plan-out",
            plan_arg,
        ],
    )
    .await;
    assert_eq!(written.status.code(), Some(0), "{written:?}");
    // After the plan, a new index tagged v9 over v2's platform manifests
    // (as `docker buildx imagetools create` makes one), which the plan deletes.
    let pushed: Vec<ghpackages_emulator::VersionFixture> = serde_json::from_value(json!([
        {"name": digest(900), "id": 900, "tags": ["v9"],
         "manifest": {"children": [digest(301), digest(302)]}}
    ]))
    .unwrap();
    emulator
        .add_versions("octo-org", "container".parse().unwrap(), "app", &pushed)
        .unwrap();
    let dry = ghpkg(&emulator, &["apply", plan_arg]).await;
    assert_eq!(dry.status.code(), Some(0), "{dry:?}");
    let text = stdout(&dry);
    assert!(
        text.contains(&format!(
            "listed by {}, pushed after the plan (version 900)",
            digest(900)
        )),
        "{text}"
    );
    assert!(
        text.contains("run again with --yes to delete 14 versions (2 skipped)"),
        "{text}"
    );
    let journal = dir.path().join("apply.jsonl");
    let applied = ghpkg(
        &emulator,
        &[
            "--json",
            "apply",
            plan_arg,
            "--yes",
            "--journal",
            journal.to_str().unwrap(),
        ],
    )
    .await;
    assert_eq!(applied.status.code(), Some(0), "{applied:?}");
    let report = &json_of(&applied)["report"];
    assert_eq!(report["deleted"], 14);
    let mut skipped: Vec<u64> = report["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["version_id"].as_u64().unwrap())
        .collect();
    skipped.sort();
    assert_eq!(skipped, [301, 302]);
    let mut expected: Vec<u64> = image(500).into_iter().chain([301, 302, 900]).collect();
    expected.sort();
    assert_eq!(active_ids(&emulator), expected);
    emulator.shutdown().await;
}

#[tokio::test]
async fn bad_plan_files_and_plans_for_another_owner_are_refused() {
    let emulator = emulator().await;
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("plan.json");
    let plan_arg = plan.to_str().unwrap();
    let written = ghpkg(
        &emulator,
        &[
            "--org",
            "octo-org",
            "prune",
            "-t",
            "container",
            "app",
            "--keep-latest",
            "1",
            "--plan-out",
            plan_arg,
        ],
    )
    .await;
    assert_eq!(written.status.code(), Some(0), "{written:?}");
    let mut saved: Value = serde_json::from_str(&std::fs::read_to_string(&plan).unwrap()).unwrap();
    let other = ghpkg(
        &emulator,
        &["--org", "other-org", "apply", plan_arg, "--yes"],
    )
    .await;
    assert_eq!(other.status.code(), Some(2), "{other:?}");
    assert!(
        stderr(&other).contains("the plan is for organization octo-org, not other-org"),
        "{}",
        stderr(&other)
    );
    let malformed = dir.path().join("malformed.json");
    std::fs::write(&malformed, "{\"format_version\": 1, \"packages\": [").unwrap();
    // Hand edits the format refuses: an unknown field in a decision and in
    // the graph summary, the same package twice, a version decided twice.
    let edited = |name: &str, edit: &dyn Fn(&mut Value)| {
        let mut plan = saved.clone();
        edit(&mut plan);
        let path = dir.path().join(name);
        std::fs::write(&path, plan.to_string()).unwrap();
        path.to_str().unwrap().to_owned()
    };
    let unknown = edited("unknown.json", &|p| {
        p["packages"][0]["decisions"][0]["foo"] = json!(1)
    });
    let unknown_graph = edited("unknown_graph.json", &|p| {
        p["packages"][0]["graph"]["foo"] = json!(1)
    });
    let twice = edited("twice.json", &|p| {
        let package = p["packages"][0].clone();
        p["packages"].as_array_mut().unwrap().push(package);
    });
    let decided_twice = edited("decided_twice.json", &|p| {
        let decision = p["packages"][0]["decisions"][3].clone();
        p["packages"][0]["decisions"]
            .as_array_mut()
            .unwrap()
            .push(decision);
    });
    let renamed = edited("renamed.json", &|p| {
        p["packages"][0]["package"] = json!("ap")
    });
    let repeated_id = saved["packages"][0]["decisions"][3]["version_id"].clone();
    let decided_twice_message =
        format!("invalid plan: app version {repeated_id} has more than one decision");
    let before = active_ids(&emulator);
    saved["format_version"] = json!(7);
    let future = dir.path().join("future.json");
    std::fs::write(&future, saved.to_string()).unwrap();
    let cases = [
        (
            unknown.as_str(),
            "invalid plan at packages[0].decisions[0].foo: unknown field `foo`",
        ),
        (
            unknown_graph.as_str(),
            "invalid plan at packages[0].graph.foo: unknown field `foo`",
        ),
        (
            twice.as_str(),
            "invalid plan: package app is listed more than once",
        ),
        (decided_twice.as_str(), decided_twice_message.as_str()),
        (malformed.to_str().unwrap(), "the plan is not JSON"),
        (
            future.to_str().unwrap(),
            "plan format version 7 is not supported",
        ),
        (
            "/nonexistent/plan.json",
            "cannot read the plan /nonexistent/plan.json",
        ),
    ];
    for (path, message) in cases {
        let output = ghpkg(&emulator, &["apply", path, "--yes"]).await;
        assert_eq!(output.status.code(), Some(2), "{path}: {output:?}");
        assert!(
            stderr(&output).contains(message),
            "{path}: {}",
            stderr(&output)
        );
    }
    assert_eq!(
        active_ids(&emulator),
        before,
        "a refused plan deletes nothing"
    );
    // A plan naming a package that does not exist (renamed, deleted, a
    // typo): its versions are skipped as such, not as deleted by someone.
    let missing = ghpkg(&emulator, &["apply", &renamed]).await;
    assert_eq!(missing.status.code(), Some(0), "{missing:?}");
    let text = stdout(&missing);
    assert!(
        text.contains(
            "package ap not found (renamed or deleted since the plan, or misnamed in it)"
        ),
        "{text}"
    );
    assert!(!text.contains("deleted by someone else"), "{text}");
    assert_eq!(active_ids(&emulator), before);
    // --plan-out into a directory that does not exist fails before planning.
    let nowhere = ghpkg(
        &emulator,
        &[
            "--org",
            "octo-org",
            "prune",
            "-t",
            "container",
            "app",
            "--keep-latest",
            "1",
            "--plan-out",
            "/nonexistent/dir/p.json",
        ],
    )
    .await;
    assert_eq!(nowhere.status.code(), Some(2), "{nowhere:?}");
    assert!(
        stderr(&nowhere).contains(
            "cannot write the plan to /nonexistent/dir/p.json: directory /nonexistent/dir does not exist"
        ),
        "{}",
        stderr(&nowhere)
    );
    assert_eq!(
        stdout(&nowhere),
        "",
        "no plan was printed: nothing was planned"
    );
    let both = ghpkg(
        &emulator,
        &[
            "--org",
            "octo-org",
            "prune",
            "-t",
            "container",
            "app",
            "--keep-latest",
            "1",
            "--plan-out",
            plan_arg,
            "--yes",
        ],
    )
    .await;
    assert_eq!(both.status.code(), Some(2), "{both:?}");
    assert!(
        stderr(&both).contains("cannot be used with"),
        "{}",
        stderr(&both)
    );
    emulator.shutdown().await;
}

#[tokio::test]
async fn a_plan_with_every_kind_of_keep_and_filter_matches_the_schema() {
    let emulator = emulator().await;
    let host = emulator.base_url().trim_start_matches("http://").to_owned();
    let dir = tempfile::tempdir().unwrap();
    let refs = dir.path().join("refs");
    std::fs::create_dir_all(&refs).unwrap();
    std::fs::write(
        refs.join("values.yaml"),
        format!("image: {host}/octo-org/app:v2\n"),
    )
    .unwrap();
    let plan = dir.path().join("plan.json");
    let excluded = format!("{}*", &digest(401)[..70]);
    let output = ghpkg(
        &emulator,
        &[
            "--org",
            "octo-org",
            "prune",
            "-t",
            "container",
            "app",
            "--keep-latest",
            "1",
            "--keep-tag",
            "v0",
            "--keep-refs-from",
            refs.to_str().unwrap(),
            "--include",
            "sha256:*",
            "--exclude",
            &excluded,
            "--include-regex",
            "^sha256:[0-9a-f]+$",
            "--older-than",
            "1d",
            "--plan-out",
            plan.to_str().unwrap(),
        ],
    )
    .await;
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert_schema_valid(&plan);
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&plan).unwrap()).unwrap();
    let policy = &saved["policy"];
    assert_eq!(policy["older_than"], "1d", "{policy}");
    assert_eq!(policy["include"].as_array().unwrap().len(), 2, "{policy}");
    assert_eq!(policy["exclude"].as_array().unwrap().len(), 1, "{policy}");
    let decisions: Vec<&Value> = saved["packages"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["decisions"].as_array().unwrap())
        .collect();
    let find = |id: u64| *decisions.iter().find(|d| d["version_id"] == id).unwrap();
    assert_eq!(find(100)["rule"], "in_use");
    assert_eq!(find(100)["kept_by"], json!(["--keep-tag"]));
    assert_eq!(find(300)["rule"], "in_use");
    assert_eq!(
        find(300)["kept_by"],
        json!([format!("{}/values.yaml:1", refs.display())])
    );
    assert_eq!(find(401)["rule"], "excluded");
    assert!(decisions.iter().any(|d| d["action"] == "delete"));
    // Nothing was deleted.
    assert_eq!(active_ids(&emulator).len(), 20);
    emulator.shutdown().await;
}
