//! Where the real `ghpkg` gets its credentials, against the demo emulator:
//! --token-file, GITHUB_TOKEN, GH_TOKEN, then a `gh` on PATH (a stand-in
//! script here), or a GitHub App (--app-id, --app-private-key,
//! --installation-id or --app-owner); `-v` says which, never the token.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use ghpackages_emulator::{Emulator, EmulatorConfig, LimitsConfig, RunningEmulator};

const KEYS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../ghpackages-emulator/fixtures/test-app"
);

async fn demo() -> RunningEmulator {
    Emulator::start(EmulatorConfig {
        limits: LimitsConfig::disabled(),
        ..EmulatorConfig::demo()
    })
    .await
    .expect("the emulator starts")
}

/// `ghpkg ARGS` against `base_url`, with no token in the environment and a
/// PATH of `path` only (no real `gh` can answer).
fn command(base_url: &str, path: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ghpkg"));
    command
        .args(args)
        .env_remove("GITHUB_TOKEN")
        .env_remove("GH_TOKEN")
        .env_remove("GHPKG_REGISTRY_URL")
        .env("PATH", path)
        .env("GITHUB_API_URL", base_url);
    command
}

async fn run(mut command: Command) -> Output {
    tokio::task::spawn_blocking(move || command.output().expect("ghpkg runs"))
        .await
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

/// A folder with a stand-in `gh` that prints `token` for `gh auth token`
/// and records its arguments in `args.txt`.
fn fake_gh(token: &str, exit: i32) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("gh");
    let log = dir.path().join("args.txt");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\necho \"$@\" > '{}'\necho '{token}'\nexit {exit}\n",
            log.display()
        ),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    dir
}

const GET_OCTO_APP: [&str; 6] = ["--org", "octo-org", "packages", "get", "-t", "container"];

