//! Fault injection over real HTTP: error answers (5xx and any 4xx) at a rate, `200 OK`
//! answers whose JSON is cut short, connections closed without an answer, added
//! latency, changes at runtime through the admin API (guarded by the admin token), and
//! the startup flags.

use std::process::Command;
use std::time::{Duration, Instant};

use ghpackages_emulator::faults::MALFORMED_BODY;
use ghpackages_emulator::{Emulator, EmulatorConfig, FaultsConfig, Fixture, RunningEmulator};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

mod common;
use common::binary::Binary;

const TOKEN: &str = "ghp_faults_carol";
const PACKAGE: &str = "/users/carol/packages/npm/tiny";

fn fixture() -> Fixture {
    Fixture::from_json(
        &json!({
            "users": [{"login": "carol"}],
            "tokens": [{"token": TOKEN, "user": "carol",
                        "scopes": ["read:packages", "delete:packages"]}],
            "packages": [{"owner": "carol", "package_type": "npm", "name": "tiny",
                          "versions": [{"name": "1.0.0"}, {"name": "2.0.0"}]}]
        })
        .to_string(),
    )
    .expect("valid fixture")
}

async fn start(faults: FaultsConfig) -> RunningEmulator {
    Emulator::start(EmulatorConfig {
        fixture: Some(fixture()),
        faults,
        limits: ghpackages_emulator::LimitsConfig::disabled(),
        ..EmulatorConfig::default()
    })
    .await
    .expect("emulator starts")
}

/// A client without connection reuse, so one dropped connection cannot affect the next
/// request.
fn client() -> Client {
    Client::builder()
        .pool_max_idle_per_host(0)
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

async fn get_package(
    client: &Client,
    emulator: &RunningEmulator,
) -> reqwest::Result<reqwest::Response> {
    client
        .get(format!("{}{PACKAGE}", emulator.base_url()))
        .bearer_auth(TOKEN)
        .send()
        .await
}

async fn admin(
    emulator: &RunningEmulator,
    method: reqwest::Method,
    token: Option<&str>,
    body: Option<Value>,
) -> reqwest::Response {
    let mut request = client().request(method, format!("{}/_emulator/faults", emulator.base_url()));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    request.send().await.expect("admin API answers")
}

#[tokio::test]
async fn no_faults_by_default() {
    let emulator = start(FaultsConfig::default()).await;
    let client = client();
    for _ in 0..50 {
        let response = get_package(&client, &emulator).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
    }
    emulator.shutdown().await;
}

#[tokio::test]
async fn server_errors_come_at_the_configured_rate_with_githubs_error_body() {
    let emulator = start(FaultsConfig {
        error_rate: 0.4,
        error_statuses: vec![502, 503],
        seed: Some(11),
        ..FaultsConfig::default()
    })
    .await;
    let client = client();
    let mut failed = 0;
    for _ in 0..300 {
        let response = get_package(&client, &emulator).await.unwrap();
        let status = response.status();
        if status == StatusCode::OK {
            continue;
        }
        failed += 1;
        assert!(
            [StatusCode::BAD_GATEWAY, StatusCode::SERVICE_UNAVAILABLE].contains(&status),
            "{status}"
        );
        let body: Value = response.json().await.expect("JSON error body");
        assert_eq!(body["status"], status.as_str());
        assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()));
        assert!(body["documentation_url"].as_str().is_some());
    }
    // 40% of 300 is 120; a seeded run is reproducible, and the margin covers any seed.
    assert!((80..=160).contains(&failed), "{failed} of 300 failed");
    emulator.shutdown().await;
}

