//! Pagination across many pages: single pages with their links, streams
//! fetching pages concurrently or one by one, same order and content.

use futures::{StreamExt, TryStreamExt};
use ghpackages::{ErrorKind, ListPackagesOptions, ListVersionsOptions, Owner, PackageType};
use ghpackages_emulator::Fixture;
use serde_json::json;

use crate::common::{self, OCTOCAT};

const PACKAGES: usize = 250;
const TOKEN: &str = "ghp_lister";

/// `big-org` with 250 npm packages, readable with [`TOKEN`].
fn many_packages() -> Fixture {
    let packages: Vec<_> = (1..=PACKAGES)
        .map(|n| {
            json!({
                "owner": "big-org",
                "package_type": "npm",
                "name": format!("pkg-{n:04}"),
                "visibility": "private",
                "versions": [{"name": "1.0.0"}],
            })
        })
        .collect();
    let fixture = json!({
        "users": [{"login": "lister"}],
        "orgs": [{"login": "big-org", "members": [{"login": "lister", "role": "admin"}]}],
        "tokens": [{"token": TOKEN, "user": "lister", "scopes": ["read:packages"]}],
        "packages": packages,
    });
    Fixture::from_json(&fixture.to_string()).unwrap()
}

fn npm(per_page: Option<u32>, page: Option<u32>) -> ListPackagesOptions {
    ListPackagesOptions {
        per_page,
        page,
        ..ListPackagesOptions::new(PackageType::Npm)
    }
}

#[tokio::test]
async fn packages_concurrently_and_sequentially_in_the_same_order() {
    let emulator = common::with_fixture(many_packages()).await;
    let url = emulator.base_url();
    let org = Owner::org("big-org");
    let options = npm(Some(7), None);

    let concurrent = common::builder(url, Some(TOKEN))
        .page_concurrency(8)
        .build()
        .unwrap();
    let sequential = common::builder(url, Some(TOKEN))
        .page_concurrency(1)
        .build()
        .unwrap();
    let fast = concurrent.list_all_packages(&org, &options).await.unwrap();
    let slow = sequential.list_all_packages(&org, &options).await.unwrap();
    assert_eq!(fast.len(), PACKAGES);
    assert_eq!(fast, slow);

    let mut by_hand = Vec::new();
    let mut page = 1;
    loop {
        let result = sequential
            .list_packages(&org, &npm(Some(7), Some(page)))
            .await
            .unwrap();
        by_hand.extend(result.items);
        match result.links.next_page() {
            Some(next) => page = next,
            None => break,
        }
    }
    assert_eq!(by_hand, fast);

    let mut names: Vec<_> = fast.iter().map(|package| package.name.clone()).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), PACKAGES, "no package twice");

    let default_pages = concurrent
        .list_all_packages(&org, &ListPackagesOptions::new(PackageType::Npm))
        .await
        .unwrap();
    assert_eq!(default_pages, fast);
    emulator.shutdown().await;
}

#[tokio::test]
async fn one_page_with_its_links() {
    let emulator = common::with_fixture(many_packages()).await;
    let client = common::client(&emulator, "/api/v3", Some(TOKEN));
    let org = Owner::org("big-org");
    let all = client
        .list_all_packages(&org, &npm(Some(100), None))
        .await
        .unwrap();

    let second = client
        .list_packages(&org, &npm(Some(7), Some(2)))
        .await
        .unwrap();
    assert_eq!(second.items, all[7..14]);
    assert_eq!(second.links.next_page(), Some(3));
    assert_eq!(second.links.prev_page(), Some(1));
    assert_eq!(second.links.first_page(), Some(1));
    assert_eq!(second.links.last_page(), Some(36));
    let next = second.links.next.as_deref().unwrap();
    assert!(
        next.starts_with(&format!("{}/api/v3/", emulator.base_url())),
        "{next}"
    );
    assert!(next.contains("package_type=npm"), "{next}");

    let last = client
        .list_packages(&org, &npm(Some(7), Some(36)))
        .await
        .unwrap();
    assert_eq!(last.items, all[245..]);
    assert_eq!(last.links.next, None);
    assert_eq!(last.links.prev_page(), Some(35));

    let from_third: Vec<_> = client
        .stream_packages(&org, &npm(Some(7), Some(3)))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(from_third, all[14..]);

    let first_ten: Vec<_> = client
        .stream_packages(&org, &npm(Some(7), None))
        .take(10)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(first_ten, all[..10]);
    emulator.shutdown().await;
}

#[tokio::test]
async fn hundreds_of_versions_in_order() {
    let emulator = common::demo().await;
    let org = Owner::org("octo-org");
    let url = emulator.base_url();
    let options = ListVersionsOptions {
        per_page: Some(30),
        ..ListVersionsOptions::default()
    };
    let concurrent = common::builder(url, Some(OCTOCAT)).build().unwrap();
    let sequential = common::builder(url, Some(OCTOCAT))
        .page_concurrency(1)
        .build()
        .unwrap();
    let fast = concurrent
        .list_all_package_versions(&org, PackageType::Container, "nightly-builds", &options)
        .await
        .unwrap();
    let slow = sequential
        .list_all_package_versions(&org, PackageType::Container, "nightly-builds", &options)
        .await
        .unwrap();
    assert_eq!(fast.len(), 350);
    assert_eq!(fast, slow);
    assert!(fast
        .windows(2)
        .all(|pair| pair[0].created_at > pair[1].created_at));
    let big_pages = concurrent
        .list_all_package_versions(
            &org,
            PackageType::Container,
            "nightly-builds",
            &Default::default(),
        )
        .await
        .unwrap();
    assert_eq!(big_pages, fast);
    emulator.shutdown().await;
}