fn get_octo_app(extra: &[&'static str]) -> Vec<&'static str> {
    let mut args: Vec<&str> = extra.to_vec();
    args.extend(GET_OCTO_APP);
    args.push("octo-app");
    args
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_come_from_the_file_the_environment_then_gh() {
    let emulator = demo().await;
    let base = emulator.base_url();
    let empty = tempfile::tempdir().unwrap();
    let args = get_octo_app(&["-v"]);

    // GITHUB_TOKEN before GH_TOKEN, GH_TOKEN before gh.
    let gh = fake_gh("ghp_demo_mona", 0);
    let mut both = command(base, gh.path(), &args);
    both.env("GITHUB_TOKEN", "ghp_demo_octocat")
        .env("GH_TOKEN", "ghp_not_a_token");
    let output = run(both).await;
    let err = text(&output.stderr);
    assert!(output.status.success(), "{err}");
    assert!(
        err.contains("ghpkg: using the token from GITHUB_TOKEN"),
        "{err}"
    );
    assert!(!err.contains("ghp_demo_octocat"), "{err}");
    assert!(!gh.path().join("args.txt").exists(), "gh was not asked");

    let mut gh_token = command(base, gh.path(), &args);
    gh_token.env("GH_TOKEN", "ghp_demo_octocat");
    let output = run(gh_token).await;
    assert!(output.status.success());
    assert!(text(&output.stderr).contains("using the token from GH_TOKEN"));

    // Nothing in the environment: gh's token (mona, a member of octo-org),
    // asked for the API's host.
    let output = run(command(base, gh.path(), &args)).await;
    let err = text(&output.stderr);
    assert!(output.status.success(), "{err}");
    assert!(
        err.contains("using the token from `gh auth token`"),
        "{err}"
    );
    assert!(!err.contains("ghp_demo_mona"), "{err}");
    let gh_args = std::fs::read_to_string(gh.path().join("args.txt")).unwrap();
    assert_eq!(gh_args.trim(), "auth token --hostname 127.0.0.1");

    // A gh that is not logged in, or no gh at all: anonymous, which the
    // Packages API refuses.
    let logged_out = fake_gh("", 1);
    for path in [logged_out.path(), empty.path()] {
        let output = run(command(base, path, &args)).await;
        let err = text(&output.stderr);
        assert_eq!(output.status.code(), Some(3), "{err}");
        assert!(err.contains("no token"), "{err}");
        assert!(err.contains("Requires authentication"), "{err}");
    }

    // --token-file before everything, with a long opaque token.
    let file = empty.path().join("token");
    std::fs::write(&file, "ghp_demo_octocat\n").unwrap();
    let file_arg: &'static str = Box::leak(file.display().to_string().into_boxed_str());
    let mut args = get_octo_app(&["-v", "--token-file"]);
    args.insert(2, file_arg);
    let mut explicit = command(base, gh.path(), &args);
    explicit.env("GITHUB_TOKEN", "ghp_not_a_token");
    let output = run(explicit).await;
    let err = text(&output.stderr);
    assert!(output.status.success(), "{err}");
    assert!(err.contains("using the token from --token-file"), "{err}");
}

/// A stand-in `gh` running `body` (a shell script's lines).
fn scripted_gh(body: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("gh");
    std::fs::write(&script, format!("#!/bin/sh\n{body}\n")).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    dir
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gh_that_hangs_or_prints_two_lines_is_named() {
    let emulator = demo().await;
    let base = emulator.base_url();
    let args = get_octo_app(&[]);

    // gh printing two lines: the error names gh, not the token.
    let two_lines = scripted_gh("echo ghp_demo_mona_first\necho ghp_demo_mona_second");
    let output = run(command(base, two_lines.path(), &args)).await;
    let err = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert!(err.contains("auth token` printed"), "{err}");
    assert!(err.contains("not allowed in a header"), "{err}");
    assert!(!err.contains("ghp_demo_mona"), "{err}");

    // gh that never answers: ghpkg gives up with a message instead of hanging.
    let hangs = scripted_gh("PATH=/usr/bin:/bin exec sleep 600");
    let output = run(command(base, hangs.path(), &args)).await;
    let err = text(&output.stderr);
    assert_eq!(output.status.code(), Some(3), "{err}");
    assert!(
        err.contains("auth token` did not answer within 10 seconds"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_installation_style_token_is_opaque() {
    let emulator = demo().await;
    let token = format!("ghs_{}", "x9_Y-".repeat(80));
    let created = reqwest::Client::new()
        .post(format!("{}/_emulator/tokens", emulator.base_url()))
        .bearer_auth(emulator.admin_token())
        .json(&serde_json::json!({
            "token": token, "user": "octocat", "scopes": ["read:packages"]
        }))
        .send()
        .await
        .unwrap();
    assert!(created.status().is_success());
    let empty = tempfile::tempdir().unwrap();
    let mut with_env = command(emulator.base_url(), empty.path(), &get_octo_app(&[]));
    with_env.env("GITHUB_TOKEN", &token);
    let output = run(with_env).await;
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(text(&output.stdout).contains("octo-app"));
}

fn key(name: &str) -> String {
    PathBuf::from(KEYS).join(name).display().to_string()
}

fn app_args(app: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = app.iter().map(|s| s.to_string()).collect();
    args.extend(GET_OCTO_APP.iter().map(|s| s.to_string()));
    args.push("octo-app".into());
    args
}

async fn ghpkg(emulator: &RunningEmulator, args: &[String]) -> Output {
    let empty = tempfile::tempdir().unwrap();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut command = command(emulator.base_url(), empty.path(), &args);
    // The app's credentials win over the environment's token.
    command.env("GITHUB_TOKEN", "ghp_not_a_token");
    run(command).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_github_app_by_installation_id_or_owner() {
    let emulator = demo().await;
    let private_key = key("private-key.pem");
    for (installation, said) in [
        (
            vec!["--installation-id", "4201"],
            "authenticating as GitHub App 1001, installation 4201",
        ),
        (
            vec!["--app-owner", "octo-org"],
            "authenticating as GitHub App 1001, its installation on octo-org",
        ),
        (vec![], "its installation on octo-org"),
    ] {
        let mut flags = vec!["-v", "--app-id", "1001", "--app-private-key", &private_key];
        flags.extend(installation);
        let output = ghpkg(&emulator, &app_args(&flags)).await;
        let err = text(&output.stderr);
        assert!(output.status.success(), "{err}");
        assert!(err.contains(said), "{err}");
        assert!(text(&output.stdout).contains("octo-app"));
        assert!(
            !err.contains("ghs_") && !err.contains("PRIVATE KEY"),
            "{err}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_only_app_may_not_delete() {
    let emulator = demo().await;
    let private_key = key("private-key.pem");
    let args: Vec<String> = [
        "--app-id",
        "1002",
        "--app-private-key",
        &private_key,
        "--installation-id",
        "4203",
        "--org",
        "octo-org",
        "versions",
        "delete",
        "-t",
        "container",
        "octo-app",
        "100002",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let output = ghpkg(&emulator, &args).await;
    let err = text(&output.stderr);
    assert_eq!(output.status.code(), Some(3), "{err}");
    assert!(
        err.contains("Resource not accessible by integration"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_only_installation_stops_before_pruning() {
    let emulator = demo().await;
    let private_key = key("private-key.pem");
    let journal_dir = tempfile::tempdir().unwrap();
    let journal = journal_dir.path().join("journal.jsonl");
    let journal_arg = journal.display().to_string();
    let args: Vec<String> = [
        "--app-id",
        "1002",
        "--app-private-key",
        &private_key,
        "--org",
        "octo-org",
        "prune",
        "-t",
        "npm",
        "release-train",
        "--keep-latest",
        "200",
        "--yes",
        "--journal",
        &journal_arg,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let output = ghpkg(&emulator, &args).await;
    let (out, err) = (text(&output.stdout), text(&output.stderr));
    assert_eq!(output.status.code(), Some(3), "{out}{err}");
    assert!(
        err.contains("GitHub App 1002 (installation 4203) has packages: read permission; this needs packages: write"),
        "{err}"
    );
    assert!(!out.contains("undo with"), "{out}");
    assert!(!err.contains("Resource not accessible"), "{err}");
    // Nothing was deleted: the package still has its 250 versions.
    let listed = reqwest::Client::new()
        .get(format!(
            "{}/orgs/octo-org/packages/npm/release-train",
            emulator.base_url()
        ))
        .bearer_auth("ghp_demo_octocat")
        .send()
        .await
        .unwrap();
    let package: serde_json::Value = listed.json().await.unwrap();
    assert_eq!(package["version_count"], 250, "{package}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_app_flags_are_clear_errors() {
    let emulator = demo().await;
    let private_key = key("private-key.pem");
    let public_key = key("public-key.pem");
    let missing = key("missing.pem");
    let cases: [(Vec<&str>, i32, &str); 6] = [
        (
            vec![
                "--app-id",
                "1001",
                "--app-private-key",
                &missing,
                "--installation-id",
                "4201",
            ],
            2,
            "--app-private-key: cannot read the private key file",
        ),
        (
            vec![
                "--app-id",
                "1001",
                "--app-private-key",
                &public_key,
                "--installation-id",
                "4201",
            ],
            2,
            "--app-private-key: ",
        ),
        (
            vec![
                "--app-id",
                "1001",
                "--app-private-key",
                &private_key,
                "--installation-id",
                "4201",
                "--app-owner",
                "octo-org",
            ],
            2,
            "cannot be used with",
        ),
        (
            vec![
                "--app-id",
                "1001",
                "--app-private-key",
                &private_key,
                "--installation-id",
                "777",
            ],
            4,
            "installation 777) not found",
        ),
        (
            vec![
                "--app-id",
                "1001",
                "--app-private-key",
                &private_key,
                "--app-owner",
                "mona",
            ],
            4,
            "GitHub App 1001 has no installation on mona",
        ),
        (
            vec!["--app-id", "1001", "--installation-id", "4201"],
            2,
            "--app-private-key",
        ),
    ];
    for (flags, code, message) in cases {
        let output = ghpkg(&emulator, &app_args(&flags)).await;
        let err = text(&output.stderr);
        assert_eq!(output.status.code(), Some(code), "{flags:?}: {err}");
        assert!(err.contains(message), "{flags:?}: {err}");
        assert!(!err.contains("PRIVATE KEY"), "{err}");
    }
    // --app-id without an installation and without an owner to find it on.
    let output = ghpkg(
        &emulator,
        &[
            "--app-id",
            "1001",
            "--app-private-key",
            &private_key,
            "versions",
            "list",
            "-t",
            "npm",
            "octo-scratch",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect::<Vec<_>>(),
    )
    .await;
    let err = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert!(
        err.contains("--installation-id N or --app-owner OWNER"),
        "{err}"
    );
}

/// A secret passed by mistake where a path goes (`--token-file "$TOKEN"`,
/// `--app-private-key "$(cat key.pem)"`) fails as a usage error that says
/// so, and echoes none of it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_secret_given_as_a_path_is_never_echoed() {
    let emulator = demo().await;
    let pem = std::fs::read_to_string(key("private-key.pem")).unwrap();
    let body = pem.lines().nth(1).unwrap().to_owned();
    let token = "ghp_0123456789abcdefghijABCDEFGHIJ012345";
    let token_line = format!("{token}\n");
    let cases: [(Vec<&str>, &str, &str); 3] = [
        (vec!["--token-file", token], token, "as the token file path"),
        (
            vec!["--token-file", &token_line],
            token,
            "as the token file path",
        ),
        (
            vec![
                "--app-id",
                "1001",
                "--app-private-key",
                &pem,
                "--installation-id",
                "4201",
            ],
            &body,
            "--app-private-key: the value given as the private key file path",
        ),
    ];
    for (flags, secret, flag) in cases {
        let output = ghpkg(&emulator, &app_args(&flags)).await;
        let err = text(&output.stderr);
        let out = text(&output.stdout);
        assert_eq!(output.status.code(), Some(2), "{err}");
        assert!(err.contains(flag), "{err}");
        assert!(err.contains("looks like a"), "{err}");
        assert!(err.contains("pass the path of a file"), "{err}");
        assert!(!err.contains(secret) && !out.contains(secret), "{err}");
        assert!(
            !err.contains("BEGIN") && !err.contains("0123456789"),
            "{err}"
        );
    }
    // A real path that cannot be read is still named.
    let missing = key("missing.pem");
    let output = ghpkg(&emulator, &app_args(&["--token-file", &missing])).await;
    let err = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert!(
        err.contains(&format!("cannot read the token file {missing}")),
        "{err}"
    );
}