#[tokio::test]
async fn every_request_fails_at_rate_one_and_the_store_is_untouched() {
    let emulator = start(FaultsConfig {
        error_rate: 1.0,
        error_statuses: vec![500],
        ..FaultsConfig::default()
    })
    .await;
    let client = client();
    let versions_url = format!("{}{PACKAGE}/versions", emulator.base_url());
    let delete = client
        .delete(format!("{}{PACKAGE}", emulator.base_url()))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(delete.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let body: Value = delete.json().await.unwrap();
    assert_eq!(body["message"], "Server Error");
    assert_eq!(body["status"], "500");

    // The refused delete had no effect.
    admin(
        &emulator,
        reqwest::Method::DELETE,
        Some(emulator.admin_token()),
        None,
    )
    .await;
    let versions = client
        .get(versions_url)
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(versions.status(), StatusCode::OK);
    let versions: Value = versions.json().await.unwrap();
    assert_eq!(versions.as_array().unwrap().len(), 2);
    emulator.shutdown().await;
}

#[tokio::test]
async fn dropped_connections_get_no_answer_at_all() {
    let emulator = start(FaultsConfig {
        drop_rate: 1.0,
        ..FaultsConfig::default()
    })
    .await;
    let client = client();
    for _ in 0..5 {
        let error = get_package(&client, &emulator)
            .await
            .expect_err("a dropped connection has no answer");
        assert!(!error.is_timeout(), "{error}");
        assert!(error.status().is_none(), "{error}");
    }
    // On the wire: the request is read, and the connection closes before a byte is sent.
    let mut stream = tokio::net::TcpStream::connect(emulator.addr())
        .await
        .unwrap();
    let request = format!(
        "GET {PACKAGE} HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {TOKEN}\r\n\r\n",
        emulator.addr()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let read = stream.read_to_end(&mut answer).await;
    assert!(answer.is_empty(), "{}", String::from_utf8_lossy(&answer));
    if let Err(err) = read {
        assert_eq!(err.kind(), std::io::ErrorKind::ConnectionReset, "{err}");
    }
    emulator.shutdown().await;
}

#[tokio::test]
async fn some_connections_drop_at_a_partial_rate() {
    let emulator = start(FaultsConfig {
        drop_rate: 0.3,
        seed: Some(5),
        ..FaultsConfig::default()
    })
    .await;
    let client = client();
    let mut dropped = 0;
    for _ in 0..200 {
        match get_package(&client, &emulator).await {
            Ok(response) => assert_eq!(response.status(), StatusCode::OK),
            Err(_) => dropped += 1,
        }
    }
    assert!((30..=90).contains(&dropped), "{dropped} of 200 dropped");
    emulator.shutdown().await;
}

#[tokio::test]
async fn latency_is_added_to_every_request() {
    let emulator = start(FaultsConfig {
        latency_ms: 150,
        latency_max_ms: 250,
        ..FaultsConfig::default()
    })
    .await;
    let client = client();
    for _ in 0..3 {
        let started = Instant::now();
        let response = get_package(&client, &emulator).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert!(started.elapsed() >= Duration::from_millis(150));
    }
    emulator.shutdown().await;
}

#[tokio::test]
async fn faults_change_at_runtime_through_the_admin_api() {
    let emulator = start(FaultsConfig::default()).await;
    let token = emulator.admin_token().to_owned();
    let client = client();

    let current: Value = admin(&emulator, reqwest::Method::GET, Some(&token), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(current["error_rate"], 0.0);
    assert_eq!(current["drop_rate"], 0.0);

    let set = admin(
        &emulator,
        reqwest::Method::PUT,
        Some(&token),
        Some(json!({"error_rate": 1.0, "error_statuses": [504]})),
    )
    .await;
    assert_eq!(set.status(), StatusCode::OK);
    let set: Value = set.json().await.unwrap();
    assert_eq!(set["error_rate"], 1.0);
    assert_eq!(set["error_statuses"], json!([504]));
    let failing = get_package(&client, &emulator).await.unwrap();
    assert_eq!(failing.status(), StatusCode::GATEWAY_TIMEOUT);

    // The admin API itself is never faulty, so faults can always be switched off.
    let read_back = admin(&emulator, reqwest::Method::GET, Some(&token), None).await;
    assert_eq!(read_back.status(), StatusCode::OK);

    let cleared = admin(&emulator, reqwest::Method::DELETE, Some(&token), None).await;
    assert_eq!(cleared.status(), StatusCode::NO_CONTENT);
    let healthy = get_package(&client, &emulator).await.unwrap();
    assert_eq!(healthy.status(), StatusCode::OK);

    let dropping = admin(
        &emulator,
        reqwest::Method::PUT,
        Some(&token),
        Some(json!({"drop_rate": 1.0})),
    )
    .await;
    assert_eq!(dropping.status(), StatusCode::OK);
    assert!(get_package(&client, &emulator).await.is_err());
    emulator.shutdown().await;
}

#[tokio::test]
async fn admin_api_refuses_faults_without_the_admin_token() {
    let emulator = start(FaultsConfig::default()).await;
    let turn_on = Some(json!({"error_rate": 1.0}));
    for token in [None, Some("wrong-token"), Some(TOKEN)] {
        for method in [
            reqwest::Method::GET,
            reqwest::Method::PUT,
            reqwest::Method::DELETE,
        ] {
            let response = admin(&emulator, method.clone(), token, turn_on.clone()).await;
            assert_eq!(
                response.status(),
                StatusCode::UNAUTHORIZED,
                "{method} with {token:?}"
            );
            let body: Value = response.json().await.unwrap();
            assert_eq!(body["status"], "401");
        }
    }
    let client = client();
    assert_eq!(
        get_package(&client, &emulator).await.unwrap().status(),
        StatusCode::OK,
        "faults stayed off"
    );
    emulator.shutdown().await;
}

#[tokio::test]
async fn invalid_faults_are_refused_with_422_and_non_json_with_400() {
    let emulator = start(FaultsConfig::default()).await;
    let token = emulator.admin_token().to_owned();
    for body in [
        json!({"error_rate": 2.0}),
        json!({"drop_rate": -0.1}),
        json!({"error_rate": 0.5, "error_statuses": [302]}),
        json!({"error_rate": 0.5, "error_statuses": [600]}),
        json!({"malformed_rate": 1.5}),
        json!({"malformed_rate": 0.5, "error_rate": 0.4, "drop_rate": 0.2}),
        json!({"error_rate": 0.5, "error_statuses": []}),
        json!({"latency": 10}),
        json!({"error_rate": "often"}),
    ] {
        let response = admin(
            &emulator,
            reqwest::Method::PUT,
            Some(&token),
            Some(body.clone()),
        )
        .await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}"
        );
        let error: Value = response.json().await.unwrap();
        assert_eq!(error["status"], "422");
    }
    // A body that is not JSON is a 400, as GitHub answers it.
    let not_json = client()
        .put(format!("{}/_emulator/faults", emulator.base_url()))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("error_rate=1")
        .send()
        .await
        .unwrap();
    assert_eq!(not_json.status(), StatusCode::BAD_REQUEST);
    let error: Value = not_json.json().await.unwrap();
    assert!(error["message"]
        .as_str()
        .unwrap()
        .starts_with("Problems parsing JSON"));
    let current: Value = admin(&emulator, reqwest::Method::GET, Some(&token), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(current["error_rate"], 0.0, "nothing was changed");
    emulator.shutdown().await;
}

#[tokio::test]
async fn invalid_faults_in_the_config_refuse_to_start() {
    let started = Emulator::start(EmulatorConfig {
        faults: FaultsConfig {
            drop_rate: 3.0,
            ..FaultsConfig::default()
        },
        ..EmulatorConfig::default()
    })
    .await;
    assert!(started.is_err());
}

#[tokio::test]
async fn binary_flags_inject_faults_from_the_start() {
    let path = "/orgs/octo-org/packages?package_type=container";
    let client = client();

    let failing = Binary::start(&[
        "--demo",
        "--fault-error-rate",
        "1",
        "--fault-error-statuses",
        "503",
    ]);
    let response = client
        .get(format!("{}{path}", failing.base_url))
        .bearer_auth("ghp_demo_octocat")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);

    let dropping = Binary::start(&[
        "--demo",
        "--fault-drop-rate",
        "1",
        "--fault-latency-ms",
        "10-20",
    ]);
    let error = client
        .get(format!("{}{path}", dropping.base_url))
        .bearer_auth("ghp_demo_octocat")
        .send()
        .await
        .expect_err("dropped");
    assert!(error.status().is_none());

    for bad in [
        ["--fault-error-rate", "1.5"],
        ["--fault-latency-ms", "20-10"],
        ["--fault-error-statuses", "302"],
        ["--fault-malformed-rate", "-1"],
    ] {
        let refused = Command::new(env!("CARGO_BIN_EXE_ghpackages-emulator"))
            .args(["--port", "0"])
            .args(bad)
            .output()
            .unwrap();
        assert!(!refused.status.success(), "{bad:?} accepted");
    }
}

/// Asserts that `response` is a malformed-body fault: `200 OK`, declared JSON, and a
/// body no JSON parser accepts.
async fn assert_malformed(response: reqwest::Response) {
    assert_eq!(response.status(), StatusCode::OK);
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        content_type.starts_with("application/json"),
        "{content_type}"
    );
    let body = response.bytes().await.unwrap();
    assert_eq!(&body[..], MALFORMED_BODY.as_bytes());
    assert!(serde_json::from_slice::<Value>(&body).is_err());
}