#[tokio::test]
async fn a_stream_ends_after_its_first_error() {
    let emulator = common::demo().await;
    let client = common::client(&emulator, "", Some(OCTOCAT));
    let mut stream = client.stream_package_versions(
        &Owner::org("octo-org"),
        PackageType::Npm,
        "no-such-package",
        &Default::default(),
    );
    let results: Vec<_> = stream.by_ref().collect().await;
    assert!(
        stream.next().await.is_none(),
        "an ended stream stays ended when polled again"
    );
    assert_eq!(results.len(), 1);
    let error = results.into_iter().next().unwrap().unwrap_err();
    assert_eq!(error.kind(), ErrorKind::NotFound);
    assert_eq!(
        error.to_string(),
        "package 'octo-org/no-such-package' (npm) not found (404)"
    );
    emulator.shutdown().await;
}

const WIDE_TOKEN: &str = "ghp_wide_lister";
/// Past GitHub's window of 10000 in all, but each visibility fits.
const NPM_PUBLIC: usize = 6_000;
const NPM_PRIVATE: usize = 4_050;
/// Past the window with one visibility alone.
const CONTAINER_PUBLIC: usize = 10_001;

/// `wide-org`: 10,050 npm packages (6,000 public, 4,050 private) and 10,001
/// public container packages.
fn wide_org() -> Fixture {
    let package = |package_type: &str, visibility: &str, n: usize| {
        json!({
            "owner": "wide-org",
            "package_type": package_type,
            "name": format!("{visibility}-{n:05}"),
            "visibility": visibility,
        })
    };
    let packages: Vec<_> = (0..NPM_PUBLIC)
        .map(|n| package("npm", "public", n))
        .chain((0..NPM_PRIVATE).map(|n| package("npm", "private", n)))
        .chain((0..CONTAINER_PUBLIC).map(|n| package("container", "public", n)))
        .collect();
    let fixture = json!({
        "users": [{"login": "wide"}],
        "orgs": [{"login": "wide-org", "members": [{"login": "wide", "role": "admin"}]}],
        "tokens": [{"token": WIDE_TOKEN, "user": "wide", "scopes": ["read:packages"]}],
        "packages": packages,
    });
    Fixture::from_json(&fixture.to_string()).unwrap()
}

/// GitHub answers 400 past item 10000 of a package list: every package is
/// still listed when each visibility fits the window, and otherwise the
/// client refuses before requesting past it, returning nothing.
#[tokio::test]
async fn more_than_ten_thousand_packages() {
    let emulator = common::with_fixture(wide_org()).await;
    let client = common::client(&emulator, "", Some(WIDE_TOKEN));
    let org = Owner::org("wide-org");

    let all = client
        .list_all_packages(&org, &ListPackagesOptions::new(PackageType::Npm))
        .await
        .expect("each visibility fits the window");
    assert_eq!(all.len(), NPM_PUBLIC + NPM_PRIVATE);
    let mut ids: Vec<u64> = all.iter().map(|package| package.id).collect();
    ids.dedup();
    assert_eq!(ids.len(), all.len(), "no package twice");
    assert!(ids.windows(2).all(|pair| pair[0] < pair[1]), "in id order");
    let public = all
        .iter()
        .filter(|package| package.visibility == ghpackages::Visibility::Public)
        .count();
    assert_eq!(public, NPM_PUBLIC);

    // Smaller pages reach the window sooner; the split still covers it.
    let small_pages = client
        .list_all_packages(&org, &npm(Some(40), None))
        .await
        .unwrap();
    assert_eq!(small_pages, all);

    // The stream cannot split: it fails before its first item.
    let mut stream = client.stream_packages(&org, &ListPackagesOptions::new(PackageType::Npm));
    let first = stream.next().await.expect("one answer");
    let error = first.expect_err("the window error comes first");
    assert_window_error(&error, "visibility (public, private, internal)");
    assert!(stream.next().await.is_none());

    // One visibility alone passes the window: an error, no packages.
    let containers = ListPackagesOptions::new(PackageType::Container);
    let error = client
        .list_all_packages(&org, &containers)
        .await
        .expect_err("public containers alone pass the window");
    assert_window_error(&error, "public container packages alone");
    let error = client
        .list_all_packages(
            &org,
            &ListPackagesOptions {
                visibility: Some(ghpackages::Visibility::Public),
                ..containers.clone()
            },
        )
        .await
        .expect_err("an explicit visibility is not split further");
    assert_window_error(&error, "public container packages alone");

    // Reading by hand up to the window still works.
    let deepest = client
        .list_packages(&org, &npm(Some(100), Some(100)))
        .await
        .unwrap();
    assert_eq!(deepest.items.len(), 100);
    emulator.shutdown().await;
}

/// The client's own refusal (no status: nothing was sent past the window),
/// naming the window and how to narrow the listing.
#[track_caller]
fn assert_window_error(error: &ghpackages::Error, narrow: &str) {
    assert_eq!(error.kind(), ErrorKind::Validation, "{error}");
    assert_eq!(error.status(), None, "{error}");
    let message = error.to_string();
    assert!(message.contains("10000"), "{message}");
    assert!(message.contains("page × per_page"), "{message}");
    assert!(message.contains(narrow), "{message}");
}
