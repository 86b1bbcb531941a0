//! Tokens never leak from the client: with every tracing event of every
//! crate (client, emulator, reqwest, hyper, rustls via `log`) recorded at
//! TRACE, a tour of every operation — successes, 401/403/404 errors, retries
//! against a flaky server and a dead one, a prune with a journal, `Debug` of
//! clients and errors, and panics on errors — must not show any test token,
//! nor a distinctive part of one, anywhere.
//!
//! One test in this binary: it installs the global subscriber and panic hook.

use std::io::Write;
use std::panic::{self, AssertUnwindSafe};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ghpackages::cleanup::{self, ExecuteOptions, Policy, RateBudget};
use ghpackages::PackageRef;
use ghpackages::{
    Client, ListPackagesOptions, ListVersionsOptions, Owner, PackageType, RetryPolicy,
};
use ghpackages_emulator::{Emulator, EmulatorConfig, Fixture, LimitsConfig};
use serde_json::json;

/// Distinctive cores: if any of them shows up, part of a token leaked.
const CORES: [&str; 4] = [
    "7f3a9c2e51d4b8",
    "c0ffee5ecret91",
    "b4dc0de77aa13f",
    "91dd0c4e2f6a0b",
];

fn token(index: usize) -> String {
    format!("ghp_{}{}", CORES[index], "XyZ")
}

const ADMIN: &str = "admintok-5ce1e7a0b9";

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Capture {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }

    fn record(&self, text: &str) {
        let mut buffer = self.0.lock().unwrap();
        buffer.extend_from_slice(text.as_bytes());
        buffer.push(b'\n');
    }
}

impl Write for Capture {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

const KEYS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../ghpackages-emulator/fixtures/test-app"
);

fn key(name: &str) -> String {
    std::fs::read_to_string(format!("{KEYS}/{name}")).unwrap()
}

/// Lines of the private keys' bodies: if one shows up, a key leaked.
fn key_lines() -> Vec<String> {
    ["private-key.pem", "other-private-key.pem"]
        .iter()
        .flat_map(|name| {
            key(name)
                .lines()
                .filter(|line| !line.starts_with("-----"))
                .map(|line| line[..24].to_owned())
                .collect::<Vec<_>>()
        })
        .collect()
}

fn fixture() -> Fixture {
    let fixture = json!({
        "apps": [{"id": 77, "slug": "leak-check", "public_key": key("public-key.pem"),
                  "installations": [{"id": 770, "account": "heidi",
                                     "permissions": {"packages": "write"}}]}],
        "users": [{"login": "heidi"}],
        "tokens": [
            {"token": token(0), "user": "heidi",
             "scopes": ["read:packages", "write:packages", "delete:packages"]},
            {"token": token(3), "user": "heidi", "scopes": ["read:packages"]}
        ],
        "packages": [
            {"owner": "heidi", "package_type": "npm", "name": "secret-app",
             "generate": {"count": 40, "name": "1.0.{n}", "start": "2024-01-01T00:00:00Z",
                          "interval_seconds": 3600}},
            {"owner": "heidi", "package_type": "npm", "name": "doomed",
             "generate": {"count": 2, "name": "0.{n}.0", "start": "2024-01-01T00:00:00Z",
                          "interval_seconds": 3600}}
        ]
    });
    Fixture::from_json(&fixture.to_string()).expect("valid fixture")
}

fn retries(attempts: u32) -> RetryPolicy {
    RetryPolicy {
        max_attempts: attempts,
        initial_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_millis(5),
        max_total_wait: Duration::from_secs(10),
    }
}

fn client(base: &str, token: &str) -> Client {
    Client::builder()
        .base_url(base)
        .token(token)
        .token_from_env(false)
        .retry(retries(6))
        .build()
        .expect("the client builds")
}

