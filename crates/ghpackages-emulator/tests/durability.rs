//! The binary on a file database: changes survive a SIGTERM and a restart, and a
//! SIGTERM or SIGINT lets requests in flight finish before the process exits cleanly.

use std::path::Path;
use std::process::{Command, ExitStatus};
use std::time::{Duration, Instant};

use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

mod common;
use common::binary::Binary;

const TOKEN: &str = "ghp_durability_erin";
const PACKAGE: &str = "/user/packages/container/erin%2Fapp";

fn write_fixture(dir: &Path) -> String {
    let fixture = json!({
        "users": [{"login": "erin"}],
        "tokens": [{"token": TOKEN, "user": "erin",
                    "scopes": ["read:packages", "write:packages", "delete:packages"]}],
        "packages": [{
            "owner": "erin", "package_type": "container", "name": "erin/app",
            "versions": [
                {"name": "sha256:aaa", "tags": ["v1"], "created_at": "2025-03-01T00:00:00Z"},
                {"name": "sha256:bbb", "tags": ["v2"], "created_at": "2025-03-02T00:00:00Z"},
                {"name": "sha256:ccc", "created_at": "2025-03-03T00:00:00Z"}
            ]
        }]
    });
    let path = dir.join("fixture.json");
    std::fs::write(&path, fixture.to_string()).unwrap();
    path.to_str().unwrap().to_owned()
}

/// The running binary; killed if a test fails before stopping it.
struct Server(Binary);

impl Server {
    fn start(args: &[&str]) -> Server {
        let mut all = vec!["--no-rate-limits"];
        all.extend_from_slice(args);
        Server(Binary::start(&all))
    }

    fn signal(&self, name: &str) {
        let sent = Command::new("kill")
            .args([&format!("-{name}"), &self.0.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(sent.success());
    }

    /// Waits (at most 15 s) for the process to exit.
    fn wait(&mut self) -> ExitStatus {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            if let Some(status) = self.0.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "the emulator did not stop");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn stop(mut self, signal: &str) -> ExitStatus {
        self.signal(signal);
        self.wait()
    }

    async fn get(&self, path: &str) -> reqwest::Response {
        Client::new()
            .get(format!("{}{path}", self.0.base_url))
            .bearer_auth(TOKEN)
            .send()
            .await
            .expect("answered")
    }

    async fn json(&self, path: &str) -> Value {
        let response = self.get(path).await;
        assert_eq!(response.status(), StatusCode::OK, "GET {path}");
        response.json().await.unwrap()
    }

    async fn delete(&self, path: &str) -> StatusCode {
        Client::new()
            .delete(format!("{}{path}", self.0.base_url))
            .bearer_auth(TOKEN)
            .send()
            .await
            .expect("answered")
            .status()
    }
}

fn names(versions: &Value) -> Vec<&str> {
    versions
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["name"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn deletions_survive_sigterm_and_restart_on_the_same_file() {
    let dir = tempfile::tempdir().unwrap();
    let fixture = write_fixture(dir.path());
    let db = dir.path().join("packages.db");
    let db = db.to_str().unwrap();

    let first = Server::start(&["--db", db, "--fixture", &fixture]);
    let versions = first.json(&format!("{PACKAGE}/versions")).await;
    assert_eq!(names(&versions), ["sha256:ccc", "sha256:bbb", "sha256:aaa"]);
    let victim = versions[0]["id"].as_u64().unwrap();
    assert_eq!(
        first.delete(&format!("{PACKAGE}/versions/{victim}")).await,
        StatusCode::NO_CONTENT
    );
    let before = first.json(PACKAGE).await;
    assert_eq!(before["version_count"], 2);
    assert!(first.stop("TERM").success());

    // The fixture is only loaded into an empty database, so the deletion stays.
    let second = Server::start(&["--db", db, "--fixture", &fixture]);
    let after = second.json(PACKAGE).await;
    for field in [
        "id",
        "version_count",
        "created_at",
        "updated_at",
        "visibility",
    ] {
        assert_eq!(after[field], before[field], "{field}");
    }
    assert_eq!(
        second
            .get(&format!("{PACKAGE}/versions/{victim}"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let deleted = second
        .json(&format!("{PACKAGE}/versions?state=deleted"))
        .await;
    assert_eq!(names(&deleted), ["sha256:ccc"]);
    assert!(deleted[0]["deleted_at"].is_string());
    assert!(second.stop("TERM").success());

    // Without the fixture flag the data is all there too.
    let third = Server::start(&["--db", db]);
    let active = third.json(&format!("{PACKAGE}/versions")).await;
    assert_eq!(names(&active), ["sha256:bbb", "sha256:aaa"]);
    assert!(third.stop("INT").success());
}

#[tokio::test]
async fn sigterm_and_sigint_let_requests_in_flight_finish() {
    for signal in ["TERM", "INT"] {
        let server = Server::start(&["--demo", "--fault-latency-ms", "3000"]);
        let url = format!(
            "{}/orgs/octo-org/packages?package_type=container",
            server.0.base_url
        );
        let in_flight = tokio::spawn(async move {
            Client::new()
                .get(url)
                .bearer_auth("ghp_demo_octocat")
                .send()
                .await
        });
        // Let the request reach the server and start its injected wait.
        tokio::time::sleep(Duration::from_millis(1_000)).await;
        server.signal(signal);
        let response = in_flight
            .await
            .unwrap()
            .expect("answered despite the signal");
        assert_eq!(response.status(), StatusCode::OK, "SIG{signal}");
        let packages: Value = response.json().await.unwrap();
        assert!(!packages.as_array().unwrap().is_empty());

        let base_url = server.0.base_url.clone();
        let mut server = server;
        assert!(server.wait().success(), "SIG{signal} exit status");
        let refused = Client::new()
            .get(format!(
                "{base_url}/orgs/octo-org/packages?package_type=container"
            ))
            .send()
            .await;
        assert!(refused.is_err(), "still serving after SIG{signal}");
    }
}
