//! The admin API: guard, data creation, clock and limits.

mod common;

use common::*;
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn admin_api_requires_the_admin_token() {
    let env = Env::demo().await;
    let health = env.get("/_emulator/health", None).await;
    assert_eq!(health.body, json!({"ok": true}));
    for token in [
        None,
        Some(OCTOCAT),
        Some("wrong"),
        Some("emulator-admi"),
        Some("emulator-admin2"),
        Some("EMULATOR-ADMIN"),
    ] {
        env.get("/_emulator/clock", token)
            .await
            .assert_error(401, "admin token");
    }
    assert_eq!(env.admin(Method::GET, "/clock", None).await.status, 200);
}

#[tokio::test]
async fn entities_created_through_the_admin_api_are_served() {
    let env = Env::start(ghpackages_emulator::EmulatorConfig {
        limits: ghpackages_emulator::LimitsConfig::disabled(),
        ..Default::default()
    })
    .await;
    let steps = [
        ("/users", json!({"login": "alice"})),
        ("/users", json!({"login": "bob"})),
        (
            "/orgs",
            json!({"login": "acme", "members": [{"login": "alice", "role": "admin"}]}),
        ),
        (
            "/tokens",
            json!({"token": "t-alice", "user": "alice", "scopes": ["read:packages", "delete:packages"]}),
        ),
        (
            "/repositories",
            json!({"owner": "acme", "name": "web", "private": true}),
        ),
        (
            "/packages",
            json!({
                "owner": "acme", "package_type": "container", "name": "web/api",
                "repository": "web",
                "generate": {"count": 40, "name": "sha256:{digest}", "start": "2025-01-01T00:00:00Z",
                             "interval_seconds": 60, "tags": ["v{n}"], "tag_every": 10}
            }),
        ),
    ];
    for (path, body) in steps {
        let resp = env.admin(Method::POST, path, Some(body)).await;
        assert_eq!(resp.status, 201, "{path}: {}", resp.body);
    }
    let package = env
        .get("/orgs/acme/packages/container/web%2Fapi", Some("t-alice"))
        .await;
    assert_eq!(package.status, 200, "{}", package.body);
    assert_eq!(package.body["version_count"], 40);
    assert_eq!(package.body["repository"]["full_name"], "acme/web");
    assert_eq!(package.body["repository"]["private"], true);
    assert_eq!(package.body["owner"]["type"], "Organization");

    let added = env
        .admin(
            Method::POST,
            "/packages/acme/container/web%2Fapi/versions",
            Some(json!([{"name": "sha256:aa", "tags": ["x"]}, {"name": "sha256:bb"}])),
        )
        .await;
    assert_eq!(added.body, json!({"versions": 2}));

    // Bad data is refused with the reason, and nothing is half-created.
    let bad = env
        .admin(
            Method::POST,
            "/tokens",
            Some(json!({"token": "t", "user": "nobody"})),
        )
        .await;
    bad.assert_error(422, "nobody");
    let dup = env
        .admin(Method::POST, "/users", Some(json!({"login": "ALICE"})))
        .await;
    dup.assert_error(422, "ALICE");
    let unknown = env
        .admin(
            Method::POST,
            "/users",
            Some(json!({"login": "x", "colour": "red"})),
        )
        .await;
    unknown.assert_error(422, "colour");
    let twice = env
        .admin(
            Method::POST,
            "/packages",
            Some(json!({"owner": "acme", "package_type": "container", "name": "web/api"})),
        )
        .await;
    twice.assert_error(422, "already has a live container package");
    let odd = env
        .admin(Method::POST, "/users", Some(json!({"login": "bad\"login"})))
        .await;
    odd.assert_error(422, "letters, digits and hyphens");
}

