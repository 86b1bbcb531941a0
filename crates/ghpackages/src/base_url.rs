//! Normalisation of the API base URL.
//!
//! The rule, in order:
//! 1. Surrounding whitespace is ignored; a URL without a scheme gets `https://`.
//! 2. Only `http` and `https` are accepted; user info, query and fragment are
//!    rejected (they would end up in logs and error messages).
//! 3. `github.com` and `www.github.com` mean `https://api.github.com`.
//! 4. Trailing slashes are removed.
//! 5. A URL with an empty path whose host is neither `api.github.com` nor a
//!    loopback host (`localhost`, `127.0.0.0/8`, `::1`) is a
//!    GitHub Enterprise Server, whose API lives under `/api/v3`, so that path is
//!    appended. Loopback hosts are taken as given: local emulators and proxies
//!    serve the API at the root (the project's emulator serves both `/` and
//!    `/api/v3`, so `http://127.0.0.1:PORT/api/v3` is kept as given too).

use std::net::IpAddr;

use url::{Host, Position, Url};

use crate::error::{Error, Result};

const ARGUMENT: &str = "base_url";

/// A normalised base URL.
#[derive(Debug, Clone)]
pub(crate) struct BaseUrl {
    /// The URL as a string without a trailing slash.
    text: String,
    /// The parsed URL, to compare origins with.
    url: Url,
    loopback: bool,
}

impl BaseUrl {
    /// Normalises `input` by the rule in the module docs.
    pub(crate) fn parse(input: &str) -> Result<BaseUrl> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(Error::invalid_input(ARGUMENT, "base_url is empty"));
        }
        let with_scheme = if trimmed.contains("://") {
            trimmed.to_owned()
        } else {
            format!("https://{trimmed}")
        };
        let url = Url::parse(&with_scheme).map_err(|error| {
            Error::invalid_input(ARGUMENT, format!("base_url is not a valid URL: {error}"))
        })?;
        if url.scheme() != "http" && url.scheme() != "https" {
            return Err(Error::invalid_input(
                ARGUMENT,
                format!("base_url must use http or https, not {:?}", url.scheme()),
            ));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(Error::invalid_input(
                ARGUMENT,
                "base_url must not contain credentials; pass the token separately",
            ));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(Error::invalid_input(
                ARGUMENT,
                "base_url must not contain a query or a fragment",
            ));
        }
        let host = match url.host() {
            Some(host) => host,
            None => return Err(Error::invalid_input(ARGUMENT, "base_url has no host")),
        };
        let loopback = is_loopback(&host);
        let host_text = host.to_string().to_ascii_lowercase();
        let path = url.path().trim_end_matches('/');
        if path.is_empty() && (host_text == "github.com" || host_text == "www.github.com") {
            return BaseUrl::parse(crate::config::DEFAULT_BASE_URL);
        }
        let path = if path.is_empty() && host_text != "api.github.com" && !loopback {
            "/api/v3"
        } else {
            path
        };
        let text = format!("{}{}", &url[..Position::BeforePath], path);
        let url = Url::parse(&text).map_err(|error| {
            Error::invalid_input(ARGUMENT, format!("base_url is not a valid URL: {error}"))
        })?;
        Ok(BaseUrl {
            text,
            url,
            loopback,
        })
    }

    /// The normalised URL, without a trailing slash.
    pub(crate) fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether the URL is plain `http://` to a host other than loopback,
    /// where a token could be read on the way.
    pub(crate) fn is_insecure_remote(&self) -> bool {
        self.url.scheme() == "http" && !self.loopback
    }

    /// The host (and port), for messages.
    pub(crate) fn authority(&self) -> &str {
        self.url.authority()
    }

    /// The absolute URL of an API path (`path` starts with `/` and is already
    /// percent-encoded).
    pub(crate) fn join(&self, path: &str) -> Result<Url> {
        Url::parse(&format!("{}{}", self.text, path))
            .map_err(|error| Error::invalid_input("path", format!("invalid request path: {error}")))
    }

    /// Whether `url` is on the same scheme, host and port, so that a link the
    /// server sent may be followed with the token.
    pub(crate) fn same_origin(&self, url: &Url) -> bool {
        self.url.origin() == url.origin()
    }
}

