//! The one place where core errors become JavaScript errors.
//!
//! Each core [`ErrorKind`] maps to a stable `code` string; a kind this binding
//! does not know yet maps to `other`, so the set of codes the TypeScript types
//! promise stays closed. The JavaScript wrapper registers its
//! `GitHubPackagesError` class at load time, so rejections are instances of it.

use std::cell::RefCell;
use std::mem::ManuallyDrop;

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
    let message = error.to_string();
    let details = json!({
        "code": code(error.kind()),
        "status": error.status(),
        "githubMessage": error.github_message(),
        "documentationUrl": error.documentation_url(),
        "requestId": error.request_id(),
        "retryAfterMs": error.retry_after().map(|wait| wait.as_millis() as u64),
        "argument": error.argument(),
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

/// An `invalid_input` error about `argument`, for values that are not even
/// of the right JavaScript type.
pub fn bad_argument(argument: &'static str, problem: impl std::fmt::Display) -> CoreError {
    CoreError::invalid_input(argument, format!("{argument}: {problem}"))
}
