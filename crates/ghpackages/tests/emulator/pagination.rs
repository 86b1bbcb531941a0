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
        .packages_stream(&org, &npm(Some(7), Some(3)))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(from_third, all[14..]);

    let first_ten: Vec<_> = client
        .packages_stream(&org, &npm(Some(7), None))
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
    let mut stream = client.package_versions_stream(
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
