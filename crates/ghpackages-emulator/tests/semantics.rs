//! GitHub's semantics: scopes and permissions, visibility, the delete and
//! restore rules, the 30-day window on the emulator clock, parameters.

mod common;

use common::*;
use reqwest::Method;
use serde_json::json;

const OCTO_APP: &str = "/orgs/octo-org/packages/container/octo-app";
const HELLO_NPM: &str = "/orgs/octo-org/packages/npm/hello-world-npm";
const SCRATCH: &str = "/user/packages/npm/octo-scratch";

#[tokio::test]
async fn both_authorization_schemes_and_bad_credentials() {
    let env = Env::demo().await;
    let url = env.url(OCTO_APP);
    for header in [
        format!("token {OCTOCAT}"),
        format!("Bearer {OCTOCAT}"),
        format!("bearer {OCTOCAT}"),
    ] {
        let resp = env
            .http
            .get(&url)
            .header("authorization", header)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
        assert_eq!(
            resp.headers()["x-oauth-scopes"],
            "read:packages, write:packages, delete:packages, repo"
        );
    }
    for header in ["token nope", "Bearer", "Basic b2N0b2NhdDp4"] {
        let resp = env
            .http
            .get(&url)
            .header("authorization", header)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 401, "{header}");
        let body: serde_json::Value = resp.json().await.unwrap();
        assert_eq!(body["message"], "Bad credentials");
        assert_eq!(body["status"], "401");
    }
    // Even anonymous-friendly routes refuse a bad token.
    env.get("/orgs/octo-org/docker/conflicts", Some("ghp_wrong"))
        .await
        .assert_error(401, "Bad credentials");
}

#[tokio::test]
async fn missing_scopes_are_reported_in_headers() {
    let env = Env::demo().await;
    let resp = env.delete(OCTO_APP, Some(HUBOT)).await;
    resp.assert_error(403, "delete:packages");
    assert_eq!(resp.header("x-oauth-scopes"), Some("read:packages"));
    assert_eq!(
        resp.header("x-accepted-oauth-scopes"),
        Some("read:packages, delete:packages")
    );
    let resp = env.get(OCTO_APP, Some(NOSCOPES)).await;
    assert_eq!(resp.header("x-oauth-scopes"), Some(""));
    assert_eq!(
        resp.header("x-accepted-oauth-scopes"),
        Some("read:packages")
    );
}

#[tokio::test]
async fn maven_and_docker_also_need_repo() {
    let env = Env::demo().await;
    for path in [
        "/orgs/octo-org/packages/maven/com.octo-org.octo-lib",
        "/orgs/octo-org/packages/docker/legacy-app",
        "/users/octocat/packages/maven/com.octocat.tools/versions",
    ] {
        let resp = env.get(path, Some(OCTOCAT_NOREPO)).await;
        resp.assert_error(403, "repo");
        assert_eq!(
            resp.header("x-accepted-oauth-scopes"),
            Some("read:packages, repo")
        );
        assert_eq!(env.get(path, Some(OCTOCAT)).await.status, 200, "{path}");
    }
    env.get(
        "/orgs/octo-org/packages?package_type=maven",
        Some(OCTOCAT_NOREPO),
    )
    .await
    .assert_error(403, "repo");
    // Other registries do not need it.
    assert_eq!(env.get(OCTO_APP, Some(OCTOCAT_NOREPO)).await.status, 200);
    let resp = env
        .delete(
            "/orgs/octo-org/packages/maven/com.octo-org.octo-lib",
            Some(OCTOCAT_NOREPO),
        )
        .await;
    resp.assert_error(403, "repo");
    assert_eq!(
        resp.header("x-accepted-oauth-scopes"),
        Some("read:packages, delete:packages, repo")
    );
}

