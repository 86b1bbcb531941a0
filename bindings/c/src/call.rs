//! The boundary every entry point goes through: no panic crosses it, and
//! every failure becomes a status code plus an optional error object.

use std::panic::{self, AssertUnwindSafe};
use std::ptr;

use sdk::Error;

use crate::error::{ghpackages_error, ghpackages_status};

/// Runs `body`, catching panics, and reports its outcome: the returned code,
/// and on failure an error object in `*error` when `error` is not NULL.
///
/// # Safety
/// `error` is NULL or valid for writing one pointer.
pub(crate) unsafe fn call(
    error: *mut *mut ghpackages_error,
    body: impl FnOnce() -> Result<(), Error>,
) -> ghpackages_status {
    if !error.is_null() {
        *error = ptr::null_mut();
    }
    let failure = match panic::catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => return ghpackages_status::GHPACKAGES_OK,
        Ok(Err(failure)) => ghpackages_error::from_sdk(&failure),
        Err(payload) => ghpackages_error::from_panic(payload.as_ref()),
    };
    let code = failure.code;
    if !error.is_null() {
        *error = Box::into_raw(Box::new(failure));
    }
    code
}

/// Checks an out-pointer and clears what it points to, so that `*out` is
/// NULL whenever the call fails.
///
/// # Safety
/// `out` is NULL or valid for writing one pointer.
pub(crate) unsafe fn out_slot<'a, T>(
    out: *mut *mut T,
    argument: &'static str,
) -> Result<&'a mut *mut T, Error> {
    if out.is_null() {
        return Err(Error::invalid_input(
            argument,
            format!("{argument} must not be NULL"),
        ));
    }
    *out = ptr::null_mut();
    Ok(&mut *out)
}

/// Hands a result to C: `*slot` owns it afterwards.
pub(crate) fn give<T>(slot: &mut *mut T, value: T) {
    *slot = Box::into_raw(Box::new(value));
}

/// A required pointer argument, borrowed.
///
/// # Safety
/// `pointer` is NULL or valid for reading a `T` for `'a`.
pub(crate) unsafe fn arg<'a, T>(pointer: *const T, argument: &'static str) -> Result<&'a T, Error> {
    pointer
        .as_ref()
        .ok_or_else(|| Error::invalid_input(argument, format!("{argument} must not be NULL")))
}
