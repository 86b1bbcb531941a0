//! Rate-limit waits are visible: a `tracing` event with the reason and the
//! resume time, and the client's `on_rate_limit` callback, against the
//! emulator. The limits are small enough to be reached on any machine,
//! however slow: the assertions are about what happened, never about how
//! long it took.

use std::io::Write;
use std::sync::{Arc, Mutex};

use chrono::Utc;
use ghpackages::cleanup::{self, ExecuteOptions, PackageFacts, Policy, RateBudget};
use ghpackages::PackageRef;
use ghpackages::{Client, ListVersionsOptions, Owner, PackageType, RateLimitReason, RateLimitWait};
use ghpackages_emulator::{Emulator, EmulatorConfig, Fixture, LimitsConfig, RunningEmulator};

const ADMIN: &str = "ghp_cleanup_admin";

async fn start(limits: LimitsConfig) -> RunningEmulator {
    Emulator::start(EmulatorConfig {
        fixture: Some(Fixture::from_json(include_str!("cleanup_fixture.json")).unwrap()),
        limits,
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

/// Every wait was announced while the run lasted (after `started`, no later
/// than the callback saw it) and resumes after it was announced.
fn check(waits: &Waits, started: chrono::DateTime<Utc>) {
    let waits = waits.lock().unwrap();
    assert!(!waits.is_empty(), "no wait was announced");
    for (seen, wait) in waits.iter() {
        assert!(wait.wait_ms > 0, "{wait:?}");
        // `wait_ms` drops the sub-millisecond part of the wait.
        let announced = wait.resume_at - chrono::TimeDelta::milliseconds(wait.wait_ms as i64);
        assert!(announced >= started, "{wait:?} announced before the run");
        assert!(
            announced <= *seen + chrono::TimeDelta::milliseconds(1),
            "{wait:?} announced after the callback saw it at {seen}"
        );
        assert!(wait.resume_at > announced, "{wait:?}");
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
    // Two deletions (10 points) per window of four seconds (a minute sped up
    // 15 times): the third deletion comes within the window on any machine,
    // and GitHub refuses it with a `Retry-After`.
    let emulator = start(LimitsConfig {
        points_per_minute: 10,
        time_factor: 15.0,
        ..LimitsConfig::default()
    })
    .await;
    let (client, waits) = recording_client(&emulator);
    let versions = untagged(&client).await;
    assert_eq!(versions.len(), 300);
    let target = nightly();
    let started = Utc::now();
    let mut deleted = 0;
    for version in &versions {
        client
            .delete_package_version(&target.owner, target.package_type, &target.name, version.id)
            .await
            .unwrap();
        deleted += 1;
        // The deletion that waited went through after its wait: that is the
        // behaviour under test, and the rest would only wait again.
        if !waits.lock().unwrap().is_empty() {
            break;
        }
    }
    assert!(deleted >= 3, "a wait came before the budget was spent");
    assert_eq!(untagged(&client).await.len(), 300 - deleted);
    check(&waits, started);
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
    let emulator = start(LimitsConfig {
        time_factor: 60.0,
        ..LimitsConfig::default()
    })
    .await;
    let (client, waits) = recording_client(&emulator);
    // Four of the 300 untagged versions (the plan keeps the newest), and a
    // budget far stricter than the server's: two writes per four seconds. The third write waits for the
    // first answer's points to leave the window, nearly four seconds,
    // however fast or slow the first two were answered.
    let versions: Vec<_> = untagged(&client).await.into_iter().take(4).collect();
    let policy = Policy::from_json(r#"{"tags": "untagged"}"#).unwrap();
    let plan = cleanup::plan_with(&versions, &PackageFacts::default(), &policy, Utc::now());
    let options = ExecuteOptions {
        budget: RateBudget {
            points: 10,
            window_ms: 4_000,
            write_cost: 5,
            ..RateBudget::default()
        },
        concurrency: 16,
        journal_file: false,
        ..ExecuteOptions::default()
    };
    let started = Utc::now();
    let report = cleanup::execute(&client, &nightly(), &plan, &options)
        .await
        .unwrap();
    assert_eq!((report.deleted, report.failed), (3, 0));
    assert_eq!(untagged(&client).await.len(), 297);
    check(&waits, started);
    assert!(waits
        .lock()
        .unwrap()
        .iter()
        .any(|(_, w)| w.reason == RateLimitReason::Pacing));
    emulator.shutdown().await;
}
