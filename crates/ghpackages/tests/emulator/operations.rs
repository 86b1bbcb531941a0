//! All 27 operations (9 per owner family), at the API root and under `/api/v3`.

use ghpackages::{
    Client, ErrorKind, ListPackagesOptions, ListVersionsOptions, Owner, Package, PackageType,
    VersionState, Visibility,
};

use crate::common::{self, API_ROOTS, OCTOCAT};

fn names(packages: &[Package]) -> Vec<&str> {
    packages
        .iter()
        .map(|package| package.name.as_str())
        .collect()
}

fn deleted() -> ListVersionsOptions {
    ListVersionsOptions {
        state: Some(VersionState::Deleted),
        ..ListVersionsOptions::default()
    }
}

async fn assert_not_found<T: std::fmt::Debug>(result: ghpackages::Result<T>) {
    let error = result.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::NotFound, "{error}");
    assert_eq!(error.status(), Some(404));
}

async fn organization_family(client: &Client) {
    let org = Owner::org("octo-org");

    let conflicts = client.list_docker_migration_conflicts(&org).await.unwrap();
    assert_eq!(names(&conflicts), ["legacy-app"]);

    let page = client
        .list_packages(&org, &ListPackagesOptions::new(PackageType::Container))
        .await
        .unwrap();
    let listed = names(&page.items);
    for expected in ["octo-app", "octo-org/base-image", "nightly-builds"] {
        assert!(listed.contains(&expected), "{listed:?}");
    }
    assert!(page
        .items
        .iter()
        .all(|package| package.package_type == PackageType::Container));

    let base_image = client
        .get_package(&org, PackageType::Container, "octo-org/base-image")
        .await
        .unwrap();
    assert_eq!(base_image.name, "octo-org/base-image");
    assert_eq!(base_image.visibility, Visibility::Public);
    assert_eq!(base_image.owner.as_ref().unwrap().login, "octo-org");

    let versions = client
        .list_package_versions(
            &org,
            PackageType::Container,
            "octo-app",
            &Default::default(),
        )
        .await
        .unwrap()
        .items;
    assert_eq!(versions.len(), 8);
    assert!(versions
        .windows(2)
        .all(|pair| pair[0].created_at >= pair[1].created_at));

    let untagged = client
        .get_package_version(&org, PackageType::Container, "octo-app", 100002)
        .await
        .unwrap();
    assert_eq!(untagged.id, 100002);
    let tags = &untagged.metadata.unwrap().container.unwrap().tags;
    assert!(tags.is_empty());

    client
        .delete_package_version(&org, PackageType::Container, "octo-app", 100002)
        .await
        .unwrap();
    assert_not_found(
        client
            .get_package_version(&org, PackageType::Container, "octo-app", 100002)
            .await,
    )
    .await;
    let gone = client
        .list_package_versions(&org, PackageType::Container, "octo-app", &deleted())
        .await
        .unwrap()
        .items;
    assert_eq!(gone.iter().map(|v| v.id).collect::<Vec<_>>(), [100002]);
    assert!(gone[0].deleted_at.is_some());
    client
        .restore_package_version(&org, PackageType::Container, "octo-app", 100002)
        .await
        .unwrap();
    client
        .get_package_version(&org, PackageType::Container, "octo-app", 100002)
        .await
        .unwrap();

    client
        .delete_package(&org, PackageType::Npm, "octo-config")
        .await
        .unwrap();
    assert_not_found(
        client
            .get_package(&org, PackageType::Npm, "octo-config")
            .await,
    )
    .await;
    client
        .restore_package(&org, PackageType::Npm, "octo-config", None)
        .await
        .unwrap();
    let restored = client
        .get_package(&org, PackageType::Npm, "octo-config")
        .await
        .unwrap();
    assert_eq!(restored.version_count, 1);
}

async fn user_family(client: &Client) {
    let user = Owner::user("octocat");

    let conflicts = client.list_docker_migration_conflicts(&user).await.unwrap();
    assert_eq!(names(&conflicts), ["hello_docker_legacy"]);

    let packages = client
        .list_packages(&user, &ListPackagesOptions::new(PackageType::Rubygems))
        .await
        .unwrap()
        .items;
    assert_eq!(names(&packages), ["octo-name"]);

    let gem = client
        .get_package(&user, PackageType::Rubygems, "octo-name")
        .await
        .unwrap();
    assert_eq!(gem.repository.unwrap().name, "octo-name-repo");
    assert_eq!(gem.version_count, 3);

    let versions = client
        .list_package_versions(
            &user,
            PackageType::Rubygems,
            "octo-name",
            &Default::default(),
        )
        .await
        .unwrap()
        .items;
    let version_names: Vec<_> = versions.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(version_names, ["0.3.0", "0.2.0", "0.1.0"]);

    let first = client
        .get_package_version(&user, PackageType::Rubygems, "octo-name", 100027)
        .await
        .unwrap();
    assert_eq!(first.name, "0.1.0");

    client
        .delete_package_version(&user, PackageType::Npm, "octo-scratch", 100034)
        .await
        .unwrap();
    assert_not_found(
        client
            .get_package_version(&user, PackageType::Npm, "octo-scratch", 100034)
            .await,
    )
    .await;
    client
        .restore_package_version(&user, PackageType::Npm, "octo-scratch", 100034)
        .await
        .unwrap();
    client
        .get_package_version(&user, PackageType::Npm, "octo-scratch", 100034)
        .await
        .unwrap();

    client
        .delete_package(&user, PackageType::Npm, "octo-scratch")
        .await
        .unwrap();
    assert_not_found(
        client
            .get_package(&user, PackageType::Npm, "octo-scratch")
            .await,
    )
    .await;
    client
        .restore_package(
            &user,
            PackageType::Npm,
            "octo-scratch",
            Some("restore-token"),
        )
        .await
        .unwrap();
    client
        .get_package(&user, PackageType::Npm, "octo-scratch")
        .await
        .unwrap();
}

