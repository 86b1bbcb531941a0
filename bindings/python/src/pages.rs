//! Pages of results, their links, rate-limit snapshots, and the lazy
//! iterators over every item of a list.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use futures::stream::BoxStream;
use futures::StreamExt;
use pyo3::exceptions::PyStopAsyncIteration;
use pyo3::prelude::*;
use pyo3::types::{PyGenericAlias, PyList, PyType};
use tokio::sync::Mutex;

use crate::convert::{repr_opt, repr_str};
use crate::errors::to_py_err;
use crate::models::{Package, PackageVersion};
use crate::runtime;

/// A snapshot of the `X-RateLimit-*` headers of one response.
#[pyclass(frozen, eq, module = "ghpackages")]
#[derive(Clone, PartialEq)]
pub struct RateLimit(pub ghpackages::RateLimit);

#[pymethods]
impl RateLimit {
    /// Requests allowed per window.
    #[getter]
    fn limit(&self) -> u64 {
        self.0.limit
    }

    /// Requests left in the window.
    #[getter]
    fn remaining(&self) -> u64 {
        self.0.remaining
    }

    /// Requests made in the window.
    #[getter]
    fn used(&self) -> u64 {
        self.0.used
    }

    /// When the window resets.
    #[getter]
    fn reset(&self) -> DateTime<Utc> {
        self.0.reset
    }

    /// Which budget the response counted against (`core`, ...).
    #[getter]
    fn resource(&self) -> Option<String> {
        self.0.resource.clone()
    }

    fn __repr__(&self) -> String {
        format!(
            "RateLimit(limit={}, remaining={}, used={}, reset={}, resource={})",
            self.0.limit,
            self.0.remaining,
            self.0.used,
            repr_str(&self.0.reset.to_rfc3339()),
            repr_opt(self.0.resource.as_deref())
        )
    }
}

/// The `Link` relations of a page, as absolute URLs.
#[pyclass(frozen, eq, module = "ghpackages")]
#[derive(Clone, PartialEq)]
pub struct Links(pub ghpackages::Links);

#[pymethods]
impl Links {
    /// `rel="next"`.
    #[getter]
    fn next(&self) -> Option<String> {
        self.0.next.clone()
    }

    /// `rel="prev"`.
    #[getter]
    fn prev(&self) -> Option<String> {
        self.0.prev.clone()
    }

    /// `rel="first"`.
    #[getter]
    fn first(&self) -> Option<String> {
        self.0.first.clone()
    }

    /// `rel="last"`.
    #[getter]
    fn last(&self) -> Option<String> {
        self.0.last.clone()
    }

    fn __repr__(&self) -> String {
        format!(
            "Links(next={}, prev={}, first={}, last={})",
            repr_opt(self.0.next.as_deref()),
            repr_opt(self.0.prev.as_deref()),
            repr_opt(self.0.first.as_deref()),
            repr_opt(self.0.last.as_deref())
        )
    }
}

/// An item of a list: one type for both lists, so pages and iterators are
/// written once. Boxed: the models are large and their sizes differ.
#[derive(Clone)]
pub enum Item {
    Package(Box<ghpackages::Package>),
    Version(Box<ghpackages::PackageVersion>),
}

impl From<ghpackages::Package> for Item {
    fn from(package: ghpackages::Package) -> Self {
        Item::Package(Box::new(package))
    }
}

impl From<ghpackages::PackageVersion> for Item {
    fn from(version: ghpackages::PackageVersion) -> Self {
        Item::Version(Box::new(version))
    }
}

impl<'py> IntoPyObject<'py> for Item {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match self {
            Item::Package(package) => Ok(Bound::new(py, Package(*package))?.into_any()),
            Item::Version(version) => Ok(Bound::new(py, PackageVersion(*version))?.into_any()),
        }
    }
}

/// One page of a list: its items, its links and the rate-limit state.
#[pyclass(frozen, module = "ghpackages")]
pub struct Page {
    items: Vec<Item>,
    links: ghpackages::Links,
    rate_limit: Option<ghpackages::RateLimit>,
}

impl<T: Into<Item>> From<ghpackages::Page<T>> for Page {
    fn from(page: ghpackages::Page<T>) -> Self {
        Page {
            items: page.items.into_iter().map(Into::into).collect(),
            links: page.links,
            rate_limit: page.rate_limit,
        }
    }
}

#[pymethods]
impl Page {
    /// The items of the page, in GitHub's order (a new list each time).
    #[getter]
    fn items<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        PyList::new(py, self.items.iter().cloned())
    }

    /// The `Link` relations of the response.
    #[getter]
    fn links(&self) -> Links {
        Links(self.links.clone())
    }

    /// The rate-limit state reported with the response.
    #[getter]
    fn rate_limit(&self) -> Option<RateLimit> {
        self.rate_limit.clone().map(RateLimit)
    }

    /// `Page[Package]` in annotations.
    #[classmethod]
    fn __class_getitem__<'py>(
        cls: &Bound<'py, PyType>,
        item: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyGenericAlias>> {
        PyGenericAlias::new(cls.py(), cls.as_any(), item)
    }

    fn __len__(&self) -> usize {
        self.items.len()
    }

    fn __iter__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(self.items(py)?.try_iter()?.into_any())
    }

    fn __repr__(&self) -> String {
        format!(
            "Page(items={}, next={}, last={})",
            self.items.len(),
            repr_opt(self.links.next.as_deref()),
            repr_opt(self.links.last.as_deref())
        )
    }
}

/// Every item of a list, fetched as the core's stream fetches it.
pub type ItemStream = BoxStream<'static, ghpackages::Result<Item>>;

/// A stream iterators can share. The core's streams are fused, so Python may
/// ask an exhausted iterator for more.
fn shared(stream: ItemStream) -> Arc<Mutex<ItemStream>> {
    Arc::new(Mutex::new(stream))
}

/// Lazy iterator over every item of a list (`for item in ...`).
#[pyclass(frozen, module = "ghpackages", name = "_ItemIterator")]
pub struct ItemIterator {
    stream: Arc<Mutex<ItemStream>>,
}

impl ItemIterator {
    pub fn new(stream: ItemStream) -> Self {
        ItemIterator {
            stream: shared(stream),
        }
    }
}

#[pymethods]
impl ItemIterator {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__(&self, py: Python<'_>) -> PyResult<Option<Item>> {
        let stream = Arc::clone(&self.stream);
        runtime::wait(py, async move {
            stream
                .lock()
                .await
                .next()
                .await
                .transpose()
                .map_err(to_py_err)
        })
    }
}

/// Lazy asynchronous iterator over every item of a list (`async for item in ...`).
#[pyclass(frozen, module = "ghpackages", name = "_AsyncItemIterator")]
pub struct AsyncItemIterator {
    stream: Arc<Mutex<ItemStream>>,
}

impl AsyncItemIterator {
    pub fn new(stream: ItemStream) -> Self {
        AsyncItemIterator {
            stream: shared(stream),
        }
    }
}

#[pymethods]
impl AsyncItemIterator {
    fn __aiter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __anext__(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let stream = Arc::clone(&self.stream);
        runtime::awaitable(py, async move {
            match stream.lock().await.next().await {
                Some(item) => item.map_err(to_py_err),
                None => Err(PyStopAsyncIteration::new_err(())),
            }
        })
    }
}
