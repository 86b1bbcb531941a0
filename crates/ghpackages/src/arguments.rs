//! Checks of arguments, made before any request is sent. Each failure is an
//! `invalid_input` error naming the argument as GitHub's description does
//! (`org`, `username`, `package_name`, `package_version_id`, `page`,
//! `per_page`, `state`, `token`).

use crate::error::{Error, Result};
use crate::owner::Owner;
use crate::types::VersionState;

/// Longest owner login accepted. GitHub's logins have at most 39 characters;
/// managed-user logins add a `_shortcode` suffix, so leave room.
const MAX_OWNER_LEN: usize = 100;
/// Longest package name accepted; the longest registry names (Maven
/// coordinates, container paths) stay well below.
const MAX_PACKAGE_NAME_LEN: usize = 512;
/// GitHub's `per_page` bounds.
const PER_PAGE_MAX: u32 = 100;
/// GitHub's default `per_page`.
pub(crate) const DEFAULT_PER_PAGE: u32 = 30;
/// GitHub answers 400 to list-packages requests reaching past this many items.
pub(crate) const MAX_PACKAGE_WINDOW: u32 = 10_000;

/// The login of an org or user owner: ASCII letters, digits, `-` and `_`.
pub(crate) fn owner(owner: &Owner) -> Result<()> {
    let (argument, name) = match owner {
        Owner::Org(name) => ("org", name),
        Owner::User(name) => ("username", name),
        Owner::AuthenticatedUser => return Ok(()),
    };
    if name.is_empty() {
        return Err(Error::invalid_input(
            argument,
            format!("{argument} is empty"),
        ));
    }
    if name.len() > MAX_OWNER_LEN {
        return Err(Error::invalid_input(
            argument,
            format!("{argument} is longer than {MAX_OWNER_LEN} characters"),
        ));
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(Error::invalid_input(
            argument,
            format!("{argument} {name:?} may contain only letters, digits, '-' and '_'"),
        ));
    }
    Ok(())
}

/// Characters none of the registries GitHub Packages serves (npm, Maven,
/// RubyGems, NuGet, Docker, containers) accepts in a package name; most of
/// them mean something in a URL, so a name holding one is a caller's mistake.
const FORBIDDEN_IN_PACKAGE_NAMES: &str = "\"<>\\#?%{}|^`;,=&$[]";

/// A package name: not empty, ASCII without whitespace, control characters or
/// [`FORBIDDEN_IN_PACKAGE_NAMES`], and no empty or dot-only path segments
/// (which URL normalisation would remove).
pub(crate) fn package_name(name: &str) -> Result<()> {
    const ARGUMENT: &str = "package_name";
    if name.is_empty() {
        return Err(Error::invalid_input(ARGUMENT, "package_name is empty"));
    }
    if name.len() > MAX_PACKAGE_NAME_LEN {
        return Err(Error::invalid_input(
            ARGUMENT,
            format!("package_name is longer than {MAX_PACKAGE_NAME_LEN} bytes"),
        ));
    }
    if name.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Error::invalid_input(
            ARGUMENT,
            format!("package_name {name:?} contains whitespace or control characters"),
        ));
    }
    if let Some(c) = name
        .chars()
        .find(|&c| !c.is_ascii() || FORBIDDEN_IN_PACKAGE_NAMES.contains(c))
    {
        return Err(Error::invalid_input(
            ARGUMENT,
            format!(
                "package_name {name:?} contains {c:?}, which no GitHub Packages registry allows in a name"
            ),
        ));
    }
    if name
        .split('/')
        .any(|segment| segment.is_empty() || segment == "." || segment == "..")
    {
        return Err(Error::invalid_input(
            ARGUMENT,
            format!("package_name {name:?} has an empty, '.' or '..' segment"),
        ));
    }
    Ok(())
}

/// A version id: GitHub's ids are positive 64-bit signed integers.
pub(crate) fn version_id(id: u64) -> Result<()> {
    if id == 0 || id > i64::MAX as u64 {
        return Err(Error::invalid_input(
            "package_version_id",
            format!("package_version_id must be from 1 to {}", i64::MAX),
        ));
    }
    Ok(())
}

/// `page` from 1, `per_page` in 1..=100.
pub(crate) fn paging(page: Option<u32>, per_page: Option<u32>) -> Result<()> {
    if page == Some(0) {
        return Err(Error::invalid_input("page", "page must be 1 or more"));
    }
    if let Some(per_page) = per_page {
        if !(1..=PER_PAGE_MAX).contains(&per_page) {
            return Err(Error::invalid_input(
                "per_page",
                format!("per_page must be between 1 and {PER_PAGE_MAX}, not {per_page}"),
            ));
        }
    }
    Ok(())
}

