//! The emulator's query parsing on arbitrary query strings: never panics,
//! accepted paging is within GitHub's bounds, and the `Link` header the
//! emulator builds from it parses back, with the client's parser, to pages
//! within 1..=last.
#![no_main]

use arbitrary::Arbitrary;
use ghpackages::Links;
use ghpackages_emulator::links::link_header;
use ghpackages_emulator::params::{self, Query};
use libfuzzer_sys::fuzz_target;

const DOCS: &str = "https://docs.github.com/rest/packages/packages";

#[derive(Arbitrary, Debug)]
struct Input<'a> {
    query: &'a str,
    total: u32,
    version_id: &'a str,
}

fuzz_target!(|input: Input<'_>| {
    let query = Query::parse(Some(input.query));
    let _ = params::package_type(&query, DOCS);
    let _ = params::visibility(&query, DOCS);
    let _ = params::state(&query, DOCS);
    let _ = params::version_id(input.version_id, DOCS);
    let Ok(paging) = params::paging(&query, DOCS) else {
        return;
    };
    assert!(paging.page >= 1);
    assert!((1..=100).contains(&paging.per_page));
    assert!(paging.offset() >= 0);
    let _ = params::check_depth(paging, DOCS);
    let total = i64::from(input.total);
    let Some(header) = link_header("http://127.0.0.1:1/user/packages", &query, paging, total)
    else {
        return;
    };
    let links = Links::parse(&header);
    let last = ((total + paging.per_page - 1) / paging.per_page).max(1);
    for page in [
        links.next_page(),
        links.prev_page(),
        links.first_page(),
        links.last_page(),
    ]
    .into_iter()
    .flatten()
    {
        assert!(
            i64::from(page) <= last.max(paging.page),
            "page {page} beyond {last}: {header}"
        );
    }
    if paging.page < last {
        assert_eq!(
            links.next_page().map(i64::from),
            Some(paging.page + 1),
            "{header}"
        );
    }
});
