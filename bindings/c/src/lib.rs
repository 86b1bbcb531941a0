//! `libghpackages`: the C ABI over the `ghpackages` core.
//!
//! This crate only converts between C and Rust and maps errors (in
//! [`error`]); every operation is the core's. The header
//! `include/ghpackages.h` is generated from these sources by cbindgen and
//! checked for drift by `tests/header.rs`.
//!
//! Conventions of the whole API:
//! - every function returning `ghpackages_status` catches panics, so none
//!   crosses the boundary, and reports NULL pointers, invalid UTF-8 and
//!   out-of-range numbers as `GHPACKAGES_INVALID_INPUT`;
//! - every object the library allocates has one NULL-safe `*_free` function;
//! - calls block the calling thread while the request runs on one
//!   process-wide tokio runtime.
// C type names (`ghpackages_client`) read naturally in the header.
#![allow(non_camel_case_types)]

mod call;
mod cleanup;
mod client;
mod error;
mod models;
mod operations;
mod runtime;
mod strings;
mod types;

pub use cleanup::*;
pub use client::*;
pub use error::*;
pub use models::*;
pub use operations::*;
pub use runtime::*;
pub use types::*;
