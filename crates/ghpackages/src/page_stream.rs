//! Fetching one page, and streaming every item of a list.
//!
//! When the first page's `Link` header has `rel="last"`, the remaining pages
//! are known up front and fetched concurrently (at most `page_concurrency`
//! at a time) while items are still yielded in GitHub's order; otherwise, and
//! after the last known page, `rel="next"` is followed one page at a time.
//!
//! A list with a window (GitHub serves package lists only while
//! `page * per_page <= 10000`) never requests a page past it: when the first
//! page's `rel="last"` lies beyond, the stream yields the window error before
//! any item; when only `rel="next"` shows it, the error comes at that point.

use std::sync::Arc;

use futures::stream::{self, BoxStream, StreamExt};
use serde::de::DeserializeOwned;
use url::Url;

use crate::base_url::BaseUrl;
use crate::error::{Error, ErrorKind, Result};
use crate::http::Http;
use crate::links::page_number;
use crate::pagination::{Links, Page};
use crate::rate_limit::RateLimit;

/// A list request: its URL without `page`, and what errors are about.
#[derive(Clone)]
pub(crate) struct ListRequest {
    pub(crate) http: Arc<Http>,
    /// Pages fetched at once when the last page is known.
    pub(crate) page_concurrency: usize,
    pub(crate) url: Url,
    pub(crate) context: String,
    /// The page size the URL asks for (GitHub's default when it sets none).
    pub(crate) per_page: u32,
    /// How far GitHub serves this list, if it limits it.
    pub(crate) window: Option<Window>,
}

/// GitHub's limit on how deep a list may be paged: items `1..=items` only.
#[derive(Clone)]
pub(crate) struct Window {
    pub(crate) items: u32,
    /// What the list holds ("packages").
    pub(crate) noun: &'static str,
    /// What the caller can do about a list longer than the window.
    pub(crate) narrow: String,
}

impl ListRequest {
    /// The URL of page `page` (`None`: let GitHub pick its default, page 1).
    fn page_url(&self, page: Option<u32>) -> Url {
        let mut url = self.url.clone();
        if let Some(page) = page {
            url.query_pairs_mut().append_pair("page", &page.to_string());
        }
        url
    }

    /// Fetches page `page`.
    pub(crate) async fn page<T: DeserializeOwned>(&self, page: Option<u32>) -> Result<Page<T>> {
        self.fetch(self.page_url(page)).await
    }

    async fn fetch<T: DeserializeOwned>(&self, url: Url) -> Result<Page<T>> {
        let (items, reply) = self
            .http
            .get_json::<Vec<T>>(&url)
            .await
            .map_err(|error| error.with_context(self.context.clone()))?;
        let links = reply
            .headers
            .get(reqwest::header::LINK)
            .and_then(|value| value.to_str().ok())
            .map(Links::parse)
            .unwrap_or_default();
        Ok(Page {
            items,
            links,
            rate_limit: RateLimit::from_headers(&reply.headers),
        })
    }

    /// Every item from page `first` on, in order. Fused: polling it again
    /// after its end answers `None`, so callers need no guard of their own.
    pub(crate) fn items<T>(self, first: Option<u32>) -> BoxStream<'static, Result<T>>
    where
        T: DeserializeOwned + Send + 'static,
    {
        flatten(self.pages(State::First(first)))
    }

    /// Every item of page `number`, already fetched, and of the pages after it.
    pub(crate) fn items_after<T>(self, page: Page<T>, number: u32) -> BoxStream<'static, Result<T>>
    where
        T: DeserializeOwned + Send + 'static,
    {
        flatten(self.pages(State::Fetched { page, number }))
    }

    /// Whether every page after page `number` lies inside the window, as far
    /// as its links tell (`rel="last"`, else `rel="next"`).
    pub(crate) fn fits_window(&self, links: &Links, number: u32) -> bool {
        let Some(max_page) = self.max_page() else {
            return true;
        };
        let beyond = links
            .last_page()
            .or_else(|| links.next_page())
            .unwrap_or(number);
        beyond <= max_page
    }

