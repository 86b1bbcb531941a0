//! The registry subset served for container packages: token handshake,
//! manifests by digest and tag, OCI errors, downloads counted.

use ghpackages_emulator::{Emulator, EmulatorConfig, Fixture, LimitsConfig, RunningEmulator};
use reqwest::StatusCode;
use serde_json::Value;

const REPO: &str = "octo-org/octo-web";
/// `v2-index` of the demo's `octo-web` (tags `1.1.0`, `latest`), version 100714.
const V2_INDEX: &str = "sha256:5db45926658757bab0f0b662c47b1a03f4feab64ae2fe5a870a219beb747edfe";
const ACCEPT: &str =
    "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json";

async fn demo() -> RunningEmulator {
    Emulator::start(EmulatorConfig {
        fixture: Some(Fixture::demo()),
        limits: LimitsConfig::disabled(),
        ..EmulatorConfig::default()
    })
    .await
    .unwrap()
}

async fn registry_token(base: &str, user_token: &str, repository: &str) -> String {
    let http = reqwest::Client::new();
    let answer = http
        .get(format!("{base}/token"))
        .query(&[
            ("scope", format!("repository:{repository}:pull")),
            ("service", "emulator".into()),
        ])
        .basic_auth("anyone", Some(user_token))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::OK);
    let body: Value = answer.json().await.unwrap();
    body["token"].as_str().unwrap().to_owned()
}

async fn get(
    base: &str,
    token: Option<&str>,
    path: &str,
) -> (StatusCode, reqwest::header::HeaderMap, Value) {
    let mut request = reqwest::Client::new()
        .get(format!("{base}{path}"))
        .header("accept", ACCEPT);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let answer = request.send().await.unwrap();
    let status = answer.status();
    let headers = answer.headers().clone();
    (status, headers, answer.json().await.unwrap_or(Value::Null))
}

/// The download count of a version, read from the emulator's database file.
fn downloads(database: &std::path::Path, version: i64) -> i64 {
    let conn = rusqlite::Connection::open(database).unwrap();
    conn.query_row(
        "SELECT downloads FROM versions WHERE id = ?1",
        [version],
        |r| r.get(0),
    )
    .unwrap()
}

#[tokio::test]
async fn manifests_by_digest_and_tag_after_a_token_handshake() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("emulator.db");
    let emulator = Emulator::start(EmulatorConfig {
        fixture: Some(Fixture::demo()),
        limits: LimitsConfig::disabled(),
        database: Some(database.clone()),
        ..EmulatorConfig::default()
    })
    .await
    .unwrap();
    let before = downloads(&database, 100714);
    let base = emulator.base_url().to_owned();
    let token = registry_token(&base, "ghp_demo_octocat", REPO).await;
    let (status, headers, body) = get(
        &base,
        Some(&token),
        &format!("/v2/{REPO}/manifests/{V2_INDEX}"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(headers["docker-content-digest"], V2_INDEX);
    assert_eq!(
        headers["content-type"],
        "application/vnd.oci.image.index.v1+json"
    );
    assert_eq!(body["manifests"].as_array().unwrap().len(), 2);
    assert_eq!(body["manifests"][0]["platform"]["architecture"], "amd64");
    let (status, headers, _) =
        get(&base, Some(&token), &format!("/v2/{REPO}/manifests/latest")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["docker-content-digest"], V2_INDEX);
    // The handshake also takes the GitHub token as a bearer token.
    let answer = reqwest::Client::new()
        .get(format!("{base}/token?scope=repository:{REPO}:pull"))
        .bearer_auth("ghp_demo_octocat")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::OK);
    // Two GETs, two downloads; a HEAD is not one.
    let head = reqwest::Client::new()
        .head(format!("{base}/v2/{REPO}/manifests/latest"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(head.status(), StatusCode::OK);
    assert_eq!(head.headers()["docker-content-digest"], V2_INDEX);
    assert_eq!(downloads(&database, 100714), before + 2);
    emulator.shutdown().await;
}

#[tokio::test]
async fn registry_errors_are_oci_errors() {
    let emulator = demo().await;
    let base = emulator.base_url().to_owned();
    // No registry token: 401 with a challenge naming the token endpoint.
    let (status, headers, body) = get(&base, None, &format!("/v2/{REPO}/manifests/latest")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["errors"][0]["code"], "UNAUTHORIZED");
    let challenge = headers["www-authenticate"].to_str().unwrap();
    assert!(
        challenge.starts_with("Bearer realm=\"http://127.0.0.1:"),
        "{challenge}"
    );
    assert!(
        challenge.contains(&format!("scope=\"repository:{REPO}:pull\"")),
        "{challenge}"
    );
    // Bad GitHub token at the handshake.
    let answer = reqwest::Client::new()
        .get(format!("{base}/token?scope=repository:{REPO}:pull"))
        .basic_auth("x", Some("ghp_wrong"))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::UNAUTHORIZED);
    // A token without read:packages is denied.
    let answer = reqwest::Client::new()
        .get(format!("{base}/token?scope=repository:{REPO}:pull"))
        .basic_auth("x", Some("ghp_demo_noscopes"))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::FORBIDDEN);
    // A scope that is not a pull of one repository.
    let answer = reqwest::Client::new()
        .get(format!("{base}/token?scope=registry:catalog:*"))
        .basic_auth("x", Some("ghp_demo_octocat"))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::BAD_REQUEST);
    // Unknown digest and unknown tag: MANIFEST_UNKNOWN.
    let token = registry_token(&base, "ghp_demo_octocat", REPO).await;
    let missing = format!("sha256:{}", "0".repeat(64));
    for reference in [missing.as_str(), "no-such-tag"] {
        let (status, _, body) = get(
            &base,
            Some(&token),
            &format!("/v2/{REPO}/manifests/{reference}"),
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(body["errors"][0]["code"], "MANIFEST_UNKNOWN");
    }
    // A token for one repository does not open another.
    let (status, _, body) = get(
        &base,
        Some(&token),
        "/v2/octo-org/nightly-builds/manifests/latest",
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["errors"][0]["code"], "DENIED");
    // hubot is not a member of octo-org: the private package does not exist for it.
    let hubot = registry_token(&base, "ghp_demo_hubot", REPO).await;
    let (status, _, body) = get(&base, Some(&hubot), &format!("/v2/{REPO}/manifests/latest")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["errors"][0]["code"], "NAME_UNKNOWN");
    emulator.shutdown().await;
}