/// The window limit of the list-packages operations: `per_page * page`
/// (with GitHub's defaults) must not exceed 10000.
pub(crate) fn package_window(page: Option<u32>, per_page: Option<u32>) -> Result<()> {
    let reach = u64::from(page.unwrap_or(1)) * u64::from(per_page.unwrap_or(DEFAULT_PER_PAGE));
    if reach > u64::from(MAX_PACKAGE_WINDOW) {
        return Err(Error::invalid_input(
            "page",
            format!(
                "page * per_page is {reach}; GitHub lists at most the first {MAX_PACKAGE_WINDOW} packages"
            ),
        ));
    }
    Ok(())
}

/// `state` for a version list. GitHub's list of a user's package versions
/// has no `state` parameter and always lists the active versions: `active`
/// is accepted (and not sent), `deleted` is refused rather than silently
/// answered with active versions.
pub(crate) fn version_state(owner: &Owner, state: Option<VersionState>) -> Result<()> {
    if matches!(owner, Owner::User(_)) && state == Some(VersionState::Deleted) {
        return Err(Error::invalid_input(
            "state",
            "GitHub cannot list deleted versions of another user's package (the operation has no state parameter)",
        ));
    }
    Ok(())
}

/// The optional `token` of package restores: when given, not empty.
pub(crate) fn restore_token(token: Option<&str>) -> Result<()> {
    match token {
        Some(token) if token.trim().is_empty() => {
            Err(Error::invalid_input("token", "token is empty"))
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    fn argument_of(result: Result<()>) -> String {
        let error = result.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidInput);
        error.argument().unwrap().to_owned()
    }

    #[test]
    fn owners() {
        assert!(owner(&Owner::org("octo-org")).is_ok());
        assert!(owner(&Owner::user("jane_shortcode")).is_ok());
        assert!(owner(&Owner::AuthenticatedUser).is_ok());
        assert_eq!(argument_of(owner(&Owner::org(""))), "org");
        assert_eq!(argument_of(owner(&Owner::user(""))), "username");
        assert_eq!(argument_of(owner(&Owner::org("a/b"))), "org");
        assert_eq!(argument_of(owner(&Owner::user("a b"))), "username");
        assert_eq!(argument_of(owner(&Owner::org("x".repeat(101)))), "org");
    }

    #[test]
    fn package_names() {
        for good in [
            "hello",
            "octo-org/hello_docker",
            "@octo/pkg",
            "com.example:lib",
            "a.b",
        ] {
            assert!(package_name(good).is_ok(), "{good}");
        }
        for bad in [
            "", " x", "x\n", "a b", ".", "..", "a/../b", "/a", "a/", "a//b", "a\"b", "a%00",
            "a?b=c", "a#b", "<script>", "a\\b", "ünï", "a;b",
        ] {
            assert_eq!(argument_of(package_name(bad)), "package_name", "{bad:?}");
        }
        assert_eq!(argument_of(package_name(&"x".repeat(513))), "package_name");
    }

    #[test]
    fn versions_and_paging() {
        assert!(version_id(1).is_ok());
        assert_eq!(argument_of(version_id(0)), "package_version_id");
        assert!(version_id(i64::MAX as u64).is_ok());
        assert_eq!(
            argument_of(version_id(i64::MAX as u64 + 1)),
            "package_version_id"
        );
        assert!(paging(None, None).is_ok());
        assert!(paging(Some(1), Some(1)).is_ok());
        assert!(paging(Some(500), Some(100)).is_ok());
        assert_eq!(argument_of(paging(Some(0), None)), "page");
        assert_eq!(argument_of(paging(None, Some(0))), "per_page");
        assert_eq!(argument_of(paging(None, Some(101))), "per_page");
    }

    #[test]
    fn package_window_limit() {
        assert!(package_window(Some(100), Some(100)).is_ok());
        assert!(package_window(Some(333), None).is_ok());
        assert_eq!(argument_of(package_window(Some(101), Some(100))), "page");
        assert_eq!(argument_of(package_window(Some(334), None)), "page");
        assert!(package_window(Some(u32::MAX), Some(100)).is_err());
    }

    #[test]
    fn states_and_tokens() {
        let user = Owner::user("octocat");
        assert!(version_state(&user, None).is_ok());
        assert!(version_state(&user, Some(VersionState::Active)).is_ok());
        assert_eq!(
            argument_of(version_state(&user, Some(VersionState::Deleted))),
            "state"
        );
        assert!(version_state(&Owner::org("o"), Some(VersionState::Deleted)).is_ok());
        assert!(version_state(&Owner::AuthenticatedUser, Some(VersionState::Deleted)).is_ok());
        assert!(restore_token(None).is_ok());
        assert!(restore_token(Some("t")).is_ok());
        assert_eq!(argument_of(restore_token(Some(" "))), "token");
    }
}
