//! Rate limits over real HTTP: the `X-RateLimit-*` headers, the primary hourly budget,
//! the secondary limits (concurrency and points per endpoint), the time factor, the
//! runtime and startup switches.

use std::process::Command;
use std::time::{Duration, Instant};

use ghpackages_emulator::{
    Emulator, EmulatorConfig, FaultsConfig, Fixture, LimitsConfig, RunningEmulator,
};
use reqwest::{Client, Method, Response, StatusCode};
use serde_json::Value;

mod common;
use common::binary::Binary;

const TOKEN: &str = "ghp_limits_alice";
const OTHER_TOKEN: &str = "ghp_limits_bob";
const ALICE_ID: u64 = 4101;
const PACKAGE: &str = "/users/alice/packages/npm/left-pad";

fn fixture() -> Fixture {
    Fixture::from_json(
        &serde_json::json!({
            "users": [{"login": "alice", "id": ALICE_ID}, {"login": "bob", "id": 4102}],
            "tokens": [
                {"token": TOKEN, "user": "alice",
                 "scopes": ["read:packages", "write:packages", "delete:packages"]},
                {"token": OTHER_TOKEN, "user": "bob", "scopes": ["read:packages"]}
            ],
            "packages": [{
                "owner": "alice", "package_type": "npm", "name": "left-pad",
                "visibility": "public",
                "versions": [{"name": "1.0.0"}, {"name": "1.0.1"}, {"name": "1.1.0"}]
            }]
        })
        .to_string(),
    )
    .expect("valid fixture")
}

async fn start(limits: LimitsConfig) -> RunningEmulator {
    start_with(limits, FaultsConfig::default()).await
}

async fn start_with(limits: LimitsConfig, faults: FaultsConfig) -> RunningEmulator {
    Emulator::start(EmulatorConfig {
        fixture: Some(fixture()),
        limits,
        faults,
        ..EmulatorConfig::default()
    })
    .await
    .expect("emulator starts")
}

async fn send(
    client: &Client,
    method: Method,
    url: String,
    token: Option<&str>,
) -> reqwest::Result<Response> {
    let mut request = client.request(method, url);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await
}

async fn get(emulator: &RunningEmulator, path: &str, token: Option<&str>) -> Response {
    let url = format!("{}{path}", emulator.base_url());
    send(&Client::new(), Method::GET, url, token)
        .await
        .expect("request answered")
}

fn header(response: &Response, name: &str) -> Option<i64> {
    response
        .headers()
        .get(name)
        .map(|v| v.to_str().unwrap().parse().expect("numeric header"))
}

/// The five `X-RateLimit-*` headers, checked for consistency: (limit, remaining, used, reset).
fn rate_headers(response: &Response) -> (i64, i64, i64, i64) {
    let get = |name| {
        header(response, name)
            .unwrap_or_else(|| panic!("{} {} lacks {name}", response.status(), response.url()))
    };
    let limit = get("x-ratelimit-limit");
    let remaining = get("x-ratelimit-remaining");
    let used = get("x-ratelimit-used");
    let reset = get("x-ratelimit-reset");
    assert_eq!(
        response.headers()["x-ratelimit-resource"],
        "core",
        "{}",
        response.url()
    );
    assert_eq!(limit - used, remaining, "{}", response.url());
    (limit, remaining, used, reset)
}

async fn body(response: Response) -> Value {
    response.json().await.expect("JSON body")
}

fn now_secs(emulator: &RunningEmulator) -> i64 {
    emulator.clock().now().timestamp()
}

