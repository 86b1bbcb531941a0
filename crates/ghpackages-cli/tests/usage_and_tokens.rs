//! The real `ghpkg` binary: usage errors that name what is missing, the
//! plain-http rule and its `--allow-insecure-http`, the restore token from
//! the environment or a file, and listings longer than GitHub's window.

use std::process::{Command, Output};

use ghpackages_emulator::{Emulator, EmulatorConfig, Fixture, LimitsConfig, RunningEmulator};
use serde_json::{json, Value};

const ADMIN: &str = "ghp_cleanup_admin";

async fn emulator(fixture: Fixture) -> RunningEmulator {
    Emulator::start(EmulatorConfig {
        fixture: Some(fixture),
        limits: LimitsConfig::disabled(),
        ..EmulatorConfig::default()
    })
    .await
    .expect("the emulator starts")
}

fn cleanup_fixture() -> Fixture {
    Fixture::from_json(include_str!("../../ghpackages/tests/cleanup_fixture.json")).unwrap()
}

fn command(base_url: &str, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ghpkg"));
    command
        .args(args)
        .env_remove("GH_TOKEN")
        .env_remove("GHPKG_RESTORE_TOKEN")
        .env_remove("GHPKG_REGISTRY_URL")
        .env("GITHUB_TOKEN", ADMIN)
        .env("GITHUB_API_URL", base_url);
    command
}

/// Runs `command` off the runtime the emulator serves on.
async fn run(mut command: Command) -> Output {
    tokio::task::spawn_blocking(move || command.output().expect("ghpkg runs"))
        .await
        .unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

#[test]
fn usage_errors_name_the_missing_arguments() {
    for (args, named) in [
        (
            &["--org", "octo-org", "packages", "list"][..],
            "--type <TYPE>",
        ),
        (&["--org", "octo-org", "prune", "NAME"][..], "--type <TYPE>"),
        (&["versions", "list"][..], "--type <TYPE>, <NAME>"),
        (&["packages", "restore", "-t", "npm"][..], "<NAME>"),
    ] {
        let output = command("http://127.0.0.1:9", args).output().unwrap();
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(
            err.contains(&format!("not provided: {named} (see ghpkg --help)")),
            "{args:?}: {err}"
        );
    }
}

/// `*.localhost` is not loopback: DNS decides where it goes. The refusal
/// names the CLI's own option, which lifts it. Only loopback is contacted:
/// the refused registry address is never used by `packages list`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_http_beyond_loopback_needs_allow_insecure_http() {
    let emulator = emulator(cleanup_fixture()).await;
    let base = emulator.base_url();
    for refused in [
        &["--api-url", "http://evil.localhost:9"][..],
        &["--api-url", "http://10.0.0.1:9"][..],
        &["--registry-url", "http://evil.localhost:9"][..],
    ] {
        let args = [
            refused,
            &["--org", "octo-org", "packages", "list", "-t", "npm"],
        ]
        .concat();
        let output = run(command(base, &args)).await;
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{refused:?}: {err}");
        assert!(
            err.contains("refusing to send the token over plain http"),
            "{err}"
        );
        assert!(err.contains("--allow-insecure-http"), "{err}");
        assert!(!err.contains("allow_insecure_http"), "{err}");
        assert!(!err.contains(ADMIN), "{err}");
    }
    let allowed = run(command(
        base,
        &[
            "--registry-url",
            "http://evil.localhost:9",
            "--allow-insecure-http",
            "--org",
            "octo-org",
            "--json",
            "packages",
            "list",
            "-t",
            "npm",
        ],
    ))
    .await;
    assert!(allowed.status.success(), "{}", stderr(&allowed));
    let listed: Value = serde_json::from_slice(&allowed.stdout).unwrap();
    assert_eq!(listed[0]["name"], "hello-world-npm");
    // Loopback needs no flag, by name or address.
    let port = base.rsplit(':').next().unwrap();
    for loopback in [
        format!("http://localhost:{port}"),
        format!("http://127.0.0.1:{port}"),
    ] {
        let output = run(command(
            &loopback,
            &["--org", "octo-org", "packages", "list", "-t", "npm"],
        ))
        .await;
        assert!(output.status.success(), "{loopback}: {}", stderr(&output));
    }
    emulator.shutdown().await;
}