#[tokio::test]
async fn reset_and_fixture_loading() {
    let env = Env::demo().await;
    let reset = env.admin(Method::POST, "/reset", None).await;
    assert_eq!(reset.status, 200);
    env.get("/user/packages?package_type=npm", Some(OCTOCAT))
        .await
        .assert_error(401, "Bad credentials");
    let demo = env.admin(Method::POST, "/reset?fixture=demo", None).await;
    let fixture = ghpackages_emulator::Fixture::demo();
    assert_eq!(demo.body["packages"], fixture.packages.len());
    assert_eq!(demo.body["tokens"], fixture.tokens.len());
    assert_eq!(demo.body["users"], 3);
    let again = env
        .admin(
            Method::POST,
            "/fixture",
            Some(serde_json::to_value(ghpackages_emulator::Fixture::demo()).unwrap()),
        )
        .await;
    again.assert_error(422, "octocat");
}

#[tokio::test]
async fn clock_moves_forward_and_back() {
    let env = Env::demo().await;
    let before = env.admin(Method::GET, "/clock", None).await.body;
    env.advance_days(2.0).await;
    let after = env.admin(Method::GET, "/clock", None).await.body;
    assert_eq!(after["offset_seconds"], 172_800.0);
    assert!(after["now"].as_str() > before["now"].as_str());
    let back = env
        .admin(
            Method::POST,
            "/clock/advance",
            Some(json!({"seconds": -172800})),
        )
        .await;
    assert_eq!(back.body["offset_seconds"], 0.0);
    env.admin(Method::POST, "/clock/advance", Some(json!({"secs": 1})))
        .await
        .assert_error(422, "secs");
}

#[tokio::test]
async fn limits_can_be_changed_at_runtime() {
    let env = Env::demo().await;
    let resp = env
        .get("/user/packages?package_type=npm", Some(OCTOCAT))
        .await;
    assert!(resp.header("x-ratelimit-limit").is_none());
    let set = env
        .admin(
            Method::PUT,
            "/limits",
            Some(json!({"authenticated_per_hour": 2, "exceeded_status": 429})),
        )
        .await;
    assert_eq!(set.body["enabled"], true);
    assert_eq!(set.body["authenticated_per_hour"], 2);
    for remaining in ["1", "0"] {
        let resp = env
            .get("/user/packages?package_type=npm", Some(OCTOCAT))
            .await;
        assert_eq!(resp.status, 200);
        assert_eq!(resp.header("x-ratelimit-remaining"), Some(remaining));
    }
    let limited = env
        .get("/user/packages?package_type=npm", Some(OCTOCAT))
        .await;
    limited.assert_error(429, "rate limit");
    // Another user has their own budget.
    assert_eq!(
        env.get("/user/packages?package_type=npm", Some(MONA))
            .await
            .status,
        200
    );
    env.admin(
        Method::PUT,
        "/limits",
        Some(json!({"exceeded_status": 500})),
    )
    .await
    .assert_error(422, "403 or 429");
}

/// Beyond loopback the public default token (or an empty one) is refused
/// before anything binds; a secret token or the admin API turned off passes
/// that check (shown here on loopback, where binding is allowed).
#[tokio::test]
async fn the_public_admin_token_is_refused_beyond_loopback() {
    use ghpackages_emulator::{Emulator, EmulatorConfig, StartError, DEFAULT_ADMIN_TOKEN};
    use std::net::IpAddr;
    for host in ["0.0.0.0", "::", "10.1.2.3"] {
        let host: IpAddr = host.parse().unwrap();
        for token in [DEFAULT_ADMIN_TOKEN, ""] {
            let refused = Emulator::start(EmulatorConfig {
                host,
                admin_token: token.to_owned(),
                ..EmulatorConfig::default()
            })
            .await
            .err()
            .expect("refused");
            assert!(matches!(refused, StartError::PublicAdminToken(h) if h == host));
            let message = refused.to_string();
            assert!(message.contains("--admin-token"), "{message}");
        }
    }
    let off = Env::start(EmulatorConfig {
        admin_api: false,
        ..EmulatorConfig::demo()
    })
    .await;
    off.get("/_emulator/clock", Some(ADMIN))
        .await
        .assert_error(404, "turned off");
    assert_eq!(off.get("/_emulator/health", None).await.status, 200);
}