#[tokio::test]
async fn every_api_answer_carries_consistent_rate_limit_headers() {
    let emulator = start(LimitsConfig::default()).await;
    let base = emulator.base_url().to_owned();
    let client = Client::new();
    let version = {
        let versions =
            body(get(&emulator, &format!("{PACKAGE}/versions"), Some(TOKEN)).await).await;
        versions[0]["id"].as_u64().expect("version id")
    };
    let bad_request = [StatusCode::BAD_REQUEST, StatusCode::UNPROCESSABLE_ENTITY];
    let authenticated: Vec<(Method, String, &[StatusCode])> = vec![
        (
            Method::GET,
            format!("{PACKAGE}/versions"),
            &[StatusCode::OK],
        ),
        (Method::GET, PACKAGE.into(), &[StatusCode::OK]),
        (Method::GET, format!("/api/v3{PACKAGE}"), &[StatusCode::OK]),
        (
            Method::GET,
            "/users/alice/packages/npm/missing".into(),
            &[StatusCode::NOT_FOUND],
        ),
        (
            Method::GET,
            "/users/alice/packages?package_type=pypi".into(),
            &bad_request,
        ),
        (
            Method::GET,
            format!("{PACKAGE}/versions/not-a-number"),
            &bad_request,
        ),
        (
            Method::DELETE,
            format!("{PACKAGE}/versions/{version}"),
            &[StatusCode::NO_CONTENT],
        ),
        (
            Method::POST,
            format!("{PACKAGE}/versions/{version}/restore"),
            &[StatusCode::NO_CONTENT],
        ),
        (
            Method::GET,
            "/no/such/route".into(),
            &[StatusCode::NOT_FOUND],
        ),
        (Method::PATCH, PACKAGE.into(), &[StatusCode::NOT_FOUND]),
    ];
    let mut previous_used = 1;
    for (method, path, statuses) in authenticated {
        let response = send(
            &client,
            method.clone(),
            format!("{base}{path}"),
            Some(TOKEN),
        )
        .await
        .unwrap();
        let status = response.status();
        assert!(statuses.contains(&status), "{method} {path}: {status}");
        let (limit, _, used, reset) = rate_headers(&response);
        assert_eq!(limit, 5_000, "{method} {path}");
        assert_eq!(used, previous_used + 1, "{method} {path} counts once");
        previous_used = used;
        let until_reset = reset - now_secs(&emulator);
        // Reset is rounded up to the second, the clock down.
        assert!(
            (0..=3_601).contains(&until_reset),
            "reset in {until_reset}s"
        );
    }

    // Without a token the budget is the address's, 60 an hour, whatever the answer.
    let anonymous = get(&emulator, PACKAGE, None).await;
    let (limit, _, used, reset) = rate_headers(&anonymous);
    assert_eq!((limit, used), (60, 1));
    let refused = get(&emulator, "/user/packages?package_type=npm", None).await;
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(rate_headers(&refused), (60, 58, 2, reset));
    // A refused token counts against the address too.
    let unknown = get(&emulator, PACKAGE, Some("ghp_not_a_token")).await;
    assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(rate_headers(&unknown), (60, 57, 3, reset));
    let malformed = client
        .get(format!("{base}{PACKAGE}"))
        .header("authorization", "Basic c29tZW9uZQ==")
        .send()
        .await
        .unwrap();
    assert_eq!(malformed.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(rate_headers(&malformed), (60, 56, 4, reset));

    // Another user has a budget of their own.
    let other = get(&emulator, PACKAGE, Some(OTHER_TOKEN)).await;
    assert_eq!(rate_headers(&other).2, 1);

    // The admin API is not rate limited.
    let admin = send(
        &client,
        Method::GET,
        format!("{base}/_emulator/faults"),
        Some(emulator.admin_token()),
    )
    .await
    .unwrap();
    assert_eq!(admin.status(), StatusCode::OK);
    assert!(admin.headers().get("x-ratelimit-limit").is_none());
    emulator.shutdown().await;
}

#[tokio::test]
async fn spent_primary_budget_is_refused_with_403_until_the_window_resets() {
    let emulator = start(LimitsConfig {
        authenticated_per_hour: 3,
        ..LimitsConfig::default()
    })
    .await;
    let mut reset = 0;
    for expected_remaining in [2, 1, 0] {
        let response = get(&emulator, PACKAGE, Some(TOKEN)).await;
        assert_eq!(response.status(), StatusCode::OK);
        let (limit, remaining, _, this_reset) = rate_headers(&response);
        assert_eq!((limit, remaining), (3, expected_remaining));
        reset = this_reset;
    }
    let refused = get(&emulator, PACKAGE, Some(TOKEN)).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert_eq!(rate_headers(&refused), (3, 0, 3, reset));
    assert!(refused.headers().get("retry-after").is_none());
    let error = body(refused).await;
    let message = error["message"].as_str().unwrap();
    assert!(
        message.starts_with(&format!("API rate limit exceeded for user ID {ALICE_ID}.")),
        "{message}"
    );
    assert_eq!(error["status"], "403");
    assert!(error["documentation_url"]
        .as_str()
        .unwrap()
        .contains("rate-limits"));

    // Refusals are not counted, and other users are unaffected.
    let again = get(&emulator, PACKAGE, Some(TOKEN)).await;
    assert_eq!(rate_headers(&again), (3, 0, 3, reset));
    assert_eq!(
        get(&emulator, PACKAGE, Some(OTHER_TOKEN)).await.status(),
        StatusCode::OK
    );

    // Past the reset on the emulator's clock, the budget is whole again.
    emulator
        .clock()
        .advance((reset - now_secs(&emulator) + 1) as f64);
    let renewed = get(&emulator, PACKAGE, Some(TOKEN)).await;
    assert_eq!(renewed.status(), StatusCode::OK);
    let (_, remaining, used, new_reset) = rate_headers(&renewed);
    assert_eq!((remaining, used), (2, 1));
    assert!(new_reset > reset);
    emulator.shutdown().await;
}

#[tokio::test]
async fn anonymous_budget_is_per_address_and_can_answer_429() {
    let emulator = start(LimitsConfig {
        unauthenticated_per_hour: 2,
        exceeded_status: StatusCode::TOO_MANY_REQUESTS,
        ..LimitsConfig::default()
    })
    .await;
    for _ in 0..2 {
        let response = get(&emulator, PACKAGE, None).await;
        assert_ne!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(rate_headers(&response).0, 2);
    }
    let refused = get(&emulator, PACKAGE, None).await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(rate_headers(&refused).1, 0);
    let error = body(refused).await;
    assert_eq!(error["status"], "429");
    let message = error["message"].as_str().unwrap();
    assert!(
        message.starts_with("API rate limit exceeded for 127.0.0.1."),
        "{message}"
    );
    // A token brings the user's own budget.
    assert_eq!(
        get(&emulator, PACKAGE, Some(TOKEN)).await.status(),
        StatusCode::OK
    );
    emulator.shutdown().await;
}

#[tokio::test]
async fn about_180_deletes_a_minute_then_a_secondary_limit_with_retry_after() {
    let emulator = start(LimitsConfig::default()).await;
    let client = Client::new();
    // Each DELETE costs 5 of the endpoint's 900 points a minute, whatever it answers;
    // unknown version ids keep the package intact.
    for id in 0..180u64 {
        let url = format!("{}{PACKAGE}/versions/{}", emulator.base_url(), 900_000 + id);
        let response = send(&client, Method::DELETE, url, Some(TOKEN))
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "delete #{id}");
    }
    let url = format!("{}{PACKAGE}/versions/999999", emulator.base_url());
    let refused = send(&client, Method::DELETE, url.clone(), Some(TOKEN))
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let retry_after = header(&refused, "retry-after").expect("Retry-After");
    assert!((1..=60).contains(&retry_after), "Retry-After {retry_after}");
    assert_eq!(rate_headers(&refused).2, 180, "the refusal is not counted");
    let error = body(refused).await;
    assert!(error["message"]
        .as_str()
        .unwrap()
        .contains("secondary rate limit"));
    assert_eq!(error["status"], "403");

    // Points are per endpoint: reading the same path is another endpoint.
    assert_eq!(
        get(&emulator, &format!("{PACKAGE}/versions"), Some(TOKEN))
            .await
            .status(),
        StatusCode::OK
    );
    // A minute later the endpoint accepts deletes again.
    emulator.clock().advance(60.0);
    let after = send(&client, Method::DELETE, url, Some(TOKEN))
        .await
        .unwrap();
    assert_eq!(after.status(), StatusCode::NOT_FOUND);
    emulator.shutdown().await;
}

