//! Untrusted input given to the client: what it can tell is malformed is an
//! `invalid_input` error naming the argument, raised before anything is sent
//! (the base URL points where nothing listens, so a request would be a
//! transport error) — quotes, `%`, `<`, `?`, `#`, non-ASCII and other
//! characters no registry allows in a name among them; what is well-formed but
//! odd (`it's`, `%` spelled out) is sent percent-encoded and GitHub — here the
//! emulator — answers a clean 404 for the exact name, never another package.

use ghpackages::{
    Client, ErrorKind, ListPackagesOptions, ListVersionsOptions, Owner, PackageType, RetryPolicy,
};
use ghpackages_emulator::{Emulator, EmulatorConfig, LimitsConfig, RunningEmulator};
use std::time::Duration;

const TOKEN: &str = "ghp_demo_octocat";

fn client(base_url: &str) -> Client {
    Client::builder()
        .base_url(base_url)
        .token(TOKEN)
        .token_from_env(false)
        .retry(RetryPolicy {
            max_attempts: 1,
            initial_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_millis(1),
            max_total_wait: Duration::from_secs(1),
        })
        .build()
        .expect("the client builds")
}

/// A loopback address where nothing listens.
fn nowhere() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}

async fn demo() -> RunningEmulator {
    Emulator::start(EmulatorConfig {
        limits: LimitsConfig::disabled(),
        ..EmulatorConfig::demo()
    })
    .await
    .expect("the emulator starts")
}

#[track_caller]
fn assert_invalid<T: std::fmt::Debug>(result: ghpackages::Result<T>, argument: &str, what: &str) {
    let error = result.expect_err(what);
    assert_eq!(error.kind(), ErrorKind::InvalidInput, "{what}: {error}");
    assert_eq!(error.argument(), Some(argument), "{what}: {error}");
    assert!(!error.message().is_empty());
}

#[tokio::test]
async fn malformed_package_names_are_refused_before_sending() {
    let client = client(&nowhere());
    let org = Owner::org("octo-org");
    let long = "a".repeat(100_000);
    let names = [
        "",
        "..",
        ".",
        "../etc/passwd",
        "octo-org/../secret",
        "a//b",
        "/leading",
        "trailing/",
        "nul\0byte",
        "new\nline",
        "carriage\rreturn",
        "tab\tname",
        "with space",
        "\u{7f}delete",
        "\u{85}next-line",
        &long,
    ];
    for name in names {
        let what = format!("{:?}", &name[..name.len().min(40)]);
        assert_invalid(
            client.get_package(&org, PackageType::Npm, name).await,
            "package_name",
            &what,
        );
        assert_invalid(
            client.delete_package(&org, PackageType::Npm, name).await,
            "package_name",
            &what,
        );
        assert_invalid(
            client
                .restore_package(&org, PackageType::Npm, name, None)
                .await,
            "package_name",
            &what,
        );
        assert_invalid(
            client
                .list_package_versions(
                    &org,
                    PackageType::Npm,
                    name,
                    &ListVersionsOptions::default(),
                )
                .await,
            "package_name",
            &what,
        );
        assert_invalid(
            client
                .get_package_version(&org, PackageType::Npm, name, 1)
                .await,
            "package_name",
            &what,
        );
        assert_invalid(
            client
                .delete_package_version(&org, PackageType::Npm, name, 1)
                .await,
            "package_name",
            &what,
        );
        assert_invalid(
            client
                .restore_package_version(&org, PackageType::Npm, name, 1)
                .await,
            "package_name",
            &what,
        );
    }
}

#[tokio::test]
async fn malformed_owners_are_refused_before_sending() {
    let client = client(&nowhere());
    let long = "o".repeat(101);
    for login in [
        "",
        "..",
        "octo-org/..",
        "a/b",
        "a\0b",
        "a b",
        "é",
        "a\"b",
        "a%00",
        &long,
    ] {
        let what = format!("{login:?}");
        for (owner, argument) in [(Owner::org(login), "org"), (Owner::user(login), "username")] {
            assert_invalid(
                client.get_package(&owner, PackageType::Npm, "x").await,
                argument,
                &what,
            );
            assert_invalid(
                client
                    .list_packages(&owner, &ListPackagesOptions::new(PackageType::Npm))
                    .await,
                argument,
                &what,
            );
            assert_invalid(
                client.list_docker_migration_conflicts(&owner).await,
                argument,
                &what,
            );
        }
    }
}

