//! Retries against injected faults and rate limits: a retried request
//! succeeds, a request that must not be retried fails after one attempt.

use std::time::Duration;

use ghpackages::{ErrorKind, Owner, PackageType, RetryPolicy};
use ghpackages_emulator::{EmulatorConfig, FaultsConfig, LimitsConfig};

use crate::common::{self, OCTOCAT};

fn org() -> Owner {
    Owner::org("octo-org")
}

#[tokio::test]
async fn retried_requests_succeed_against_injected_faults() {
    let emulator = common::start(EmulatorConfig {
        faults: FaultsConfig {
            error_rate: 0.4,
            drop_rate: 0.2,
            seed: Some(7),
            ..FaultsConfig::default()
        },
        limits: LimitsConfig::disabled(),
        ..EmulatorConfig::demo()
    })
    .await;
    let url = emulator.base_url();

    let patient = common::builder(url, Some(OCTOCAT))
        .retry(common::quick_retries(25))
        .build()
        .unwrap();
    for _ in 0..20 {
        let package = patient
            .get_package(&org(), PackageType::Npm, "hello-world-npm")
            .await
            .unwrap();
        assert_eq!(package.name, "hello-world-npm");
    }
    for _ in 0..5 {
        patient
            .delete_package_version(&org(), PackageType::Container, "octo-app", 100004)
            .await
            .unwrap();
        patient
            .restore_package_version(&org(), PackageType::Container, "octo-app", 100004)
            .await
            .unwrap();
    }
    let versions = patient
        .list_all_package_versions(
            &org(),
            PackageType::Container,
            "nightly-builds",
            &Default::default(),
        )
        .await
        .unwrap();
    assert_eq!(versions.len(), 350);

    let impatient = common::builder(url, Some(OCTOCAT))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let mut failures = Vec::new();
    for _ in 0..20 {
        if let Err(error) = impatient
            .get_package(&org(), PackageType::Npm, "hello-world-npm")
            .await
        {
            failures.push(error.kind());
        }
    }
    assert!(!failures.is_empty(), "faults were injected");
    assert!(failures
        .iter()
        .all(|kind| matches!(kind, ErrorKind::Server | ErrorKind::Transport)));
    emulator.shutdown().await;
}

/// A client that would wait a long time between attempts: if a request that
/// must not be retried were retried, the test would notice in `used`.
fn slow_retries() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 5,
        initial_backoff: Duration::from_secs(20),
        max_backoff: Duration::from_secs(20),
        max_total_wait: Duration::from_secs(100),
    }
}

#[tokio::test]
async fn errors_that_are_not_retryable_fail_after_one_attempt() {
    let emulator = common::start(EmulatorConfig::demo()).await;
    let client = common::builder(emulator.base_url(), Some(OCTOCAT))
        .retry(slow_retries())
        .build()
        .unwrap();
    client
        .get_package(&org(), PackageType::Npm, "hello-world-npm")
        .await
        .unwrap();
    let mut used = client.rate_limit().unwrap().used;
    let missing = client
        .get_package(&org(), PackageType::Npm, "missing")
        .await
        .unwrap_err();
    assert_eq!(missing.kind(), ErrorKind::NotFound);
    used += 1;
    assert_eq!(missing.rate_limit().unwrap().used, used, "one request only");

    let last_version = client
        .delete_package_version(&org(), PackageType::Npm, "octo-config", 100026)
        .await
        .unwrap_err();
    assert_eq!(last_version.kind(), ErrorKind::Validation);
    used += 1;
    assert_eq!(
        last_version.rate_limit().unwrap().used,
        used,
        "one request only"
    );

    let member = common::builder(emulator.base_url(), Some(common::MONA))
        .retry(slow_retries())
        .build()
        .unwrap();
    let forbidden = member
        .delete_package(&org(), PackageType::Npm, "octo-config")
        .await
        .unwrap_err();
    assert_eq!(forbidden.kind(), ErrorKind::Forbidden);
    let mona_used = forbidden.rate_limit().unwrap().used;
    member
        .get_package(&org(), PackageType::Npm, "hello-world-npm")
        .await
        .unwrap();
    assert_eq!(member.rate_limit().unwrap().used, mona_used + 1);
    emulator.shutdown().await;
}

