//! Arguments from JavaScript: each is deserialized into the type the core
//! takes, and a value of the wrong shape becomes an `invalid_input` error
//! naming the argument, before anything is sent.

use std::str::FromStr;

use ghpackages::options::{self as core_options, KeyCase};
use ghpackages::PackageType;
use napi::bindgen_prelude::{Function, JsObjectValue, Object, Unknown};
use napi::threadsafe_function::ThreadsafeFunction;
use napi::{Env, ValueType};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::errors::bad_argument;

type Result<T> = ghpackages::Result<T>;

/// `value` as a `T`, or an `invalid_input` error about `argument`.
pub fn parse<T: DeserializeOwned>(env: &Env, argument: &'static str, value: Unknown) -> Result<T> {
    if matches!(
        value.get_type(),
        Ok(ValueType::Function | ValueType::Symbol)
    ) {
        return Err(bad_argument(argument, "expected a plain value"));
    }
    env.from_js_value(value)
        .map_err(|error| bad_argument(argument, error.reason))
}

/// An optional options object (`undefined` and `null` mean the defaults),
/// its camelCase keys mapped onto the core type `T` by the core. `fixed` are
/// the fields the call takes positionally.
pub fn options<T: DeserializeOwned>(
    env: &Env,
    argument: &'static str,
    value: Option<Unknown>,
    fixed: &[(&str, Value)],
) -> Result<T> {
    let value = options_json(env, argument, value)?;
    core_options::decode(argument, value, KeyCase::Camel, fixed)
}

/// An optional options object as JSON, for the core to decode; `undefined`
/// and `null` are `None`.
pub fn options_json(
    env: &Env,
    argument: &'static str,
    value: Option<Unknown>,
) -> Result<Option<Value>> {
    match value {
        Some(value) if !matches!(value.get_type(), Ok(ValueType::Undefined | ValueType::Null)) => {
            parse::<Value>(env, argument, value).map(Some)
        }
        _ => Ok(None),
    }
}

/// A package type name (`npm`, `container`, ...), checked by the core.
pub fn package_type(env: &Env, value: Unknown) -> Result<PackageType> {
    let name: String = parse(env, "packageType", value)?;
    PackageType::from_str(&name)
}

/// A string argument.
pub fn string(env: &Env, argument: &'static str, value: Unknown) -> Result<String> {
    parse(env, argument, value)
}

/// A package version id: a non-negative integer, as a number (up to
/// `Number.MAX_SAFE_INTEGER`, beyond which numbers are not exact) or a BigInt.
pub fn version_id(env: &Env, value: Unknown) -> Result<u64> {
    const ARGUMENT: &str = "versionId";
    const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;
    if matches!(value.get_type(), Ok(ValueType::Number)) {
        let number: f64 = parse(env, ARGUMENT, value)?;
        if number.fract() != 0.0 || !(0.0..=MAX_SAFE_INTEGER).contains(&number) {
            return Err(bad_argument(
                ARGUMENT,
                format!("expected a non-negative safe integer, got {number}"),
            ));
        }
        return Ok(number as u64);
    }
    parse(env, ARGUMENT, value)
}

/// A JavaScript callback called with JSON from the runtime's threads; weak,
/// so that holding one does not keep the process alive.
pub type Callback = ThreadsafeFunction<Value, (), Value, napi::Status, false, true>;

/// An options object without its function `name` (`onRateLimit`,
/// `onProgress`), which is no setting the core decodes, and that function
/// made callable from the runtime's threads. Anything but a function there
/// is an `invalid_input` error.
pub fn split_callback(
    env: &Env,
    options: Option<Unknown>,
    name: &'static str,
) -> Result<(Option<Value>, Option<Callback>)> {
    let Some(options) = options else {
        return Ok((None, None));
    };
    if matches!(
        options.get_type(),
        Ok(ValueType::Undefined | ValueType::Null)
    ) {
        return Ok((None, None));
    }
    if !matches!(options.get_type(), Ok(ValueType::Object)) {
        return Ok((Some(parse(env, "options", options)?), None));
    }
    let napi_failed = |error: napi::Error| bad_argument("options", error.reason);
    // SAFETY: the value was just checked to be an object.
    let object: Object = unsafe { options.cast() }.map_err(napi_failed)?;
    let mut settings = Map::new();
    let mut callback = None;
    let names = object.get_property_names().map_err(napi_failed)?;
    for index in 0..names.get_array_length().map_err(napi_failed)? {
        let key: String = names.get_element(index).map_err(napi_failed)?;
        let value: Unknown = object
            .get_named_property_unchecked(&key)
            .map_err(napi_failed)?;
        match (key == name, value.get_type()) {
            (_, Ok(ValueType::Undefined)) => {}
            (true, Ok(ValueType::Function)) => {
                // SAFETY: the value was just checked to be a function.
                let function: Function<Value, ()> = unsafe { value.cast() }.map_err(napi_failed)?;
                let built = function
                    .build_threadsafe_function::<Value>()
                    .callee_handled::<false>()
                    .weak::<true>()
                    .build()
                    .map_err(napi_failed)?;
                callback = Some(built);
            }
            (true, _) => {
                return Err(bad_argument(
                    "options",
                    format!("{name} must be a function"),
                ));
            }
            (false, _) => {
                settings.insert(key, parse(env, "options", value)?);
            }
        }
    }
    Ok((Some(Value::Object(settings)), callback))
}
