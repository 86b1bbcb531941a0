//! Rate-limit waits are visible: a `tracing` event with the reason and the
//! resume time, and the client's `on_rate_limit` callback. Against the
//! emulator with GitHub's limits sped up 60 times (a minute's budget of 900
//! points lasts one second), so 300 deletions at 5 points each must wait.

use std::io::Write;
use std::sync::{Arc, Mutex};

use chrono::Utc;
use ghpackages::cleanup::{self, ExecuteOptions, PackageFacts, Policy, RateBudget};
use ghpackages::PackageRef;
use ghpackages::{Client, ListVersionsOptions, Owner, PackageType, RateLimitReason, RateLimitWait};
use ghpackages_emulator::{Emulator, EmulatorConfig, Fixture, LimitsConfig, RunningEmulator};

const ADMIN: &str = "ghp_cleanup_admin";

async fn start() -> RunningEmulator {
    Emulator::start(EmulatorConfig {
        fixture: Some(Fixture::from_json(include_str!("cleanup_fixture.json")).unwrap()),
        limits: LimitsConfig {
            time_factor: 60.0,
            ..LimitsConfig::default()
        },
        ..EmulatorConfig::default()
    })
    .await
    .expect("the emulator starts")
}

type Waits = Arc<Mutex<Vec<(chrono::DateTime<Utc>, RateLimitWait)>>>;

/// A client that records every wait it announces, with when it was announced.
fn recording_client(emulator: &RunningEmulator) -> (Client, Waits) {
    let waits: Waits = Arc::default();
    let sink = waits.clone();
    let client = Client::builder()
        .base_url(emulator.base_url())
        .token(ADMIN)
        .token_from_env(false)
        .on_rate_limit(move |wait| sink.lock().unwrap().push((Utc::now(), wait.clone())))
        .build()
        .unwrap();
    (client, waits)
}

fn nightly() -> PackageRef {
    PackageRef::new(
        Owner::org("octo-org"),
        PackageType::Container,
        "nightly-builds",
    )
}

async fn untagged(client: &Client) -> Vec<ghpackages::PackageVersion> {
    let target = nightly();
    let mut versions = client
        .list_all_package_versions(
            &target.owner,
            target.package_type,
            &target.name,
            &ListVersionsOptions::default(),
        )
        .await
        .unwrap();
    versions.retain(|v| {
        v.metadata
            .as_ref()
            .and_then(|m| m.container.as_ref())
            .is_some_and(|c| c.tags.is_empty())
    });
    versions
}

/// A `tracing` writer that keeps what it is given.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn check(waits: &Waits) {
    let waits = waits.lock().unwrap();
    assert!(!waits.is_empty(), "no wait was announced");
    for (announced, wait) in waits.iter() {
        assert!(wait.wait_ms > 0, "{wait:?}");
        assert!(
            wait.resume_at > *announced - chrono::TimeDelta::milliseconds(5),
            "{wait:?}"
        );
        assert!(
            wait.resume_at
                <= *announced + chrono::TimeDelta::milliseconds(wait.wait_ms as i64 + 50),
            "{wait:?}"
        );
    }
}

#[tokio::test]
async fn a_plain_delete_loop_announces_its_waits_in_tracing_and_the_callback() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_max_level(tracing::Level::INFO)
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let emulator = start().await;
    let (client, waits) = recording_client(&emulator);
    let versions = untagged(&client).await;
    assert_eq!(versions.len(), 300);
    let target = nightly();
    for version in &versions {
        client
            .delete_package_version(&target.owner, target.package_type, &target.name, version.id)
            .await
            .unwrap();
    }
    check(&waits);
    assert!(waits
        .lock()
        .unwrap()
        .iter()
        .any(|(_, w)| w.reason == RateLimitReason::Secondary));
    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let line = log
        .lines()
        .find(|l| l.contains("waiting for GitHub's rate limit, resuming in"))
        .unwrap_or_else(|| panic!("no wait in the log:\n{log}"));
    assert!(
        line.contains("WARN") && line.contains("reason=\"secondary\""),
        "{line}"
    );
    assert!(line.contains("resume_at="), "{line}");
    assert!(!log.contains(ADMIN), "the token leaked into the log");
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cleanup_announces_the_waits_of_its_pacer() {
    let emulator = start().await;
    let (client, waits) = recording_client(&emulator);
    let versions = client
        .list_all_package_versions(
            &nightly().owner,
            nightly().package_type,
            &nightly().name,
            &ListVersionsOptions::default(),
        )
        .await
        .unwrap();
    let policy = Policy::from_json(r#"{"tags": "untagged"}"#).unwrap();
    let plan = cleanup::plan_with(&versions, &PackageFacts::default(), &policy, Utc::now());
    // A budget stricter than the server's: 60 writes per two seconds, so the
    // pacer, not a refusal, holds the writes back for over a second.
    let options = ExecuteOptions {
        budget: RateBudget {
            points: 300,
            window_ms: 2_000,
            write_cost: 5,
        },
        concurrency: 16,
        journal_file: false,
        ..ExecuteOptions::default()
    };
    let report = cleanup::execute(&client, &nightly(), &plan, &options)
        .await
        .unwrap();
    assert_eq!((report.deleted, report.failed), (300, 0));
    check(&waits);
    assert!(waits
        .lock()
        .unwrap()
        .iter()
        .any(|(_, w)| w.reason == RateLimitReason::Pacing));
    emulator.shutdown().await;
}
