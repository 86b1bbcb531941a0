//! Per-package roles (`collaborators`): a package admin who is not an org
//! admin may delete and restore the package and its versions; `write` and
//! `read` collaborators may not; any role makes a private package visible to
//! a user who is not a member of its organization.

mod common;

use common::*;
use ghpackages_emulator::{EmulatorConfig, Fixture, LimitsConfig};
use reqwest::Method;
use serde_json::json;

/// Org `acme` (owner `olga`, member `mia`); `pat`, `walt`, `rita` and `otto`
/// are not members. `acme/granted` grants pat admin, walt write, rita read;
/// `acme/closed` grants nothing; `uma/tool` (a user package) grants pat admin.
const FIXTURE: &str = r#"{
  "users": [{"login": "olga"}, {"login": "mia"}, {"login": "pat"}, {"login": "walt"},
            {"login": "rita"}, {"login": "otto"}, {"login": "uma"}],
  "orgs": [{"login": "acme", "members": [{"login": "olga", "role": "admin"},
                                          {"login": "mia", "role": "member"}]}],
  "tokens": [
    {"token": "t-olga", "user": "olga", "scopes": ["read:packages", "write:packages", "delete:packages"]},
    {"token": "t-mia", "user": "mia", "scopes": ["read:packages", "write:packages", "delete:packages"]},
    {"token": "t-pat", "user": "pat", "scopes": ["read:packages", "write:packages", "delete:packages"]},
    {"token": "t-walt", "user": "walt", "scopes": ["read:packages", "write:packages", "delete:packages"]},
    {"token": "t-rita", "user": "rita", "scopes": ["read:packages", "write:packages", "delete:packages"]},
    {"token": "t-otto", "user": "otto", "scopes": ["read:packages", "write:packages", "delete:packages"]},
    {"token": "t-uma", "user": "uma", "scopes": ["read:packages", "write:packages", "delete:packages"]}
  ],
  "packages": [
    {"owner": "acme", "package_type": "npm", "name": "granted", "visibility": "private",
     "collaborators": [{"login": "pat", "role": "admin"}, {"login": "walt", "role": "write"},
                       {"login": "rita", "role": "read"}],
     "versions": [{"name": "1.0.0", "id": 11, "created_at": "2025-01-01T00:00:00Z"},
                  {"name": "1.0.1", "id": 12, "created_at": "2025-01-02T00:00:00Z"},
                  {"name": "1.0.2", "id": 13, "created_at": "2025-01-03T00:00:00Z"}]},
    {"owner": "acme", "package_type": "npm", "name": "closed", "visibility": "private",
     "versions": [{"name": "2.0.0", "id": 21}, {"name": "2.0.1", "id": 22}]},
    {"owner": "uma", "package_type": "npm", "name": "tool", "visibility": "private",
     "collaborators": [{"login": "pat", "role": "admin"}],
     "versions": [{"name": "0.1.0", "id": 31}, {"name": "0.2.0", "id": 32}]}
  ]
}"#;

const GRANTED: &str = "/orgs/acme/packages/npm/granted";
const CLOSED: &str = "/orgs/acme/packages/npm/closed";
const TOOL: &str = "/users/uma/packages/npm/tool";

async fn env() -> Env {
    Env::start(EmulatorConfig {
        fixture: Some(Fixture::from_json(FIXTURE).expect("test fixture parses")),
        limits: LimitsConfig::disabled(),
        ..EmulatorConfig::default()
    })
    .await
}

#[tokio::test]
async fn package_admin_deletes_and_restores_package_and_versions() {
    let env = env().await;
    let version = format!("{GRANTED}/versions/12");
    assert_eq!(env.delete(&version, Some("t-pat")).await.status, 204);
    assert_eq!(
        env.post(&format!("{version}/restore"), Some("t-pat"))
            .await
            .status,
        204
    );
    assert_eq!(env.delete(GRANTED, Some("t-pat")).await.status, 204);
    env.get(GRANTED, Some("t-olga"))
        .await
        .assert_error(404, "Package not found.");
    assert_eq!(
        env.post(&format!("{GRANTED}/restore"), Some("t-pat"))
            .await
            .status,
        204
    );
    let versions = env
        .get(&format!("{GRANTED}/versions"), Some("t-olga"))
        .await;
    assert_eq!(versions.names(), ["1.0.2", "1.0.1", "1.0.0"]);

    // The grant is on one package: pat is nobody for the other one.
    env.delete(CLOSED, Some("t-pat"))
        .await
        .assert_error(404, "Package not found.");

    // On a user's package, the owner stays admin and a package admin joins.
    assert_eq!(
        env.delete(&format!("{TOOL}/versions/31"), Some("t-pat"))
            .await
            .status,
        204
    );
    assert_eq!(
        env.post(&format!("{TOOL}/versions/31/restore"), Some("t-uma"))
            .await
            .status,
        204
    );
    assert_eq!(env.delete(TOOL, Some("t-uma")).await.status, 204);
    assert_eq!(
        env.post(&format!("{TOOL}/restore"), Some("t-pat"))
            .await
            .status,
        204
    );
    env.delete(TOOL, Some("t-walt"))
        .await
        .assert_error(404, "Package not found.");
}

