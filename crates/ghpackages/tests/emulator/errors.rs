//! Every error kind, provoked for real, with the details people and bindings
//! rely on: kind, status, GitHub's message, request id, display text, and
//! never the token.

use std::collections::HashSet;
use std::time::Duration;

use ghpackages::{
    Error, ErrorKind, ListPackagesOptions, ListVersionsOptions, Owner, PackageType, RetryPolicy,
};
use ghpackages_emulator::{EmulatorConfig, FaultsConfig, Fixture, LimitsConfig};
use serde_json::json;

use crate::common::{self, MONA, OCTOCAT, OCTOCAT_READONLY};

const BAD_TOKEN: &str = "ghp_not_a_token_of_anyone_0123456789";

/// Checks that `error` is of `kind` and what every error must satisfy;
/// returns the kind.
fn checked(error: Error, token: &str, kind: ErrorKind) -> ErrorKind {
    assert_eq!(error.kind(), kind, "{error}");
    for text in [
        error.to_string(),
        format!("{error:?}"),
        error.message().to_owned(),
    ] {
        assert!(!text.contains(token), "token leaked: {text}");
    }
    assert!(!error.to_string().is_empty());
    error.kind()
}

async fn not_found() -> ErrorKind {
    let emulator = common::demo().await;
    let client = common::client(&emulator, "", Some(OCTOCAT));
    let org = Owner::org("octo-org");
    let error = client
        .get_package(&org, PackageType::Container, "hello")
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(404));
    assert_eq!(
        error.to_string(),
        "package 'octo-org/hello' (container) not found (404)"
    );
    assert!(error.request_id().is_some());
    assert!(error.documentation_url().is_some());
    assert!(!error.is_retryable());
    let version = client
        .get_package_version(&org, PackageType::Container, "octo-app", 42)
        .await
        .unwrap_err();
    assert_eq!(
        version.to_string(),
        "version 42 of package 'octo-org/octo-app' (container) not found (404)"
    );
    let me = client
        .get_package(&Owner::AuthenticatedUser, PackageType::Npm, "nope")
        .await
        .unwrap_err();
    assert_eq!(
        me.to_string(),
        "package 'nope' (npm) of the authenticated user not found (404)"
    );
    let owner = client
        .list_packages(
            &Owner::org("no-such-org"),
            &ListPackagesOptions::new(PackageType::Npm),
        )
        .await
        .unwrap_err();
    assert_eq!(owner.kind(), ErrorKind::NotFound);
    assert_eq!(
        owner.to_string(),
        "organization 'no-such-org' not found (404)"
    );
    emulator.shutdown().await;
    checked(error, OCTOCAT, ErrorKind::NotFound)
}

async fn unauthorized() -> ErrorKind {
    let emulator = common::demo().await;
    let client = common::client(&emulator, "/api/v3", Some(BAD_TOKEN));
    let error = client
        .list_packages(
            &Owner::org("octo-org"),
            &ListPackagesOptions::new(PackageType::Npm),
        )
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(401));
    assert!(!error.is_retryable());
    assert!(
        error.to_string().starts_with("organization 'octo-org': "),
        "{error}"
    );
    emulator.shutdown().await;
    checked(error, BAD_TOKEN, ErrorKind::Unauthorized)
}

async fn forbidden_and_validation() -> Vec<ErrorKind> {
    let emulator = common::demo().await;
    let org = Owner::org("octo-org");
    let member = common::client(&emulator, "", Some(MONA));
    let forbidden = member
        .delete_package(&org, PackageType::Npm, "octo-config")
        .await
        .unwrap_err();
    assert_eq!(forbidden.status(), Some(403));
    assert!(!forbidden.is_retryable());
    let no_scope = common::client(&emulator, "", Some(OCTOCAT_READONLY))
        .delete_package(&org, PackageType::Npm, "octo-config")
        .await
        .unwrap_err();
    assert_eq!(no_scope.kind(), ErrorKind::Forbidden, "{no_scope}");

    let admin = common::client(&emulator, "", Some(OCTOCAT));
    let validation = admin
        .delete_package_version(&org, PackageType::Npm, "octo-config", 100026)
        .await
        .unwrap_err();
    assert_eq!(validation.status(), Some(400));
    assert!(validation.message().contains("last"), "{validation}");
    assert!(validation
        .to_string()
        .starts_with("version 100026 of package 'octo-org/octo-config' (npm): "));
    emulator.shutdown().await;
    vec![
        checked(forbidden, MONA, ErrorKind::Forbidden),
        checked(validation, OCTOCAT, ErrorKind::Validation),
    ]
}