#[tokio::test]
async fn malformed_bodies_come_at_the_configured_rate_and_change_nothing() {
    let emulator = start(FaultsConfig {
        malformed_rate: 0.3,
        seed: Some(3),
        ..FaultsConfig::default()
    })
    .await;
    let client = client();
    let mut malformed = 0;
    for _ in 0..200 {
        let response = get_package(&client, &emulator).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let body = response.bytes().await.unwrap();
        if serde_json::from_slice::<Value>(&body).is_err() {
            assert_eq!(&body[..], MALFORMED_BODY.as_bytes());
            malformed += 1;
        }
    }
    assert!(
        (30..=90).contains(&malformed),
        "{malformed} of 200 malformed"
    );
    emulator.shutdown().await;

    let emulator = start(FaultsConfig {
        malformed_rate: 1.0,
        ..FaultsConfig::default()
    })
    .await;
    let delete = client
        .delete(format!("{}{PACKAGE}", emulator.base_url()))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_malformed(delete).await;
    admin(
        &emulator,
        reqwest::Method::DELETE,
        Some(emulator.admin_token()),
        None,
    )
    .await;
    let versions: Value = client
        .get(format!("{}{PACKAGE}/versions", emulator.base_url()))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        versions.as_array().unwrap().len(),
        2,
        "the delete had no effect"
    );
    emulator.shutdown().await;
}

