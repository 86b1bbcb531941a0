//! Parsing of the `Link` response header (RFC 8288) into [`Links`].

use url::Url;

use crate::pagination::Links;

impl Links {
    /// Parses a `Link` header value such as
    /// `<https://api.github.com/orgs/o/packages?page=2>; rel="next", <…?page=5>; rel="last"`.
    ///
    /// Tolerates unquoted and multi-valued `rel`s (`rel="next last"`), any
    /// case, extra parameters and whitespace, and commas inside the URL.
    /// Relations other than `next`, `prev`, `first` and `last` are ignored,
    /// and so are malformed entries.
    pub fn parse(header: &str) -> Links {
        let mut links = Links::default();
        let mut rest = header;
        while let Some(start) = rest.find('<') {
            let after = &rest[start + 1..];
            let Some(end) = after.find('>') else { break };
            let target = after[..end].trim();
            let (params, tail) = split_params(&after[end + 1..]);
            for relation in relations(params) {
                let slot = match relation.as_str() {
                    "next" => &mut links.next,
                    "prev" | "previous" => &mut links.prev,
                    "first" => &mut links.first,
                    "last" => &mut links.last,
                    _ => continue,
                };
                if slot.is_none() {
                    *slot = Some(target.to_owned());
                }
            }
            rest = tail;
        }
        links
    }

    /// The `page` number of the `next` link.
    pub fn next_page(&self) -> Option<u32> {
        self.next.as_deref().and_then(page_number)
    }

    /// The `page` number of the `prev` link.
    pub fn prev_page(&self) -> Option<u32> {
        self.prev.as_deref().and_then(page_number)
    }

    /// The `page` number of the `first` link.
    pub fn first_page(&self) -> Option<u32> {
        self.first.as_deref().and_then(page_number)
    }

    /// The `page` number of the `last` link: how many pages there are.
    pub fn last_page(&self) -> Option<u32> {
        self.last.as_deref().and_then(page_number)
    }

    /// Whether no relation was found.
    pub fn is_empty(&self) -> bool {
        self.next.is_none() && self.prev.is_none() && self.first.is_none() && self.last.is_none()
    }
}

/// Splits the parameters of one link (`; rel="next"; title="x"`) from the
/// rest of the header, at the first comma outside quotes.
fn split_params(text: &str) -> (&str, &str) {
    let mut quoted = false;
    let mut escaped = false;
    for (index, character) in text.char_indices() {
        match character {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            ',' if !quoted => return (&text[..index], &text[index + 1..]),
            _ => {}
        }
    }
    (text, "")
}

/// The lower-cased relation types of the `rel` parameter(s) in `params`.
fn relations(params: &str) -> Vec<String> {
    params
        .split(';')
        .filter_map(|param| {
            let (name, value) = param.split_once('=')?;
            if !name.trim().eq_ignore_ascii_case("rel") {
                return None;
            }
            Some(value.trim().trim_matches('"').to_ascii_lowercase())
        })
        .flat_map(|value| {
            value
                .split_ascii_whitespace()
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The `page` query parameter of `link`, when it is a positive number.
pub(crate) fn page_number(link: &str) -> Option<u32> {
    let url = Url::parse(link).ok()?;
    let value = url
        .query_pairs()
        .find(|(name, _)| name == "page")
        .map(|(_, value)| value.into_owned())?;
    value.parse::<u32>().ok().filter(|page| *page >= 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "https://api.github.com/orgs/octo-org/packages";

    #[test]
    fn github_header() {
        let header = format!(
            "<{BASE}?package_type=npm&page=2>; rel=\"next\", <{BASE}?package_type=npm&page=7>; rel=\"last\""
        );
        let links = Links::parse(&header);
        assert_eq!(
            links.next.as_deref(),
            Some(&*format!("{BASE}?package_type=npm&page=2"))
        );
        assert_eq!(links.next_page(), Some(2));
        assert_eq!(links.last_page(), Some(7));
        assert_eq!(links.prev, None);
        assert_eq!(links.first, None);
        assert!(!links.is_empty());
    }

    #[test]
    fn all_four_relations_any_order_and_spacing() {
        let header = format!(
            "<{BASE}?page=1>;rel=first ,<{BASE}?page=3>; REL=\"Prev\";title=\"a, b\",\n <{BASE}?page=5> ; rel=\"next\" , <{BASE}?page=9>; rel=\"last\""
        );
        let links = Links::parse(&header);
        assert_eq!(links.first_page(), Some(1));
        assert_eq!(links.prev_page(), Some(3));
        assert_eq!(links.next_page(), Some(5));
        assert_eq!(links.last_page(), Some(9));
    }

    #[test]
    fn multi_valued_rel_and_commas_in_url() {
        let header = "<https://h/x?a=1,2&page=4>; rel=\"next last\", <https://h/x?page=1>; rel=\"first prev\"";
        let links = Links::parse(header);
        assert_eq!(links.next.as_deref(), Some("https://h/x?a=1,2&page=4"));
        assert_eq!(links.last_page(), Some(4));
        assert_eq!(links.first_page(), Some(1));
        assert_eq!(links.prev_page(), Some(1));
    }

    #[test]
    fn malformed_or_empty_headers() {
        assert!(Links::parse("").is_empty());
        assert!(Links::parse("garbage").is_empty());
        assert!(Links::parse("<https://h/x?page=2").is_empty());
        assert!(Links::parse("<https://h/x?page=2>; rel=\"alternate\"").is_empty());
        assert!(Links::parse("<https://h/x?page=2>").is_empty());
        let links = Links::parse("<https://h/x?page=2>; title=x, <https://h/x?page=3>; rel=next");
        assert_eq!(links.next_page(), Some(3));
    }

    #[test]
    fn page_numbers() {
        assert_eq!(page_number("https://h/x?page=12&per_page=5"), Some(12));
        assert_eq!(page_number("https://h/x?per_page=5"), None);
        assert_eq!(page_number("https://h/x?page=0"), None);
        assert_eq!(page_number("https://h/x?page=abc"), None);
        assert_eq!(page_number("/relative?page=2"), None);
    }

    #[test]
    fn first_occurrence_wins() {
        let links = Links::parse("<https://h/?page=2>; rel=next, <https://h/?page=3>; rel=next");
        assert_eq!(links.next_page(), Some(2));
    }
}
