//! Every JSON answer of every `GET` operation, for the organization, user and
//! authenticated-user families, validates against the schemas of GitHub's OpenAPI
//! description (`shared/spec/openapi-packages.json`); error answers validate against
//! `basic-error`.
//!
//! The description is read at test time from `$GHPACKAGES_SPEC_DIR`, or from
//! `shared/spec/` beside the repository (`<crate>/../../../shared/spec`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use ghpackages_emulator::{Emulator, EmulatorConfig, FaultsConfig, LimitsConfig, RunningEmulator};
use jsonschema::{Draft, Validator};
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use reqwest::{Client, Method, Response, StatusCode};
use serde_json::{json, Map, Value};

const TOKEN: &str = "ghp_demo_octocat";
const PACKAGE_TYPES: [&str; 6] = ["npm", "maven", "rubygems", "docker", "nuget", "container"];
/// Versions fetched one by one per package, so a package of hundreds stays quick.
const VERSIONS_PER_PACKAGE: usize = 5;

fn spec_path() -> PathBuf {
    let dir = match std::env::var_os("GHPACKAGES_SPEC_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/spec"),
    };
    dir.join("openapi-packages.json")
}

fn load_spec() -> Value {
    let path = spec_path();
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()));
    serde_json::from_str(&text).expect("the spec is JSON")
}

/// OpenAPI 3.0's `nullable: true` is not JSON Schema: it becomes a `"null"` type.
fn json_schema(openapi: &Value) -> Value {
    match openapi {
        Value::Object(object) => {
            let nullable = object.get("nullable") == Some(&Value::Bool(true));
            let mut out: Map<String, Value> = object
                .iter()
                .filter(|(key, _)| key.as_str() != "nullable")
                .map(|(key, value)| (key.clone(), json_schema(value)))
                .collect();
            if nullable {
                match out.get("type").cloned() {
                    Some(Value::String(kind)) => {
                        out.insert("type".into(), json!([kind, "null"]));
                    }
                    _ => return json!({"anyOf": [Value::Object(out), {"type": "null"}]}),
                }
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(json_schema).collect()),
        other => other.clone(),
    }
}

/// A validator for `schema`, with every `#/components/...` reference resolvable.
fn validator(components: &Value, schema: &Value) -> Validator {
    let mut root = schema.as_object().cloned().expect("schema object");
    root.insert("components".into(), components.clone());
    jsonschema::options()
        .with_draft(Draft::Draft7)
        .should_validate_formats(true)
        .build(&Value::Object(root))
        .expect("the spec's schemas compile")
}

/// Validators built from the description.
struct Schemas {
    /// 200 answer schemas of the GET operations, by path template: (operation id, validator).
    get_operations: BTreeMap<String, (String, Validator)>,
    basic_error: Validator,
}

impl Schemas {
    fn load() -> Schemas {
        let spec = load_spec();
        let components = json_schema(&spec["components"]);
        let basic_error = validator(
            &components,
            &json!({"$ref": "#/components/schemas/basic-error"}),
        );
        let paths = spec["paths"].as_object().expect("paths");
        let get_operations = paths
            .iter()
            .filter_map(|(template, item)| {
                let operation = item.get("get")?;
                let id = operation["operationId"].as_str().unwrap().to_owned();
                let schema =
                    &operation["responses"]["200"]["content"]["application/json"]["schema"];
                assert!(schema.is_object(), "{id} has no 200 JSON schema");
                Some((
                    template.clone(),
                    (id, validator(&components, &json_schema(schema))),
                ))
            })
            .collect();
        Schemas {
            get_operations,
            basic_error,
        }
    }
}

fn check(validator: &Validator, instance: &Value, what: &str) {
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .take(5)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{what} does not match the schema:\n{}\n{instance:#}",
        errors.join("\n")
    );
}

struct Walk {
    emulator: RunningEmulator,
    client: Client,
    schemas: Schemas,
    /// Operation ids whose answers were validated, with how many answers.
    validated: BTreeMap<String, usize>,
}

impl Walk {
    async fn request(&self, method: Method, path: &str, token: Option<&str>) -> Response {
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.emulator.base_url()));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.expect("answered")
    }

    /// GETs `path` (an instance of `template`), validates the answer, returns its body.
    async fn get(&mut self, template: &str, path: &str) -> Value {
        let response = self.request(Method::GET, path, Some(TOKEN)).await;
        assert_eq!(response.status(), StatusCode::OK, "GET {path}");
        let content_type = response.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            content_type.starts_with("application/json"),
            "{path}: {content_type}"
        );
        let body: Value = response.json().await.expect("JSON");
        let (id, validator) = self
            .schemas
            .get_operations
            .get(template)
            .unwrap_or_else(|| panic!("no GET {template} in the spec"));
        check(validator, &body, &format!("GET {path} ({id})"));
        *self.validated.entry(id.clone()).or_default() += 1;
        body
    }

    /// Sends a request that must fail with `status`, and validates the error body.
    async fn error(&self, method: Method, path: &str, token: Option<&str>, status: StatusCode) {
        let response = self.request(method.clone(), path, token).await;
        assert_eq!(response.status(), status, "{method} {path}");
        let body: Value = response.json().await.expect("JSON error body");
        check(
            &self.schemas.basic_error,
            &body,
            &format!("{method} {path} error"),
        );
        assert_eq!(body["status"], status.as_str(), "{method} {path}");
        assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
}