pub(crate) fn is_loopback(host: &Host<&str>) -> bool {
    match host {
        Host::Domain(name) => {
            let name = name.to_ascii_lowercase();
            // Only the name itself: `*.localhost` goes wherever DNS
            // resolves it, which need not be this host.
            name == "localhost"
        }
        Host::Ipv4(address) => IpAddr::V4(*address).is_loopback(),
        Host::Ipv6(address) => IpAddr::V6(*address).is_loopback(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    fn normalised(input: &str) -> String {
        BaseUrl::parse(input).unwrap().as_str().to_owned()
    }

    #[test]
    fn github_dot_com_forms() {
        assert_eq!(
            normalised("https://api.github.com"),
            "https://api.github.com"
        );
        assert_eq!(
            normalised("https://api.github.com/"),
            "https://api.github.com"
        );
        assert_eq!(normalised("api.github.com"), "https://api.github.com");
        assert_eq!(normalised("https://github.com"), "https://api.github.com");
        assert_eq!(
            normalised("https://www.github.com/"),
            "https://api.github.com"
        );
        assert_eq!(
            normalised("  https://API.GITHUB.COM//  "),
            "https://api.github.com"
        );
    }

    #[test]
    fn enterprise_server_forms() {
        assert_eq!(
            normalised("https://ghes.example.com/api/v3"),
            "https://ghes.example.com/api/v3"
        );
        assert_eq!(
            normalised("https://ghes.example.com/api/v3///"),
            "https://ghes.example.com/api/v3"
        );
        assert_eq!(
            normalised("https://ghes.example.com"),
            "https://ghes.example.com/api/v3"
        );
        assert_eq!(
            normalised("https://ghes.example.com:8443/"),
            "https://ghes.example.com:8443/api/v3"
        );
        assert_eq!(
            normalised("ghes.example.com"),
            "https://ghes.example.com/api/v3"
        );
        assert_eq!(
            normalised("https://proxy.example.com/github"),
            "https://proxy.example.com/github"
        );
    }

    #[test]
    fn loopback_is_used_as_given() {
        assert_eq!(normalised("http://127.0.0.1:4000"), "http://127.0.0.1:4000");
        assert_eq!(
            normalised("http://127.0.0.1:4000/"),
            "http://127.0.0.1:4000"
        );
        assert_eq!(
            normalised("http://127.0.0.1:4000/api/v3/"),
            "http://127.0.0.1:4000/api/v3"
        );
        assert_eq!(normalised("http://localhost:8080"), "http://localhost:8080");
        assert_eq!(normalised("http://[::1]:8080"), "http://[::1]:8080");
        assert_eq!(normalised("http://127.1.2.3"), "http://127.1.2.3");
    }

    #[test]
    fn insecure_remote_detection() {
        assert!(BaseUrl::parse("http://ghes.example.com")
            .unwrap()
            .is_insecure_remote());
        assert!(BaseUrl::parse("http://10.0.0.1")
            .unwrap()
            .is_insecure_remote());
        assert!(!BaseUrl::parse("http://127.0.0.1:1")
            .unwrap()
            .is_insecure_remote());
        assert!(!BaseUrl::parse("http://localhost")
            .unwrap()
            .is_insecure_remote());
        assert!(!BaseUrl::parse("http://LocalHost:8080")
            .unwrap()
            .is_insecure_remote());
        // Subdomains of localhost resolve through DNS, wherever it says.
        for remote in [
            "http://evil.localhost:9",
            "http://a.b.localhost",
            "http://localhost.example.com",
        ] {
            assert!(
                BaseUrl::parse(remote).unwrap().is_insecure_remote(),
                "{remote}"
            );
        }
        assert!(!BaseUrl::parse("https://ghes.example.com")
            .unwrap()
            .is_insecure_remote());
    }

    #[test]
    fn rejects_bad_urls() {
        for input in [
            "",
            "   ",
            "ftp://example.com",
            "https://user:pass@example.com",
            "https://example.com/?a=1",
            "https://example.com/#x",
            "https://",
            "http://exa mple.com",
        ] {
            let error = BaseUrl::parse(input).unwrap_err();
            assert_eq!(error.kind(), ErrorKind::InvalidInput, "{input:?}");
            assert_eq!(error.argument(), Some("base_url"), "{input:?}");
        }
    }

    #[test]
    fn join_and_origin() {
        let base = BaseUrl::parse("http://127.0.0.1:4000/api/v3").unwrap();
        let url = base.join("/orgs/octo-org/packages?x=1").unwrap();
        assert_eq!(
            url.as_str(),
            "http://127.0.0.1:4000/api/v3/orgs/octo-org/packages?x=1"
        );
        assert!(base.same_origin(&url));
        assert!(!base.same_origin(&Url::parse("http://127.0.0.1:4001/x").unwrap()));
        assert!(!base.same_origin(&Url::parse("https://127.0.0.1:4000/x").unwrap()));
        assert_eq!(base.authority(), "127.0.0.1:4000");
    }
}
