//! Arguments from JavaScript: each is deserialized into the type the core
//! takes, and a value of the wrong shape becomes an `invalid_input` error
//! naming the argument, before anything is sent.

use std::str::FromStr;
use std::time::Duration;

use ghpackages::{
    ListPackagesOptions, ListVersionsOptions, PackageType, RetryPolicy, VersionState, Visibility,
};
use napi::bindgen_prelude::Unknown;
use napi::{Env, ValueType};
use serde::de::DeserializeOwned;
use serde::Deserialize;

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

/// An optional options object: `undefined` and `null` mean the defaults.
pub fn options<T: DeserializeOwned + Default>(
    env: &Env,
    argument: &'static str,
    value: Option<Unknown>,
) -> Result<T> {
    match value {
        Some(value) if !matches!(value.get_type(), Ok(ValueType::Undefined | ValueType::Null)) => {
            parse(env, argument, value)
        }
        _ => Ok(T::default()),
    }
}

/// A package type name (`npm`, `container`, ...), checked by the core.
pub fn package_type(env: &Env, value: Unknown) -> Result<PackageType> {
    let name: String = parse(env, "package_type", value)?;
    PackageType::from_str(&name)
}

/// A string argument.
pub fn string(env: &Env, argument: &'static str, value: Unknown) -> Result<String> {
    parse(env, argument, value)
}

/// A package version id: a non-negative integer, as a number (up to
/// `Number.MAX_SAFE_INTEGER`, beyond which numbers are not exact) or a BigInt.
pub fn version_id(env: &Env, value: Unknown) -> Result<u64> {
    const ARGUMENT: &str = "package_version_id";
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

/// `{ token? }` of the restore operations.
#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RestoreOptions {
    pub token: Option<String>,
}

/// Options of `listPackages` and `packages`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PackagesQuery {
    package_type: String,
    visibility: Option<String>,
    page: Option<u32>,
    per_page: Option<u32>,
}

impl PackagesQuery {
    pub fn into_core(self) -> Result<ListPackagesOptions> {
        Ok(ListPackagesOptions {
            package_type: PackageType::from_str(&self.package_type)?,
            visibility: self
                .visibility
                .as_deref()
                .map(Visibility::from_str)
                .transpose()?,
            page: self.page,
            per_page: self.per_page,
        })
    }
}

/// Options of `listPackageVersions` and `packageVersions`.
#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VersionsQuery {
    state: Option<String>,
    page: Option<u32>,
    per_page: Option<u32>,
}

impl VersionsQuery {
    pub fn into_core(self) -> Result<ListVersionsOptions> {
        Ok(ListVersionsOptions {
            state: self
                .state
                .as_deref()
                .map(VersionState::from_str)
                .transpose()?,
            page: self.page,
            per_page: self.per_page,
        })
    }
}

/// Options of `new Client(...)`; durations in milliseconds.
#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ClientOptions {
    pub token: Option<String>,
    pub token_from_env: Option<bool>,
    pub base_url: Option<String>,
    pub api_version: Option<String>,
    pub user_agent: Option<String>,
    pub connect_timeout_ms: Option<u64>,
    pub timeout_ms: Option<u64>,
    pub retry: Option<RetryOptions>,
    pub page_concurrency: Option<usize>,
    pub allow_insecure_http: Option<bool>,
}

/// The retry policy; unset fields keep the core's defaults.
#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RetryOptions {
    max_attempts: Option<u32>,
    initial_backoff_ms: Option<u64>,
    max_backoff_ms: Option<u64>,
    max_total_wait_ms: Option<u64>,
}

impl RetryOptions {
    pub fn into_core(self) -> RetryPolicy {
        let defaults = RetryPolicy::default();
        RetryPolicy {
            max_attempts: self.max_attempts.unwrap_or(defaults.max_attempts),
            initial_backoff: self
                .initial_backoff_ms
                .map_or(defaults.initial_backoff, Duration::from_millis),
            max_backoff: self
                .max_backoff_ms
                .map_or(defaults.max_backoff, Duration::from_millis),
            max_total_wait: self
                .max_total_wait_ms
                .map_or(defaults.max_total_wait, Duration::from_millis),
        }
    }
}
