//! Crash safety: the binary on a file database is killed with SIGKILL in the
//! middle of a burst of concurrent deletes and restores, then restarted on
//! the same file. It must start, every write it acknowledged (204) must be
//! there, and every package's `version_count` must equal its active versions.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;
use reqwest::Client;
use serde_json::{json, Value};

mod common;
use common::binary::Binary;

const TOKEN: &str = "ghp_crash_grace";
const PACKAGES: [&str; 3] = ["alpha", "beta", "gamma"];
const VERSIONS: i64 = 200;

/// Packages of 200 versions each; odd versions are active, even ones were
/// deleted yesterday (restorable).
fn write_fixture(dir: &Path) -> String {
    let yesterday = (Utc::now() - chrono::Duration::days(1)).to_rfc3339();
    let packages: Vec<Value> = PACKAGES
        .iter()
        .enumerate()
        .map(|(p, name)| {
            let base = (p as i64 + 1) * 10_000;
            let versions: Vec<Value> = (1..=VERSIONS)
                .map(|n| {
                    json!({"id": base + n, "name": format!("1.0.{n}"),
                           "created_at": "2025-01-01T00:00:00Z",
                           "deleted_at": if n % 2 == 0 { Value::String(yesterday.clone()) } else { Value::Null }})
                })
                .collect();
            json!({"owner": "grace", "package_type": "npm", "name": name,
                   "id": p + 1, "versions": versions})
        })
        .collect();
    let fixture = json!({
        "users": [{"login": "grace"}],
        "tokens": [{"token": TOKEN, "user": "grace",
                    "scopes": ["read:packages", "write:packages", "delete:packages"]}],
        "packages": packages,
    });
    let path = dir.join("fixture.json");
    std::fs::write(&path, fixture.to_string()).unwrap();
    path.to_str().unwrap().to_owned()
}

/// `--db DB --fixture FIXTURE`, without rate limits, quiet on stderr.
fn start(db: &str, fixture: &str) -> Binary {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ghpackages-emulator"));
    command
        .args([
            "--port",
            "0",
            "--no-rate-limits",
            "--db",
            db,
            "--fixture",
            fixture,
        ])
        .stderr(Stdio::null());
    Binary::spawn(command)
}

#[derive(Clone, Copy, Debug)]
enum Write {
    Delete(usize, i64),
    Restore(usize, i64),
}

impl Write {
    fn request(self, http: &Client, base: &str) -> reqwest::RequestBuilder {
        let (method, package, id, suffix) = match self {
            Write::Delete(p, id) => (reqwest::Method::DELETE, p, id, ""),
            Write::Restore(p, id) => (reqwest::Method::POST, p, id, "/restore"),
        };
        http.request(
            method,
            format!(
                "{base}/user/packages/npm/{}/versions/{id}{suffix}",
                PACKAGES[package]
            ),
        )
        .bearer_auth(TOKEN)
    }
}

async fn get(http: &Client, url: String) -> (u16, Value) {
    let response = http
        .get(url)
        .bearer_auth(TOKEN)
        .send()
        .await
        .expect("request");
    let status = response.status().as_u16();
    let body = response.json().await.unwrap_or(Value::Null);
    (status, body)
}

async fn version_ids(http: &Client, base: &str, package: &str, state: &str) -> BTreeSet<i64> {
    let mut ids = BTreeSet::new();
    for page in 1.. {
        let (status, body) = get(
            http,
            format!("{base}/user/packages/npm/{package}/versions?state={state}&per_page=100&page={page}"),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        let items = body.as_array().expect("a list");
        if items.is_empty() {
            break;
        }
        ids.extend(items.iter().map(|v| v["id"].as_i64().unwrap()));
    }
    ids
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_during_a_burst_of_writes_loses_no_acknowledged_write() {
    let dir = tempfile::tempdir().unwrap();
    let fixture = write_fixture(dir.path());
    let db = dir.path().join("emulator.db");
    let db = db.to_str().unwrap().to_owned();
    let mut server = start(&db, &fixture);
    let http = Client::builder().pool_max_idle_per_host(0).build().unwrap();

    // Every active version but the newest of each package gets deleted, and
    // every deleted one restored, in an interleaved order.
    let mut writes = Vec::new();
    for n in 1..VERSIONS {
        for p in 0..PACKAGES.len() {
            let id = (p as i64 + 1) * 10_000 + n;
            writes.push(if n % 2 == 1 {
                Write::Delete(p, id)
            } else {
                Write::Restore(p, id)
            });
        }
    }
    let writes = Arc::new(writes);
    let next = Arc::new(AtomicUsize::new(0));
    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    let mut workers = Vec::new();
    for _ in 0..16 {
        let (writes, next, acknowledged) = (writes.clone(), next.clone(), acknowledged.clone());
        let (http, base) = (http.clone(), server.base_url.clone());
        workers.push(tokio::spawn(async move {
            loop {
                let index = next.fetch_add(1, Ordering::SeqCst);
                let Some(write) = writes.get(index).copied() else {
                    return;
                };
                match write.request(&http, &base).send().await {
                    Ok(response) if response.status().as_u16() == 204 => {
                        acknowledged.lock().unwrap().push(write);
                    }
                    Ok(response) => panic!("{write:?}: {}", response.status()),
                    // The server was killed.
                    Err(_) => return,
                }
            }
        }));
    }
    // Kill once a good part of the burst is acknowledged, while writes are
    // still in flight.
    while acknowledged.lock().unwrap().len() < writes.len() / 3 {
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    server.child.kill().expect("SIGKILL sent");
    server.child.wait().expect("the process ended");
    for worker in workers {
        worker.await.expect("no worker panicked");
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(
        acknowledged.len() < writes.len(),
        "the burst ended before the kill; nothing was in flight"
    );

    let server = start(&db, &fixture);
    let base = &server.base_url;
    for (p, package) in PACKAGES.iter().enumerate() {
        let active = version_ids(&http, base, package, "active").await;
        let deleted = version_ids(&http, base, package, "deleted").await;
        assert!(active.is_disjoint(&deleted));
        assert_eq!(
            active.len() + deleted.len(),
            VERSIONS as usize,
            "{package}: versions lost"
        );
        for write in &acknowledged {
            match *write {
                Write::Delete(q, id) if q == p => {
                    assert!(
                        deleted.contains(&id),
                        "{package}: acknowledged delete of {id} lost"
                    )
                }
                Write::Restore(q, id) if q == p => {
                    assert!(
                        active.contains(&id),
                        "{package}: acknowledged restore of {id} lost"
                    )
                }
                _ => {}
            }
        }
        let (status, body) = get(&http, format!("{base}/user/packages/npm/{package}")).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(
            body["version_count"].as_u64(),
            Some(active.len() as u64),
            "{package}: version_count disagrees with the active versions"
        );
    }
    println!(
        "killed after {} of {} writes acknowledged; all present after restart",
        acknowledged.len(),
        writes.len()
    );
}