#[tokio::test]
async fn private_packages_of_others_are_not_found() {
    let env = Env::demo().await;
    env.get(OCTO_APP, Some(HUBOT))
        .await
        .assert_error(404, "Package not found");
    env.get("/users/mona/packages/container/mona-app", Some(OCTOCAT))
        .await
        .assert_error(404, "Package not found");
    env.delete("/users/mona/packages/container/mona-app", Some(OCTOCAT))
        .await
        .assert_error(404, "Package not found");
    // Public ones are readable by anyone with a token.
    assert_eq!(
        env.get("/users/mona/packages/npm/mona-utils", Some(HUBOT))
            .await
            .status,
        200
    );
    // Members read private org packages.
    assert_eq!(env.get(OCTO_APP, Some(MONA)).await.status, 200);
    // Lists hide what the caller cannot see.
    let resp = env
        .get(
            "/orgs/octo-org/packages?package_type=container",
            Some(HUBOT),
        )
        .await;
    assert_eq!(resp.names(), ["octo-org/base-image"]);
    let resp = env
        .get("/users/mona/packages?package_type=container", Some(OCTOCAT))
        .await;
    assert!(resp.items().is_empty());
    let resp = env
        .get("/user/packages?package_type=container", Some(MONA))
        .await;
    assert_eq!(resp.names(), ["mona-app"]);
}

#[tokio::test]
async fn only_admins_delete_and_restore() {
    let env = Env::demo().await;
    // A member who is not an org admin.
    env.delete(OCTO_APP, Some(MONA))
        .await
        .assert_error(403, "admin");
    env.delete(&format!("{OCTO_APP}/versions/100002"), Some(MONA))
        .await
        .assert_error(403, "admin");
    // Someone else's public package.
    env.delete("/users/mona/packages/npm/mona-utils", Some(OCTOCAT))
        .await
        .assert_error(403, "mona");
    // The org admin may; a member may not restore either.
    assert_eq!(env.delete(OCTO_APP, Some(OCTOCAT)).await.status, 204);
    env.post(&format!("{OCTO_APP}/restore"), Some(MONA))
        .await
        .assert_error(403, "admin");
    assert_eq!(
        env.post(&format!("{OCTO_APP}/restore"), Some(OCTOCAT))
            .await
            .status,
        204
    );
}

#[tokio::test]
async fn public_packages_over_5000_downloads_stay() {
    let env = Env::demo().await;
    env.delete(HELLO_NPM, Some(OCTOCAT))
        .await
        .assert_error(403, "more than 5000 downloads");
    env.delete(&format!("{HELLO_NPM}/versions/100014"), Some(OCTOCAT))
        .await
        .assert_error(403, "more than 5000 downloads");
    assert_eq!(
        env.delete(&format!("{HELLO_NPM}/versions/100016"), Some(OCTOCAT))
            .await
            .status,
        204
    );
    env.delete("/user/packages/rubygems/octo-name", Some(OCTOCAT))
        .await
        .assert_error(403, "more than 5000 downloads");
    // Under 5,000 downloads a public package goes.
    let base = "/orgs/octo-org/packages/container/octo-org%2Fbase-image";
    assert_eq!(env.delete(base, Some(OCTOCAT)).await.status, 204);
}

#[tokio::test]
async fn the_last_version_cannot_be_deleted() {
    let env = Env::demo().await;
    let message = "You cannot delete the last tagged version of a package. You must delete the package instead.";
    let resp = env
        .delete(
            "/orgs/octo-org/packages/npm/octo-config/versions/100026",
            Some(OCTOCAT),
        )
        .await;
    resp.assert_error(400, message);
    // Containers keep their last tagged version even with untagged ones left.
    let hello = "/user/packages/container/hello_docker/versions";
    assert_eq!(
        env.delete(&format!("{hello}/100032"), Some(OCTOCAT))
            .await
            .status,
        204
    );
    env.delete(&format!("{hello}/100030"), Some(OCTOCAT))
        .await
        .assert_error(400, message);
    assert_eq!(
        env.delete(&format!("{hello}/100031"), Some(OCTOCAT))
            .await
            .status,
        204
    );
    let package = env
        .get("/user/packages/container/hello_docker", Some(OCTOCAT))
        .await;
    assert_eq!(package.body["version_count"], 1);
    // Deleting the package itself is the way out.
    assert_eq!(
        env.delete("/user/packages/container/hello_docker", Some(OCTOCAT))
            .await
            .status,
        204
    );
}

