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

#[cfg(test)]
mod tests {
    use std::ffi::CStr;

    use super::*;
    use crate::error::ghpackages_error_free;
    use crate::error::ghpackages_status::*;

    #[test]
    fn a_panic_becomes_the_internal_code() {
        let mut error = ptr::null_mut();
        let code = unsafe { call(&mut error, || panic!("boom")) };
        assert_eq!(code, GHPACKAGES_INTERNAL);
        let report = unsafe { &*error };
        assert_eq!(report.code, GHPACKAGES_INTERNAL);
        let message = unsafe { CStr::from_ptr(report.message) }.to_str().unwrap();
        assert!(message.contains("boom"), "{message}");
        unsafe { ghpackages_error_free(error) };
    }

    #[test]
    fn errors_without_an_error_pointer_still_return_their_code() {
        let code = unsafe { call(ptr::null_mut(), || Err(Error::invalid_input("name", "bad"))) };
        assert_eq!(code, GHPACKAGES_INVALID_INPUT);
        let code = unsafe { call(ptr::null_mut(), || Ok(())) };
        assert_eq!(code, GHPACKAGES_OK);
    }

    #[test]
    fn out_slots_are_cleared_and_null_ones_refused() {
        let mut value = 7;
        let mut out: *mut i32 = &mut value;
        let slot = unsafe { out_slot(&mut out, "out") }.unwrap();
        assert!(slot.is_null());
        let error = unsafe { out_slot::<i32>(ptr::null_mut(), "out") }.unwrap_err();
        assert_eq!(error.argument(), Some("out"));
    }
}
