//! Running a core future as a JavaScript Promise.

use std::future::Future;

use napi::bindgen_prelude::{Function, JsObjectValue, Object, PromiseRaw, ToNapiValue, Unknown};
use napi::{sys, Env, JsValue, Result};
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

/// JSON text, which JavaScript receives as the value `JSON.parse` makes of
/// it. For lists of thousands of items V8's parser builds the objects several
/// times faster than converting a `serde_json::Value` property by property,
/// and the text is written on the runtime's thread, off the JavaScript one.
pub struct JsonText(String);

impl ToNapiValue for JsonText {
    unsafe fn to_napi_value(env: sys::napi_env, text: Self) -> Result<sys::napi_value> {
        let env = Env::from_raw(env);
        let json: Object = env.get_global()?.get_named_property_unchecked("JSON")?;
        let parse: Function<String, Unknown> = json.get_named_property_unchecked("parse")?;
        Ok(parse.call(text.0)?.raw())
    }
}

/// `value` as [`JsonText`]: the same shape as [`json`].
pub fn json_text<T: Serialize>(value: &T) -> ghpackages::Result<JsonText> {
    serde_json::to_string(value)
        .map(JsonText)
        .map_err(|error| ghpackages::Error::new(ghpackages::ErrorKind::Decode, error.to_string()))
}
