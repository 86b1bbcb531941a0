//! Every JSON example of GitHub's docs page (copied into `tests/data/seed/`)
//! and of the OpenAPI descriptions in `shared/spec/` decodes into the
//! models, and serializes back to the same JSON.
//!
//! The spec is read from `GHPACKAGES_SPEC_DIR`, else from `shared/spec/` beside
//! the repository (`<CARGO_MANIFEST_DIR>/../../../shared/spec`).

use std::path::PathBuf;

use ghpackages::{Package, PackageVersion};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};

fn spec_dir() -> PathBuf {
    match std::env::var_os("GHPACKAGES_SPEC_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/spec"),
    }
}

/// `value` without `null` members, which optional fields do not write back.
fn without_nulls(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(_, member)| !member.is_null())
                .map(|(name, member)| (name.clone(), without_nulls(member)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_nulls).collect()),
        other => other.clone(),
    }
}

/// Decodes `value` as `T` and checks that it serializes back unchanged.
fn round_trip<T: DeserializeOwned + Serialize>(what: &str, value: &Value) {
    let decoded: T = serde_json::from_value(value.clone())
        .unwrap_or_else(|error| panic!("{what} does not decode: {error}"));
    let encoded = serde_json::to_value(&decoded).unwrap();
    assert_eq!(
        without_nulls(&encoded),
        without_nulls(value),
        "{what} changes in a round trip"
    );
}

/// Decodes `value` by the schema name `schema` (`package`, `package-version`),
/// as one object or an array of them.
fn decode_as(what: &str, schema: &str, array: bool, value: &Value) {
    match (schema, array) {
        ("package", false) => round_trip::<Package>(what, value),
        ("package", true) => round_trip::<Vec<Package>>(what, value),
        ("package-version", false) => round_trip::<PackageVersion>(what, value),
        ("package-version", true) => round_trip::<Vec<PackageVersion>>(what, value),
        other => panic!("{what}: unexpected schema {other:?}"),
    }
}

fn resolve<'a>(spec: &'a Value, value: &'a Value) -> &'a Value {
    match value.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            let pointer = reference.trim_start_matches('#');
            spec.pointer(pointer)
                .unwrap_or_else(|| panic!("dangling $ref {reference}"))
        }
        None => value,
    }
}

fn schema_name(reference: &Value) -> String {
    let reference = reference["$ref"].as_str().expect("schema is a $ref");
    reference.rsplit('/').next().unwrap().to_owned()
}

/// Decodes every example of every JSON response of `file`; returns how many.
fn decode_spec(file: &str) -> usize {
    let path = spec_dir().join(file);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
    let spec: Value = serde_json::from_str(&text).unwrap();
    let mut decoded = 0;
    for (route, item) in spec["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let Some(responses) = operation.get("responses").and_then(Value::as_object) else {
                continue;
            };
            for (status, response) in responses {
                let response = resolve(&spec, response);
                if !status.starts_with('2') {
                    continue;
                }
                let Some(media) = response.pointer("/content/application~1json") else {
                    continue;
                };
                let schema = &media["schema"];
                let (name, array) = if schema["type"] == "array" {
                    (schema_name(&schema["items"]), true)
                } else {
                    (schema_name(schema), false)
                };
                for (example_name, example) in media["examples"].as_object().into_iter().flatten() {
                    let example = resolve(&spec, example);
                    let what = format!("{file} {method} {route} {status} example {example_name}");
                    decode_as(&what, &name, array, &example["value"]);
                    decoded += 1;
                }
            }
        }
    }
    decoded
}

#[test]
fn api_github_com_spec_examples_decode() {
    // Two lists, a package and a version per family, minus the docker
    // conflicts (no example in the description): 9 at least.
    let count = decode_spec("openapi-packages.json");
    assert!(count >= 9, "only {count} examples found");
}

#[test]
fn enterprise_server_spec_examples_decode() {
    let count = decode_spec("openapi-packages-ghes.json");
    assert!(count >= 9, "only {count} examples found");
}