#[tokio::test]
async fn an_exhausted_budget_is_waited_out_until_the_reset() {
    // An hour of budget passes in one second.
    let emulator = common::start(EmulatorConfig {
        limits: LimitsConfig {
            authenticated_per_hour: 3,
            time_factor: 3600.0,
            ..LimitsConfig::default()
        },
        ..EmulatorConfig::demo()
    })
    .await;
    let url = emulator.base_url();

    let impatient = common::builder(url, Some(OCTOCAT))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    // Three requests a second pass; fifty in a row cannot all pass.
    let mut refused = None;
    for _ in 0..50 {
        if let Err(error) = impatient
            .get_package(&org(), PackageType::Npm, "hello-world-npm")
            .await
        {
            refused = Some(error);
            break;
        }
    }
    let refused = refused.expect("a request is over budget");
    assert_eq!(refused.kind(), ErrorKind::RateLimited);
    assert_eq!(refused.rate_limit().unwrap().remaining, 0);

    let patient = common::builder(url, Some(OCTOCAT))
        .retry(RetryPolicy {
            max_total_wait: Duration::from_secs(20),
            ..common::quick_retries(10)
        })
        .build()
        .unwrap();
    for _ in 0..8 {
        patient
            .get_package(&org(), PackageType::Npm, "hello-world-npm")
            .await
            .unwrap();
    }
    assert_eq!(patient.rate_limit().unwrap().limit, 3);
    emulator.shutdown().await;
}

#[tokio::test]
async fn a_reset_beyond_the_maximum_wait_fails_at_once() {
    let emulator = common::start(EmulatorConfig {
        limits: LimitsConfig {
            authenticated_per_hour: 1,
            ..LimitsConfig::default()
        },
        ..EmulatorConfig::demo()
    })
    .await;
    // The reset is up to an hour away, far beyond the default two minutes of
    // waiting: the client gives up instead of sleeping.
    let client = common::builder(emulator.base_url(), Some(OCTOCAT))
        .retry(RetryPolicy::default())
        .build()
        .unwrap();
    client
        .get_package(&org(), PackageType::Npm, "hello-world-npm")
        .await
        .unwrap();
    let error = client
        .get_package(&org(), PackageType::Npm, "hello-world-npm")
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::RateLimited);
    assert!(error.rate_limit().unwrap().reset > chrono::Utc::now());
    emulator.shutdown().await;
}

#[tokio::test]
async fn secondary_limits_are_retried_after_retry_after() {
    // A minute of points passes in one second; over-limit answers are 429s.
    let emulator = common::start(EmulatorConfig {
        limits: LimitsConfig {
            points_per_minute: 2,
            time_factor: 60.0,
            exceeded_status: reqwest::StatusCode::TOO_MANY_REQUESTS,
            ..LimitsConfig::default()
        },
        ..EmulatorConfig::demo()
    })
    .await;
    let url = emulator.base_url();

    let impatient = common::builder(url, Some(OCTOCAT))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    // Two points a second pass; fifty requests in a row cannot all pass.
    let mut refused = None;
    for _ in 0..50 {
        if let Err(error) = impatient
            .get_package(&org(), PackageType::Npm, "hello-world-npm")
            .await
        {
            refused = Some(error);
            break;
        }
    }
    let refused = refused.expect("a request is over the points budget");
    assert_eq!(refused.kind(), ErrorKind::RateLimited);
    assert_eq!(refused.status(), Some(429));
    assert!(refused.retry_after().is_some());
    assert!(
        refused.message().to_lowercase().contains("secondary"),
        "{refused}"
    );

    let patient = common::builder(url, Some(OCTOCAT))
        .retry(RetryPolicy {
            max_total_wait: Duration::from_secs(20),
            ..common::quick_retries(10)
        })
        .build()
        .unwrap();
    for _ in 0..5 {
        patient
            .get_package(&org(), PackageType::Npm, "hello-world-npm")
            .await
            .unwrap();
    }
    emulator.shutdown().await;
}