#[test]
fn no_token_in_any_log_line_error_debug_output_or_panic() {
    let capture = Capture::default();
    let writer = capture.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .try_init()
        .expect("the only subscriber of this test binary");
    let hook_capture = capture.clone();
    panic::set_hook(Box::new(move |info| {
        hook_capture.record(&format!("PANIC: {info}"));
    }));

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(tour(&capture));

    // Panics carrying a client, its builder and errors.
    let emulator_less = client("http://127.0.0.1:9", &token(0));
    let error = runtime
        .block_on(emulator_less.get_package(&Owner::AuthenticatedUser, PackageType::Npm, "x"))
        .expect_err("nothing listens there");
    for payload in [
        panic::catch_unwind(AssertUnwindSafe(|| {
            runtime
                .block_on(emulator_less.get_package(
                    &Owner::AuthenticatedUser,
                    PackageType::Npm,
                    "x",
                ))
                .unwrap()
        })),
        panic::catch_unwind(AssertUnwindSafe(|| panic!("{error:?} {error}"))),
        panic::catch_unwind(AssertUnwindSafe(|| panic!("{emulator_less:?}"))),
        panic::catch_unwind(AssertUnwindSafe(|| {
            let builder = Client::builder().token(token(1));
            panic!("{builder:?}")
        })),
    ] {
        assert!(payload.is_err(), "each closure panics");
    }
    let _ = panic::take_hook();

    let output = capture.text();
    assert!(
        output.contains("TRACE") && output.contains("DEBUG"),
        "the capture holds trace and debug events: {}",
        &output[..output.len().min(2_000)]
    );
    assert!(output.contains("PANIC"), "panics were captured");
    // Installation tokens start with ghs_; JWTs with the base64 of their
    // header, `{"typ":"JWT",`.
    let secrets: Vec<String> = CORES
        .iter()
        .map(|core| core.to_string())
        .chain([
            "5ce1e7a0b9".into(),
            "ghs_".into(),
            "eyJ0eXAiOiJKV1Qi".into(),
        ])
        .chain(key_lines())
        .collect();
    for core in &secrets {
        if let Some(at) = output.find(core.as_str()) {
            let start = at.saturating_sub(300);
            panic!(
                "a token leaked: …{}…",
                &output[start..(at + 100).min(output.len())]
            );
        }
    }
    println!("{} bytes of trace output checked", output.len());
}