#[tokio::test]
async fn get_requests_cost_one_point_each() {
    let emulator = start(LimitsConfig {
        points_per_minute: 10,
        ..LimitsConfig::default()
    })
    .await;
    for _ in 0..10 {
        assert_eq!(
            get(&emulator, PACKAGE, Some(TOKEN)).await.status(),
            StatusCode::OK
        );
    }
    let refused = get(&emulator, PACKAGE, Some(TOKEN)).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert!(header(&refused, "retry-after").is_some());
    // The same operation under /api/v3 is the same endpoint.
    let prefixed = get(&emulator, &format!("/api/v3{PACKAGE}"), Some(TOKEN)).await;
    assert_eq!(prefixed.status(), StatusCode::FORBIDDEN);
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn more_than_100_concurrent_requests_meet_the_secondary_limit() {
    // Injected latency keeps every request in flight long enough to overlap.
    let emulator = start_with(
        LimitsConfig::default(),
        FaultsConfig {
            latency_ms: 2_500,
            ..FaultsConfig::default()
        },
    )
    .await;
    let client = Client::builder().pool_max_idle_per_host(0).build().unwrap();
    let url = format!("{}{PACKAGE}", emulator.base_url());
    let requests = (0..130).map(|_| {
        let (client, url) = (client.clone(), url.clone());
        tokio::spawn(async move {
            let response = send(&client, Method::GET, url, Some(TOKEN)).await.unwrap();
            let status = response.status();
            let retry_after = header(&response, "retry-after");
            let message = if status == StatusCode::OK {
                String::new()
            } else {
                body(response).await["message"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned()
            };
            (status, retry_after, message)
        })
    });
    let answers = futures::future::join_all(requests).await;
    let mut admitted = 0;
    let mut refused = 0;
    for answer in answers {
        let (status, retry_after, message) = answer.unwrap();
        match status {
            StatusCode::OK => admitted += 1,
            StatusCode::FORBIDDEN => {
                refused += 1;
                assert!(message.contains("secondary rate limit"), "{message}");
                assert!(retry_after.is_some_and(|secs| secs >= 1));
            }
            other => panic!("unexpected {other}"),
        }
    }
    assert!(refused >= 1, "{admitted} admitted, none refused");
    assert!(admitted >= 100, "only {admitted} admitted");
    // Slots are released once answers are complete.
    assert_eq!(
        get(&emulator, PACKAGE, Some(TOKEN)).await.status(),
        StatusCode::OK
    );
    emulator.shutdown().await;
}

#[tokio::test]
async fn time_factor_runs_an_hour_of_budget_in_seconds() {
    // 720 times faster: the hour passes in five seconds of the clock.
    let emulator = start(LimitsConfig {
        authenticated_per_hour: 2,
        time_factor: 720.0,
        ..LimitsConfig::default()
    })
    .await;
    let started = Instant::now();
    let refused = loop {
        let response = get(&emulator, PACKAGE, Some(TOKEN)).await;
        if response.status() != StatusCode::OK {
            break response;
        }
        assert!(started.elapsed() < Duration::from_secs(60), "never refused");
    };
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let (_, remaining, _, reset) = rate_headers(&refused);
    assert_eq!(remaining, 0);
    let until_reset = reset - now_secs(&emulator);
    assert!((0..=6).contains(&until_reset), "reset in {until_reset}s");

    // The client waits for real, without touching the clock, and is served again.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        tokio::time::sleep(Duration::from_millis(250)).await;
        let response = get(&emulator, PACKAGE, Some(TOKEN)).await;
        if response.status() == StatusCode::OK {
            assert!(now_secs(&emulator) >= reset - 1);
            break;
        }
        assert!(Instant::now() < deadline, "the window never reset");
    }
    emulator.shutdown().await;
}

#[tokio::test]
async fn retry_after_is_scaled_by_the_time_factor() {
    // Ten times faster: an endpoint's minute lasts six seconds of the clock.
    let emulator = start(LimitsConfig {
        points_per_minute: 2,
        time_factor: 10.0,
        ..LimitsConfig::default()
    })
    .await;
    let mut refused = None;
    for _ in 0..3 {
        let response = get(&emulator, PACKAGE, Some(TOKEN)).await;
        if response.status() != StatusCode::OK {
            refused = Some(response);
            break;
        }
    }
    let refused = refused.expect("the third GET within six seconds is refused");
    let retry_after = header(&refused, "retry-after").expect("Retry-After");
    assert!((1..=6).contains(&retry_after), "Retry-After {retry_after}");
    emulator.shutdown().await;
}

#[tokio::test]
async fn disabled_limits_refuse_nothing_and_send_no_headers() {
    let emulator = start(LimitsConfig {
        authenticated_per_hour: 1,
        points_per_minute: 1,
        ..LimitsConfig::disabled()
    })
    .await;
    for _ in 0..5 {
        let response = get(&emulator, PACKAGE, Some(TOKEN)).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert!(response.headers().get("x-ratelimit-limit").is_none());
    }
    emulator.shutdown().await;
}

#[tokio::test]
async fn limits_change_at_runtime_through_the_admin_api() {
    let emulator = start(LimitsConfig::default()).await;
    let client = Client::new();
    let url = format!("{}/_emulator/limits", emulator.base_url());
    let put = |token: &str, body: Value| client.put(&url).bearer_auth(token).json(&body).send();
    let refused = put("not-the-admin-token", serde_json::json!({"enabled": false}))
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    let admin = emulator.admin_token();
    let set = put(admin, serde_json::json!({"authenticated_per_hour": 1}))
        .await
        .unwrap();
    assert_eq!(set.status(), StatusCode::OK);
    assert_eq!(body(set).await["authenticated_per_hour"], 1);
    assert_eq!(
        get(&emulator, PACKAGE, Some(TOKEN)).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        get(&emulator, PACKAGE, Some(TOKEN)).await.status(),
        StatusCode::FORBIDDEN
    );
    // The refusal is counted, and the count outlives a change of limits.
    let rejections = || async {
        let response = client
            .get(format!("{url}/rejections"))
            .bearer_auth(admin)
            .send()
            .await
            .unwrap();
        body(response).await
    };
    assert_eq!(
        rejections().await,
        serde_json::json!({"primary": 1, "secondary": 0})
    );
    let off = put(admin, serde_json::json!({"enabled": false}))
        .await
        .unwrap();
    assert_eq!(off.status(), StatusCode::OK);
    assert_eq!(rejections().await["primary"], 1);
    assert_eq!(emulator.rejections().primary(), 1);
    let response = get(&emulator, PACKAGE, Some(TOKEN)).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers().get("x-ratelimit-limit").is_none());
    let invalid = put(admin, serde_json::json!({"exceeded_status": 500}))
        .await
        .unwrap();
    assert_eq!(invalid.status(), StatusCode::UNPROCESSABLE_ENTITY);
    emulator.shutdown().await;
}