#[tokio::test]
async fn write_and_read_collaborators_and_members_cannot_delete_or_restore() {
    let env = env().await;
    let version = format!("{GRANTED}/versions/12");
    for token in ["t-walt", "t-rita", "t-mia"] {
        env.delete(GRANTED, Some(token))
            .await
            .assert_error(403, "admin of the acme organization");
        env.delete(&version, Some(token))
            .await
            .assert_error(403, "admin of the acme organization");
    }
    assert_eq!(env.delete(&version, Some("t-olga")).await.status, 204);
    assert_eq!(env.delete(GRANTED, Some("t-olga")).await.status, 204);
    for token in ["t-walt", "t-rita", "t-mia"] {
        env.post(&format!("{GRANTED}/restore"), Some(token))
            .await
            .assert_error(403, "admin of the acme organization");
    }
    assert_eq!(
        env.post(&format!("{GRANTED}/restore"), Some("t-olga"))
            .await
            .status,
        204
    );
    for token in ["t-walt", "t-rita", "t-mia"] {
        env.post(&format!("{version}/restore"), Some(token))
            .await
            .assert_error(403, "admin of the acme organization");
    }
    let versions = env
        .get(&format!("{GRANTED}/versions"), Some("t-olga"))
        .await;
    assert_eq!(versions.names(), ["1.0.2", "1.0.0"]);
}

#[tokio::test]
async fn a_grant_reveals_a_private_package_to_a_non_member_and_nothing_else() {
    let env = env().await;
    for token in ["t-rita", "t-walt", "t-pat"] {
        let package = env.get(GRANTED, Some(token)).await;
        assert_eq!(package.status, 200, "{token}: {}", package.body);
        assert_eq!(package.body["visibility"], "private");
        let versions = env.get(&format!("{GRANTED}/versions"), Some(token)).await;
        assert_eq!(versions.names(), ["1.0.2", "1.0.1", "1.0.0"]);
        let version = env
            .get(&format!("{GRANTED}/versions/11"), Some(token))
            .await;
        assert_eq!(version.body["name"], "1.0.0");
        for query in ["", "&visibility=private"] {
            let list = env
                .get(
                    &format!("/orgs/acme/packages?package_type=npm{query}"),
                    Some(token),
                )
                .await;
            assert_eq!(list.names(), ["granted"], "{token} {query}");
        }
        env.get(CLOSED, Some(token))
            .await
            .assert_error(404, "Package not found.");
    }
    let public_only = env
        .get(
            "/orgs/acme/packages?package_type=npm&visibility=public",
            Some("t-rita"),
        )
        .await;
    assert!(public_only.items().is_empty(), "{}", public_only.body);

    // Without a grant, a non-member still sees nothing, exactly as before.
    let granted = env.get(GRANTED, Some("t-otto")).await;
    granted.assert_error(404, "Package not found.");
    assert_eq!(granted.body, env.get(CLOSED, Some("t-otto")).await.body);
    let versions = env
        .get(&format!("{GRANTED}/versions"), Some("t-otto"))
        .await;
    versions.assert_error(404, "Package not found.");
    let list = env
        .get("/orgs/acme/packages?package_type=npm", Some("t-otto"))
        .await;
    assert!(list.items().is_empty(), "{}", list.body);

    // Members see every package of the organization, as before.
    let list = env
        .get("/orgs/acme/packages?package_type=npm", Some("t-mia"))
        .await;
    assert_eq!(list.names(), ["granted", "closed"]);
}

#[tokio::test]
async fn the_admin_api_creates_packages_with_collaborators() {
    let env = env().await;
    let created = env
        .admin(
            Method::POST,
            "/packages",
            Some(json!({
                "owner": "acme", "package_type": "npm", "name": "later",
                "collaborators": [{"login": "otto", "role": "admin"}],
                "versions": [{"name": "1.0.0"}, {"name": "1.0.1"}]
            })),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let path = "/orgs/acme/packages/npm/later";
    assert_eq!(env.get(path, Some("t-otto")).await.status, 200);
    assert_eq!(env.delete(path, Some("t-otto")).await.status, 204);

    for (collaborator, reason) in [
        (json!({"login": "acme", "role": "read"}), "is not a user"),
        (json!({"login": "nobody", "role": "read"}), "is not a user"),
        (json!({"login": "otto", "role": "owner"}), "unknown variant"),
        (
            json!({"login": "otto", "role": "read", "extra": 1}),
            "unknown field",
        ),
    ] {
        let refused = env
            .admin(
                Method::POST,
                "/packages",
                Some(json!({
                    "owner": "acme", "package_type": "npm", "name": "refused",
                    "collaborators": [collaborator],
                    "versions": [{"name": "1.0.0"}]
                })),
            )
            .await;
        assert_eq!(refused.status, 422, "{}", refused.body);
        let message = refused.body["message"].as_str().unwrap_or_default();
        assert!(message.contains(reason), "{message:?} lacks {reason:?}");
    }
    env.get("/orgs/acme/packages/npm/refused", Some("t-olga"))
        .await
        .assert_error(404, "Package not found.");
}