fn encode(segment: &str) -> String {
    utf8_percent_encode(segment, NON_ALPHANUMERIC).to_string()
}

async fn start(limits: LimitsConfig, faults: FaultsConfig) -> RunningEmulator {
    Emulator::start(EmulatorConfig {
        limits,
        faults,
        ..EmulatorConfig::demo()
    })
    .await
    .expect("emulator starts")
}

#[tokio::test]
async fn every_get_answer_of_every_family_matches_the_spec() {
    let mut walk = Walk {
        emulator: start(LimitsConfig::disabled(), FaultsConfig::default()).await,
        client: Client::new(),
        schemas: Schemas::load(),
        validated: BTreeMap::new(),
    };
    let families = [
        ("/orgs/{org}", "/orgs/octo-org"),
        ("/users/{username}", "/users/octocat"),
        ("/users/{username}", "/users/mona"),
        ("/user", "/user"),
    ];
    for (family_template, family) in families {
        walk.get(
            &format!("{family_template}/docker/conflicts"),
            &format!("{family}/docker/conflicts"),
        )
        .await;
        let mut packages_seen = 0;
        for package_type in PACKAGE_TYPES {
            for visibility in ["", "&visibility=public", "&visibility=private"] {
                walk.get(
                    &format!("{family_template}/packages"),
                    &format!(
                        "{family}/packages?package_type={package_type}&per_page=100{visibility}"
                    ),
                )
                .await;
            }
            let list = walk
                .get(
                    &format!("{family_template}/packages"),
                    &format!("{family}/packages?package_type={package_type}&per_page=100"),
                )
                .await;
            for package in list.as_array().unwrap() {
                packages_seen += 1;
                let name = package["name"].as_str().unwrap();
                let package_template =
                    format!("{family_template}/packages/{{package_type}}/{{package_name}}");
                let package_path = format!("{family}/packages/{package_type}/{}", encode(name));
                walk.get(&package_template, &package_path).await;

                let versions_template = format!("{package_template}/versions");
                let mut version_ids = Vec::new();
                let states: &[&str] = if family_template == "/users/{username}" {
                    &[""]
                } else {
                    &["", "&state=active", "&state=deleted"]
                };
                for state in states {
                    let versions = walk
                        .get(
                            &versions_template,
                            &format!("{package_path}/versions?per_page=100{state}"),
                        )
                        .await;
                    if state.is_empty() {
                        version_ids.extend(
                            versions
                                .as_array()
                                .unwrap()
                                .iter()
                                .map(|v| v["id"].as_u64().unwrap()),
                        );
                    }
                }
                for id in version_ids.into_iter().take(VERSIONS_PER_PACKAGE) {
                    walk.get(
                        &format!("{versions_template}/{{package_version_id}}"),
                        &format!("{package_path}/versions/{id}"),
                    )
                    .await;
                }
            }
        }
        assert!(packages_seen > 0, "{family} lists no package");
    }
    let expected: BTreeSet<&String> = walk
        .schemas
        .get_operations
        .values()
        .map(|(id, _)| id)
        .collect();
    let covered: BTreeSet<&String> = walk.validated.keys().collect();
    assert_eq!(covered, expected, "GET operations left unvalidated");
    assert_eq!(
        expected.len(),
        15,
        "5 GET operations for each of 3 families"
    );
    walk.emulator.shutdown().await;
}

