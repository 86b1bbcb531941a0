//! Concurrent deletes and restores of the same object, over real HTTP on a file
//! database: exactly one succeeds, the others get 404 (or 409, or 400 for the last
//! version), and `version_count` stays true.

use std::sync::Arc;

use ghpackages_emulator::{Emulator, EmulatorConfig, Fixture, LimitsConfig, RunningEmulator};
use reqwest::{Client, Method, StatusCode};
use serde_json::{json, Value};
use tokio::sync::Barrier;

const TOKEN: &str = "ghp_concurrency_dave";
const RACERS: usize = 48;

fn fixture() -> Fixture {
    let versions = |count: usize| -> Vec<Value> {
        (1..=count)
            .map(|n| {
                json!({"name": format!("1.0.{n}"),
                       "created_at": format!("2025-01-01T00:00:{n:02}Z")})
            })
            .collect()
    };
    Fixture::from_json(
        &json!({
            "users": [{"login": "dave"}],
            "orgs": [{"login": "dave-org", "members": [{"login": "dave", "role": "admin"}]}],
            "tokens": [{"token": TOKEN, "user": "dave",
                        "scopes": ["read:packages", "write:packages", "delete:packages"]}],
            "packages": [
                {"owner": "dave", "package_type": "npm", "name": "racer", "versions": versions(3)},
                {"owner": "dave", "package_type": "npm", "name": "shuffle", "versions": versions(3)},
                {"owner": "dave", "package_type": "npm", "name": "five", "versions": versions(5)},
                {"owner": "dave-org", "package_type": "npm", "name": "org-racer",
                 "versions": versions(2)}
            ]
        })
        .to_string(),
    )
    .expect("valid fixture")
}

struct Setup {
    emulator: RunningEmulator,
    client: Client,
    _dir: tempfile::TempDir,
}

async fn start() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let emulator = Emulator::start(EmulatorConfig {
        database: Some(dir.path().join("emulator.db")),
        fixture: Some(fixture()),
        limits: LimitsConfig::disabled(),
        ..EmulatorConfig::default()
    })
    .await
    .expect("emulator starts");
    Setup {
        emulator,
        client: Client::new(),
        _dir: dir,
    }
}

impl Setup {
    async fn send(&self, method: Method, path: &str) -> StatusCode {
        self.client
            .request(method, format!("{}{path}", self.emulator.base_url()))
            .bearer_auth(TOKEN)
            .send()
            .await
            .expect("answered")
            .status()
    }

    async fn json(&self, path: &str) -> Value {
        let response = self
            .client
            .get(format!("{}{path}", self.emulator.base_url()))
            .bearer_auth(TOKEN)
            .send()
            .await
            .expect("answered");
        assert_eq!(response.status(), StatusCode::OK, "GET {path}");
        response.json().await.expect("JSON")
    }

    async fn version_ids(&self, package: &str, state: &str) -> Vec<u64> {
        let versions = self
            .json(&format!("{package}/versions?per_page=100&state={state}"))
            .await;
        versions
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["id"].as_u64().unwrap())
            .collect()
    }

    /// `version_count` of the package equals the number of active versions listed.
    async fn assert_counts(&self, package: &str, expected: usize) {
        let active = self.version_ids(package, "active").await.len();
        let count = self.json(package).await["version_count"].as_u64().unwrap();
        assert_eq!(active, expected, "{package}: active versions");
        assert_eq!(count as usize, expected, "{package}: version_count");
    }

    /// Sends all `requests` at once and returns their statuses, in order.
    async fn race(&self, requests: Vec<(Method, String)>) -> Vec<StatusCode> {
        let barrier = Arc::new(Barrier::new(requests.len()));
        let tasks = requests.into_iter().map(|(method, path)| {
            let barrier = Arc::clone(&barrier);
            let client = self.client.clone();
            let url = format!("{}{path}", self.emulator.base_url());
            tokio::spawn(async move {
                let request = client.request(method, url).bearer_auth(TOKEN);
                barrier.wait().await;
                request.send().await.expect("answered").status()
            })
        });
        futures::future::join_all(tasks)
            .await
            .into_iter()
            .map(|status| status.expect("task completes"))
            .collect()
    }
}

fn count(statuses: &[StatusCode], status: StatusCode) -> usize {
    statuses.iter().filter(|s| **s == status).count()
}

