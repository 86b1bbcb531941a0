//! Running a core future as a JavaScript Promise.

use std::future::Future;

use napi::bindgen_prelude::{PromiseRaw, ToNapiValue};
use napi::{Env, Result};
use serde::Serialize;
use serde_json::Value;

use crate::errors;

/// A Promise settled by `future`: resolved with its value, or rejected with
/// the mapped error. Argument errors found before the call travel through the
/// future too, so bad input rejects rather than throws.
pub fn spawn<'env, T, F>(env: &'env Env, future: F) -> Result<PromiseRaw<'env, T>>
where
    T: ToNapiValue + Send + 'static,
    F: Future<Output = ghpackages::Result<T>> + Send + 'static,
{
    env.spawn_future_with_callback(async move { Ok(future.await) }, |env, outcome| {
        outcome.map_err(|error| errors::to_js(env, &error))
    })
}

/// `value` as JSON, the shape JavaScript receives: GitHub's field names,
/// timestamps as ISO 8601 strings, unknown fields kept.
pub fn json<T: Serialize>(value: &T) -> ghpackages::Result<Value> {
    serde_json::to_value(value)
        .map_err(|error| ghpackages::Error::new(ghpackages::ErrorKind::Decode, error.to_string()))
}
