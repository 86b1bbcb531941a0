//! Shared helpers of the integration tests: an in-process emulator with the
//! demo data, and a small HTTP client over real loopback connections.
#![allow(dead_code)]

pub mod binary;

use ghpackages_emulator::{Emulator, EmulatorConfig, Fixture, LimitsConfig, RunningEmulator};
use reqwest::header::HeaderMap;
use reqwest::Method;
use serde_json::Value;

pub const OCTOCAT: &str = "ghp_demo_octocat";
pub const OCTOCAT_NOREPO: &str = "ghp_demo_octocat_norepo";
pub const OCTOCAT_READONLY: &str = "ghp_demo_octocat_readonly";
pub const MONA: &str = "ghp_demo_mona";
pub const HUBOT: &str = "ghp_demo_hubot";
pub const NOSCOPES: &str = "ghp_demo_noscopes";
pub const ADMIN: &str = "emulator-admin";

/// Both API roots.
pub const PREFIXES: [&str; 2] = ["", "/api/v3"];

pub struct Env {
    pub emulator: RunningEmulator,
    pub http: reqwest::Client,
}

pub struct Resp {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The body as an array (panics otherwise).
    pub fn items(&self) -> &Vec<Value> {
        self.body
            .as_array()
            .unwrap_or_else(|| panic!("not an array: {}", self.body))
    }

    /// The `name` of each item of an array body.
    pub fn names(&self) -> Vec<String> {
        self.items()
            .iter()
            .map(|i| i["name"].as_str().unwrap().to_owned())
            .collect()
    }

    /// Asserts a GitHub error: the status, the body shape, and a message part.
    #[track_caller]
    pub fn assert_error(&self, status: u16, message_part: &str) {
        assert_eq!(self.status, status, "body: {}", self.body);
        let object = self.body.as_object().expect("error body is an object");
        assert_eq!(object["status"], Value::String(status.to_string()));
        let message = object["message"].as_str().expect("message");
        assert!(
            message.contains(message_part),
            "message {message:?} lacks {message_part:?}"
        );
        let docs = object["documentation_url"]
            .as_str()
            .expect("documentation_url");
        assert!(docs.starts_with("https://docs.github.com/"), "{docs}");
        assert!(
            self.header("content-type")
                .unwrap()
                .starts_with("application/json"),
            "error content type"
        );
    }
}

impl Env {
    /// The demo data, rate limits off.
    pub async fn demo() -> Env {
        Env::start(EmulatorConfig {
            fixture: Some(Fixture::demo()),
            limits: LimitsConfig::disabled(),
            ..EmulatorConfig::default()
        })
        .await
    }

    pub async fn start(config: EmulatorConfig) -> Env {
        let emulator = Emulator::start(config).await.expect("emulator starts");
        Env {
            emulator,
            http: reqwest::Client::new(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.emulator.base_url())
    }

    pub async fn send(&self, method: Method, path: &str, token: Option<&str>) -> Resp {
        self.send_json(method, path, token, None).await
    }

    pub async fn send_json(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        json: Option<Value>,
    ) -> Resp {
        let mut request = self.http.request(method, self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(json) = json {
            request = request.json(&json);
        }
        let response = request.send().await.expect("request sent");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.expect("body read");
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).unwrap_or_else(|e| {
                panic!("invalid JSON ({e}): {}", String::from_utf8_lossy(&bytes))
            })
        };
        Resp {
            status,
            headers,
            body,
        }
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Resp {
        self.send(Method::GET, path, token).await
    }

    pub async fn delete(&self, path: &str, token: Option<&str>) -> Resp {
        self.send(Method::DELETE, path, token).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>) -> Resp {
        self.send(Method::POST, path, token).await
    }

    /// A call to the admin API with the admin token.
    pub async fn admin(&self, method: Method, path: &str, json: Option<Value>) -> Resp {
        self.send_json(method, &format!("/_emulator{path}"), Some(ADMIN), json)
            .await
    }

    /// Moves the server's clock forward.
    pub async fn advance_days(&self, days: f64) {
        let resp = self
            .admin(
                Method::POST,
                "/clock/advance",
                Some(serde_json::json!({ "seconds": days * 86_400.0 })),
            )
            .await;
        assert_eq!(resp.status, 200, "{}", resp.body);
    }
}
