//! Tokens never leak from `ghpkg`: with `RUST_LOG=trace` and the token in
//! `GITHUB_TOKEN`, a tour of the commands — tables and JSON, successes,
//! bad tokens, missing scopes, not-found errors, bad flags, a prune with a
//! journal and its undo — must not print any token on stdout or stderr, nor
//! write one to the journal. Also: arguments that are not UTF-8 are a usage
//! error, not a crash.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::process::{Command, Output};

use ghpackages_emulator::{Emulator, EmulatorConfig, Fixture, LimitsConfig, RunningEmulator};
use serde_json::json;

const TOKEN: &str = "ghp_c1it0k3n1a2b3c4d";
const READ_ONLY: &str = "ghp_r34d0n1y5e6f7a8b";
const UNKNOWN: &str = "ghp_n0b0dy9c0d1e2f3a";
const RESTORE: &str = "r3st0r3c1i4b5c6d7e";
const SECRETS: [&str; 4] = [TOKEN, READ_ONLY, UNKNOWN, RESTORE];

async fn emulator() -> RunningEmulator {
    let fixture = json!({
        "users": [{"login": "judy"}],
        "tokens": [
            {"token": TOKEN, "user": "judy",
             "scopes": ["read:packages", "write:packages", "delete:packages"]},
            {"token": READ_ONLY, "user": "judy", "scopes": ["read:packages"]}
        ],
        "packages": [{"owner": "judy", "package_type": "npm", "name": "app",
                      "generate": {"count": 12, "name": "1.0.{n}",
                                   "start": "2024-01-01T00:00:00Z", "interval_seconds": 60}},
                     {"owner": "judy", "package_type": "npm", "name": "spare",
                      "versions": [{"name": "0.1.0"}, {"name": "0.2.0"}]}]
    });
    Emulator::start(EmulatorConfig {
        fixture: Some(Fixture::from_json(&fixture.to_string()).unwrap()),
        limits: LimitsConfig::disabled(),
        ..EmulatorConfig::default()
    })
    .await
    .expect("the emulator starts")
}

async fn ghpkg(base: &str, token: Option<&str>, args: Vec<&OsStr>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ghpkg"));
    command
        .args(args)
        .env_remove("GITHUB_TOKEN")
        .env_remove("GH_TOKEN")
        .env("GITHUB_API_URL", base)
        .env("RUST_LOG", "trace")
        .env("RUST_BACKTRACE", "1");
    if let Some(token) = token {
        command.env("GITHUB_TOKEN", token);
    }
    tokio::task::spawn_blocking(move || command.output().expect("ghpkg runs"))
        .await
        .unwrap()
}

fn os(args: &[&'static str]) -> Vec<&'static OsStr> {
    args.iter().map(|arg| OsStr::new(*arg)).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_token_in_any_output_of_ghpkg() {
    let emulator = emulator().await;
    let base = emulator.base_url().to_owned();
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("journal.jsonl");
    let journal_arg: &'static str =
        Box::leak(journal.to_str().unwrap().to_owned().into_boxed_str());
    let tour: Vec<(Option<&str>, Vec<&'static str>, Option<i32>)> = vec![
        (Some(TOKEN), vec!["packages", "list", "-t", "npm"], Some(0)),
        (
            Some(TOKEN),
            vec!["--json", "packages", "get", "-t", "npm", "app"],
            Some(0),
        ),
        (
            Some(TOKEN),
            vec!["versions", "list", "-t", "npm", "app"],
            Some(0),
        ),
        (
            Some(TOKEN),
            vec!["packages", "delete", "-t", "npm", "spare"],
            Some(0),
        ),
        (
            Some(TOKEN),
            vec![
                "packages",
                "restore",
                "-t",
                "npm",
                "spare",
                "--restore-token",
                RESTORE,
            ],
            Some(0),
        ),
        (
            Some(TOKEN),
            vec![
                "--json",
                "packages",
                "restore",
                "-t",
                "npm",
                "spare",
                "--restore-token",
                RESTORE,
            ],
            Some(4),
        ),
        (
            Some(TOKEN),
            vec![
                "packages",
                "restore",
                "-t",
                "npm",
                "spare",
                "--restore-token",
                RESTORE,
                "--bogus",
            ],
            Some(2),
        ),
        (
            Some(UNKNOWN),
            vec!["packages", "list", "-t", "npm"],
            Some(3),
        ),
        (
            Some(UNKNOWN),
            vec!["--json", "versions", "list", "-t", "npm", "app"],
            Some(3),
        ),
        (
            Some(READ_ONLY),
            vec!["versions", "delete", "-t", "npm", "app", "1"],
            None,
        ),
        (
            Some(TOKEN),
            vec!["packages", "get", "-t", "npm", "missing"],
            Some(4),
        ),
        (Some(TOKEN), vec!["conflicts"], Some(0)),
        (
            Some(TOKEN),
            vec![
                "prune",
                "-t",
                "npm",
                "app",
                "--keep-latest",
                "4",
                "--yes",
                "--journal",
                journal_arg,
            ],
            Some(0),
        ),
        (Some(TOKEN), vec!["--json", "undo", journal_arg], Some(0)),
        (Some(UNKNOWN), vec!["undo", journal_arg], None),
    ];
    let mut output = String::new();
    for (token, args, code) in tour {
        let result = ghpkg(&base, token, os(&args)).await;
        if let Some(code) = code {
            assert_eq!(
                result.status.code(),
                Some(code),
                "{args:?}: {}",
                String::from_utf8_lossy(&result.stderr)
            );
        }
        assert!(
            result.status.code().is_some(),
            "{args:?} was killed by a signal"
        );
        output.push_str(&String::from_utf8_lossy(&result.stdout));
        output.push_str(&String::from_utf8_lossy(&result.stderr));
    }
    output.push_str(&std::fs::read_to_string(&journal).unwrap());
    for secret in SECRETS {
        if let Some(at) = output.find(secret) {
            panic!(
                "{secret} leaked: …{}…",
                &output[at.saturating_sub(300)..(at + 50).min(output.len())]
            );
        }
    }
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn arguments_that_are_not_utf8_are_usage_errors() {
    let emulator = emulator().await;
    let base = emulator.base_url().to_owned();
    let bad = OsStr::from_bytes(b"app\xff\xfe");
    let cases: Vec<Vec<&OsStr>> = vec![
        [os(&["packages", "get", "-t", "npm"]), vec![bad]].concat(),
        [
            os(&["--org"]),
            vec![bad],
            os(&["packages", "list", "-t", "npm"]),
        ]
        .concat(),
        [os(&["versions", "get", "-t", "npm", "app"]), vec![bad]].concat(),
        [os(&["prune", "-t", "npm", "app", "--policy"]), vec![bad]].concat(),
    ];
    for args in cases {
        let result = ghpkg(&base, Some(TOKEN), args.clone()).await;
        let code = result.status.code();
        let stderr = String::from_utf8_lossy(&result.stderr);
        assert!(
            matches!(code, Some(2) | Some(4)),
            "{args:?}: exit {code:?}: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
    emulator.shutdown().await;
}
