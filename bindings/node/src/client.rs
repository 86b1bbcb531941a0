//! `Client`: the core client, configured from an options object, and the
//! owner handles that reach its operations.

use chrono::SecondsFormat;

use ghpackages::options::{self as core_options, KeyCase};
use ghpackages::{
    Client as CoreClient, ClientBuilder, ClientConfig, Owner as CoreOwner, RateLimit,
};
use napi::bindgen_prelude::Unknown;
use napi::threadsafe_function::ThreadsafeFunctionCallMode;
use napi::{Env, Result};
use napi_derive::napi;
use serde_json::{json, Value};

use crate::args;
use crate::errors;
use crate::owner::Owner;

/// A client of the GitHub Packages API. One client shares one connection pool
/// and one rate-limit state; use it from any number of concurrent calls.
#[napi]
pub struct Client {
    inner: CoreClient,
}

#[napi]
impl Client {
    /// A client configured by `options`. Without `token`, `GITHUB_TOKEN` then
    /// `GH_TOKEN` are read unless `tokenFromEnv` is `false`.
    #[napi(constructor, ts_args_type = "options?: ClientOptions")]
    pub fn new(env: Env, options: Option<Unknown>) -> Result<Self> {
        build(&env, options)
            .map(|inner| Client { inner })
            .map_err(|error| errors::to_js(&env, &error))
    }

    /// The packages of organization `org`.
    #[napi]
    pub fn org(&self, env: Env, #[napi(ts_arg_type = "string")] org: Unknown) -> Result<Owner> {
        self.owner(&env, "org", org, CoreOwner::Org)
    }

    /// The packages of user `username`.
    #[napi]
    pub fn user(
        &self,
        env: Env,
        #[napi(ts_arg_type = "string")] username: Unknown,
    ) -> Result<Owner> {
        self.owner(&env, "username", username, CoreOwner::User)
    }

    /// The packages of the user the token belongs to.
    #[napi]
    pub fn me(&self) -> Owner {
        Owner::new(self.inner.me())
    }

    /// The normalized API base URL.
    #[napi(getter)]
    pub fn base_url(&self) -> String {
        self.inner.base_url().to_owned()
    }

    /// Whether a token is configured.
    #[napi(getter)]
    pub fn has_token(&self) -> bool {
        self.inner.has_token()
    }

    /// The rate-limit state of the last response, or `null` before any.
    #[napi(ts_return_type = "RateLimit | null")]
    pub fn rate_limit(&self) -> Value {
        self.inner
            .rate_limit()
            .as_ref()
            .map_or(Value::Null, rate_limit)
    }

    /// The token's classic scopes as GitHub last reported them, or `null`.
    #[napi]
    pub fn token_scopes(&self) -> Option<Vec<String>> {
        self.inner.token_scopes()
    }

    pub fn core(&self) -> &CoreClient {
        &self.inner
    }

    fn owner(
        &self,
        env: &Env,
        argument: &'static str,
        name: Unknown,
        family: fn(String) -> CoreOwner,
    ) -> Result<Owner> {
        let name = args::string(env, argument, name).map_err(|error| errors::to_js(env, &error))?;
        Ok(Owner::new(self.inner.owner(family(name))))
    }
}

fn build(env: &Env, options: Option<Unknown>) -> ghpackages::Result<CoreClient> {
    let (options, on_rate_limit) = args::split_callback(env, options, "onRateLimit")?;
    let config: ClientConfig = core_options::decode("options", options, KeyCase::Camel, &[])?;
    let mut builder =
        ClientBuilder::from_config(config).insecure_http_setting("allowInsecureHttp: true");
    if let Some(callback) = on_rate_limit {
        builder = builder.on_rate_limit(move |wait| {
            if let Ok(wait) = serde_json::to_value(wait) {
                callback.call(wait, ThreadsafeFunctionCallMode::NonBlocking);
            }
        });
    }
    builder.build()
}

/// A rate-limit snapshot; `reset` as an ISO 8601 string.
pub fn rate_limit(limit: &RateLimit) -> Value {
    json!({
        "limit": limit.limit,
        "remaining": limit.remaining,
        "used": limit.used,
        "reset": limit.reset.to_rfc3339_opts(SecondsFormat::Secs, true),
        "resource": limit.resource,
    })
}
