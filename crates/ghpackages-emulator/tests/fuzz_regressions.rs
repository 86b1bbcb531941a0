//! Regression tests for crashes found by the fuzz targets under `fuzz/`
//! (`scripts/fuzz`). Each names its target and the input that crashed.

use std::process::Command;

use ghpackages_emulator::{Emulator, EmulatorConfig, Fixture, LimitsConfig, StartError};
use serde_json::{json, Value};

/// `fixture_loader`: a generator whose `interval_seconds` puts a version
/// beyond chrono's dates panicked (multiplication overflow, then
/// `TimeDelta::seconds` and `DateTime + TimeDelta` out of range): at start
/// with `--fixture`, and in the admin API's handler, which dropped the
/// connection without an answer.
fn overflowing_fixtures() -> Vec<Value> {
    [i64::MAX, 100_000_000_000_000, 10_000_000_000_000, i64::MIN]
        .into_iter()
        .map(|interval| {
            json!({
                "users": [{"login": "kim"}],
                "packages": [{
                    "owner": "kim", "package_type": "npm", "name": "far",
                    "generate": {"count": 3, "name": "1.0.{n}", "start": "2025-01-01T00:00:00Z",
                                 "interval_seconds": interval}
                }]
            })
        })
        .collect()
}

#[tokio::test]
async fn fixture_loader_overflowing_generator_is_refused_at_start() {
    for fixture in overflowing_fixtures() {
        let fixture = Fixture::from_json(&fixture.to_string()).expect("well-formed JSON");
        let error = Emulator::start(EmulatorConfig {
            fixture: Some(fixture),
            ..EmulatorConfig::default()
        })
        .await
        .err()
        .expect("refused");
        assert!(matches!(error, StartError::Fixture(_)), "{error}");
        assert!(error.to_string().contains("representable dates"), "{error}");
    }
}

#[tokio::test]
async fn fixture_loader_overflowing_generator_is_a_422_from_the_admin_api() {
    let emulator = Emulator::start(EmulatorConfig {
        limits: LimitsConfig::disabled(),
        ..EmulatorConfig::demo()
    })
    .await
    .expect("the emulator starts");
    let http = reqwest::Client::new();
    for fixture in overflowing_fixtures() {
        let response = http
            .post(format!("{}/_emulator/fixture", emulator.base_url()))
            .bearer_auth(emulator.admin_token())
            .json(&fixture)
            .send()
            .await
            .expect("an answer, not a dropped connection");
        assert_eq!(response.status().as_u16(), 422);
        let package = &fixture["packages"][0];
        let response = http
            .post(format!("{}/_emulator/packages", emulator.base_url()))
            .bearer_auth(emulator.admin_token())
            .json(
                &json!({"owner": "octocat", "package_type": "npm", "name": "far",
                          "generate": package["generate"]}),
            )
            .send()
            .await
            .expect("an answer, not a dropped connection");
        assert_eq!(response.status().as_u16(), 422);
    }
    let still = http
        .get(format!(
            "{}/user/packages?package_type=npm",
            emulator.base_url()
        ))
        .bearer_auth("ghp_demo_octocat")
        .send()
        .await
        .expect("still serving");
    assert_eq!(still.status().as_u16(), 200);
    let names: Vec<String> = still
        .json::<Vec<Value>>()
        .await
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        !names.contains(&"far".to_owned()),
        "nothing half-loaded: {names:?}"
    );
    emulator.shutdown().await;
}

#[test]
fn fixture_loader_overflowing_generator_is_an_error_exit_of_the_binary() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fixture.json");
    std::fs::write(&path, overflowing_fixtures()[0].to_string()).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_ghpackages-emulator"))
        .args(["--port", "0", "--fixture"])
        .arg(&path)
        .output()
        .expect("the binary runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("representable dates"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// Found while checking what the `emulator_router` target can reach with the
/// admin token: a huge clock advance overflowed the clock's millisecond
/// arithmetic, after which every request panicked (debug builds) or saw a
/// wrapped-around time (release builds).
#[tokio::test]
async fn huge_clock_advances_keep_the_server_answering() {
    let emulator = Emulator::start(EmulatorConfig {
        limits: LimitsConfig::disabled(),
        ..EmulatorConfig::demo()
    })
    .await
    .expect("the emulator starts");
    let http = reqwest::Client::new();
    for seconds in [1e300, 9.3e15, 9.3e15, -1e300, -9.3e15, -9.3e15, 1e300] {
        let advanced = http
            .post(format!("{}/_emulator/clock/advance", emulator.base_url()))
            .bearer_auth(emulator.admin_token())
            .json(&json!({ "seconds": seconds }))
            .send()
            .await
            .expect("an answer to the advance");
        assert!(
            advanced.status().is_success() || advanced.status().as_u16() == 422,
            "advance {seconds}: {}",
            advanced.status()
        );
        let listed = http
            .get(format!(
                "{}/orgs/octo-org/packages?package_type=npm",
                emulator.base_url()
            ))
            .bearer_auth("ghp_demo_octocat")
            .send()
            .await
            .expect("an answer after the advance, not a dropped connection");
        assert_eq!(listed.status().as_u16(), 200, "after advancing {seconds}");
    }
    emulator.shutdown().await;
}

/// `emulator_router`: registry paths and queries that do not decode (bad
/// percent-encoding, bytes that are not UTF-8) were answered with axum's
/// plain-text 400 instead of the registry's JSON error format.
#[tokio::test]
async fn undecodable_registry_paths_get_registry_errors() {
    let emulator = Emulator::start(EmulatorConfig {
        limits: LimitsConfig::disabled(),
        ..EmulatorConfig::demo()
    })
    .await
    .expect("the emulator starts");
    let http = reqwest::Client::new();
    for (path, code) in [
        ("/v2/im@gggg_%%%%%eA", "NAME_INVALID"),
        ("/v2/octo-org/octo-app%FF/manifests/latest", "NAME_INVALID"),
        (
            "/token?scope=repository:octo-org/octo-app:pull%FF",
            "UNSUPPORTED",
        ),
    ] {
        let response = http
            .get(format!("{}{path}", emulator.base_url()))
            .bearer_auth("ghp_demo_octocat")
            .send()
            .await
            .expect("answered");
        assert_eq!(response.status().as_u16(), 400, "{path}");
        let body: Value = response.json().await.expect("a JSON error body");
        assert_eq!(body["errors"][0]["code"], code, "{path}: {body}");
    }
    emulator.shutdown().await;
}
