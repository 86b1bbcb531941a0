//! GitHub Actions' `GITHUB_TOKEN` over real HTTP: it reaches the packages
//! linked to the workflow's repository (private ones included, in the REST
//! API and the container registry) and public ones; it deletes only linked
//! packages' versions, and only with `packages: write`.

mod common;

use common::*;

const WRITE: &str = "ghs_DemoActionsOctoAppWrite0000000000000";
const READ: &str = "ghs_DemoActionsOctoAppRead00000000000000";

async fn first_version(env: &Env, package_type: &str, name: &str) -> (u64, String) {
    let list = env
        .get(
            &format!("/orgs/octo-org/packages/{package_type}/{name}/versions"),
            Some(OCTOCAT),
        )
        .await;
    assert_eq!(list.status, 200, "{}", list.body);
    let v = &list.items()[0];
    (
        v["id"].as_u64().unwrap(),
        v["name"].as_str().unwrap().to_owned(),
    )
}

#[tokio::test]
async fn lists_the_repositorys_packages_and_public_ones() {
    let env = Env::demo().await;
    let containers = env
        .get(
            "/orgs/octo-org/packages?package_type=container",
            Some(WRITE),
        )
        .await;
    assert_eq!(containers.status, 200, "{}", containers.body);
    let mut names = containers.names();
    names.sort();
    assert_eq!(
        names,
        [
            "nightly-builds",
            "octo-app",
            "octo-org/base-image",
            "octo-web"
        ]
    );
    assert!(containers.header("x-oauth-scopes").is_none());
    // octo-config is private and linked to another repository: invisible.
    let npm = env
        .get("/orgs/octo-org/packages?package_type=npm", Some(READ))
        .await;
    assert!(
        !npm.names().contains(&"octo-config".to_owned()),
        "{:?}",
        npm.names()
    );
    assert!(npm.names().contains(&"hello-world-npm".to_owned()));
    env.get("/orgs/octo-org/packages/npm/octo-config", Some(WRITE))
        .await
        .assert_error(404, "Package not found.");
    let linked = env
        .get("/orgs/octo-org/packages/container/octo-app", Some(READ))
        .await;
    assert_eq!(linked.status, 200, "{}", linked.body);
}

#[tokio::test]
async fn deletes_and_restores_linked_packages_with_packages_write_only() {
    let env = Env::demo().await;
    let (id, _) = first_version(&env, "container", "octo-app").await;
    let path = format!("/orgs/octo-org/packages/container/octo-app/versions/{id}");
    env.delete(&path, Some(READ))
        .await
        .assert_error(403, "Resource not accessible by integration");
    let deleted = env.delete(&path, Some(WRITE)).await;
    assert_eq!(deleted.status, 204, "{}", deleted.body);
    env.post(&format!("{path}/restore"), Some(READ))
        .await
        .assert_error(403, "Resource not accessible by integration");
    let restored = env.post(&format!("{path}/restore"), Some(WRITE)).await;
    assert_eq!(restored.status, 204, "{}", restored.body);

    // A public package not linked to the repository: visible, not deletable.
    let (public_id, _) = first_version(&env, "container", "octo-org%2Fbase-image").await;
    env.delete(
        &format!("/orgs/octo-org/packages/container/octo-org%2Fbase-image/versions/{public_id}"),
        Some(WRITE),
    )
    .await
    .assert_error(403, "admin");
    // A private package of another repository: not found.
    let (private_id, _) = first_version(&env, "npm", "octo-config").await;
    env.delete(
        &format!("/orgs/octo-org/packages/npm/octo-config/versions/{private_id}"),
        Some(WRITE),
    )
    .await
    .assert_error(404, "Package not found.");
    // The user endpoints have no user for it.
    env.get("/user/packages?package_type=container", Some(WRITE))
        .await
        .assert_error(403, "Resource not accessible by integration");
}