#[test]
fn docs_page_examples_decode() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/seed");
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let value: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let (schema, array) = match name.split('_').next().unwrap() {
            "packages" => ("package", true),
            "package" => ("package", false),
            "versions" => ("package-version", true),
            "version" => ("package-version", false),
            other => panic!("{name}: unknown fixture kind {other:?}"),
        };
        decode_as(&name, schema, array, &value);
        count += 1;
    }
    // Five operations with a body, for each of the three families.
    assert_eq!(count, 15);
}

#[test]
fn decoded_fields_are_typed() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/seed");
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).unwrap();
    let version: PackageVersion = serde_json::from_str(&read("version_get_org.json")).unwrap();
    assert_eq!(version.id, 836);
    let metadata = version.metadata.unwrap();
    assert_eq!(metadata.package_type, ghpackages::PackageType::Container);
    assert_eq!(metadata.container.unwrap().tags, ["latest"]);
    assert_eq!(version.created_at.to_rfc3339(), "2020-05-19T22:19:11+00:00");
    let packages: Vec<Package> = serde_json::from_str(&read("packages_list_org.json")).unwrap();
    assert!(!packages.is_empty());
    assert!(packages.iter().all(|package| package.owner.is_some()));
}

#[test]
fn unknown_fields_are_kept_and_missing_required_fields_fail() {
    let mut value: Value = serde_json::from_str(
        &std::fs::read_to_string(
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/seed/package_get_org.json"),
        )
        .unwrap(),
    )
    .unwrap();
    value["brand_new_field"] = serde_json::json!({"x": [1, 2]});
    let package: Package = serde_json::from_value(value.clone()).unwrap();
    assert_eq!(package.extra["brand_new_field"]["x"][1], 2);
    assert_eq!(
        serde_json::to_value(&package).unwrap()["brand_new_field"],
        value["brand_new_field"]
    );
    value.as_object_mut().unwrap().remove("name");
    assert!(serde_json::from_value::<Package>(value).is_err());
}

/// The `properties` and `required` of schema `name` in the api.github.com spec.
fn schema_fields(name: &str) -> (Vec<String>, Vec<String>) {
    let text = std::fs::read_to_string(spec_dir().join("openapi-packages.json")).unwrap();
    let spec: Value = serde_json::from_str(&text).unwrap();
    let schema = &spec["components"]["schemas"][name];
    let properties = schema["properties"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    let required = schema["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|field| field.as_str().unwrap().to_owned())
        .collect();
    (properties, required)
}

/// For every property of schema `name` present in the object at `pointer` of
/// `sample`: without it, `T` decodes exactly when the spec does not require it.
fn check_required<T: DeserializeOwned>(name: &str, sample: &Value, pointer: &str) {
    let (properties, required) = schema_fields(name);
    let mut checked = 0;
    for property in &properties {
        let mut value = sample.clone();
        let object = value.pointer_mut(pointer).unwrap().as_object_mut().unwrap();
        if object.remove(property).is_none() {
            continue;
        }
        let decodes = serde_json::from_value::<T>(value).is_ok();
        let is_required = required.contains(property);
        assert_eq!(
            decodes, !is_required,
            "{name}.{property}: required {is_required}, yet decodes without it: {decodes}"
        );
        checked += 1;
    }
    assert!(
        checked >= required.len(),
        "{name}: only {checked} properties checked"
    );
}

#[test]
fn required_fields_are_required_and_optional_ones_optional() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/seed");
    let read = |file: &str| -> Value {
        serde_json::from_str(&std::fs::read_to_string(dir.join(file)).unwrap()).unwrap()
    };
    let package = read("package_get_user.json");
    check_required::<Package>("package", &package, "");
    check_required::<Package>("nullable-simple-user", &package, "/owner");
    check_required::<Package>("nullable-minimal-repository", &package, "/repository");
    check_required::<Package>("simple-user", &package, "/repository/owner");
    let mut version = read("version_get_org.json");
    version["license"] = json!("MIT");
    version["description"] = json!("a version");
    version["deleted_at"] = json!("2020-05-20T22:19:11Z");
    check_required::<PackageVersion>("package-version", &version, "");
}
