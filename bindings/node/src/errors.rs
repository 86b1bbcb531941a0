//! The one place where core errors become JavaScript errors.
//!
//! Each core [`ErrorKind`] maps to a stable `code` string; a kind this binding
//! does not know yet maps to `other`, so the set of codes the TypeScript types
//! promise stays closed. The JavaScript wrapper registers its
//! `GitHubPackagesError` class at load time, so rejections are instances of it.
//!
//! The core names the offending argument of an `invalid_input` error as Rust,
//! Python and C spell it (`max_requests`, `installation_id`); Node users pass
//! `maxRequests` and `installationId`, so this file reports the Node name, in
//! `argument` and in the message.

use std::cell::RefCell;
use std::mem::ManuallyDrop;

use ghpackages::options::KeyCase;
use ghpackages::{Error as CoreError, ErrorKind};
use napi::bindgen_prelude::{FnArgs, Function, FunctionRef, Unknown};
use napi::{Env, Error, JsValue, Result};
use napi_derive::napi;
use serde_json::{json, Value};

use crate::client::rate_limit;

type ErrorClass = FunctionRef<FnArgs<(String, Value)>, Unknown<'static>>;

thread_local! {
    // One per JavaScript thread (main thread, each worker). Never dropped:
    // releasing a reference after its environment is gone would crash, and
    // Node-API frees the references of an environment when it tears down.
    static ERROR_CLASS: RefCell<Option<ManuallyDrop<ErrorClass>>> = const { RefCell::new(None) };
}

/// The `code` of errors of `kind`.
pub fn code(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::NotFound => "not_found",
        ErrorKind::Unauthorized => "unauthorized",
        ErrorKind::Forbidden => "forbidden",
        ErrorKind::RateLimited => "rate_limited",
        ErrorKind::Validation => "validation",
        ErrorKind::Conflict => "conflict",
        ErrorKind::InvalidInput => "invalid_input",
        ErrorKind::Server => "server",
        ErrorKind::Transport => "transport",
        ErrorKind::Timeout => "timeout",
        ErrorKind::Decode => "decode",
        _ => "other",
    }
}

/// Every `code` an error can carry, in the core's order of kinds.
#[napi(ts_return_type = "ErrorCode[]")]
pub fn error_codes() -> Vec<&'static str> {
    ErrorKind::ALL.iter().map(|kind| code(*kind)).collect()
}

/// Every package type (`'npm'`, `'maven'`, ...), in GitHub's order.
#[napi(ts_return_type = "PackageType[]")]
pub fn package_types() -> Vec<&'static str> {
    ghpackages::PackageType::ALL
        .iter()
        .map(|package_type| package_type.as_str())
        .collect()
}

/// Makes rejections instances of `errorClass`, constructed as
/// `new errorClass(message, details)`. Called once by the package's entry point.
#[napi(ts_args_type = "errorClass: new (message: string, details: ErrorDetails) => Error")]
pub fn register_error_class(
    error_class: Function<FnArgs<(String, Value)>, Unknown<'static>>,
) -> Result<()> {
    let reference = error_class.create_ref()?;
    ERROR_CLASS.with(|slot| *slot.borrow_mut() = Some(ManuallyDrop::new(reference)));
    Ok(())
}

/// The JavaScript error for `error`, to throw or reject with.
pub fn to_js(env: &Env, error: &CoreError) -> Error {
    let (argument, message) = match error.argument() {
        Some(core) => (
            Some(node_argument(core)),
            node_message(core, &error.to_string()),
        ),
        None => (None, error.to_string()),
    };
    let details = json!({
        "code": code(error.kind()),
        "status": error.status(),
        "githubMessage": error.github_message(),
        "documentationUrl": error.documentation_url(),
        "requestId": error.request_id(),
        "retryAfterMs": error.retry_after().map(|wait| wait.as_millis() as u64),
        "argument": argument,
        "rateLimit": error.rate_limit().map(rate_limit),
    });
    match build(env, message.clone(), details) {
        Ok(value) => Error::from(value),
        Err(_) => Error::new(napi::Status::GenericFailure, message),
    }
}