#[tokio::test]
async fn out_of_range_numbers_are_refused_before_sending() {
    let client = client(&nowhere());
    let org = Owner::org("octo-org");
    let mut options = ListPackagesOptions::new(PackageType::Npm);
    options.page = Some(u32::MAX);
    assert_invalid(
        client.list_packages(&org, &options).await,
        "page",
        "huge page",
    );
    options.page = Some(0);
    assert_invalid(client.list_packages(&org, &options).await, "page", "page 0");
    options.page = None;
    for per_page in [0, 101, u32::MAX] {
        options.per_page = Some(per_page);
        assert_invalid(
            client.list_packages(&org, &options).await,
            "per_page",
            &format!("per_page {per_page}"),
        );
    }
    assert_invalid(
        client
            .get_package_version(&org, PackageType::Npm, "x", 0)
            .await,
        "package_version_id",
        "version 0",
    );
    assert_invalid(
        client
            .restore_package(&org, PackageType::Npm, "x", Some(" "))
            .await,
        "token",
        "blank restore token",
    );
}

/// Names holding characters no registry allows never leave the client.
#[tokio::test]
async fn names_with_forbidden_characters_are_refused_before_sending() {
    let client = client(&nowhere());
    let org = Owner::org("octo-org");
    for name in [
        "hello-world-npm%00",
        "%2e%2e",
        "hello-world-npm\"",
        "<script>alert(1)</script>",
        "hello-world-npm?package_type=npm",
        "hello-world-npm#fragment",
        "hello-world-npm;x",
        "%FF%FE",
        "name\\..\\..",
        "ünïcödé",
        "😀",
    ] {
        assert_invalid(
            client.get_package(&org, PackageType::Npm, name).await,
            "package_name",
            name,
        );
        assert_invalid(
            client
                .delete_package_version(&org, PackageType::Npm, name, 100012)
                .await,
            "package_name",
            name,
        );
    }
}

/// Well-formed but odd names reach the server percent-encoded and name
/// exactly themselves: 404, never a neighbour such as `hello-world-npm`.
#[tokio::test]
async fn odd_names_are_sent_encoded_and_not_found() {
    let emulator = demo().await;
    let client = client(emulator.base_url());
    let org = Owner::org("octo-org");
    let names = [
        "it's",
        "hello-world-npm!",
        "(hello-world-npm)",
        "hello-world-npm*",
        "~hello-world-npm",
        "hello-world-npm+1",
    ];
    for name in names {
        let error = client
            .get_package(&org, PackageType::Npm, name)
            .await
            .expect_err(name);
        assert_eq!(error.kind(), ErrorKind::NotFound, "{name:?}: {error}");
        assert_eq!(error.status(), Some(404), "{name:?}");
        let error = client
            .delete_package_version(&org, PackageType::Npm, name, 100012)
            .await
            .expect_err(name);
        assert_eq!(error.kind(), ErrorKind::NotFound, "{name:?}: {error}");
    }
    // Nothing was deleted on the way.
    let versions = client
        .list_all_package_versions(
            &org,
            PackageType::Npm,
            "hello-world-npm",
            &ListVersionsOptions::default(),
        )
        .await
        .expect("versions listed");
    assert_eq!(versions.len(), 5);
    emulator.shutdown().await;
}

/// The deepest version page the client can ask for is simply empty.
#[tokio::test]
async fn huge_version_page_is_empty() {
    let emulator = demo().await;
    let client = client(emulator.base_url());
    let options = ListVersionsOptions {
        page: Some(u32::MAX),
        per_page: Some(100),
        ..ListVersionsOptions::default()
    };
    let page = client
        .list_package_versions(
            &Owner::org("octo-org"),
            PackageType::Npm,
            "hello-world-npm",
            &options,
        )
        .await
        .expect("a page");
    assert!(page.items.is_empty());
    let error = client
        .get_package_version(
            &Owner::org("octo-org"),
            PackageType::Npm,
            "hello-world-npm",
            u64::MAX,
        )
        .await
        .expect_err("no such id");
    assert_eq!(error.kind(), ErrorKind::InvalidInput, "{error}");
    assert_eq!(error.argument(), Some("package_version_id"));
    emulator.shutdown().await;
}