async fn tour(capture: &Capture) {
    let emulator = Emulator::start(EmulatorConfig {
        fixture: Some(fixture()),
        limits: LimitsConfig::default(),
        admin_token: ADMIN.to_owned(),
        ..EmulatorConfig::default()
    })
    .await
    .expect("the emulator starts");
    let base = emulator.base_url().to_owned();
    let me = Owner::AuthenticatedUser;
    let good = client(&base, &token(0));
    let readonly = client(&base, &token(3));
    let unknown = client(&base, &token(1));
    capture.record(&format!("{good:?}"));
    capture.record(&format!(
        "{:?}",
        Client::builder().token(token(0)).base_url(&base)
    ));

    let packages = good
        .list_all_packages(&me, &ListPackagesOptions::new(PackageType::Npm))
        .await
        .expect("listed");
    capture.record(&format!("{packages:?}"));
    let versions = good
        .list_all_package_versions(
            &me,
            PackageType::Npm,
            "secret-app",
            &ListVersionsOptions::default(),
        )
        .await
        .expect("versions");
    let id = versions[5].id;
    good.delete_package_version(&me, PackageType::Npm, "secret-app", id)
        .await
        .expect("deleted");
    good.restore_package_version(&me, PackageType::Npm, "secret-app", id)
        .await
        .expect("restored");
    good.delete_package(&me, PackageType::Npm, "doomed")
        .await
        .expect("package deleted");
    // The restore token travels in the query string.
    good.restore_package(&me, PackageType::Npm, "doomed", Some(&token(2)))
        .await
        .expect("package restored");
    let restore_again = good
        .restore_package(&me, PackageType::Npm, "doomed", Some(&token(2)))
        .await
        .expect_err("nothing to restore");
    capture.record(&format!("{restore_again} {restore_again:?}"));
    capture.record(&format!("{:?}", good.rate_limit()));
    capture.record(&format!("{:?}", good.token_scopes()));
    let _ = good.list_docker_migration_conflicts(&me).await;

    for error in [
        unknown
            .list_packages(&me, &ListPackagesOptions::new(PackageType::Npm))
            .await
            .expect_err("401"),
        readonly
            .delete_package_version(&me, PackageType::Npm, "secret-app", id)
            .await
            .expect_err("403"),
        good.get_package(&me, PackageType::Npm, "no-such")
            .await
            .expect_err("404"),
    ] {
        capture.record(&format!("{error} | {error:?} | {:?}", error.message()));
    }

    // Admin calls with the admin token, as tests do.
    let http = reqwest::Client::new();
    let admin = http
        .post(format!("{base}/_emulator/tokens"))
        .bearer_auth(ADMIN)
        .json(&json!({"token": token(1) + "-new", "user": "heidi", "scopes": []}))
        .send()
        .await
        .expect("admin call");
    capture.record(&format!("{admin:?} {}", admin.status()));

    // Retries: a flaky server and a dead one.
    emulator_faults(&http, &base, 0.5).await;
    let flaky = good
        .list_all_package_versions(
            &me,
            PackageType::Npm,
            "secret-app",
            &ListVersionsOptions {
                per_page: Some(5),
                ..ListVersionsOptions::default()
            },
        )
        .await;
    capture.record(&format!("{flaky:?}"));
    emulator_faults(&http, &base, 0.0).await;
    let dead = Client::builder()
        .base_url("http://127.0.0.1:9")
        .token(token(0))
        .token_from_env(false)
        .retry(retries(3))
        .build()
        .unwrap();
    let error = dead
        .list_packages(&me, &ListPackagesOptions::new(PackageType::Npm))
        .await
        .expect_err("nothing listens");
    capture.record(&format!("{error} | {error:?}"));

    // A prune with a journal.
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("journal.jsonl");
    let versions = good
        .list_all_package_versions(
            &me,
            PackageType::Npm,
            "secret-app",
            &ListVersionsOptions::default(),
        )
        .await
        .expect("versions");
    let plan = cleanup::plan(
        &versions,
        &Policy::from_json(r#"{"keep_latest": 30}"#).unwrap(),
        chrono::Utc::now(),
    );
    let report = cleanup::execute(
        &good,
        &PackageRef::new(me.clone(), PackageType::Npm, "secret-app"),
        &plan,
        &ExecuteOptions {
            budget: RateBudget::unlimited(),
            journal: Some(journal.clone()),
            ..ExecuteOptions::default()
        },
    )
    .await
    .expect("pruned");
    capture.record(&format!("{report:?}"));
    capture.record(&std::fs::read_to_string(&journal).unwrap());
    app_tour(capture, &emulator, &http).await;
    emulator.shutdown().await;
}

/// A GitHub App: an exchange, a renewal after the emulator's clock passed
/// the token's hour, a wrong key, and `Debug` of everything involved.
async fn app_tour(
    capture: &Capture,
    emulator: &ghpackages_emulator::RunningEmulator,
    http: &reqwest::Client,
) {
    use ghpackages::{AppInstallation, GitHubApp};
    let base = emulator.base_url();
    let heidi = Owner::user("heidi");
    let app = GitHubApp::new(
        "77",
        &key("private-key.pem"),
        AppInstallation::Owner("heidi".into()),
    )
    .expect("the app's settings are valid");
    capture.record(&format!("{app:?}"));
    let app_client = Client::builder()
        .base_url(base)
        .token_from_env(false)
        .retry(retries(3))
        .app(app)
        .build()
        .expect("the app client builds");
    capture.record(&format!("{app_client:?}"));
    let versions = app_client
        .list_all_package_versions(
            &heidi,
            PackageType::Npm,
            "secret-app",
            &ListVersionsOptions::default(),
        )
        .await
        .expect("listed as the app");
    let id = versions[0].id;
    app_client
        .delete_package_version(&heidi, PackageType::Npm, "secret-app", id)
        .await
        .expect("deleted as the app");
    let advanced = http
        .post(format!("{base}/_emulator/clock/advance"))
        .bearer_auth(ADMIN)
        .json(&json!({"seconds": 3_700}))
        .send()
        .await
        .expect("clock advanced");
    assert!(advanced.status().is_success());
    app_client
        .restore_package_version(&heidi, PackageType::Npm, "secret-app", id)
        .await
        .expect("restored after renewing the token");
    let wrong = GitHubApp::new(
        "77",
        &key("other-private-key.pem"),
        AppInstallation::Id(770),
    )
    .expect("a well-formed key");
    let wrong_client = Client::builder()
        .base_url(base)
        .token_from_env(false)
        .app(wrong)
        .build()
        .unwrap();
    let error = wrong_client
        .get_package(&heidi, PackageType::Npm, "secret-app")
        .await
        .expect_err("refused JWT");
    capture.record(&format!("{error} | {error:?}"));
    let bad_key = GitHubApp::new("77", &key("public-key.pem"), AppInstallation::Id(770))
        .expect_err("a public key is no private key");
    capture.record(&format!("{bad_key} | {bad_key:?}"));
}

async fn emulator_faults(http: &reqwest::Client, base: &str, rate: f64) {
    let response = http
        .put(format!("{base}/_emulator/faults"))
        .bearer_auth(ADMIN)
        .json(&json!({"error_rate": rate, "drop_rate": rate / 2.0}))
        .send()
        .await
        .expect("faults set");
    assert_eq!(response.status().as_u16(), 200);
}
