//! Integration tests: client → HTTP → the in-process emulator on loopback.
//!
//! One test binary, so the emulator is linked once.

mod common;
mod errors;
mod headers;
mod logs;
mod operations;
mod pagination;
mod retries;
mod validation;