#[tokio::test]
async fn error_answers_match_basic_error() {
    let walk = Walk {
        emulator: start(LimitsConfig::disabled(), FaultsConfig::default()).await,
        client: Client::new(),
        schemas: Schemas::load(),
        validated: BTreeMap::new(),
    };
    let org_package = "/orgs/octo-org/packages/container/octo-app";
    let cases: Vec<(Method, String, Option<&str>, StatusCode)> = vec![
        (
            Method::GET,
            "/user/packages?package_type=npm".into(),
            None,
            StatusCode::UNAUTHORIZED,
        ),
        (
            Method::GET,
            org_package.into(),
            Some("ghp_unknown_token"),
            StatusCode::UNAUTHORIZED,
        ),
        (
            Method::GET,
            org_package.into(),
            Some("ghp_demo_noscopes"),
            StatusCode::FORBIDDEN,
        ),
        (
            Method::DELETE,
            org_package.into(),
            Some("ghp_demo_octocat_readonly"),
            StatusCode::FORBIDDEN,
        ),
        (
            Method::GET,
            "/orgs/octo-org/packages/npm/no-such-package".into(),
            Some(TOKEN),
            StatusCode::NOT_FOUND,
        ),
        (
            Method::GET,
            format!("{org_package}/versions/999999999"),
            Some(TOKEN),
            StatusCode::NOT_FOUND,
        ),
        (
            Method::DELETE,
            format!("{org_package}/versions/999999999"),
            Some(TOKEN),
            StatusCode::NOT_FOUND,
        ),
        (
            Method::POST,
            format!("{org_package}/versions/999999999/restore"),
            Some(TOKEN),
            StatusCode::NOT_FOUND,
        ),
        (
            Method::GET,
            "/orgs/no-such-org/docker/conflicts".into(),
            Some(TOKEN),
            StatusCode::NOT_FOUND,
        ),
        (
            Method::GET,
            "/not/an/endpoint".into(),
            Some(TOKEN),
            StatusCode::NOT_FOUND,
        ),
        (
            Method::GET,
            "/orgs/octo-org/packages?package_type=npm&per_page=100&page=101".into(),
            Some(TOKEN),
            StatusCode::BAD_REQUEST,
        ),
    ];
    for (method, path, token, status) in cases {
        walk.error(method, &path, token, status).await;
    }
    // Malformed parameters answer 400 or 422, always with a GitHub error body.
    for path in [
        "/orgs/octo-org/packages?package_type=pypi",
        "/orgs/octo-org/packages",
        "/orgs/octo-org/packages/container/octo-app/versions/abc",
        "/orgs/octo-org/packages/container/octo-app/versions?state=gone",
    ] {
        let response = walk.request(Method::GET, path, Some(TOKEN)).await;
        let status = response.status();
        assert!(
            [StatusCode::BAD_REQUEST, StatusCode::UNPROCESSABLE_ENTITY].contains(&status),
            "{path}: {status}"
        );
        let body: Value = response.json().await.unwrap();
        check(&walk.schemas.basic_error, &body, path);
        assert_eq!(body["status"], status.as_str());
    }
    walk.emulator.shutdown().await;
}

#[tokio::test]
async fn rate_limit_and_fault_answers_match_basic_error() {
    let schemas = Schemas::load();
    let path = "/orgs/octo-org/packages?package_type=container";

    let limited = start(
        LimitsConfig {
            authenticated_per_hour: 1,
            ..LimitsConfig::default()
        },
        FaultsConfig::default(),
    )
    .await;
    let client = Client::new();
    let url = format!("{}{path}", limited.base_url());
    for expected in [StatusCode::OK, StatusCode::FORBIDDEN] {
        let response = client.get(&url).bearer_auth(TOKEN).send().await.unwrap();
        assert_eq!(response.status(), expected);
        if expected != StatusCode::OK {
            let body: Value = response.json().await.unwrap();
            check(&schemas.basic_error, &body, "primary rate limit");
        }
    }
    limited.shutdown().await;

    let failing = start(
        LimitsConfig::disabled(),
        FaultsConfig {
            error_rate: 1.0,
            ..FaultsConfig::default()
        },
    )
    .await;
    let url = format!("{}{path}", failing.base_url());
    for _ in 0..8 {
        let response = client.get(&url).bearer_auth(TOKEN).send().await.unwrap();
        assert!(response.status().is_server_error());
        let body: Value = response.json().await.unwrap();
        check(&schemas.basic_error, &body, "injected server error");
    }
    failing.shutdown().await;
}

#[test]
fn the_validators_reject_what_the_spec_forbids() {
    let schemas = Schemas::load();
    let (_, package) =
        &schemas.get_operations["/orgs/{org}/packages/{package_type}/{package_name}"];
    let valid = json!({
        "id": 1, "name": "app", "package_type": "container",
        "url": "https://api.github.com/orgs/o/packages/container/app",
        "html_url": "https://github.com/orgs/o/packages/container/package/app",
        "version_count": 1, "visibility": "private", "owner": null,
        "created_at": "2024-01-01T00:00:00Z", "updated_at": "2024-01-01T00:00:00Z"
    });
    assert!(package.is_valid(&valid), "nullable owner is accepted");
    for (field, bad) in [
        ("package_type", json!("pypi")),
        ("version_count", json!("1")),
        ("created_at", json!("yesterday")),
        ("visibility", json!("internal")),
    ] {
        let mut invalid = valid.clone();
        invalid[field] = bad;
        assert!(!package.is_valid(&invalid), "{field} = {}", invalid[field]);
    }
    let mut missing = valid.clone();
    missing.as_object_mut().unwrap().remove("url");
    assert!(!package.is_valid(&missing));
    assert!(!schemas.basic_error.is_valid(&json!({"message": 404})));
    assert!(schemas
        .basic_error
        .is_valid(&json!({"message": "Not Found", "status": "404"})));
}
