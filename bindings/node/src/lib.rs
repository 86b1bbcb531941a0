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
