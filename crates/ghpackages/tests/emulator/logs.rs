//! The client's log lines (at every level) never contain a token, not even
//! the restore `token` query parameter, also when requests are retried.

use std::io::Write;
use std::sync::{Arc, Mutex};

use ghpackages::{Owner, PackageType};
use ghpackages_emulator::{EmulatorConfig, FaultsConfig, LimitsConfig};

use crate::common::{self, OCTOCAT};

const RESTORE_TOKEN: &str = "restore-token-4f1c9a";

/// Collects formatted log lines.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn logs_never_contain_tokens() {
    let capture = Capture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    // A current-thread runtime: everything runs on this thread, under this subscriber.
    let _guard = tracing::subscriber::set_default(subscriber);

    let emulator = common::start(EmulatorConfig {
        faults: FaultsConfig {
            error_rate: 0.5,
            seed: Some(3),
            ..FaultsConfig::default()
        },
        limits: LimitsConfig::disabled(),
        ..EmulatorConfig::demo()
    })
    .await;
    let client = common::builder(emulator.base_url(), Some(OCTOCAT))
        .retry(common::quick_retries(30))
        .build()
        .unwrap();
    let me = Owner::AuthenticatedUser;
    for _ in 0..5 {
        client
            .delete_package(&me, PackageType::Npm, "octo-scratch")
            .await
            .unwrap();
        client
            .restore_package(&me, PackageType::Npm, "octo-scratch", Some(RESTORE_TOKEN))
            .await
            .unwrap();
    }
    emulator.shutdown().await;

    let logs = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("retrying"),
        "faults were retried and logged:\n{logs}"
    );
    assert!(
        logs.contains("/user/packages/npm/octo-scratch/restore"),
        "{logs}"
    );
    assert!(!logs.contains(OCTOCAT), "{logs}");
    assert!(!logs.contains(RESTORE_TOKEN), "{logs}");
}
