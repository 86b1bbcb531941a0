//! In-process control (`RunningEmulator::load`, `add_package`, `set_faults`,
//! `set_limits`, `versions`): each change is checked over real HTTP, as a
//! client sees it, and refused input leaves the data as it was.

use ghpackages_emulator::{
    ControlError, FaultsConfig, Fixture, LimitsConfig, PackageFixture, PackageType, VersionState,
};
use serde_json::{json, Value};

mod common;
use common::{Env, OCTOCAT};

fn package(value: Value) -> PackageFixture {
    serde_json::from_value(value).expect("valid package fixture")
}

fn names(json: &[u8]) -> Vec<String> {
    let items: Vec<Value> = serde_json::from_slice(json).expect("a JSON array");
    items
        .iter()
        .map(|v| v["name"].as_str().expect("name").to_owned())
        .collect()
}

#[tokio::test]
async fn add_package_is_served_and_listed_newest_first() {
    let env = Env::demo().await;
    let summary = env
        .emulator
        .add_package(package(json!({
            "owner": "octo-org", "package_type": "npm", "name": "added",
            "versions": [
                {"name": "1.0.0", "created_at": "2025-01-01T00:00:00Z"},
                {"name": "2.0.0", "created_at": "2025-02-01T00:00:00Z"}
            ]
        })))
        .expect("package added");
    assert_eq!((summary.packages, summary.versions), (1, 2));
    let listed = env
        .get("/orgs/octo-org/packages/npm/added/versions", Some(OCTOCAT))
        .await;
    assert_eq!(listed.status, 200);
    assert_eq!(listed.names(), ["2.0.0", "1.0.0"]);
    let active = env
        .emulator
        .versions("octo-org", PackageType::Npm, "added", VersionState::Active)
        .expect("versions");
    let active: Value = serde_json::from_slice(&active).unwrap();
    assert_eq!(active, listed.body, "the same objects as the API answers");
}

#[tokio::test]
async fn versions_in_the_deleted_state_are_the_restorable_ones() {
    let env = Env::demo().await;
    let gone = env
        .delete(
            "/orgs/octo-org/packages/container/octo-app/versions/100002",
            Some(OCTOCAT),
        )
        .await;
    assert_eq!(gone.status, 204);
    let deleted = |env: &Env| {
        env.emulator
            .versions(
                "octo-org",
                PackageType::Container,
                "octo-app",
                VersionState::Deleted,
            )
            .expect("versions")
    };
    assert_eq!(names(&deleted(&env)).len(), 1);
    let active = env
        .emulator
        .versions(
            "octo-org",
            PackageType::Container,
            "octo-app",
            VersionState::Active,
        )
        .unwrap();
    assert_eq!(names(&active).len(), 7);
    env.emulator.clock().advance(31.0 * 86_400.0);
    assert!(names(&deleted(&env)).is_empty(), "past the 30-day window");
}

#[tokio::test]
async fn versions_of_unknown_owner_or_package_are_not_found() {
    let env = Env::demo().await;
    for (owner, name) in [("nobody", "octo-app"), ("octo-org", "missing")] {
        let err = env
            .emulator
            .versions(owner, PackageType::Container, name, VersionState::Active)
            .unwrap_err();
        assert!(matches!(err, ControlError::NotFound(_)), "{err:?}");
    }
}

#[tokio::test]
async fn invalid_data_is_refused_and_nothing_is_created() {
    let env = Env::demo().await;
    let err = env
        .emulator
        .load(
            &Fixture::from_json(
                &json!({
                    "users": [{"login": "fresh"}],
                    "packages": [{"owner": "no-such-owner", "package_type": "npm", "name": "x"}]
                })
                .to_string(),
            )
            .unwrap(),
        )
        .unwrap_err();
    assert!(err.to_string().contains("no-such-owner"), "{err}");
    let fresh = "/users/fresh/packages?package_type=npm";
    assert_eq!(
        env.get(fresh, Some(OCTOCAT)).await.status,
        404,
        "the user was not created"
    );
    let again = env.emulator.add_package(package(json!({
        "owner": "octo-org", "package_type": "container", "name": "octo-app"
    })));
    assert!(matches!(again, Err(ControlError::Invalid(_))), "{again:?}");
}

#[tokio::test]
async fn faults_strike_until_cleared_and_bad_settings_are_refused() {
    let env = Env::demo().await;
    let path = "/orgs/octo-org/packages/container/octo-app";
    env.emulator
        .set_faults(FaultsConfig {
            error_rate: 1.0,
            error_statuses: vec![502],
            ..FaultsConfig::default()
        })
        .expect("valid faults");
    assert_eq!(env.emulator.faults().error_statuses, [502]);
    env.get(path, Some(OCTOCAT)).await.assert_error(502, "");
    let bad = env.emulator.set_faults(FaultsConfig {
        error_rate: 2.0,
        ..FaultsConfig::default()
    });
    assert!(matches!(bad, Err(ControlError::Invalid(_))), "{bad:?}");
    env.emulator.set_faults(FaultsConfig::default()).unwrap();
    assert_eq!(env.get(path, Some(OCTOCAT)).await.status, 200);
}

#[tokio::test]
async fn limits_set_in_process_apply_to_the_next_request() {
    let env = Env::demo().await;
    env.emulator.set_limits(LimitsConfig {
        authenticated_per_hour: 1,
        ..LimitsConfig::default()
    });
    let path = "/orgs/octo-org/packages/container/octo-app";
    assert_eq!(env.get(path, Some(OCTOCAT)).await.status, 200);
    env.get(path, Some(OCTOCAT))
        .await
        .assert_error(403, "API rate limit exceeded");
}
