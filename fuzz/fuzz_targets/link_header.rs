//! The client's `Link` header parser on arbitrary text: never panics, every
//! relation it reports is a `<...>` target taken from the header, and page
//! numbers come only from targets that parse as URLs.
#![no_main]

use ghpackages::Links;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|header: &str| {
    let links = Links::parse(header);
    for target in [&links.next, &links.prev, &links.first, &links.last]
        .into_iter()
        .flatten()
    {
        assert!(
            header.contains(target.as_str()),
            "{target:?} not in the header"
        );
        assert!(!target.contains('>'), "{target:?} runs past its '>'");
    }
    for page in [
        links.next_page(),
        links.prev_page(),
        links.first_page(),
        links.last_page(),
    ]
    .into_iter()
    .flatten()
    {
        assert!(page >= 1);
    }
    assert_eq!(
        links.is_empty(),
        links.next.is_none()
            && links.prev.is_none()
            && links.first.is_none()
            && links.last.is_none()
    );
});
