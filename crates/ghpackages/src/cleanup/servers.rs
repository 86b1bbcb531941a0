//! Which client restores a journaled deletion: the journal's server decides.

use std::collections::HashMap;

use crate::base_url::BaseUrl;
use crate::cleanup::selection::Deletion;
use crate::client::Client;
use crate::config::{BaseUrlSource, BASE_URL_VARIABLE};
use crate::error::{Error, Result};

/// The client of each server the selected deletions name.
pub(crate) struct Servers {
    given: Client,
    by_url: HashMap<String, Client>,
}

impl Servers {
    /// Matches each server the deletions name with a client:
    /// - the given client when it is aimed there, or when `allow_other_server`;
    /// - the same client aimed there when its base URL is only the default
    ///   (neither set nor read from `GITHUB_API_URL`);
    /// - otherwise the undo is refused before any request: restoring on
    ///   another server than the deletion's would restore something else, or
    ///   nothing.
    ///
    /// Deletions from journals that name no server go to the given client.
    pub(crate) fn resolve(
        client: &Client,
        deletions: &[Deletion],
        allow_other_server: bool,
    ) -> Result<Servers> {
        let mut by_url = HashMap::new();
        for url in deletions.iter().filter_map(|d| d.api_url.as_deref()) {
            if by_url.contains_key(url) {
                continue;
            }
            let server = BaseUrl::parse(url).map_err(|e| {
                Error::invalid_input(
                    "journal",
                    format!(
                        "the journal names an unusable server {url:?}: {}",
                        e.message()
                    ),
                )
            })?;
            let chosen = if allow_other_server || server.as_str() == client.base_url() {
                client.clone()
            } else {
                match client.base_url_source() {
                    BaseUrlSource::Default => client.with_base_url(server.as_str())?,
                    source => {
                        let how = match source {
                            BaseUrlSource::Environment => format!(" (from {BASE_URL_VARIABLE})"),
                            _ => String::new(),
                        };
                        return Err(Error::invalid_input(
                            "base_url",
                            format!(
                                "the journal records deletions on {}, but the client is aimed at {}{how}; \
                                 aim it at the journal's server (or leave the base URL unset), \
                                 or allow another server to restore there anyway",
                                server.as_str(),
                                client.base_url()
                            ),
                        ));
                    }
                }
            };
            by_url.insert(url.to_owned(), chosen);
        }
        Ok(Servers {
            given: client.clone(),
            by_url,
        })
    }

    /// The client that restores `deletion`.
    pub(crate) fn client(&self, deletion: &Deletion) -> &Client {
        deletion
            .api_url
            .as_deref()
            .and_then(|url| self.by_url.get(url))
            .unwrap_or(&self.given)
    }
}
