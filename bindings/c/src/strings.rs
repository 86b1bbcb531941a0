//! C strings in and out: borrowed `const char *` arguments, and owned
//! `char *` results freed by the `*_free` functions.

use std::ffi::{CStr, CString};
use std::os::raw::c_char;
use std::ptr;

use sdk::Error;

/// A new C string owned by the caller of the library. Text after an
/// interior NUL (which JSON may carry as `\u0000`) cannot be represented and
/// is cut.
pub(crate) fn to_c(text: &str) -> *mut c_char {
    let text = text.split('\0').next().unwrap_or_default();
    CString::new(text).unwrap_or_default().into_raw()
}

/// [`to_c`], or NULL for `None`.
pub(crate) fn opt_to_c(text: Option<&str>) -> *mut c_char {
    text.map_or(ptr::null_mut(), to_c)
}

/// Frees a string made by [`to_c`]; NULL is ignored.
pub(crate) fn free_string(text: *mut c_char) {
    if !text.is_null() {
        // SAFETY: every non-NULL string handed out comes from `to_c`.
        drop(unsafe { CString::from_raw(text) });
    }
}

/// A required string argument: NULL and invalid UTF-8 are `invalid_input`
/// errors naming `argument`.
///
/// # Safety
/// `text` is NULL or a NUL-terminated string valid for `'a`.
pub(crate) unsafe fn str_arg<'a>(
    text: *const c_char,
    argument: &'static str,
) -> Result<&'a str, Error> {
    opt_str_arg(text, argument)?
        .ok_or_else(|| Error::invalid_input(argument, format!("{argument} must not be NULL")))
}

/// An optional string argument: NULL is `None`; invalid UTF-8 is an
/// `invalid_input` error naming `argument`.
///
/// # Safety
/// `text` is NULL or a NUL-terminated string valid for `'a`.
pub(crate) unsafe fn opt_str_arg<'a>(
    text: *const c_char,
    argument: &'static str,
) -> Result<Option<&'a str>, Error> {
    if text.is_null() {
        return Ok(None);
    }
    CStr::from_ptr(text)
        .to_str()
        .map(Some)
        .map_err(|_| Error::invalid_input(argument, format!("{argument} is not valid UTF-8")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_round_trip_and_interior_nul_cuts() {
        for (text, expected) in [("hello", "hello"), ("", ""), ("a\0b", "a")] {
            let c = to_c(text);
            assert_eq!(unsafe { CStr::from_ptr(c) }.to_str(), Ok(expected));
            free_string(c);
        }
        free_string(ptr::null_mut());
    }

    #[test]
    fn null_and_bad_utf8_arguments_are_invalid_input() {
        let error = unsafe { str_arg(ptr::null(), "name") }.unwrap_err();
        assert_eq!(error.kind(), sdk::ErrorKind::InvalidInput);
        assert_eq!(error.argument(), Some("name"));
        let bad = b"\xff\xfe\0";
        let error = unsafe { opt_str_arg(bad.as_ptr().cast(), "token") }.unwrap_err();
        assert_eq!(error.argument(), Some("token"));
        assert_eq!(unsafe { opt_str_arg(ptr::null(), "token") }.unwrap(), None);
    }
}