fn assert_only(statuses: &[StatusCode], allowed: &[StatusCode]) {
    for status in statuses {
        assert!(
            allowed.contains(status),
            "unexpected {status} in {statuses:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_deletes_then_restores_of_one_version_let_exactly_one_through() {
    let setup = start().await;
    let package = "/user/packages/npm/racer";
    let victim = setup.version_ids(package, "active").await[0];
    let version = format!("{package}/versions/{victim}");

    let deletes = setup
        .race(vec![(Method::DELETE, version.clone()); RACERS])
        .await;
    assert_eq!(count(&deletes, StatusCode::NO_CONTENT), 1, "{deletes:?}");
    assert_only(&deletes, &[StatusCode::NO_CONTENT, StatusCode::NOT_FOUND]);
    setup.assert_counts(package, 2).await;
    assert_eq!(setup.version_ids(package, "deleted").await, vec![victim]);

    let restores = setup
        .race(vec![(Method::POST, format!("{version}/restore")); RACERS])
        .await;
    assert_eq!(count(&restores, StatusCode::NO_CONTENT), 1, "{restores:?}");
    assert_only(
        &restores,
        &[
            StatusCode::NO_CONTENT,
            StatusCode::NOT_FOUND,
            StatusCode::CONFLICT,
        ],
    );
    setup.assert_counts(package, 3).await;
    assert!(setup.version_ids(package, "deleted").await.is_empty());
    setup.emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn interleaved_deletes_and_restores_keep_version_count_true() {
    let setup = start().await;
    let package = "/user/packages/npm/shuffle";
    let victim = setup.version_ids(package, "active").await[1];
    let version = format!("{package}/versions/{victim}");
    let requests: Vec<(Method, String)> = (0..RACERS)
        .map(|i| {
            if i % 2 == 0 {
                (Method::DELETE, version.clone())
            } else {
                (Method::POST, format!("{version}/restore"))
            }
        })
        .collect();
    let statuses = setup.race(requests).await;
    assert_only(
        &statuses,
        &[
            StatusCode::NO_CONTENT,
            StatusCode::NOT_FOUND,
            StatusCode::CONFLICT,
        ],
    );
    let deletes: Vec<StatusCode> = statuses.iter().step_by(2).copied().collect();
    let restores: Vec<StatusCode> = statuses.iter().skip(1).step_by(2).copied().collect();
    let (deleted, restored) = (
        count(&deletes, StatusCode::NO_CONTENT),
        count(&restores, StatusCode::NO_CONTENT),
    );
    assert!(deleted >= 1, "{statuses:?}");
    // Each success flips the state, so deletes and restores alternate.
    assert!(
        deleted == restored || deleted == restored + 1,
        "{deleted} deletes, {restored} restores"
    );
    let active = 3 - (deleted - restored);
    setup.assert_counts(package, active).await;
    setup.emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn deleting_every_version_at_once_keeps_exactly_the_last_one() {
    let setup = start().await;
    let package = "/user/packages/npm/five";
    let ids = setup.version_ids(package, "active").await;
    assert_eq!(ids.len(), 5);
    let requests: Vec<(Method, String)> = ids
        .iter()
        .flat_map(|id| vec![(Method::DELETE, format!("{package}/versions/{id}")); 8])
        .collect();
    let statuses = setup.race(requests).await;
    assert_eq!(count(&statuses, StatusCode::NO_CONTENT), 4, "{statuses:?}");
    assert_only(
        &statuses,
        &[
            StatusCode::NO_CONTENT,
            StatusCode::NOT_FOUND,
            StatusCode::BAD_REQUEST,
        ],
    );
    assert!(
        count(&statuses, StatusCode::BAD_REQUEST) >= 1,
        "the last version is refused"
    );
    setup.assert_counts(package, 1).await;
    assert_eq!(setup.version_ids(package, "deleted").await.len(), 4);
    setup.emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_deletes_then_restores_of_one_package_let_exactly_one_through() {
    let setup = start().await;
    let package = "/orgs/dave-org/packages/npm/org-racer";

    let deletes = setup
        .race(vec![(Method::DELETE, package.to_owned()); RACERS])
        .await;
    assert_eq!(count(&deletes, StatusCode::NO_CONTENT), 1, "{deletes:?}");
    assert_only(&deletes, &[StatusCode::NO_CONTENT, StatusCode::NOT_FOUND]);
    assert_eq!(
        setup.send(Method::GET, package).await,
        StatusCode::NOT_FOUND
    );

    let restores = setup
        .race(vec![(Method::POST, format!("{package}/restore")); RACERS])
        .await;
    assert_eq!(count(&restores, StatusCode::NO_CONTENT), 1, "{restores:?}");
    assert_only(
        &restores,
        &[
            StatusCode::NO_CONTENT,
            StatusCode::NOT_FOUND,
            StatusCode::CONFLICT,
        ],
    );
    setup.assert_counts(package, 2).await;
    let listed = setup.json("/orgs/dave-org/packages?package_type=npm").await;
    let names: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["org-racer"], "listed once");
    setup.emulator.shutdown().await;
}