async fn conflict() -> ErrorKind {
    let yesterday = chrono::Utc::now() - chrono::Duration::days(1);
    let fixture = json!({
        "users": [{"login": "kim"}],
        "tokens": [{"token": "ghp_kim", "user": "kim",
                    "scopes": ["read:packages", "write:packages", "delete:packages"]}],
        "packages": [{
            "owner": "kim", "package_type": "npm", "name": "reused",
            "versions": [
                {"id": 7001, "name": "1.0.0", "deleted_at": yesterday},
                {"id": 7002, "name": "2.0.0"}
            ]
        }]
    });
    let emulator = common::with_fixture(Fixture::from_json(&fixture.to_string()).unwrap()).await;
    // A new 1.0.0 is published after the old one was deleted.
    let admin = reqwest::Client::new()
        .post(format!(
            "{}/_emulator/packages/kim/npm/reused/versions",
            emulator.base_url()
        ))
        .bearer_auth(emulator.admin_token())
        .json(&json!({"name": "1.0.0"}))
        .send()
        .await
        .unwrap();
    assert!(admin.status().is_success(), "{}", admin.status());
    let client = common::client(&emulator, "", Some("ghp_kim"));
    let error = client
        .restore_package_version(&Owner::AuthenticatedUser, PackageType::Npm, "reused", 7001)
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(409));
    emulator.shutdown().await;
    checked(error, "ghp_kim", ErrorKind::Conflict)
}

async fn rate_limited() -> ErrorKind {
    let emulator = common::start(EmulatorConfig {
        limits: LimitsConfig {
            authenticated_per_hour: 2,
            ..LimitsConfig::default()
        },
        ..EmulatorConfig::demo()
    })
    .await;
    let client = common::builder(emulator.base_url(), Some(OCTOCAT))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let org = Owner::org("octo-org");
    for _ in 0..2 {
        client
            .get_package(&org, PackageType::Npm, "hello-world-npm")
            .await
            .unwrap();
    }
    let error = client
        .get_package(&org, PackageType::Npm, "hello-world-npm")
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(403));
    let limit = error.rate_limit().expect("rate-limit headers");
    assert_eq!(limit.remaining, 0);
    assert_eq!(limit.limit, 2);
    assert!(error.is_retryable());
    assert_eq!(client.rate_limit().unwrap().remaining, 0);
    emulator.shutdown().await;
    checked(error, OCTOCAT, ErrorKind::RateLimited)
}

async fn faulty(faults: FaultsConfig) -> ghpackages_emulator::RunningEmulator {
    common::start(EmulatorConfig {
        faults,
        limits: LimitsConfig::disabled(),
        ..EmulatorConfig::demo()
    })
    .await
}

async fn server() -> ErrorKind {
    let emulator = faulty(FaultsConfig {
        error_rate: 1.0,
        error_statuses: vec![502],
        ..FaultsConfig::default()
    })
    .await;
    let client = common::client(&emulator, "", Some(OCTOCAT));
    let error = client
        .list_docker_migration_conflicts(&Owner::AuthenticatedUser)
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(502));
    assert!(error.is_retryable());
    emulator.shutdown().await;
    checked(error, OCTOCAT, ErrorKind::Server)
}