#[tokio::test]
async fn deleted_versions_are_unknown_and_unreadable_ones_denied() {
    let emulator = demo().await;
    let base = emulator.base_url().to_owned();
    let http = reqwest::Client::new();
    let deleted = http
        .delete(format!(
            "{base}/orgs/octo-org/packages/container/octo-web/versions/100700"
        ))
        .bearer_auth("ghp_demo_octocat")
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    let version: Value = http
        .get(format!(
            "{base}/orgs/octo-org/packages/container/octo-web/versions/100701"
        ))
        .bearer_auth("ghp_demo_octocat")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let orphan_1 = "sha256:4f47173a9b97";
    let token = registry_token(&base, "ghp_demo_octocat", REPO).await;
    let listed: Value = http
        .get(format!(
            "{base}/orgs/octo-org/packages/container/octo-web/versions?state=deleted"
        ))
        .bearer_auth("ghp_demo_octocat")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let name = listed[0]["name"].as_str().unwrap();
    assert!(name.starts_with(orphan_1), "{name}");
    let (status, _, body) = get(&base, Some(&token), &format!("/v2/{REPO}/manifests/{name}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["errors"][0]["code"], "MANIFEST_UNKNOWN");
    // A version still there is served.
    let live = version["name"].as_str().unwrap();
    let (status, _, _) = get(&base, Some(&token), &format!("/v2/{REPO}/manifests/{live}")).await;
    assert_eq!(status, StatusCode::OK);
    // A fixture manifest marked unreadable is denied.
    let fixture = serde_json::json!({"packages": [{
    "owner": "octo-org", "package_type": "container", "name": "broken",
    "versions": [
        {"name": format!("sha256:{}", "1".repeat(64)), "tags": ["latest"], "manifest": {"unreadable": true}},
        {"name": format!("sha256:{}", "2".repeat(64)), "manifest": {"children": ["sha256:x"], "media_type": "application/vnd.oci.image.manifest.v1+json"}}
    ]}]});
    let refused = http
        .post(format!("{base}/_emulator/fixture"))
        .bearer_auth("emulator-admin")
        .json(&fixture)
        .send()
        .await
        .unwrap();
    assert_eq!(
        refused.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "an image cannot list children"
    );
    let mut fixture = fixture;
    fixture["packages"][0]["versions"]
        .as_array_mut()
        .unwrap()
        .pop();
    let added = http
        .post(format!("{base}/_emulator/fixture"))
        .bearer_auth("emulator-admin")
        .json(&fixture)
        .send()
        .await
        .unwrap();
    assert_eq!(added.status(), StatusCode::CREATED);
    let token = registry_token(&base, "ghp_demo_octocat", "octo-org/broken").await;
    let (status, _, body) = get(&base, Some(&token), "/v2/octo-org/broken/manifests/latest").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["errors"][0]["code"], "DENIED");
    emulator.shutdown().await;
}

#[tokio::test]
async fn registry_tokens_expire_after_five_minutes_of_the_emulator_clock() {
    let emulator = demo().await;
    let base = emulator.base_url().to_owned();
    let token = registry_token(&base, "ghp_demo_octocat", REPO).await;
    let path = format!("/v2/{REPO}/manifests/latest");
    let (status, _, _) = get(&base, Some(&token), &path).await;
    assert_eq!(status, StatusCode::OK);
    emulator.clock().advance(299.0);
    let (status, _, _) = get(&base, Some(&token), &path).await;
    assert_eq!(status, StatusCode::OK);
    emulator.clock().advance(2.0);
    let (status, _, body) = get(&base, Some(&token), &path).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["errors"][0]["code"], "UNAUTHORIZED");
    emulator.shutdown().await;
}

#[tokio::test]
async fn anonymous_tokens_pull_public_packages_only() {
    let emulator = demo().await;
    let base = emulator.base_url().to_owned();
    let anonymous = |repository: &str| {
        let url = format!("{base}/token?scope=repository:{repository}:pull");
        async move {
            let answer = reqwest::get(url).await.unwrap();
            assert_eq!(answer.status(), StatusCode::OK);
            let body: Value = answer.json().await.unwrap();
            body["token"].as_str().unwrap().to_owned()
        }
    };
    // The public package `octo-org/base-image` of octo-org.
    let public = "octo-org/octo-org/base-image";
    let token = anonymous(public).await;
    let (status, headers, _) = get(
        &base,
        Some(&token),
        &format!("/v2/{public}/manifests/trixie"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        headers["docker-content-digest"],
        "sha256:1ac4b8f106727907443ce712070c9aa78bf9cd5b99a97af24efacc61a1276fb3"
    );
    let token = anonymous(REPO).await;
    let (status, _, body) = get(&base, Some(&token), &format!("/v2/{REPO}/manifests/latest")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["errors"][0]["code"], "NAME_UNKNOWN");
    emulator.shutdown().await;
}
