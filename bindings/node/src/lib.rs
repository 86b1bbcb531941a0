//! Node.js binding of the `ghpackages` client: conversion between JavaScript
//! values and the core's types, and error mapping. The npm package in `node/`
//! wraps this module; its entry point is the public API.
#![deny(clippy::all)]

pub mod args;
pub mod cleanup;
pub mod client;
pub mod errors;
pub mod owner;
pub mod promise;
pub mod stream;

/// The emulator's addon compiled into this one: a build for measuring the
/// size of a single addon with the emulator inside (the `testing` feature,
/// used by scripts/measure-kit-size only). The shipped addon is built without
/// it; the emulator ships as the addon of `ghpackages-testing`.
#[cfg(feature = "testing")]
#[path = "../../node-testing/src/lib.rs"]
mod testing;
