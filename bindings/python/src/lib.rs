//! Python binding of the ghpackages client: the native module
//! `ghpackages._native`, re-exported by the Python package `ghpackages`.
//!
//! Thin by design: argument conversion, model wrappers and the error mapping
//! (`errors.rs`); every behaviour lives in the core crate.

mod app;
mod cleanup;
mod client;
mod convert;
mod enums;
mod errors;
mod models;
mod owner;
mod pages;
mod runtime;
#[cfg(feature = "testing")]
mod testing;
mod waits;

use pyo3::prelude::*;

#[pymodule]
fn _native(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add("__version__", env!("CARGO_PKG_VERSION"))?;
    errors::register(module)?;
    enums::register(module)?;
    module.add_class::<app::GitHubApp>()?;
    module.add_class::<client::Client>()?;
    module.add_class::<client::AsyncClient>()?;
    module.add_class::<client::RetryPolicy>()?;
    module.add_class::<owner::Owner>()?;
    module.add_class::<owner::AsyncOwner>()?;
    module.add_class::<models::Package>()?;
    module.add_class::<models::PackageVersion>()?;
    module.add_class::<models::PackageVersionMetadata>()?;
    module.add_class::<models::ContainerMetadata>()?;
    module.add_class::<models::DockerMetadata>()?;
    module.add_class::<models::SimpleUser>()?;
    module.add_class::<models::MinimalRepository>()?;
    module.add_class::<pages::Page>()?;
    module.add_class::<pages::Links>()?;
    module.add_class::<pages::RateLimit>()?;
    module.add_class::<pages::ItemIterator>()?;
    module.add_class::<pages::AsyncItemIterator>()?;
    cleanup::register(module)?;
    #[cfg(feature = "testing")]
    testing::register(module)?;
    Ok(())
}