#[tokio::test]
async fn binary_flags_set_and_disable_the_limits() {
    let client = Client::new();
    let path = "/orgs/octo-org/packages?package_type=container";
    let limited = Binary::start(&["--demo", "--rate-limit", "1", "--rate-limit-status", "429"]);
    let url = format!("{}{path}", limited.base_url);
    let first = send(&client, Method::GET, url.clone(), Some("ghp_demo_octocat"))
        .await
        .unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    assert_eq!(rate_headers(&first).0, 1);
    let second = send(&client, Method::GET, url, Some("ghp_demo_octocat"))
        .await
        .unwrap();
    assert_eq!(second.status(), StatusCode::TOO_MANY_REQUESTS);

    let unlimited = Binary::start(&["--demo", "--no-rate-limits", "--rate-limit", "1"]);
    let url = format!("{}{path}", unlimited.base_url);
    for _ in 0..3 {
        let response = send(&client, Method::GET, url.clone(), Some("ghp_demo_octocat"))
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert!(response.headers().get("x-ratelimit-remaining").is_none());
    }

    for (bad, complaint) in [
        (["--rate-limit-status", "500"], "403 or 429"),
        (["--time-factor", "0"], "expected a number"),
        (["--time-factor", "fast"], "expected a number"),
    ] {
        let refused = Command::new(env!("CARGO_BIN_EXE_ghpackages-emulator"))
            .args(["--port", "0"])
            .args(bad)
            .output()
            .unwrap();
        assert!(!refused.status.success(), "{bad:?} accepted");
        let stderr = String::from_utf8_lossy(&refused.stderr);
        assert!(stderr.contains(complaint), "{bad:?}: {stderr}");
    }
}
