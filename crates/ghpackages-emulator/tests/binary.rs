//! The `ghpackages-emulator` binary: first stdout line, serving, SIGTERM.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn spawn(args: &[&str]) -> (std::process::Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ghpackages-emulator"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .expect("first line");
    (child, line)
}

fn wait_exit(child: &mut std::process::Child) -> std::process::ExitStatus {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(Instant::now() < deadline, "emulator did not stop");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[tokio::test]
async fn prints_base_url_serves_and_stops_on_sigterm() {
    let (mut child, line) = spawn(&["--port", "0", "--demo", "--no-rate-limits"]);
    let base = line.trim_end_matches('\n');
    assert!(base.starts_with("http://127.0.0.1:"), "{line:?}");
    let port: u16 = base.rsplit(':').next().unwrap().parse().expect("a port");
    assert!(port > 0);
    let resp = reqwest::Client::new()
        .get(format!(
            "{base}/api/v3/users/octocat/packages/rubygems/octo-name"
        ))
        .bearer_auth("ghp_demo_hubot")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(
        body["url"],
        format!("{base}/api/v3/users/octocat/packages/rubygems/octo-name")
    );
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    assert!(wait_exit(&mut child).success());
}

#[test]
fn bad_arguments_fail_with_a_message() {
    let out = Command::new(env!("CARGO_BIN_EXE_ghpackages-emulator"))
        .args(["--fixture", "/nonexistent/fixture.json"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read fixture"));
    let out = Command::new(env!("CARGO_BIN_EXE_ghpackages-emulator"))
        .args(["--port", "http"])
        .output()
        .unwrap();
    assert!(!out.status.success());
}

/// The admin API mints tokens: beyond loopback the public default token is
/// refused before anything listens.
#[test]
fn refuses_the_default_admin_token_beyond_loopback() {
    for (host, env_token) in [
        ("0.0.0.0", None),
        ("::", None),
        ("192.0.2.1", None),
        ("0.0.0.0", Some("emulator-admin")),
        ("0.0.0.0", Some("")),
    ] {
        let mut command = Command::new(env!("CARGO_BIN_EXE_ghpackages-emulator"));
        command
            .args(["--host", host, "--port", "0"])
            .env_remove("GHPACKAGES_EMULATOR_ADMIN_TOKEN");
        if let Some(token) = env_token {
            command.env("GHPACKAGES_EMULATOR_ADMIN_TOKEN", token);
        }
        let out = command.output().unwrap();
        assert!(!out.status.success(), "{host} {env_token:?}");
        assert!(out.stdout.is_empty(), "no URL was printed");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("not a loopback address")
                && stderr.contains("--admin-token")
                && stderr.contains("--no-admin-api"),
            "{host}: {stderr}"
        );
    }
}

#[tokio::test]
async fn no_admin_api_answers_404_under_the_admin_routes() {
    let (mut child, line) = spawn(&["--port", "0", "--demo", "--no-admin-api"]);
    let base = line.trim_end_matches('\n');
    let http = reqwest::Client::new();
    let clock = http
        .get(format!("{base}/_emulator/clock"))
        .bearer_auth("emulator-admin")
        .send()
        .await
        .unwrap();
    assert_eq!(clock.status(), 404);
    let minted = http
        .post(format!("{base}/_emulator/tokens"))
        .bearer_auth("emulator-admin")
        .json(&serde_json::json!({"token": "t", "user": "octocat", "scopes": ["read:packages"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(minted.status(), 404);
    let health = http
        .get(format!("{base}/_emulator/health"))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    let api = http
        .get(format!("{base}/user/packages?package_type=npm"))
        .bearer_auth("ghp_demo_octocat")
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), 200);
    child.kill().unwrap();
    child.wait().unwrap();
}
