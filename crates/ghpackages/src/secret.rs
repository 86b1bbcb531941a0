//! A string that must never be printed: the API token; and how a path the
//! user gave for a secret's file is named in an error, since the secret
//! itself is sometimes given by mistake in its place.

use std::fmt;
use std::path::Path;

use serde::{Deserialize, Deserializer};

/// A secret value (a token). Its `Debug` and `Display` print `***`, so a
/// secret that ends up in a log line, an error or a panic message reveals
/// nothing; the value is only reachable through [`Secret::expose`].
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps `value`.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret value itself, for the one place that must send it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Secret)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// The prefixes of GitHub's tokens: classic and fine-grained personal access
/// tokens, OAuth, user-to-server, server-to-server (installation) and refresh
/// tokens, and the older `v1.` installation tokens.
const TOKEN_PREFIXES: [&str; 7] = ["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "v1."];

/// Whether `value`, given as a path, looks like a secret given by mistake in
/// its place (`--token-file "$TOKEN"`, `--app-private-key "$(cat key.pem)"`):
/// it holds a line break or a PEM header, is a GitHub token (a known prefix
/// then at least 20 letters, digits, `_` or `-`, so `ghs_token.txt` stays
/// a path), or
/// is longer than any path a file system accepts (a component over 255
/// bytes, or over 4096 bytes in all).
pub fn looks_like_secret(value: &str) -> bool {
    if value.contains('\n') || value.contains('\r') || value.contains("-----BEGIN") {
        return true;
    }
    let token = value.trim();
    let is_token = TOKEN_PREFIXES.iter().any(|prefix| {
        token.strip_prefix(prefix).is_some_and(|rest| {
            rest.len() >= 20
                && rest
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        })
    });
    is_token || value.len() > 4096 || value.split(['/', '\\']).any(|part| part.len() > 255)
}

/// `path`, a path the user gave for the file that holds a `what` (`"token"`,
/// `"private key"`), as an error names it: `the {what} file {path}`, or,
/// when the value looks like the secret itself rather than a path (see
/// [`looks_like_secret`]), words that say so without echoing any of it.
pub fn secret_file_in_error(what: &str, path: &Path) -> String {
    if looks_like_secret(&path.to_string_lossy()) {
        format!(
            "the value given as the {what} file path (not shown) looks like a {what} itself; \
             pass the path of a file that holds it"
        )
    } else {
        format!("the {what} file {}", path.display())
    }
}

/// The message for a `what` file (see [`secret_file_in_error`]) that cannot
/// be read: `cannot read the {what} file {path}: {error}`, or, when the value
/// given looks like the secret itself, a message that says so and shows none
/// of it.
pub fn unreadable_secret_file(what: &str, path: &Path, error: &std::io::Error) -> String {
    if looks_like_secret(&path.to_string_lossy()) {
        secret_file_in_error(what, path)
    } else {
        format!("cannot read the {what} file {}: {error}", path.display())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_hide_the_value() {
        let secret = Secret::new("ghp_supersecret");
        assert_eq!(format!("{secret:?}"), "***");
        assert_eq!(format!("{secret}"), "***");
        assert_eq!(format!("{:?}", Some(secret.clone())), "Some(***)");
        assert_eq!(secret.expose(), "ghp_supersecret");
    }

    #[test]
    fn secrets_given_as_paths_are_recognised_and_never_echoed() {
        let pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEsecret\n-----END RSA PRIVATE KEY-----\n";
        let classic = "ghp_0123456789abcdefghijABCDEFGHIJ012345";
        let fine = "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz";
        let old = "v1.0123456789abcdef0123456789abcdef01234567";
        let long = "x".repeat(300);
        for secret in [pem, classic, fine, old, &format!("{classic}\n"), &long] {
            assert!(looks_like_secret(secret), "{secret}");
            let error = std::io::Error::from(std::io::ErrorKind::NotFound);
            for message in [
                unreadable_secret_file("private key", Path::new(secret), &error),
                secret_file_in_error("token", Path::new(secret)),
            ] {
                assert!(message.contains("looks like a"), "{message}");
                assert!(!message.contains(secret.trim()), "{message}");
                assert!(
                    !message.contains("secret") && !message.contains("0123"),
                    "{message}"
                );
            }
        }
        for path in [
            "key.pem",
            "/run/secrets/ghs_token.txt",
            "ghp_short",
            "./v1.txt",
            &format!("{}/key.pem", "d/".repeat(1000)),
        ] {
            assert!(!looks_like_secret(path), "{path}");
            let error = std::io::Error::from(std::io::ErrorKind::NotFound);
            let message = unreadable_secret_file("token", Path::new(path), &error);
            assert!(message.starts_with(&format!("cannot read the token file {path}: ")));
        }
    }
}