    /// The deepest page the window allows.
    fn max_page(&self) -> Option<u32> {
        self.window
            .as_ref()
            .map(|window| window.items / self.per_page.max(1))
    }

    /// The error of a list longer than the window.
    fn window_error(&self) -> Error {
        let (items, noun, narrow) = self.window.as_ref().map_or((0, "items", ""), |window| {
            (window.items, window.noun, window.narrow.as_str())
        });
        Error::new(
            ErrorKind::Validation,
            format!(
                "more than {items} {noun} to list, and GitHub serves a list only up to item \
                 {items} (page × per_page ≤ {items}); nothing was returned. {narrow}"
            ),
        )
        .with_context(self.context.clone())
    }

    /// Every page from `start` on, in order; ends after the first error.
    fn pages<T>(self, start: State<T>) -> BoxStream<'static, Result<Page<T>>>
    where
        T: DeserializeOwned + Send + 'static,
    {
        stream::unfold((self, start), |(request, state)| async move {
            let (result, next) = request.step(state).await?;
            Some((result, (request, next)))
        })
        .boxed()
    }

    /// Produces the next page and the state after it; `None` at the end.
    async fn step<T>(&self, state: State<T>) -> Option<(Result<Page<T>>, State<T>)>
    where
        T: DeserializeOwned + Send + 'static,
    {
        match state {
            State::Done => None,
            State::First(first) => Some(match self.page::<T>(first).await {
                Ok(page) => self.begin(page, first.unwrap_or(1)),
                Err(error) => (Err(error), State::Done),
            }),
            State::Fetched { page, number } => Some(self.begin(page, number)),
            State::Range {
                mut pages,
                last_links,
                number,
            } => match pages.next().await {
                Some(Ok(page)) => {
                    let links = page.links.clone();
                    let next = State::Range {
                        pages,
                        last_links: Some(links),
                        number,
                    };
                    Some((Ok(page), next))
                }
                Some(Err(error)) => Some((Err(error), State::Done)),
                None => {
                    let after = last_links.map_or(State::Done, |links| self.after(&links, number));
                    Box::pin(self.step(after)).await
                }
            },
            State::Follow { url, number } => Some(match self.fetch::<T>(url).await {
                Ok(page) => {
                    let next = self.after(&page.links, number);
                    (Ok(page), next)
                }
                Err(error) => (Err(error), State::Done),
            }),
            State::Failed(error) => Some((Err(error), State::Done)),
        }
    }

    /// Yields the first page `number` and plans the rest, or yields the
    /// window error instead when the list reaches past the window.
    fn begin<T>(&self, page: Page<T>, number: u32) -> (Result<Page<T>>, State<T>)
    where
        T: DeserializeOwned + Send + 'static,
    {
        if !self.fits_window(&page.links, number) {
            return (Err(self.window_error()), State::Done);
        }
        let next = match page.links.last_page() {
            Some(last) if last > number => State::Range {
                pages: self.range(number + 1, last),
                last_links: None,
                number: last,
            },
            _ => self.after(&page.links, number),
        };
        (Ok(page), next)
    }

    /// Pages `from..=to`, fetched concurrently, in order.
    fn range<T>(&self, from: u32, to: u32) -> BoxStream<'static, Result<Page<T>>>
    where
        T: DeserializeOwned + Send + 'static,
    {
        let request = self.clone();
        let concurrency = self.page_concurrency;
        stream::iter(from..=to)
            .map(move |number| {
                let request = request.clone();
                async move { request.page::<T>(Some(number)).await }
            })
            .buffered(concurrency)
            .boxed()
    }

    /// What follows page `number` with `links` (see [`next_link`]).
    fn after<T>(&self, links: &Links, number: u32) -> State<T> {
        match next_link(&self.http.base, links, number) {
            Ok(Some((_, number))) if self.max_page().is_some_and(|max| number > max) => {
                State::Failed(self.window_error())
            }
            Ok(Some((url, number))) => State::Follow { url, number },
            Ok(None) => State::Done,
            Err(error) => State::Failed(error.with_context(self.context.clone())),
        }
    }
}

