//! Where the container registry of an API lives.
//!
//! Set explicitly ([`ClientBuilder::registry_url`](crate::ClientBuilder::registry_url)),
//! or derived from the API base:
//! - `https://api.github.com` → `https://ghcr.io`;
//! - GitHub Enterprise Server `https://HOST/api/v3` → `https://containers.HOST`
//!   (the subdomain GHES serves its container registry on);
//! - a loopback API (the project's emulator) → the same scheme, host and port:
//!   the emulator serves the registry beside the API.

use url::{Host, Position, Url};

use crate::error::{Error, Result};

const ARGUMENT: &str = "registry_url";

/// The default registry, of github.com.
const GHCR: &str = "https://ghcr.io";

/// A registry base URL without a trailing slash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RegistryBase {
    text: String,
    insecure_remote: bool,
}

impl RegistryBase {
    /// The registry for an already normalised API base URL.
    pub(crate) fn derive(api_base: &str) -> Result<RegistryBase> {
        let url = Url::parse(api_base).map_err(|error| {
            Error::invalid_input("base_url", format!("invalid base_url: {error}"))
        })?;
        let host = url
            .host()
            .ok_or_else(|| Error::invalid_input("base_url", "base_url has no host"))?;
        if crate::base_url::is_loopback(&host) {
            return RegistryBase::parse(&url[..Position::BeforePath]);
        }
        let name = host.to_string().to_ascii_lowercase();
        if name == "api.github.com" {
            return RegistryBase::parse(GHCR);
        }
        let port = url.port().map(|p| format!(":{p}")).unwrap_or_default();
        RegistryBase::parse(&format!("{}://containers.{name}{port}", url.scheme()))
    }

    /// An explicit registry URL: `ghcr.io`, `https://containers.HOST`; a
    /// missing scheme means `https://`.
    pub(crate) fn parse(input: &str) -> Result<RegistryBase> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(Error::invalid_input(ARGUMENT, "registry_url is empty"));
        }
        let with_scheme = if trimmed.contains("://") {
            trimmed.to_owned()
        } else {
            format!("https://{trimmed}")
        };
        let url = Url::parse(&with_scheme).map_err(|error| {
            Error::invalid_input(
                ARGUMENT,
                format!("registry_url is not a valid URL: {error}"),
            )
        })?;
        if url.scheme() != "http" && url.scheme() != "https" {
            return Err(Error::invalid_input(
                ARGUMENT,
                format!(
                    "registry_url must use http or https, not {:?}",
                    url.scheme()
                ),
            ));
        }
        if !url.username().is_empty()
            || url.password().is_some()
            || url.query().is_some()
            || url.fragment().is_some()
        {
            return Err(Error::invalid_input(
                ARGUMENT,
                "registry_url must not contain credentials, a query or a fragment",
            ));
        }
        let host = url
            .host()
            .ok_or_else(|| Error::invalid_input(ARGUMENT, "registry_url has no host"))?;
        let insecure_remote = url.scheme() == "http" && !crate::base_url::is_loopback(&host);
        let path = url.path().trim_end_matches('/');
        Ok(RegistryBase {
            text: format!("{}{path}", &url[..Position::BeforePath]),
            insecure_remote,
        })
    }

    /// The URL, without a trailing slash.
    pub(crate) fn as_str(&self) -> &str {
        &self.text
    }

    /// Plain `http://` to a host other than loopback.
    pub(crate) fn is_insecure_remote(&self) -> bool {
        self.insecure_remote
    }

    /// The `service` of token requests: the registry's host (and port).
    pub(crate) fn service(&self) -> String {
        Url::parse(&self.text)
            .ok()
            .and_then(|url| {
                let host = url.host().map(|h: Host<&str>| h.to_string())?;
                Some(match url.port() {
                    Some(port) => format!("{host}:{port}"),
                    None => host,
                })
            })
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base_url::BaseUrl;

    fn derived(api: &str) -> String {
        let api = BaseUrl::parse(api).unwrap();
        RegistryBase::derive(api.as_str())
            .unwrap()
            .as_str()
            .to_owned()
    }

    #[test]
    fn derived_from_the_api_base() {
        assert_eq!(derived("https://api.github.com"), "https://ghcr.io");
        assert_eq!(derived("github.com"), "https://ghcr.io");
        assert_eq!(
            derived("https://ghes.example.com/api/v3"),
            "https://containers.ghes.example.com"
        );
        assert_eq!(
            derived("https://GHES.example.com"),
            "https://containers.ghes.example.com"
        );
        assert_eq!(
            derived("https://ghes.example.com:8443/api/v3"),
            "https://containers.ghes.example.com:8443"
        );
        assert_eq!(derived("http://127.0.0.1:4000"), "http://127.0.0.1:4000");
        assert_eq!(
            derived("http://127.0.0.1:4000/api/v3"),
            "http://127.0.0.1:4000"
        );
        assert_eq!(derived("http://localhost:8080/"), "http://localhost:8080");
    }

    #[test]
    fn explicit_urls() {
        let ghcr = RegistryBase::parse("ghcr.io").unwrap();
        assert_eq!(ghcr.as_str(), "https://ghcr.io");
        assert_eq!(ghcr.service(), "ghcr.io");
        let local = RegistryBase::parse("http://127.0.0.1:5000/").unwrap();
        assert_eq!(local.as_str(), "http://127.0.0.1:5000");
        assert_eq!(local.service(), "127.0.0.1:5000");
        assert!(!local.is_insecure_remote());
        assert!(RegistryBase::parse("http://containers.example.com")
            .unwrap()
            .is_insecure_remote());
        for bad in [
            "",
            "ftp://ghcr.io",
            "https://u:p@ghcr.io",
            "https://ghcr.io/?x=1",
            "https://",
        ] {
            let error = RegistryBase::parse(bad).unwrap_err();
            assert_eq!(error.argument(), Some("registry_url"), "{bad:?}");
        }
    }
}
