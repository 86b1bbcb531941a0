//! A stream of list items, pulled one at a time from JavaScript. The package's
//! entry point makes it async-iterable (`for await (const item of stream)`).

use std::sync::Arc;

use futures::stream::BoxStream;
use futures::StreamExt;
use napi::bindgen_prelude::PromiseRaw;
use napi::{Env, Result};
use napi_derive::napi;
use serde_json::Value;
use tokio::sync::Mutex;

use crate::promise::{json, spawn};

/// Items of a list, in GitHub's order, fetched page by page as they are read.
#[napi]
pub struct ItemStream {
    items: Arc<Mutex<BoxStream<'static, ghpackages::Result<Value>>>>,
}

impl ItemStream {
    pub fn new<T: serde::Serialize + Send + 'static>(
        items: BoxStream<'static, ghpackages::Result<T>>,
    ) -> Self {
        // The core's streams are fused, so reading on after the end keeps
        // answering `null`.
        let items = items.map(|item| item.and_then(|item| json(&item))).boxed();
        ItemStream {
            items: Arc::new(Mutex::new(items)),
        }
    }

    /// A stream that fails with `error` when first read.
    pub fn failed(error: ghpackages::Error) -> Self {
        ItemStream::new::<Value>(futures::stream::once(async move { Err(error) }).boxed())
    }
}

#[napi]
impl ItemStream {
    /// The next item, or `null` after the last one.
    #[napi(ts_return_type = "Promise<unknown | null>")]
    pub fn next<'env>(&self, env: &'env Env) -> Result<PromiseRaw<'env, Value>> {
        let items = Arc::clone(&self.items);
        spawn(env, async move {
            let mut items = items.lock().await;
            items.next().await.unwrap_or(Ok(Value::Null))
        })
    }
}
