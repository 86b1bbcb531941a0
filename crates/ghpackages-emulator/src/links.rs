//! The `Link` header of paginated lists, formed as GitHub forms it: absolute
//! URLs keeping every other query parameter, relations in the order
//! `prev`, `next`, `last`, `first`.

use std::fmt::Write;

use crate::params::{Paging, Query};

/// The `Link` header value for `paging` over `total` items, or `None` when
/// everything fits on one page.
pub fn link_header(url_base: &str, query: &Query, paging: Paging, total: i64) -> Option<String> {
    let last = ((total + paging.per_page - 1) / paging.per_page).max(1);
    if paging.page == 1 && last <= 1 {
        return None;
    }
    let mut relations: Vec<(&str, i64)> = Vec::with_capacity(4);
    if paging.page > 1 {
        relations.push(("prev", (paging.page - 1).min(last)));
    }
    if paging.page < last {
        relations.push(("next", paging.page + 1));
        relations.push(("last", last));
    }
    if paging.page > 1 {
        relations.push(("first", 1));
    }
    let mut header = String::new();
    for (i, (rel, page)) in relations.into_iter().enumerate() {
        if i > 0 {
            header.push_str(", ");
        }
        let _ = write!(
            header,
            "<{}>; rel=\"{rel}\"",
            page_url(url_base, query, page)
        );
    }
    Some(header)
}

/// `url_base` with the query string, `page` replaced (in place) or appended.
fn page_url(url_base: &str, query: &Query, page: i64) -> String {
    let mut serializer = url::form_urlencoded::Serializer::new(String::new());
    let mut replaced = false;
    for (name, value) in &query.pairs {
        if name == "page" {
            if !replaced {
                serializer.append_pair("page", &page.to_string());
                replaced = true;
            }
        } else {
            serializer.append_pair(name, value);
        }
    }
    if !replaced {
        serializer.append_pair("page", &page.to_string());
    }
    format!("{url_base}?{}", serializer.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paging(page: i64, per_page: i64) -> Paging {
        Paging { page, per_page }
    }

    #[test]
    fn first_page_has_next_and_last() {
        let q = Query::parse(Some("package_type=container&per_page=2"));
        let link = link_header("http://h/orgs/o/packages", &q, paging(1, 2), 5).unwrap();
        assert_eq!(
            link,
            "<http://h/orgs/o/packages?package_type=container&per_page=2&page=2>; rel=\"next\", \
             <http://h/orgs/o/packages?package_type=container&per_page=2&page=3>; rel=\"last\""
        );
    }

    #[test]
    fn middle_page_has_all_four_with_page_kept_in_place() {
        let q = Query::parse(Some("page=2&per_page=2&state=active"));
        let link = link_header("http://h/v", &q, paging(2, 2), 6).unwrap();
        assert_eq!(
            link,
            "<http://h/v?page=1&per_page=2&state=active>; rel=\"prev\", \
             <http://h/v?page=3&per_page=2&state=active>; rel=\"next\", \
             <http://h/v?page=3&per_page=2&state=active>; rel=\"last\", \
             <http://h/v?page=1&per_page=2&state=active>; rel=\"first\""
        );
    }

    #[test]
    fn last_page_has_prev_and_first_and_single_page_has_none() {
        let q = Query::parse(Some("page=3"));
        let link = link_header("http://h/v", &q, paging(3, 30), 61).unwrap();
        assert_eq!(
            link,
            "<http://h/v?page=2>; rel=\"prev\", <http://h/v?page=1>; rel=\"first\""
        );
        assert_eq!(
            link_header("http://h/v", &Query::default(), paging(1, 30), 30),
            None
        );
        assert_eq!(
            link_header("http://h/v", &Query::default(), paging(1, 30), 0),
            None
        );
    }
}