async fn authenticated_user_family(client: &Client) {
    let me = Owner::AuthenticatedUser;

    let conflicts = client.list_docker_migration_conflicts(&me).await.unwrap();
    assert_eq!(names(&conflicts), ["hello_docker_legacy"]);

    let packages = client
        .list_packages(&me, &ListPackagesOptions::new(PackageType::Container))
        .await
        .unwrap()
        .items;
    assert_eq!(names(&packages), ["hello_docker"]);

    let package = client
        .get_package(&me, PackageType::Container, "hello_docker")
        .await
        .unwrap();
    assert_eq!(package.owner.unwrap().login, "octocat");

    let versions = client
        .list_package_versions(
            &me,
            PackageType::Container,
            "hello_docker",
            &Default::default(),
        )
        .await
        .unwrap()
        .items;
    assert_eq!(versions.len(), 3);

    let version = client
        .get_package_version(&me, PackageType::Container, "hello_docker", 100031)
        .await
        .unwrap();
    assert_eq!(version.id, 100031);

    client
        .delete_package_version(&me, PackageType::Container, "hello_docker", 100031)
        .await
        .unwrap();
    let gone = client
        .list_package_versions(&me, PackageType::Container, "hello_docker", &deleted())
        .await
        .unwrap()
        .items;
    assert_eq!(gone.iter().map(|v| v.id).collect::<Vec<_>>(), [100031]);
    client
        .restore_package_version(&me, PackageType::Container, "hello_docker", 100031)
        .await
        .unwrap();
    let active = client
        .list_package_versions(
            &me,
            PackageType::Container,
            "hello_docker",
            &Default::default(),
        )
        .await
        .unwrap()
        .items;
    assert_eq!(active.len(), 3);

    client
        .delete_package(&me, PackageType::Maven, "com.octocat.tools")
        .await
        .unwrap();
    assert_not_found(
        client
            .get_package(&me, PackageType::Maven, "com.octocat.tools")
            .await,
    )
    .await;
    client
        .restore_package(&me, PackageType::Maven, "com.octocat.tools", None)
        .await
        .unwrap();
    client
        .get_package(&me, PackageType::Maven, "com.octocat.tools")
        .await
        .unwrap();
}

async fn all_operations(root: &str) {
    let emulator = common::demo().await;
    let client = common::client(&emulator, root, Some(OCTOCAT));
    organization_family(&client).await;
    user_family(&client).await;
    authenticated_user_family(&client).await;
    let scopes = client.token_scopes().expect("the emulator reports scopes");
    assert!(
        scopes.iter().any(|scope| scope == "read:packages"),
        "{scopes:?}"
    );
    emulator.shutdown().await;
}

#[tokio::test]
async fn all_operations_at_the_api_root() {
    all_operations(API_ROOTS[0]).await;
}

#[tokio::test]
async fn all_operations_under_api_v3() {
    all_operations(API_ROOTS[1]).await;
}

#[tokio::test]
async fn api_version_2026_03_10_is_accepted() {
    let emulator = common::demo().await;
    let client = common::builder(emulator.base_url(), Some(OCTOCAT))
        .api_version("2026-03-10")
        .build()
        .unwrap();
    let package = client
        .get_package(&Owner::org("octo-org"), PackageType::Npm, "hello-world-npm")
        .await
        .unwrap();
    assert_eq!(package.name, "hello-world-npm");
    emulator.shutdown().await;
}

#[tokio::test]
async fn without_a_token_no_credentials_are_sent() {
    let emulator = common::demo().await;
    let client = common::client(&emulator, "", None);
    assert!(!client.has_token());
    let error = client
        .get_package(&Owner::user("octocat"), PackageType::Rubygems, "octo-name")
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Unauthorized, "{error}");
    assert_eq!(client.token_scopes(), None);
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_client_serves_many_tasks_at_once() {
    let emulator = common::demo().await;
    let client = common::client(&emulator, "", Some(OCTOCAT));
    let names = ["octo-app", "octo-org/base-image", "nightly-builds"];
    let tasks: Vec<_> = (0..60)
        .map(|n| {
            let client = client.clone();
            let name = names[n % names.len()];
            tokio::spawn(async move {
                client
                    .get_package(&Owner::org("octo-org"), PackageType::Container, name)
                    .await
                    .map(|package| (name, package.name))
            })
        })
        .collect();
    for task in tasks {
        let (asked, got) = task.await.unwrap().unwrap();
        assert_eq!(asked, got);
    }
    emulator.shutdown().await;
}