/// The items of `pages`, in order, ending after the first error.
fn flatten<T: Send + 'static>(
    pages: BoxStream<'static, Result<Page<T>>>,
) -> BoxStream<'static, Result<T>> {
    pages
        .flat_map(|page| match page {
            Ok(page) => stream::iter(page.items.into_iter().map(Ok)).boxed(),
            Err(error) => stream::once(async move { Err(error) }).boxed(),
        })
        .fuse()
        .boxed()
}

/// The `next` link after page `number` and its page number, unless it is
/// missing or goes backwards (which would loop forever). A link is only
/// followed to the configured origin, which is where the token may go.
fn next_link(base: &BaseUrl, links: &Links, number: u32) -> Result<Option<(Url, u32)>> {
    let Some(next) = links.next.as_deref() else {
        return Ok(None);
    };
    let next_number = page_number(next);
    if next_number.is_some_and(|next_number| next_number <= number) {
        return Ok(None);
    }
    match Url::parse(next).ok().filter(|url| base.same_origin(url)) {
        Some(url) => Ok(Some((url, next_number.unwrap_or(number + 1)))),
        None => Err(Error::new(
            ErrorKind::Decode,
            "the Link header points outside the configured base URL; not following it",
        )),
    }
}

/// Where a page stream stands.
enum State<T> {
    /// Nothing fetched yet; the first page to read.
    First(Option<u32>),
    /// The first page, fetched by the caller, and its number.
    Fetched { page: Page<T>, number: u32 },
    /// Known pages up to `number` being fetched concurrently; the links of
    /// the latest page yielded.
    Range {
        pages: BoxStream<'static, Result<Page<T>>>,
        last_links: Option<Links>,
        number: u32,
    },
    /// Following `next` to page `number`.
    Follow { url: Url, number: u32 },
    /// An error to yield before ending.
    Failed(Error),
    /// Finished.
    Done,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn links(next: Option<&str>) -> Links {
        Links {
            next: next.map(str::to_owned),
            ..Links::default()
        }
    }

    #[test]
    fn next_links_that_are_followed() {
        let base = BaseUrl::parse("http://127.0.0.1:4000/api/v3").unwrap();
        let (url, number) = next_link(
            &base,
            &links(Some("http://127.0.0.1:4000/api/v3/x?page=3")),
            2,
        )
        .unwrap()
        .unwrap();
        assert_eq!(url.as_str(), "http://127.0.0.1:4000/api/v3/x?page=3");
        assert_eq!(number, 3);
        let (_, number) = next_link(&base, &links(Some("http://127.0.0.1:4000/x?after=abc")), 5)
            .unwrap()
            .unwrap();
        assert_eq!(number, 6);
    }

    #[test]
    fn next_links_that_end_the_list() {
        let base = BaseUrl::parse("http://127.0.0.1:4000").unwrap();
        assert!(next_link(&base, &links(None), 1).unwrap().is_none());
        let backwards = links(Some("http://127.0.0.1:4000/x?page=2"));
        assert!(next_link(&base, &backwards, 2).unwrap().is_none());
        assert!(next_link(&base, &backwards, 7).unwrap().is_none());
    }

    #[test]
    fn next_links_elsewhere_are_refused() {
        let base = BaseUrl::parse("http://127.0.0.1:4000").unwrap();
        for elsewhere in [
            "http://127.0.0.1:4001/x?page=2",
            "https://127.0.0.1:4000/x?page=2",
            "http://evil.example/x?page=2",
            "not a url",
        ] {
            let error = next_link(&base, &links(Some(elsewhere)), 1).unwrap_err();
            assert_eq!(error.kind(), ErrorKind::Decode, "{elsewhere}");
        }
    }
}