#[tokio::test]
async fn counts_and_update_times_follow_changes() {
    let env = Env::demo().await;
    let before = env.get(SCRATCH, Some(OCTOCAT)).await.body;
    env.advance_days(1.0).await;
    assert_eq!(
        env.delete(&format!("{SCRATCH}/versions/100034"), Some(OCTOCAT))
            .await
            .status,
        204
    );
    let after = env.get(SCRATCH, Some(OCTOCAT)).await.body;
    assert_eq!(after["version_count"], 2);
    assert!(after["updated_at"].as_str() > before["updated_at"].as_str());
    let listed = env
        .get("/user/packages?package_type=npm", Some(OCTOCAT))
        .await;
    let item = listed
        .items()
        .iter()
        .find(|p| p["name"] == "octo-scratch")
        .unwrap();
    assert_eq!(item["version_count"], 2);
}

#[tokio::test]
async fn deleted_packages_vanish_until_restored() {
    let env = Env::demo().await;
    assert_eq!(env.delete(SCRATCH, Some(OCTOCAT)).await.status, 204);
    env.delete(SCRATCH, Some(OCTOCAT))
        .await
        .assert_error(404, "Package not found");
    env.get(&format!("{SCRATCH}/versions"), Some(OCTOCAT))
        .await
        .assert_error(404, "Package not found");
    env.get(&format!("{SCRATCH}/versions/100034"), Some(OCTOCAT))
        .await
        .assert_error(404, "Package not found");
    let list = env
        .get("/user/packages?package_type=npm", Some(OCTOCAT))
        .await;
    assert!(!list.names().contains(&"octo-scratch".to_owned()));
    assert_eq!(
        env.post(&format!("{SCRATCH}/restore"), Some(OCTOCAT))
            .await
            .status,
        204
    );
    env.post(&format!("{SCRATCH}/restore"), Some(OCTOCAT))
        .await
        .assert_error(404, "Package not found");
    let list = env
        .get("/user/packages?package_type=npm", Some(OCTOCAT))
        .await;
    assert!(list.names().contains(&"octo-scratch".to_owned()));
}

#[tokio::test]
async fn restore_window_is_thirty_days_of_the_clock() {
    let env = Env::demo().await;
    let version = format!("{SCRATCH}/versions/100035");
    assert_eq!(env.delete(&version, Some(OCTOCAT)).await.status, 204);
    assert_eq!(env.delete(SCRATCH, Some(OCTOCAT)).await.status, 204);
    env.advance_days(29.0).await;
    assert_eq!(
        env.post(&format!("{SCRATCH}/restore"), Some(OCTOCAT))
            .await
            .status,
        204
    );
    let deleted = env
        .get(&format!("{SCRATCH}/versions?state=deleted"), Some(OCTOCAT))
        .await;
    assert_eq!(deleted.items().len(), 1);
    assert_eq!(env.delete(SCRATCH, Some(OCTOCAT)).await.status, 204);
    env.advance_days(2.0).await;
    // The version was deleted 31 days ago: gone for good.
    assert_eq!(
        env.post(&format!("{SCRATCH}/restore"), Some(OCTOCAT))
            .await
            .status,
        204
    );
    env.post(&format!("{version}/restore"), Some(OCTOCAT))
        .await
        .assert_error(404, "Package version not found");
    let deleted = env
        .get(&format!("{SCRATCH}/versions?state=deleted"), Some(OCTOCAT))
        .await;
    assert!(deleted.items().is_empty());
    // The package deleted 2 days ago came back; delete it and wait 31 days.
    assert_eq!(env.delete(SCRATCH, Some(OCTOCAT)).await.status, 204);
    env.advance_days(31.0).await;
    env.post(&format!("{SCRATCH}/restore"), Some(OCTOCAT))
        .await
        .assert_error(404, "Package not found");
}