#[tokio::test]
async fn client_error_statuses_can_be_injected_with_githubs_error_body() {
    let emulator = start(FaultsConfig {
        error_rate: 1.0,
        error_statuses: vec![418],
        ..FaultsConfig::default()
    })
    .await;
    let client = client();
    let response = get_package(&client, &emulator).await.unwrap();
    assert_eq!(response.status(), StatusCode::IM_A_TEAPOT);
    let body: Value = response.json().await.expect("JSON error body");
    assert_eq!(body["message"], "I'm a teapot");
    assert_eq!(body["status"], "418");
    assert!(body["documentation_url"].as_str().is_some());
    emulator.shutdown().await;

    let emulator = start(FaultsConfig {
        error_rate: 1.0,
        error_statuses: vec![400, 599],
        seed: Some(1),
        ..FaultsConfig::default()
    })
    .await;
    let mut seen = std::collections::BTreeSet::new();
    for _ in 0..40 {
        let response = get_package(&client, &emulator).await.unwrap();
        let status = response.status();
        let body: Value = response.json().await.expect("JSON error body");
        assert_eq!(body["status"], status.as_str());
        let expected = if status.is_server_error() {
            "Server Error"
        } else {
            "Bad Request"
        };
        assert_eq!(body["message"], expected);
        seen.insert(status.as_u16());
    }
    assert_eq!(seen, [400, 599].into(), "both statuses are drawn");
    emulator.shutdown().await;
}

#[tokio::test]
async fn malformed_bodies_and_client_errors_are_set_through_the_admin_api() {
    let emulator = start(FaultsConfig::default()).await;
    let token = emulator.admin_token().to_owned();
    let client = client();

    let current: Value = admin(&emulator, reqwest::Method::GET, Some(&token), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(current["malformed_rate"], 0.0);

    let set = admin(
        &emulator,
        reqwest::Method::PUT,
        Some(&token),
        Some(json!({"malformed_rate": 1.0})),
    )
    .await;
    assert_eq!(set.status(), StatusCode::OK);
    let set: Value = set.json().await.unwrap();
    assert_eq!(set["malformed_rate"], 1.0);
    assert_malformed(get_package(&client, &emulator).await.unwrap()).await;

    let teapot = admin(
        &emulator,
        reqwest::Method::PUT,
        Some(&token),
        Some(json!({"error_rate": 1.0, "error_statuses": [418]})),
    )
    .await;
    assert_eq!(teapot.status(), StatusCode::OK);
    let teapot: Value = teapot.json().await.unwrap();
    assert_eq!(teapot["malformed_rate"], 0.0, "a PUT replaces every field");
    let response = get_package(&client, &emulator).await.unwrap();
    assert_eq!(response.status(), StatusCode::IM_A_TEAPOT);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["message"], "I'm a teapot");

    let cleared = admin(&emulator, reqwest::Method::DELETE, Some(&token), None).await;
    assert_eq!(cleared.status(), StatusCode::NO_CONTENT);
    let healthy = get_package(&client, &emulator).await.unwrap();
    assert_eq!(healthy.status(), StatusCode::OK);
    let package: Value = healthy.json().await.unwrap();
    assert_eq!(package["name"], "tiny");
    emulator.shutdown().await;
}

#[tokio::test]
async fn binary_flags_inject_malformed_bodies_and_client_errors() {
    let path = "/orgs/octo-org/packages?package_type=container";
    let client = client();

    let malformed = Binary::start(&["--demo", "--fault-malformed-rate", "1"]);
    let response = client
        .get(format!("{}{path}", malformed.base_url))
        .bearer_auth("ghp_demo_octocat")
        .send()
        .await
        .unwrap();
    assert_malformed(response).await;

    let teapot = Binary::start(&[
        "--demo",
        "--fault-error-rate",
        "1",
        "--fault-error-statuses",
        "418",
    ]);
    let response = client
        .get(format!("{}{path}", teapot.base_url))
        .bearer_auth("ghp_demo_octocat")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::IM_A_TEAPOT);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["message"], "I'm a teapot");
    assert_eq!(body["status"], "418");
}
