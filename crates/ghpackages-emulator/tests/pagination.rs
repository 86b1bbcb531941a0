//! Pages and `Link` headers, as GitHub forms them.

mod common;

use std::collections::HashSet;

use common::*;

const TRAIN: &str = "/orgs/octo-org/packages/npm/release-train/versions";

/// The `(url, rel)` pairs of a `Link` header.
fn relations(link: &str) -> Vec<(String, String)> {
    link.split(", ")
        .map(|part| {
            let (url, rel) = part.split_once("; ").expect("url; rel");
            let url = url.trim_start_matches('<').trim_end_matches('>');
            let rel = rel.trim_start_matches("rel=\"").trim_end_matches('"');
            (url.to_owned(), rel.to_owned())
        })
        .collect()
}

#[tokio::test]
async fn version_pages_walk_all_versions_newest_first() {
    let env = Env::demo().await;
    for prefix in PREFIXES {
        let first = env
            .get(&format!("{prefix}{TRAIN}?per_page=100"), Some(HUBOT))
            .await;
        assert_eq!(first.items().len(), 100);
        assert_eq!(first.items()[0]["name"], "1.250.0");
        let link = first.header("link").expect("link header");
        let base = env.url(&format!("{prefix}{TRAIN}"));
        assert_eq!(
            relations(link),
            [
                (format!("{base}?per_page=100&page=2"), "next".to_owned()),
                (format!("{base}?per_page=100&page=3"), "last".to_owned()),
            ]
        );

        let mut seen = HashSet::new();
        let mut next = Some(format!("{prefix}{TRAIN}?per_page=100"));
        let mut pages = 0;
        while let Some(path) = next {
            let page = env.get(&path, Some(HUBOT)).await;
            pages += 1;
            for item in page.items() {
                assert!(seen.insert(item["id"].as_i64().unwrap()), "duplicate");
            }
            next = page.header("link").and_then(|link| {
                relations(link)
                    .into_iter()
                    .find(|(_, rel)| rel == "next")
                    .map(|(url, _)| url.trim_start_matches(env.emulator.base_url()).to_owned())
            });
        }
        assert_eq!((pages, seen.len()), (3, 250));
    }
}

#[tokio::test]
async fn middle_and_last_pages_link_back() {
    let env = Env::demo().await;
    let base = env.url(TRAIN);
    let middle = env
        .get(
            &format!("{TRAIN}?state=active&page=2&per_page=50"),
            Some(HUBOT),
        )
        .await;
    assert_eq!(middle.items()[0]["name"], "1.200.0");
    assert_eq!(
        relations(middle.header("link").unwrap()),
        [
            (
                format!("{base}?state=active&page=1&per_page=50"),
                "prev".to_owned()
            ),
            (
                format!("{base}?state=active&page=3&per_page=50"),
                "next".to_owned()
            ),
            (
                format!("{base}?state=active&page=5&per_page=50"),
                "last".to_owned()
            ),
            (
                format!("{base}?state=active&page=1&per_page=50"),
                "first".to_owned()
            ),
        ]
    );
    let last = env.get(&format!("{TRAIN}?page=9"), Some(HUBOT)).await;
    assert_eq!(last.items().len(), 250 - 8 * 30);
    let rels: Vec<String> = relations(last.header("link").unwrap())
        .into_iter()
        .map(|(_, rel)| rel)
        .collect();
    assert_eq!(rels, ["prev", "first"]);
    let beyond = env.get(&format!("{TRAIN}?page=20"), Some(HUBOT)).await;
    assert!(beyond.items().is_empty());
}

#[tokio::test]
async fn short_lists_have_no_link_and_package_lists_paginate() {
    let env = Env::demo().await;
    let short = env
        .get(
            "/users/octocat/packages/rubygems/octo-name/versions",
            Some(HUBOT),
        )
        .await;
    assert_eq!(short.items().len(), 3);
    assert!(short.header("link").is_none());
    let all = env
        .get(
            "/orgs/octo-org/packages?package_type=container&visibility=private&per_page=100",
            Some(OCTOCAT),
        )
        .await;
    let total = all.items().len();
    assert!(total >= 2, "the demo has several private containers");
    assert!(all.header("link").is_none());
    let packages = env
        .get(
            "/orgs/octo-org/packages?package_type=container&visibility=private&per_page=1",
            Some(OCTOCAT),
        )
        .await;
    assert_eq!(packages.names(), ["octo-app"]);
    let base = env.url("/orgs/octo-org/packages");
    let query = "package_type=container&visibility=private&per_page=1";
    assert_eq!(
        relations(packages.header("link").unwrap()),
        [
            (format!("{base}?{query}&page=2"), "next".to_owned()),
            (format!("{base}?{query}&page={total}"), "last".to_owned()),
        ]
    );
}

#[tokio::test]
async fn hundreds_of_container_versions() {
    let env = Env::demo().await;
    let path = "/orgs/octo-org/packages/container/nightly-builds";
    let package = env.get(path, Some(OCTOCAT)).await;
    assert_eq!(package.body["version_count"], 350);
    let page = env
        .get(
            &format!("{path}/versions?per_page=100&page=4"),
            Some(OCTOCAT),
        )
        .await;
    assert_eq!(page.items().len(), 50);
    let tagged = page
        .items()
        .iter()
        .filter(|v| {
            !v["metadata"]["container"]["tags"]
                .as_array()
                .unwrap()
                .is_empty()
        })
        .count();
    assert!((6..=8).contains(&tagged), "{tagged} tagged");
}