/// The restore token from GHPKG_RESTORE_TOKEN or --restore-token-file, so
/// that process listings and shell history need not see it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_token_from_the_environment_or_a_file() {
    let emulator = emulator(cleanup_fixture()).await;
    let base = emulator.base_url();
    let dir = tempfile::tempdir().unwrap();
    let secret_file = dir.path().join("restore-token");
    std::fs::write(&secret_file, "rt_secret_from_file\n").unwrap();
    let blank_file = dir.path().join("blank");
    std::fs::write(&blank_file, " \n").unwrap();
    let missing_file = dir.path().join("missing");
    let restore = [
        "--org",
        "octo-org",
        "packages",
        "restore",
        "-t",
        "docker",
        "legacy-app",
    ];
    let delete = [
        "--org",
        "octo-org",
        "packages",
        "delete",
        "-t",
        "docker",
        "legacy-app",
    ];

    // A blank token is refused wherever it comes from: proof each source is read.
    let mut blank_env = command(base, &restore);
    blank_env.env("GHPKG_RESTORE_TOKEN", "   ");
    let mut blank = command(base, &[&restore[..], &["--restore-token-file"]].concat());
    blank.arg(&blank_file);
    let mut missing = command(base, &[&restore[..], &["--restore-token-file"]].concat());
    missing.arg(&missing_file);
    for (refused, says) in [
        (blank_env, "token is empty"),
        (blank, "is empty"),
        (missing, "cannot read the restore token file"),
    ] {
        let output = run(refused).await;
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{err}");
        assert!(err.contains(says), "{err}");
    }

    let mut from_env = command(base, &restore);
    from_env.env("GHPKG_RESTORE_TOKEN", "rt_secret_from_env");
    let mut from_file = command(base, &[&restore[..], &["--restore-token-file"]].concat());
    from_file.arg(&secret_file);
    for restored in [from_env, from_file] {
        let deleted = run(command(base, &delete)).await;
        assert!(deleted.status.success(), "{}", stderr(&deleted));
        let output = run(restored).await;
        assert!(output.status.success(), "{}", stderr(&output));
        let out = String::from_utf8(output.stdout).unwrap();
        assert!(out.contains("restored"), "{out}");
        assert!(!out.contains("rt_secret"), "{out}");
    }

    // The token, wherever it came from, stays out of errors: a refused
    // plain-http restore names neither it nor the file's content.
    let mut insecure = command(
        "http://ghes.example.com",
        &[
            &restore[..],
            &["--registry-url", base, "--restore-token-file"],
        ]
        .concat(),
    );
    insecure.env_remove("GITHUB_TOKEN").arg(&secret_file);
    let output = run(insecure).await;
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert!(
        err.contains("refusing to send the restore token over plain http")
            && err.contains("--allow-insecure-http"),
        "{err}"
    );
    assert!(!err.contains("rt_secret"), "{err}");
    emulator.shutdown().await;
}

/// An organization past GitHub's 10000-item window: `packages list` shows
/// every package when each visibility fits, and otherwise fails with the
/// window and how to narrow, printing nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn packages_list_past_the_window() {
    let package = |visibility: &str, n: usize| {
        json!({
            "owner": "wide-org",
            "package_type": "npm",
            "name": format!("{visibility}-{n:05}"),
            "visibility": visibility,
        })
    };
    let packages: Vec<Value> = (0..6_000)
        .map(|n| package("public", n))
        .chain((0..4_050).map(|n| package("private", n)))
        .collect();
    let fixture = json!({
        "users": [{"login": "wide"}],
        "orgs": [{"login": "wide-org", "members": [{"login": "wide", "role": "admin"}]}],
        "tokens": [{"token": ADMIN, "user": "wide", "scopes": ["read:packages"]}],
        "packages": packages,
    });
    let emulator = emulator(Fixture::from_json(&fixture.to_string()).unwrap()).await;
    let base = emulator.base_url();
    let listed = run(command(
        base,
        &[
            "--org", "wide-org", "--json", "packages", "list", "-t", "npm",
        ],
    ))
    .await;
    assert!(listed.status.success(), "{}", stderr(&listed));
    let listed: Value = serde_json::from_slice(&listed.stdout).unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 10_050);

    let public = run(command(
        base,
        &[
            "--org",
            "wide-org",
            "packages",
            "list",
            "-t",
            "npm",
            "--visibility",
            "public",
        ],
    ))
    .await;
    assert!(public.status.success(), "{}", stderr(&public));
    // A header line and one line per package.
    assert_eq!(
        String::from_utf8(public.stdout).unwrap().lines().count(),
        6_001
    );
    emulator.shutdown().await;
}

/// A date outside years 1970 to 9999 is refused as a usage error before any
/// request: `-026-01-31` once parsed as year −26 and planned.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prune_refuses_dates_out_of_range() {
    let emulator = emulator(cleanup_fixture()).await;
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("policy.json");
    std::fs::write(&policy, r#"{"older_than": "-026-01-31"}"#).unwrap();
    let prune = ["--org", "octo-org", "prune", "-t", "container", "octo-app"];
    let mut from_file = command(emulator.base_url(), &[&prune[..], &["--policy"]].concat());
    from_file.arg(&policy);
    for attempt in [
        command(
            emulator.base_url(),
            &[&prune[..], &["--older-than=-026-01-31"]].concat(),
        ),
        command(
            emulator.base_url(),
            &[&prune[..], &["--older-than", "+10000-01-01"]].concat(),
        ),
        from_file,
    ] {
        let output = run(attempt).await;
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{err}");
        assert!(err.contains("out of range"), "{err}");
    }
    let fine = run(command(
        emulator.base_url(),
        &[&prune[..], &["--older-than", "2026-01-31", "--json"]].concat(),
    ))
    .await;
    assert!(fine.status.success(), "{}", stderr(&fine));
    emulator.shutdown().await;
}
