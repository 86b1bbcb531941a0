//! The emulator's whole application (routing, path and query extraction,
//! authentication, handlers, admin API) driven in-process with arbitrary
//! methods, paths, queries, tokens and bodies: it never answers 5xx (no
//! faults are configured), and every error answer is GitHub's JSON shape
//! (or the container registry's, on its routes).
#![no_main]

use std::sync::OnceLock;

use arbitrary::Arbitrary;
use axum::body::Body;
use axum::http::{Method, Request};
use axum::Router;
use ghpackages_emulator::faults::Faults;
use ghpackages_emulator::limits::Limiter;
use ghpackages_emulator::load::load;
use ghpackages_emulator::state::AppState;
use ghpackages_emulator::store::Store;
use ghpackages_emulator::{app, Clock, FaultsConfig, Fixture, LimitsConfig};
use libfuzzer_sys::fuzz_target;
use tokio::runtime::Runtime;
use tower::ServiceExt;

const ADMIN: &str = "fuzz-admin";
const TOKENS: [Option<&str>; 7] = [
    None,
    Some("ghp_demo_octocat"),
    Some("ghp_demo_mona"),
    Some("ghp_demo_hubot"),
    Some("ghp_demo_noscopes"),
    Some("ghp_not_a_token"),
    Some(ADMIN),
];
const METHODS: [Method; 6] = [
    Method::GET,
    Method::POST,
    Method::DELETE,
    Method::PUT,
    Method::PATCH,
    Method::HEAD,
];

#[derive(Arbitrary, Debug)]
struct Input<'a> {
    method: u8,
    token: u8,
    path: &'a str,
    body: &'a [u8],
}

fn emulator() -> &'static (Runtime, Router) {
    static EMULATOR: OnceLock<(Runtime, Router)> = OnceLock::new();
    EMULATOR.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let clock = Clock::new();
        let store = Store::open(None).expect("in-memory store");
        store
            .write(|db| load(db, &Fixture::demo(), clock.now_secs()))
            .expect("demo loads");
        let state = AppState::new(
            store,
            clock,
            Some(ADMIN.to_owned()),
            None,
            Limiter::new(LimitsConfig::disabled()),
            Faults::new(FaultsConfig::default()),
        );
        (runtime, app::router(state))
    })
}

fuzz_target!(|input: Input<'_>| {
    let (runtime, router) = emulator();
    let method = METHODS[usize::from(input.method) % METHODS.len()].clone();
    let mut token = TOKENS[usize::from(input.token) % TOKENS.len()];
    let lower = input.path.to_ascii_lowercase();
    // With the admin token the fuzzer could switch fault injection or rate
    // limits on, after which 5xx and 403 answers are intended.
    if token == Some(ADMIN)
        && (lower.contains("fault") || lower.contains("limit") || lower.contains('%'))
    {
        token = None;
    }
    let path = if input.path.starts_with('/') {
        input.path.to_owned()
    } else {
        format!("/{}", input.path)
    };
    let mut request = Request::builder().method(method).uri(path.as_str());
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    let Ok(request) = request
        .header("host", "127.0.0.1:1")
        .header("content-type", "application/json")
        .body(Body::from(input.body.to_vec()))
    else {
        return;
    };
    runtime.block_on(async {
        let response = router.clone().oneshot(request).await.expect("infallible");
        let status = response.status();
        assert!(!status.is_server_error(), "{status} for {path}");
        if status.is_client_error() && !path.starts_with("/_emulator") {
            let body = axum::body::to_bytes(response.into_body(), usize::MAX)
                .await
                .expect("body");
            if !body.is_empty() {
                let json: serde_json::Value =
                    serde_json::from_slice(&body).expect("error bodies are JSON");
                // The container registry routes answer in the registry's
                // format, `{"errors": [{"code", "message"}]}`.
                let route = path.split(['?', '#']).next().unwrap_or_default();
                let registry = route == "/token" || route.starts_with("/v2/");
                assert!(
                    json["message"].is_string()
                        || (registry && json["errors"][0]["code"].is_string()),
                    "{json}"
                );
            }
        }
    });
});
