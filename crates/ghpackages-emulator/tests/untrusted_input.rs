//! Untrusted input sent to the emulator as raw HTTP (no client library in
//! between to clean it up): names with `..`, `%00`, quotes, very long
//! strings, non-UTF-8 bytes, and huge or malformed page numbers. Each gets a
//! clear 4xx — GitHub's JSON error body whenever the request reached the
//! application — and the server keeps serving.

use ghpackages_emulator::{Emulator, EmulatorConfig, LimitsConfig, RunningEmulator};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const TOKEN: &str = "ghp_demo_octocat";

struct Answer {
    status: u16,
    body: Vec<u8>,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "status {} body is not JSON ({e}): {:?}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }
}

/// Sends `target` (raw bytes, as they go on the request line) and reads the
/// whole answer.
async fn raw(emulator: &RunningEmulator, method: &str, target: &[u8]) -> Answer {
    let mut stream = TcpStream::connect(emulator.addr()).await.expect("connects");
    let mut request = Vec::new();
    request.extend_from_slice(method.as_bytes());
    request.push(b' ');
    request.extend_from_slice(target);
    request.extend_from_slice(
        format!(
            " HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {TOKEN}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            emulator.addr()
        )
        .as_bytes(),
    );
    stream.write_all(&request).await.expect("request written");
    let mut answer = Vec::new();
    tokio::time::timeout(
        std::time::Duration::from_secs(10),
        stream.read_to_end(&mut answer),
    )
    .await
    .expect("the server answers within 10 s")
    .expect("answer read");
    let text = String::from_utf8_lossy(&answer);
    let status: u16 = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line: {text:?}"));
    let split = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("end of headers");
    let head = text[..split].to_ascii_lowercase();
    let mut body = answer[split + 4..].to_vec();
    if head.contains("transfer-encoding: chunked") {
        body = dechunk(&body);
    }
    Answer { status, body }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let line_end = data
            .windows(2)
            .position(|w| w == b"\r\n")
            .expect("chunk size");
        let size =
            usize::from_str_radix(std::str::from_utf8(&data[..line_end]).unwrap().trim(), 16)
                .expect("hex chunk size");
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&data[line_end + 2..line_end + 2 + size]);
        data = &data[line_end + 2 + size + 2..];
    }
}

async fn demo() -> RunningEmulator {
    Emulator::start(EmulatorConfig {
        limits: LimitsConfig::disabled(),
        ..EmulatorConfig::demo()
    })
    .await
    .expect("the emulator starts")
}