async fn transport() -> Vec<ErrorKind> {
    let emulator = faulty(FaultsConfig {
        drop_rate: 1.0,
        ..FaultsConfig::default()
    })
    .await;
    let client = common::client(&emulator, "", Some(OCTOCAT));
    let dropped = client
        .get_package(&Owner::org("octo-org"), PackageType::Npm, "octo-config")
        .await
        .unwrap_err();
    assert_eq!(dropped.status(), None);
    assert!(dropped.is_retryable());
    emulator.shutdown().await;

    let refused_client = common::builder(&common::dead_url(), Some(OCTOCAT))
        .build()
        .unwrap();
    let refused = refused_client
        .list_docker_migration_conflicts(&Owner::AuthenticatedUser)
        .await
        .unwrap_err();
    assert_eq!(refused.status(), None);
    vec![
        checked(dropped, OCTOCAT, ErrorKind::Transport),
        checked(refused, OCTOCAT, ErrorKind::Transport),
    ]
}

async fn timeout() -> ErrorKind {
    let emulator = faulty(FaultsConfig {
        latency_ms: 3_000,
        ..FaultsConfig::default()
    })
    .await;
    let client = common::builder(emulator.base_url(), Some(OCTOCAT))
        .timeout(Duration::from_millis(200))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let error = client
        .get_package(&Owner::org("octo-org"), PackageType::Npm, "octo-config")
        .await
        .unwrap_err();
    assert!(error.is_retryable());
    emulator.shutdown().await;
    checked(error, OCTOCAT, ErrorKind::Timeout)
}

async fn decode_and_other() -> Vec<ErrorKind> {
    let emulator = faulty(FaultsConfig {
        malformed_rate: 1.0,
        ..FaultsConfig::default()
    })
    .await;
    let client = common::client(&emulator, "", Some(OCTOCAT));
    let decode = client
        .get_package(&Owner::org("octo-org"), PackageType::Npm, "octo-config")
        .await
        .unwrap_err();
    assert_eq!(decode.status(), Some(200));
    assert!(!decode.is_retryable());
    let list = client
        .list_package_versions(
            &Owner::org("octo-org"),
            PackageType::Npm,
            "octo-config",
            &ListVersionsOptions::default(),
        )
        .await
        .unwrap_err();
    assert_eq!(list.kind(), ErrorKind::Decode);
    emulator.shutdown().await;

    let emulator = faulty(FaultsConfig {
        error_rate: 1.0,
        error_statuses: vec![418],
        ..FaultsConfig::default()
    })
    .await;
    let client = common::client(&emulator, "", Some(OCTOCAT));
    let other = client
        .delete_package(&Owner::org("octo-org"), PackageType::Npm, "octo-config")
        .await
        .unwrap_err();
    assert_eq!(other.status(), Some(418));
    assert_eq!(other.message(), "I'm a teapot");
    assert!(!other.is_retryable());
    emulator.shutdown().await;
    vec![
        checked(decode, OCTOCAT, ErrorKind::Decode),
        checked(other, OCTOCAT, ErrorKind::Other),
    ]
}

async fn invalid_input() -> ErrorKind {
    let client = common::builder(&common::dead_url(), Some(OCTOCAT))
        .build()
        .unwrap();
    let error = client
        .get_package(&Owner::org(""), PackageType::Npm, "x")
        .await
        .unwrap_err();
    assert_eq!(error.argument(), Some("org"));
    checked(error, OCTOCAT, ErrorKind::InvalidInput)
}

#[tokio::test]
async fn every_error_kind_is_provoked() {
    let mut seen = HashSet::new();
    seen.insert(not_found().await);
    seen.insert(unauthorized().await);
    seen.extend(forbidden_and_validation().await);
    seen.insert(conflict().await);
    seen.insert(rate_limited().await);
    seen.insert(server().await);
    seen.extend(transport().await);
    seen.insert(timeout().await);
    seen.extend(decode_and_other().await);
    seen.insert(invalid_input().await);
    let all: HashSet<_> = ErrorKind::ALL.iter().copied().collect();
    assert_eq!(seen, all);
}
