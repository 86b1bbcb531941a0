//! Tokens never leak from the emulator binary: run with `RUST_LOG=trace`, it
//! serves successes, unknown and malformed tokens, restore tokens in query
//! strings, admin calls that create tokens and the container registry's
//! token handshake; everything it writes on stdout and stderr, until it
//! stops, must be free of every token (issued registry tokens included).

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::json;

const USER_TOKEN: &str = "ghp_u53rt0k3n8d1e2f3";
const UNKNOWN_TOKEN: &str = "ghp_unkn0wn4a5b6c7d8";
const RESTORE_TOKEN: &str = "r35t0r3t0k3n9e0f1a";
const ADMIN_TOKEN: &str = "adm1nt0k3n2b3c4d5e";
const CREATED_TOKEN: &str = "ghp_cr34t3d6f7a8b9c";
const SECRETS: [&str; 5] = [
    USER_TOKEN,
    UNKNOWN_TOKEN,
    RESTORE_TOKEN,
    ADMIN_TOKEN,
    CREATED_TOKEN,
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trace_logs_of_the_binary_hold_no_token() {
    let dir = tempfile::tempdir().unwrap();
    let fixture = dir.path().join("fixture.json");
    std::fs::write(
        &fixture,
        json!({
            "users": [{"login": "ivan"}],
            "tokens": [{"token": USER_TOKEN, "user": "ivan",
                        "scopes": ["read:packages", "write:packages", "delete:packages"]}],
            "packages": [{"owner": "ivan", "package_type": "npm", "name": "tool",
                          "versions": [{"name": "1.0.0", "id": 11}, {"name": "1.0.1", "id": 12}]}]
        })
        .to_string(),
    )
    .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_ghpackages-emulator"))
        .args(["--port", "0", "--admin-token", ADMIN_TOKEN, "--fixture"])
        .arg(&fixture)
        .env("RUST_LOG", "trace")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    let base = first.trim().to_owned();
    let mut stderr = child.stderr.take().unwrap();
    let stderr_reader = std::thread::spawn(move || {
        let mut text = Vec::new();
        stderr.read_to_end(&mut text).unwrap();
        text
    });

    let http = reqwest::Client::new();
    let package = format!("{base}/user/packages/npm/tool");
    let calls = [
        http.get(format!("{base}/user/packages?package_type=npm"))
            .bearer_auth(USER_TOKEN),
        http.delete(format!("{package}/versions/11"))
            .bearer_auth(USER_TOKEN),
        http.post(format!("{package}/versions/11/restore"))
            .bearer_auth(USER_TOKEN),
        http.delete(package.clone()).bearer_auth(USER_TOKEN),
        http.post(format!("{package}/restore?token={RESTORE_TOKEN}"))
            .bearer_auth(USER_TOKEN),
        http.post(format!("{package}/restore?token={RESTORE_TOKEN}"))
            .bearer_auth(USER_TOKEN),
        http.get(package.clone()).bearer_auth(UNKNOWN_TOKEN),
        http.get(package.clone())
            .header("authorization", format!("token {UNKNOWN_TOKEN}")),
        http.get(package.clone())
            .header("authorization", format!("Basic {UNKNOWN_TOKEN}")),
        http.get(format!("{package}/nope?token={RESTORE_TOKEN}"))
            .bearer_auth(USER_TOKEN),
        http.get(format!("{base}/_emulator/clock"))
            .bearer_auth(ADMIN_TOKEN),
        http.get(format!("{base}/_emulator/clock"))
            .bearer_auth(UNKNOWN_TOKEN),
        http.post(format!("{base}/_emulator/tokens"))
            .bearer_auth(ADMIN_TOKEN)
            .json(&json!({"token": CREATED_TOKEN, "user": "ivan", "scopes": ["read:packages"]})),
        http.post(format!("{base}/_emulator/tokens"))
            .bearer_auth(ADMIN_TOKEN)
            .json(&json!({"token": CREATED_TOKEN, "user": "nobody", "scopes": []})),
        http.post(format!("{base}/_emulator/tokens"))
            .bearer_auth(ADMIN_TOKEN)
            .body(format!("{{\"token\": \"{CREATED_TOKEN}\", ")),
        http.get(package.clone()).bearer_auth(CREATED_TOKEN),
    ];
    let mut statuses = Vec::new();
    for call in calls {
        statuses.push(call.send().await.expect("answered").status().as_u16());
    }
    assert_eq!(
        statuses,
        [200, 204, 204, 204, 204, 404, 401, 401, 401, 404, 200, 401, 201, 422, 400, 200],
        "the tour went as planned"
    );

    // The container registry's token handshake: GitHub tokens go in as
    // Basic or Bearer credentials, registry tokens come out; none may be logged.
    let registry_token = format!("{base}/token?service=emulator&scope=repository:ivan/tool:pull");
    let granted = http
        .get(&registry_token)
        .basic_auth("ivan", Some(USER_TOKEN))
        .send()
        .await
        .expect("answered");
    assert_eq!(granted.status().as_u16(), 200);
    let issued: serde_json::Value = granted.json().await.expect("a token answer");
    let issued = issued["token"]
        .as_str()
        .expect("a registry token")
        .to_owned();
    assert!(issued.len() >= 8, "{issued}");
    let registry_calls = [
        http.get(&registry_token).bearer_auth(USER_TOKEN),
        http.get(&registry_token)
            .basic_auth("ivan", Some(UNKNOWN_TOKEN)),
        http.get(format!("{base}/v2/")).bearer_auth(&issued),
        http.get(format!("{base}/v2/ivan/tool/manifests/latest"))
            .bearer_auth(&issued),
        http.get(format!("{base}/v2/")).bearer_auth(UNKNOWN_TOKEN),
    ];
    let mut registry_statuses = Vec::new();
    for call in registry_calls {
        registry_statuses.push(call.send().await.expect("answered").status().as_u16());
    }
    assert_eq!(
        &registry_statuses[..3],
        [200, 401, 200],
        "{registry_statuses:?}"
    );

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    while child.try_wait().unwrap().is_none() {
        assert!(
            std::time::Instant::now() < deadline,
            "the emulator did not stop"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    let err = String::from_utf8_lossy(&stderr_reader.join().unwrap()).into_owned();
    assert!(
        err.contains("TRACE"),
        "trace logging was on: {}",
        &err[..err.len().min(500)]
    );
    let output = format!("{first}{rest}{err}");
    for secret in SECRETS.iter().copied().chain([issued.as_str()]) {
        if let Some(at) = output.find(secret) {
            panic!(
                "{secret} leaked: …{}…",
                &output[at.saturating_sub(300)..(at + 50).min(output.len())]
            );
        }
    }
    println!("{} bytes of emulator output checked", output.len());
}
