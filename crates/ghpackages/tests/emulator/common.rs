//! Starting emulators and clients for the tests.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use ghpackages::{Client, ClientBuilder, RetryPolicy};
use ghpackages_emulator::{Emulator, EmulatorConfig, Fixture, LimitsConfig, RunningEmulator};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// The demo token of `octocat`: admin of `octo-org`, every packages scope and `repo`.
pub const OCTOCAT: &str = "ghp_demo_octocat";
/// The demo token of `mona`: a plain member of `octo-org`.
pub const MONA: &str = "ghp_demo_mona";
/// The demo token of `octocat` with `read:packages` only.
pub const OCTOCAT_READONLY: &str = "ghp_demo_octocat_readonly";

/// The two places the emulator serves the API, as GitHub and GHES do.
pub const API_ROOTS: [&str; 2] = ["", "/api/v3"];

/// An emulator with the demo data, no rate limits and no faults.
pub async fn demo() -> RunningEmulator {
    start(EmulatorConfig {
        limits: LimitsConfig::disabled(),
        ..EmulatorConfig::demo()
    })
    .await
}

/// An emulator with `config`.
pub async fn start(config: EmulatorConfig) -> RunningEmulator {
    Emulator::start(config).await.expect("the emulator starts")
}

/// An emulator with `fixture` and no rate limits.
pub async fn with_fixture(fixture: Fixture) -> RunningEmulator {
    start(EmulatorConfig {
        fixture: Some(fixture),
        limits: LimitsConfig::disabled(),
        ..EmulatorConfig::default()
    })
    .await
}

/// Retries that wait milliseconds, not seconds.
pub fn quick_retries(max_attempts: u32) -> RetryPolicy {
    RetryPolicy {
        max_attempts,
        initial_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_millis(20),
        max_total_wait: Duration::from_secs(30),
    }
}

/// A builder for `base_url` with `token` (none read from the environment).
pub fn builder(base_url: &str, token: Option<&str>) -> ClientBuilder {
    let builder = Client::builder()
        .base_url(base_url)
        .token_from_env(false)
        .retry(quick_retries(3));
    match token {
        Some(token) => builder.token(token),
        None => builder,
    }
}

/// A client of `emulator` (API at `root`) with `token`.
pub fn client(emulator: &RunningEmulator, root: &str, token: Option<&str>) -> Client {
    builder(&format!("{}{root}", emulator.base_url()), token)
        .build()
        .expect("the client builds")
}

/// A loopback URL where nothing listens: any request to it fails to connect.
pub fn dead_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}

/// A loopback server that is not GitHub: it answers every request with
/// `status` and the JSON `body`, as a misconfigured proxy would, and keeps
/// the head of every request it received. Returns its URL and the heads.
pub async fn not_github(status: &str, body: &str) -> (String, Arc<Mutex<Vec<String>>>) {
    let response = format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let heads = Arc::new(Mutex::new(Vec::new()));
    let received = Arc::clone(&heads);
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut request = Vec::new();
            let mut buffer = [0u8; 1024];
            while !request.windows(4).any(|window| window == b"\r\n\r\n") {
                match socket.read(&mut buffer).await {
                    Ok(0) | Err(_) => break,
                    Ok(read) => request.extend_from_slice(&buffer[..read]),
                }
            }
            received
                .lock()
                .unwrap()
                .push(String::from_utf8_lossy(&request).into_owned());
            let _ = socket.write_all(response.as_bytes()).await;
            let _ = socket.shutdown().await;
        }
    });
    (url, heads)
}