/// A GitHub error answer with a status in `statuses`.
#[track_caller]
fn assert_github_error(answer: &Answer, statuses: &[u16], what: &str) {
    assert!(
        statuses.contains(&answer.status),
        "{what}: status {} not in {statuses:?}: {:?}",
        answer.status,
        String::from_utf8_lossy(&answer.body)
    );
    let json = answer.json();
    assert!(
        json["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{what}: {json}"
    );
    assert_eq!(
        json["status"],
        Value::String(answer.status.to_string()),
        "{what}"
    );
}

async fn still_serving(emulator: &RunningEmulator) {
    let answer = raw(
        emulator,
        "GET",
        b"/orgs/octo-org/packages/npm/hello-world-npm",
    )
    .await;
    assert_eq!(answer.status, 200, "the server stopped serving");
}

/// Hostile package names in every path position that takes one: the
/// package is simply not found (404), or the request is malformed (400).
#[tokio::test]
async fn hostile_package_names() {
    let emulator = demo().await;
    let long = "a".repeat(10_000);
    let names: Vec<&str> = vec![
        "..",
        "%2E%2E",
        "..%2F..%2Fetc%2Fpasswd",
        "%00",
        "hello-world-npm%00",
        "%22quoted%22",
        "it%27s",
        "%3Cscript%3E",
        "%5C..%5C",
        "%FF%FE",
        "%C0%AE%C0%AE",
        "hello%0D%0AX-Injected:%20yes",
        &long,
    ];
    for name in &names {
        for (method, suffix) in [
            ("GET", ""),
            ("DELETE", ""),
            ("POST", "/restore"),
            ("GET", "/versions"),
            ("GET", "/versions/100012"),
            ("DELETE", "/versions/100012"),
            ("POST", "/versions/100012/restore"),
        ] {
            for owner in ["/orgs/octo-org", "/users/octocat", "/user"] {
                let target = format!("{owner}/packages/npm/{name}{suffix}");
                let answer = raw(&emulator, method, target.as_bytes()).await;
                assert_github_error(
                    &answer,
                    &[400, 404],
                    &format!("{method} {}", &target[..target.len().min(120)]),
                );
                assert!(
                    !String::from_utf8_lossy(&answer.body).contains("X-Injected"),
                    "a header was injected"
                );
            }
        }
    }
    still_serving(&emulator).await;
    emulator.shutdown().await;
}

/// Hostile owner logins: 404 (no such account) or 400.
#[tokio::test]
async fn hostile_owner_names() {
    let emulator = demo().await;
    let long = "o".repeat(10_000);
    for owner in ["..", "%2E%2E", "%00", "octo-org%00", "%22%27", "%FF", &long] {
        for family in ["orgs", "users"] {
            for suffix in [
                "/packages?package_type=npm",
                "/docker/conflicts",
                "/packages/npm/hello-world-npm",
            ] {
                let target = format!("/{family}/{owner}{suffix}");
                let answer = raw(&emulator, "GET", target.as_bytes()).await;
                assert_github_error(&answer, &[400, 404], &target[..target.len().min(120)]);
            }
        }
    }
    still_serving(&emulator).await;
    emulator.shutdown().await;
}

/// Bytes that are not UTF-8, and control bytes, on the request line itself:
/// refused with a 4xx by the HTTP layer or the application, never a 5xx or
/// a hang.
#[tokio::test]
async fn raw_non_utf8_and_control_bytes() {
    let emulator = demo().await;
    let targets: [&[u8]; 4] = [
        b"/orgs/octo-org/packages/npm/\xff\xfe",
        b"/orgs/\xc0\xae\xc0\xae/packages?package_type=npm",
        b"/orgs/octo-org/packages?package_type=npm\xff",
        b"/orgs/octo-org/packages/npm/a\x01b",
    ];
    for target in targets {
        let answer = raw(&emulator, "GET", target).await;
        assert!(
            (400..500).contains(&answer.status),
            "{:?}: status {}",
            String::from_utf8_lossy(target),
            answer.status
        );
    }
    still_serving(&emulator).await;
    emulator.shutdown().await;
}

/// A request line far beyond any real one: refused, not buffered forever.
#[tokio::test]
async fn enormous_urls() {
    let emulator = demo().await;
    let name = "a".repeat(200_000);
    let answer = raw(
        &emulator,
        "GET",
        format!("/orgs/octo-org/packages/npm/{name}").as_bytes(),
    )
    .await;
    assert!(
        (400..500).contains(&answer.status),
        "status {}",
        answer.status
    );
    still_serving(&emulator).await;
    emulator.shutdown().await;
}

/// Huge, negative, fractional and non-numeric paging and ids.
#[tokio::test]
async fn huge_and_malformed_numbers() {
    let emulator = demo().await;
    let bad_requests = [
        "/orgs/octo-org/packages?package_type=npm&page=99999999999999999999999",
        "/orgs/octo-org/packages?package_type=npm&page=9223372036854775807",
        "/orgs/octo-org/packages?package_type=npm&page=-1",
        "/orgs/octo-org/packages?package_type=npm&page=0",
        "/orgs/octo-org/packages?package_type=npm&page=1e3",
        "/orgs/octo-org/packages?package_type=npm&page=%00",
        "/orgs/octo-org/packages?package_type=npm&per_page=0",
        "/orgs/octo-org/packages?package_type=npm&per_page=18446744073709551616",
        "/orgs/octo-org/packages?package_type=npm%00",
        "/orgs/octo-org/packages?package_type=%22npm%22",
        "/orgs/octo-org/packages?package_type=npm&visibility=%FF",
        "/orgs/octo-org/packages/npm/hello-world-npm/versions?page=99999999999999999999999",
        "/orgs/octo-org/packages/npm/hello-world-npm/versions?state=%00",
        "/orgs/octo-org/packages/npm/hello-world-npm/versions/99999999999999999999999",
        "/orgs/octo-org/packages/npm/hello-world-npm/versions/-1",
        "/orgs/octo-org/packages/npm/hello-world-npm/versions/1.5",
        "/orgs/octo-org/packages/npm/hello-world-npm/versions/%00",
        "/orgs/octo-org/packages/notatype/hello-world-npm",
    ];
    for target in bad_requests {
        let answer = raw(&emulator, "GET", target.as_bytes()).await;
        assert_github_error(&answer, &[400, 404, 422], target);
    }
    // The deepest page of a version list is just empty, as on GitHub.
    let deepest = raw(
        &emulator,
        "GET",
        b"/orgs/octo-org/packages/npm/hello-world-npm/versions?page=9223372036854775807&per_page=100",
    )
    .await;
    assert_eq!(deepest.status, 200);
    assert_eq!(deepest.json(), Value::Array(Vec::new()));
    let unknown_id = raw(
        &emulator,
        "GET",
        b"/orgs/octo-org/packages/npm/hello-world-npm/versions/9223372036854775807",
    )
    .await;
    assert_github_error(&unknown_id, &[404], "largest version id");
    still_serving(&emulator).await;
    emulator.shutdown().await;
}
