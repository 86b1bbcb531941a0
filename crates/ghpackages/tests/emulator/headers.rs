//! What goes over the wire: request lines with percent-encoded names and the
//! headers GitHub expects, recorded by a loopback server.

use ghpackages::{Owner, PackageType};

use crate::common::{self, OCTOCAT};

/// The recorded request heads, lower-cased for header-name comparisons.
fn lowered(heads: &std::sync::Mutex<Vec<String>>) -> Vec<String> {
    heads
        .lock()
        .unwrap()
        .iter()
        .map(|head| head.to_ascii_lowercase())
        .collect()
}

#[tokio::test]
async fn requests_carry_githubs_headers_and_encoded_names() {
    let (url, heads) = common::not_github("204 No Content", "").await;
    let client = common::builder(&format!("{url}/api/v3/"), Some(OCTOCAT))
        .build()
        .unwrap();
    client
        .delete_package_version(
            &Owner::org("octo-org"),
            PackageType::Container,
            "octo-org/base-image",
            7,
        )
        .await
        .unwrap();
    client
        .restore_package(
            &Owner::AuthenticatedUser,
            PackageType::Npm,
            "@scope/name",
            Some("t0k"),
        )
        .await
        .unwrap();
    let custom = common::builder(&url, None)
        .api_version("2026-03-10")
        .user_agent("my-tool/1.0")
        .build()
        .unwrap();
    custom
        .restore_package_version(
            &Owner::user("octocat"),
            PackageType::Maven,
            "com.example:lib",
            9,
        )
        .await
        .unwrap();

    let heads = lowered(&heads);
    assert_eq!(heads.len(), 3, "{heads:?}");
    assert!(heads[0].starts_with(
        "delete /api/v3/orgs/octo-org/packages/container/octo-org%2fbase-image/versions/7 http/1.1\r\n"
    ), "{}", heads[0]);
    assert!(
        heads[1].starts_with(
            "post /api/v3/user/packages/npm/%40scope%2fname/restore?token=t0k http/1.1\r\n"
        ),
        "{}",
        heads[1]
    );
    for head in &heads[..2] {
        assert!(
            head.contains("\r\naccept: application/vnd.github+json\r\n"),
            "{head}"
        );
        assert!(
            head.contains("\r\nx-github-api-version: 2022-11-28\r\n"),
            "{head}"
        );
        let agent = format!(
            "\r\nuser-agent: ghpackages-rust/{}\r\n",
            env!("CARGO_PKG_VERSION")
        );
        assert!(head.contains(&agent), "{head}");
        let authorization = format!(
            "\r\nauthorization: bearer {}\r\n",
            OCTOCAT.to_ascii_lowercase()
        );
        assert!(head.contains(&authorization), "{head}");
    }
    assert!(
        heads[2].starts_with(
            "post /users/octocat/packages/maven/com.example%3alib/versions/9/restore http/1.1\r\n"
        ),
        "{}",
        heads[2]
    );
    assert!(
        heads[2].contains("\r\nx-github-api-version: 2026-03-10\r\n"),
        "{}",
        heads[2]
    );
    assert!(
        heads[2].contains("\r\nuser-agent: my-tool/1.0\r\n"),
        "{}",
        heads[2]
    );
    assert!(!heads[2].contains("authorization"), "{}", heads[2]);
}
