//! Bad arguments are refused before any request: the client points at a
//! port where nothing listens, so a request would fail with `transport`.

use ghpackages::{
    Client, ErrorKind, ListPackagesOptions, ListVersionsOptions, Owner, PackageType, VersionState,
};

use crate::common;

fn offline_client() -> Client {
    common::builder(&common::dead_url(), Some(common::OCTOCAT))
        .build()
        .unwrap()
}

fn assert_invalid<T: std::fmt::Debug>(result: ghpackages::Result<T>, argument: &str) {
    let error = result.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidInput, "{error}");
    assert_eq!(error.argument(), Some(argument), "{error}");
    assert_eq!(error.status(), None);
    assert!(!error.is_retryable());
    assert!(error.to_string().contains(argument), "{error}");
}

#[tokio::test]
async fn the_offline_client_really_fails_with_transport_when_it_sends() {
    let client = offline_client();
    let error = client
        .get_package(&Owner::org("octo-org"), PackageType::Npm, "ok")
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Transport);
}

#[tokio::test]
async fn owners_names_and_ids() {
    let client = offline_client();
    let npm = PackageType::Npm;
    let org = Owner::org("octo-org");
    assert_invalid(client.get_package(&Owner::org(""), npm, "x").await, "org");
    assert_invalid(
        client.get_package(&Owner::user(""), npm, "x").await,
        "username",
    );
    assert_invalid(
        client.get_package(&Owner::org("a/b"), npm, "x").await,
        "org",
    );
    assert_invalid(
        client
            .list_docker_migration_conflicts(&Owner::user("bad name"))
            .await,
        "username",
    );
    assert_invalid(client.get_package(&org, npm, "").await, "package_name");
    assert_invalid(client.delete_package(&org, npm, "..").await, "package_name");
    assert_invalid(
        client.restore_package(&org, npm, "a b", None).await,
        "package_name",
    );
    assert_invalid(
        client.restore_package(&org, npm, "x", Some("")).await,
        "token",
    );
    assert_invalid(
        client.get_package_version(&org, npm, "x", 0).await,
        "package_version_id",
    );
    assert_invalid(
        client.delete_package_version(&org, npm, "x", 0).await,
        "package_version_id",
    );
    assert_invalid(
        client.restore_package_version(&org, npm, "x", 0).await,
        "package_version_id",
    );
    assert_invalid(
        client.delete_package_version(&org, npm, "", 1).await,
        "package_name",
    );
}

#[tokio::test]
async fn paging_arguments() {
    let client = offline_client();
    let org = Owner::org("octo-org");
    let packages = |page, per_page| ListPackagesOptions {
        page,
        per_page,
        ..ListPackagesOptions::new(PackageType::Container)
    };
    assert_invalid(
        client.list_packages(&org, &packages(Some(0), None)).await,
        "page",
    );
    assert_invalid(
        client.list_packages(&org, &packages(None, Some(0))).await,
        "per_page",
    );
    assert_invalid(
        client.list_packages(&org, &packages(None, Some(101))).await,
        "per_page",
    );
    assert_invalid(
        client
            .list_packages(&org, &packages(Some(101), Some(100)))
            .await,
        "page",
    );
    assert_invalid(
        client.list_packages(&org, &packages(Some(334), None)).await,
        "page",
    );
    assert_invalid(
        client
            .list_all_packages(&org, &packages(None, Some(500)))
            .await,
        "per_page",
    );
    let versions = |page, per_page, state| ListVersionsOptions {
        page,
        per_page,
        state,
    };
    let npm = PackageType::Npm;
    assert_invalid(
        client
            .list_package_versions(&org, npm, "x", &versions(Some(0), None, None))
            .await,
        "page",
    );
    assert_invalid(
        client
            .list_all_package_versions(&org, npm, "x", &versions(None, Some(0), None))
            .await,
        "per_page",
    );
    assert_invalid(
        client
            .list_package_versions(
                &Owner::user("octocat"),
                npm,
                "x",
                &versions(None, None, Some(VersionState::Deleted)),
            )
            .await,
        "state",
    );
}
