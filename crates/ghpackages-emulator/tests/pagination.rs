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

/// GitHub serves at most 100 items a page and does not refuse a larger
/// `per_page` (its description: "The number of results per page (max 100)").
#[tokio::test]
async fn per_page_above_one_hundred_is_served_one_hundred() {
    let env = Env::demo().await;
    for per_page in ["101", "250", "9223372036854775807"] {
        let first = env
            .get(&format!("{TRAIN}?per_page={per_page}"), Some(HUBOT))
            .await;
        assert_eq!(first.status, 200, "{per_page}: {}", first.body);
        assert_eq!(first.items().len(), 100, "{per_page}");
        let base = env.url(TRAIN);
        assert_eq!(
            relations(first.header("link").expect("link header")),
            [
                (
                    format!("{base}?per_page={per_page}&page=2"),
                    "next".to_owned()
                ),
                (
                    format!("{base}?per_page={per_page}&page=3"),
                    "last".to_owned()
                ),
            ]
        );
        let last = env
            .get(&format!("{TRAIN}?per_page={per_page}&page=3"), Some(HUBOT))
            .await;
        assert_eq!(last.items().len(), 50, "{per_page}");
        let packages = env
            .get(
                &format!("/orgs/octo-org/packages?package_type=npm&per_page={per_page}"),
                Some(OCTOCAT),
            )
            .await;
        assert_eq!(packages.status, 200, "{per_page}: {}", packages.body);
        assert!(!packages.items().is_empty());
    }
    for refused in ["0", "-1", "1.5", "x"] {
        env.get(&format!("{TRAIN}?per_page={refused}"), Some(HUBOT))
            .await
            .assert_error(400, "per_page");
    }
}

/// `state` is not a parameter of the user version list in GitHub's
/// description: whatever its value, the active versions are listed.
#[tokio::test]
async fn state_is_ignored_on_user_version_lists() {
    let env = Env::demo().await;
    let versions = "/users/octocat/packages/npm/octo-scratch/versions";
    assert_eq!(
        env.delete(
            "/user/packages/npm/octo-scratch/versions/100035",
            Some(OCTOCAT)
        )
        .await
        .status,
        204
    );
    for prefix in PREFIXES {
        let plain = env.get(&format!("{prefix}{versions}"), Some(OCTOCAT)).await;
        assert_eq!(plain.status, 200, "{}", plain.body);
        assert_eq!(plain.items().len(), 2);
        for state in ["deleted", "active", "gone", ""] {
            let listed = env
                .get(&format!("{prefix}{versions}?state={state}"), Some(OCTOCAT))
                .await;
            assert_eq!(listed.status, 200, "state={state}: {}", listed.body);
            assert_eq!(listed.body, plain.body, "state={state}");
        }
        // Where `state` is defined it still selects, and is still validated.
        let deleted = env
            .get(
                &format!("{prefix}/user/packages/npm/octo-scratch/versions?state=deleted"),
                Some(OCTOCAT),
            )
            .await;
        assert_eq!(deleted.items().len(), 1);
        assert_eq!(deleted.items()[0]["id"], 100035);
        env.get(
            &format!("{prefix}/user/packages/npm/octo-scratch/versions?state=gone"),
            Some(OCTOCAT),
        )
        .await
        .assert_error(400, "state");
    }
}