#[tokio::test]
async fn the_registry_serves_the_repositorys_private_manifests() {
    let env = Env::demo().await;
    let (_, digest) = first_version(&env, "container", "octo-app").await;
    for (repository, status) in [("octo-org/octo-app", 200), ("mona/mona-app", 404)] {
        let token = env
            .get(
                &format!("/token?scope=repository:{repository}:pull&service=emulator"),
                Some(READ),
            )
            .await;
        assert_eq!(token.status, 200, "{}", token.body);
        let registry = token.body["token"].as_str().unwrap().to_owned();
        let manifest = env
            .get(
                &format!("/v2/{repository}/manifests/{digest}"),
                Some(&registry),
            )
            .await;
        assert_eq!(manifest.status, status, "{repository}: {}", manifest.body);
    }
    // A token the emulator never issued is refused.
    let unknown = env
        .get(
            "/token?scope=repository:octo-org/octo-app:pull",
            Some("ghs_not_issued"),
        )
        .await;
    assert_eq!(unknown.status, 401);
}

#[tokio::test]
async fn a_fixture_token_must_name_a_known_repository() {
    let env = Env::demo().await;
    for (repository, reason) in [
        ("octo-org/nope", "unknown repository"),
        ("octo-app", "OWNER/REPO"),
    ] {
        let refused = env
            .admin(
                reqwest::Method::POST,
                "/fixture",
                Some(serde_json::json!({"actions_tokens": [
                    {"token": "ghs_x", "repository": repository, "permissions": {"packages": "write"}}
                ]})),
            )
            .await;
        assert_eq!(refused.status, 422, "{}", refused.body);
        assert!(
            refused.body.to_string().contains(reason),
            "{}",
            refused.body
        );
    }
    // Nothing was half-created.
    env.get("/orgs/octo-org/packages/container/octo-app", Some("ghs_x"))
        .await
        .assert_error(401, "Bad credentials");
}

#[tokio::test]
async fn manage_actions_access_roles_decide_for_other_repositories() {
    let env = Env::demo().await;
    let digest = |n: u32| format!("sha256:{n:064}");
    // A private image linked to hello-world, giving octo-app read; another
    // giving it admin; octo-app's own package downgraded to write.
    for (name, role, repository) in [
        ("shared-read", "read", "hello-world"),
        ("shared-admin", "admin", "hello-world"),
    ] {
        let created = env
            .admin(
                reqwest::Method::POST,
                "/packages",
                Some(serde_json::json!({
                    "owner": "octo-org", "package_type": "container", "name": name,
                    "repository": repository,
                    "actions_access": [{"repository": "octo-org/octo-app", "role": role}],
                    "versions": [{"name": digest(1), "tags": ["a"]}, {"name": digest(2), "tags": ["b"]}],
                })),
            )
            .await;
        assert_eq!(created.status, 201, "{}", created.body);
    }
    let mut names = env
        .get("/orgs/octo-org/packages?package_type=container", Some(READ))
        .await
        .names();
    names.sort();
    assert!(
        names.contains(&"shared-read".to_owned()) && names.contains(&"shared-admin".to_owned())
    );
    for (name, status) in [("shared-read", 403), ("shared-admin", 204)] {
        let (id, _) = first_version(&env, "container", name).await;
        let answer = env
            .delete(
                &format!("/orgs/octo-org/packages/container/{name}/versions/{id}"),
                Some(WRITE),
            )
            .await;
        assert_eq!(answer.status, status, "{name}: {}", answer.body);
    }
    // The registry lets it read the manifests of a package granted to it.
    let token = env
        .get(
            "/token?scope=repository:octo-org/shared-read:pull",
            Some(READ),
        )
        .await;
    let registry = token.body["token"].as_str().unwrap().to_owned();
    let manifest = env
        .get(
            &format!("/v2/octo-org/shared-read/manifests/{}", digest(1)),
            Some(&registry),
        )
        .await;
    assert_eq!(manifest.status, 200, "{}", manifest.body);
    // An unknown repository is refused.
    let refused = env
        .admin(
            reqwest::Method::POST,
            "/packages",
            Some(serde_json::json!({
                "owner": "octo-org", "package_type": "container", "name": "x",
                "actions_access": [{"repository": "octo-org/nope", "role": "read"}],
            })),
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
}
