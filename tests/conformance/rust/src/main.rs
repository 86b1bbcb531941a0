//! Conformance runner for Rust: reads one request per line (JSON) on stdin,
//! makes the call through the `ghpackages` crate's public API, and writes
//! the outcome in the suite's normalized shape on stdout (see `run.py`).

use std::io::{BufRead, Write};
use std::time::Duration;

use futures::TryStreamExt;
use ghpackages::cleanup::{self, Policy};
use ghpackages::options::{self, KeyCase};
use ghpackages::{
    Client, Error, ListPackagesOptions, ListVersionsOptions, OwnerHandle, PackageType, Page,
    RetryPolicy,
};
use serde_json::{json, Value};

fn client(request: &Value) -> ghpackages::Result<Client> {
    let settings = &request["client"];
    let mut builder = Client::builder()
        .base_url(request["base_url"].as_str().unwrap_or_default())
        .token(request["token"].as_str().unwrap_or_default())
        .token_from_env(false);
    if let Some(attempts) = settings["retry"]["max_attempts"].as_u64() {
        builder = builder.retry(RetryPolicy {
            max_attempts: attempts as u32,
            ..RetryPolicy::default()
        });
    }
    if let Some(ms) = settings["timeout_ms"].as_u64() {
        builder = builder.timeout(Duration::from_millis(ms));
    }
    builder.build()
}

fn owner(client: &Client, spec: &Value) -> OwnerHandle {
    if let Some(org) = spec["org"].as_str() {
        client.org(org)
    } else if let Some(user) = spec["user"].as_str() {
        client.user(user)
    } else {
        client.me()
    }
}

fn ids<T>(items: &[T], id: impl Fn(&T) -> u64) -> Value {
    json!({ "ids": items.iter().map(id).collect::<Vec<_>>() })
}

fn page<T>(page: &Page<T>, id: impl Fn(&T) -> u64) -> Value {
    let links = &page.links;
    json!({
        "ids": page.items.iter().map(id).collect::<Vec<_>>(),
        "links": { "next": links.next, "prev": links.prev, "first": links.first, "last": links.last },
    })
}

async fn call(request: &Value) -> ghpackages::Result<Value> {
    let spec = &request["call"];
    let handle = owner(&client(request)?, &spec["owner"]);
    let op = spec["op"].as_str().unwrap_or_default();
    let args = &spec["args"];
    let name = args["package_name"].as_str().unwrap_or_default();
    let kind = || -> ghpackages::Result<PackageType> {
        args["package_type"].as_str().unwrap_or_default().parse()
    };
    let version_id = || args["version_id"].as_u64().unwrap_or_default();
    let options = || spec.get("options").cloned();
    let packages = || -> ghpackages::Result<ListPackagesOptions> {
        let fixed = [("package_type", args["package_type"].clone())];
        options::decode("options", options(), KeyCase::Snake, &fixed)
    };
    let versions = || -> ghpackages::Result<ListVersionsOptions> {
        options::decode("options", options(), KeyCase::Snake, &[])
    };
    let package_id = |p: &ghpackages::Package| p.id;
    let version = |v: &ghpackages::PackageVersion| v.id;
    Ok(match op {
        "list_packages" => page(&handle.list_packages(&packages()?).await?, package_id),
        "list_all_packages" => ids(&handle.list_all_packages(&packages()?).await?, package_id),
        "stream_packages" => {
            let all: Vec<_> = handle.stream_packages(&packages()?).try_collect().await?;
            ids(&all, package_id)
        }
        "get_package" => {
            let found = handle.get_package(kind()?, name).await?;
            json!({ "id": found.id, "name": found.name })
        }
        "delete_package" => {
            handle.delete_package(kind()?, name).await?;
            Value::Null
        }
        "restore_package" => {
            handle
                .restore_package(kind()?, name, args["token"].as_str())
                .await?;
            Value::Null
        }
        "list_package_versions" => page(
            &handle
                .list_package_versions(kind()?, name, &versions()?)
                .await?,
            version,
        ),
        "list_all_package_versions" => ids(
            &handle
                .list_all_package_versions(kind()?, name, &versions()?)
                .await?,
            version,
        ),
        "stream_package_versions" => {
            let all: Vec<_> = handle
                .stream_package_versions(kind()?, name, &versions()?)
                .try_collect()
                .await?;
            ids(&all, version)
        }
        "get_package_version" => {
            let found = handle
                .get_package_version(kind()?, name, version_id())
                .await?;
            json!({ "id": found.id, "name": found.name })
        }
        "delete_package_version" => {
            handle
                .delete_package_version(kind()?, name, version_id())
                .await?;
            Value::Null
        }
        "restore_package_version" => {
            handle
                .restore_package_version(kind()?, name, version_id())
                .await?;
            Value::Null
        }
        "list_docker_migration_conflicts" => {
            ids(&handle.list_docker_migration_conflicts().await?, package_id)
        }
        "plan_cleanup" => {
            let policy = Policy::from_json(&args["policy"].to_string())?;
            let plan = cleanup::plan_package(
                handle.client(),
                handle.owner(),
                kind()?,
                name,
                &policy,
                &cleanup::decode_plan_options(
                    handle.client(),
                    "options",
                    options(),
                    KeyCase::Snake,
                )?,
            )
            .await?;
            json!({ "delete": plan.deletions().map(|d| d.version_id).collect::<Vec<_>>() })
        }
        other => panic!("unknown operation {other}"),
    })
}

fn outcome(result: ghpackages::Result<Value>) -> Value {
    match result {
        Ok(value) => json!({ "ok": value }),
        Err(error) => error_json(&error),
    }
}

fn error_json(error: &Error) -> Value {
    json!({ "error": {
        "kind": error.kind().name(),
        "status": error.status(),
        "argument": error.argument(),
        "github_message": error.github_message(),
    }})
}

#[tokio::main]
async fn main() {
    let stdin = std::io::stdin();
    let mut stdout = std::io::stdout();
    for line in stdin.lock().lines() {
        let line = line.expect("stdin is readable");
        let request: Value = serde_json::from_str(&line).expect("a request is JSON");
        let answer = outcome(call(&request).await);
        writeln!(stdout, "{answer}").expect("stdout is writable");
        stdout.flush().expect("stdout is writable");
    }
}