fn build(env: &Env, message: String, details: Value) -> Result<Unknown<'_>> {
    let registered = ERROR_CLASS.with(|slot| {
        slot.borrow()
            .as_ref()
            .map(|class| class.borrow_back(env))
            .transpose()
    })?;
    if let Some(class) = registered {
        return class.new_instance(FnArgs::from((message, details)));
    }
    let mut object = env.create_error(Error::new(napi::Status::GenericFailure, message))?;
    if let Value::Object(fields) = details {
        for (key, value) in fields {
            object.set(key, value)?;
        }
    }
    object.set("name", "GitHubPackagesError")?;
    Ok(object.to_unknown())
}

/// Core argument names whose Node name is not just their camelCase. Every
/// other name the core gives (`base_url`, `per_page`, `package_name`,
/// `installation_id`, `private_key_path`, `page_concurrency`, `keep_refs_from`,
/// ...) is an option or parameter of the Node API in camelCase. A cleanup
/// policy is the same JSON document in every language and its fields keep
/// their JSON names: its errors are about `policy` and are not renamed.
const NODE_NAMES: &[(&str, &str)] = &[
    // The third parameter of the version methods: `getPackageVersion(packageType, packageName, versionId)`.
    ("package_version_id", "versionId"),
    // Node takes durations in milliseconds, and says so in the option's name.
    ("timeout", "timeoutMs"),
    ("connect_timeout", "connectTimeoutMs"),
];

/// Options the core's messages about an argument name besides the argument
/// itself (`budget`: "max_requests must be at least 1"), renamed with it.
const ALSO_NAMED: &[(&str, &[&str])] = &[
    ("budget", &["max_requests", "wait_for_reset"]),
    ("retry", &["max_attempts"]),
    ("journal", &["journal_file"]),
    ("private_key", &["private_key_path"]),
    ("page", &["per_page"]),
];

/// The Node name of the core's argument `name`: each part of a dotted path
/// (`retry.max_attempts`, from a bad option) spelled as Node spells it.
fn node_argument(name: &str) -> String {
    name.split('.').map(node_name).collect::<Vec<_>>().join(".")
}

fn node_name(name: &str) -> String {
    NODE_NAMES
        .iter()
        .find(|(core, _)| *core == name)
        .map_or_else(
            || KeyCase::Camel.spell(name),
            |(_, node)| (*node).to_owned(),
        )
}

/// `message` with the whole-word mentions of `argument` (each part of a
/// dotted path) and of the options [`ALSO_NAMED`] with it spelled as Node
/// spells them. Text in double quotes is a value the caller gave (a package
/// name, a login), never renamed.
fn node_message(argument: &str, message: &str) -> String {
    let also = ALSO_NAMED
        .iter()
        .find(|(core, _)| *core == argument)
        .map_or(&[][..], |(_, names)| *names);
    let renamed: Vec<&str> = argument.split('.').chain(also.iter().copied()).collect();
    let mut out = String::with_capacity(message.len());
    let mut quoted = false;
    let mut escaped = false;
    let mut rest = message;
    while let Some(c) = rest.chars().next() {
        if !quoted && is_word_char(c) {
            let end = rest.find(|c| !is_word_char(c)).unwrap_or(rest.len());
            let word = &rest[..end];
            if renamed.contains(&word) {
                out.push_str(&node_name(word));
            } else {
                out.push_str(word);
            }
            rest = &rest[end..];
            continue;
        }
        if c == '"' && !escaped {
            quoted = !quoted;
        }
        escaped = quoted && c == '\\' && !escaped;
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// An `invalid_input` error about `argument` (its Node name), for values
/// that are not even of the right JavaScript type.
pub fn bad_argument(argument: &'static str, problem: impl std::fmt::Display) -> CoreError {
    CoreError::invalid_input(argument, format!("{argument}: {problem}"))
}