#[tokio::test]
async fn restore_is_refused_when_the_namespace_was_reused() {
    let env = Env::demo().await;
    assert_eq!(env.delete(SCRATCH, Some(OCTOCAT)).await.status, 204);
    let created = env
        .admin(
            Method::POST,
            "/packages",
            Some(json!({
                "owner": "octocat", "package_type": "npm", "name": "octo-scratch",
                "versions": [{"name": "9.0.0"}]
            })),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    env.post(&format!("{SCRATCH}/restore"), Some(OCTOCAT))
        .await
        .assert_error(409, "namespace");
    let fresh = env.get(SCRATCH, Some(OCTOCAT)).await;
    assert_eq!(fresh.body["version_count"], 1);
    let new_version = env
        .get(&format!("{SCRATCH}/versions"), Some(OCTOCAT))
        .await
        .items()[0]["id"]
        .as_i64()
        .unwrap();
    env.delete(&format!("{SCRATCH}/versions/{new_version}"), Some(OCTOCAT))
        .await
        .assert_error(400, "last tagged version");
    assert_eq!(env.delete(SCRATCH, Some(OCTOCAT)).await.status, 204);
    // With two deleted packages of one name, the most recently deleted comes back.
    assert_eq!(
        env.post(&format!("{SCRATCH}/restore"), Some(OCTOCAT))
            .await
            .status,
        204
    );
    assert_eq!(
        env.get(SCRATCH, Some(OCTOCAT)).await.body["version_count"],
        1
    );

    // A version whose name was published again cannot come back either.
    let version = format!("{OCTO_APP}/versions/100002");
    let name = env.get(&version, Some(OCTOCAT)).await.body["name"].clone();
    assert_eq!(env.delete(&version, Some(OCTOCAT)).await.status, 204);
    let added = env
        .admin(
            Method::POST,
            "/packages/octo-org/container/octo-app/versions",
            Some(json!({ "name": name })),
        )
        .await;
    assert_eq!(added.status, 201, "{}", added.body);
    env.post(&format!("{version}/restore"), Some(OCTOCAT))
        .await
        .assert_error(409, "namespace");
}

#[tokio::test]
async fn names_with_slashes_work_percent_encoded() {
    let env = Env::demo().await;
    let path = "/orgs/octo-org/packages/container/octo-org%2Fbase-image";
    let resp = env.get(path, Some(HUBOT)).await;
    assert_eq!(resp.status, 200, "{}", resp.body);
    assert_eq!(resp.body["name"], "octo-org/base-image");
    assert_eq!(resp.body["url"], env.url(path));
    let versions = env.get(&format!("{path}/versions"), Some(HUBOT)).await;
    let first = &versions.items()[0];
    assert_eq!(first["url"], env.url(&format!("{path}/versions/100011")));
    assert_eq!(
        first["metadata"]["container"]["tags"],
        json!(["latest", "trixie"])
    );
    // An npm scope-style name.
    let created = env
        .admin(
            Method::POST,
            "/packages",
            Some(json!({
                "owner": "mona", "package_type": "npm", "name": "@mona/tools",
                "visibility": "public", "versions": [{"name": "1.0.0"}]
            })),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let resp = env
        .get("/users/mona/packages/npm/@mona%2Ftools", Some(HUBOT))
        .await;
    assert_eq!(resp.status, 200, "{}", resp.body);
    assert_eq!(resp.body["name"], "@mona/tools");
}

#[tokio::test]
async fn malformed_parameters_are_400_and_unknown_routes_404() {
    let env = Env::demo().await;
    for query in [
        "package_type=pip",
        "package_type=npm&visibility=secret",
        "package_type=npm&per_page=0",
        "package_type=npm&per_page=-3",
        "package_type=npm&page=abc",
        "package_type=npm&page=0",
    ] {
        let resp = env
            .get(&format!("/orgs/octo-org/packages?{query}"), Some(OCTOCAT))
            .await;
        assert_eq!(resp.status, 400, "{query}: {}", resp.body);
        resp.assert_error(400, "Invalid value");
    }
    env.get("/orgs/octo-org/packages/pip/requests", Some(OCTOCAT))
        .await
        .assert_error(400, "package_type");
    env.get(&format!("{OCTO_APP}/versions?state=gone"), Some(OCTOCAT))
        .await
        .assert_error(400, "state");
    env.delete(&format!("{OCTO_APP}/versions/-4"), Some(OCTOCAT))
        .await
        .assert_error(400, "package_version_id");
    env.get("/orgs/octo-org/repos", Some(OCTOCAT))
        .await
        .assert_error(404, "Not Found");
    env.get("/api/v3/nothing/here", None)
        .await
        .assert_error(404, "Not Found");
    env.send(Method::PUT, OCTO_APP, Some(OCTOCAT))
        .await
        .assert_error(404, "Not Found");
    env.get("/users/octo-org/packages?package_type=npm", Some(OCTOCAT))
        .await
        .assert_error(404, "Not Found");
    // Organization names are not case sensitive.
    let resp = env
        .get("/orgs/OCTO-ORG/packages?package_type=npm", Some(OCTOCAT))
        .await;
    assert_eq!(resp.status, 200);
}

#[tokio::test]
async fn visibility_filter() {
    let env = Env::demo().await;
    let list = |query: &'static str| {
        let env = &env;
        async move {
            env.get(&format!("/orgs/octo-org/packages?{query}"), Some(OCTOCAT))
                .await
                .names()
        }
    };
    assert_eq!(
        list("package_type=npm&visibility=public").await,
        ["hello-world-npm", "release-train"]
    );
    assert_eq!(
        list("package_type=npm&visibility=private").await,
        ["octo-config"]
    );
    assert!(list("package_type=npm&visibility=internal")
        .await
        .is_empty());
    assert_eq!(
        list("package_type=maven&visibility=internal").await,
        ["com.octo-org.octo-lib"]
    );
    let outsider = env
        .get(
            "/orgs/octo-org/packages?package_type=npm&visibility=private",
            Some(HUBOT),
        )
        .await;
    assert!(outsider.items().is_empty());
}

#[tokio::test]
async fn concurrent_deletes_of_one_version_succeed_once() {
    let env = Env::demo().await;
    let path = format!("{OCTO_APP}/versions/100004");
    let attempts = (0..16).map(|_| env.delete(&path, Some(OCTOCAT)));
    let statuses: Vec<u16> = futures::future::join_all(attempts)
        .await
        .into_iter()
        .map(|r| r.status)
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 204).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 204 || *s == 404),
        "{statuses:?}"
    );
    let package = env.get(OCTO_APP, Some(OCTOCAT)).await;
    assert_eq!(package.body["version_count"], 7);
}

#[tokio::test]
async fn api_versions_are_checked_and_reported() {
    let env = Env::demo().await;
    let plain = env.get(OCTO_APP, Some(OCTOCAT)).await;
    assert_eq!(
        plain.header("x-github-api-version-selected"),
        Some("2022-11-28")
    );
    for version in ["2022-11-28", "2026-03-10"] {
        let resp = env
            .http
            .get(env.url(OCTO_APP))
            .bearer_auth(OCTOCAT)
            .header("x-github-api-version", version)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
        assert_eq!(resp.headers()["x-github-api-version-selected"], version);
    }
    let resp = env
        .http
        .get(env.url(OCTO_APP))
        .bearer_auth(OCTOCAT)
        .header("x-github-api-version", "v3")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["status"], "400");
    let message = body["message"].as_str().unwrap();
    assert!(
        message.contains("\"v3\", is not a supported version"),
        "{message}"
    );
    assert!(
        message.contains("\"2026-03-10\" (most recent), \"2022-11-28\""),
        "{message}"
    );
}
