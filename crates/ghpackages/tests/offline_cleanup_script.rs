//! A cleanup function tested offline: `delete_untagged` deletes the untagged
//! versions of a container package that are older than 30 days, and the tests
//! run it against an emulator started in-process with the demo data.

use chrono::{DateTime, Duration, Utc};
use ghpackages::{
    Client, ErrorKind, ListVersionsOptions, OwnerHandle, PackageType, PackageVersion, RetryPolicy,
};
use ghpackages_emulator::{
    Emulator, EmulatorConfig, FaultsConfig, PackageFixture, RunningEmulator, VersionState,
};

/// Deletes them and returns their ids.
async fn delete_untagged(
    owner: &OwnerHandle,
    package: &str,
    now: DateTime<Utc>,
) -> ghpackages::Result<Vec<u64>> {
    let cutoff = now - Duration::days(30);
    let options = ListVersionsOptions::default();
    // The whole list first: deleting while paging would shift the pages.
    let versions = owner
        .list_all_package_versions(PackageType::Container, package, &options)
        .await?;
    let mut deleted = Vec::new();
    for version in versions {
        let container = version.metadata.as_ref().and_then(|m| m.container.as_ref());
        if container.is_some_and(|c| c.tags.is_empty()) && version.created_at < cutoff {
            owner
                .delete_package_version(PackageType::Container, package, version.id)
                .await?;
            deleted.push(version.id);
        }
    }
    Ok(deleted)
}

async fn start() -> RunningEmulator {
    Emulator::start(EmulatorConfig::demo())
        .await
        .expect("the emulator starts")
}

fn client(emulator: &RunningEmulator, retry: RetryPolicy) -> Client {
    Client::builder()
        .base_url(emulator.base_url())
        .token("ghp_demo_octocat") // the demo's token of octocat, admin of octo-org
        .token_from_env(false)
        .retry(retry)
        .build()
        .expect("a client")
}

/// The versions of `octo-org`'s container `package` in `state`, newest first.
fn versions(emulator: &RunningEmulator, package: &str, state: VersionState) -> Vec<PackageVersion> {
    let json = emulator
        .versions(
            "octo-org",
            ghpackages_emulator::PackageType::Container,
            package,
            state,
        )
        .expect("the package exists");
    serde_json::from_slice(&json).expect("versions as the API renders them")
}

#[tokio::test]
async fn deletes_untagged_versions_once_they_are_30_days_old() {
    let emulator = start().await;
    let digest = |c: char| format!("sha256:{}", c.to_string().repeat(64));
    let web: PackageFixture = serde_json::from_value(serde_json::json!({
        "owner": "octo-org", "package_type": "container", "name": "web",
        // created now, on the emulator's clock
        "versions": [{"name": digest('1'), "tags": ["latest"]},
                     {"name": digest('2')}, {"name": digest('3')}]
    }))
    .unwrap();
    emulator.add_package(web).unwrap();
    let org = client(&emulator, RetryPolicy::default()).org("octo-org");
    let now = || emulator.clock().now();
    assert!(delete_untagged(&org, "web", now())
        .await
        .unwrap()
        .is_empty());

    emulator.clock().advance(31.0 * 86_400.0);
    let mut deleted = delete_untagged(&org, "web", now()).await.unwrap();

    assert_eq!(deleted.len(), 2);
    let left = versions(&emulator, "web", VersionState::Active);
    assert_eq!(
        left.iter().map(|v| v.name.clone()).collect::<Vec<_>>(),
        [digest('1')]
    );
    let mut gone: Vec<u64> = versions(&emulator, "web", VersionState::Deleted)
        .iter()
        .map(|v| v.id)
        .collect();
    gone.sort_unstable();
    deleted.sort_unstable();
    assert_eq!(gone, deleted);

    // A deletion can be undone for 30 days, and not after.
    org.restore_package_version(PackageType::Container, "web", deleted[0])
        .await
        .unwrap();
    assert_eq!(versions(&emulator, "web", VersionState::Active).len(), 2);
    emulator.clock().advance(31.0 * 86_400.0);
    let late = org
        .restore_package_version(PackageType::Container, "web", deleted[1])
        .await
        .unwrap_err();
    assert_eq!(late.kind(), ErrorKind::NotFound);
    emulator.shutdown().await;
}

#[tokio::test]
async fn survives_a_502() {
    let emulator = start().await;
    // A third of the requests answer 502 Bad Gateway; seeded, so every run alike.
    emulator
        .set_faults(FaultsConfig {
            error_rate: 0.3,
            error_statuses: vec![502],
            seed: Some(1),
            ..FaultsConfig::default()
        })
        .unwrap();
    let no_retries = client(&emulator, RetryPolicy::none()).org("octo-org");
    let failed = delete_untagged(&no_retries, "octo-app", Utc::now())
        .await
        .unwrap_err();
    assert_eq!(failed.status(), Some(502));

    let org = client(&emulator, RetryPolicy::default()).org("octo-org");
    delete_untagged(&org, "octo-app", Utc::now()).await.unwrap(); // retries 502s

    emulator.set_faults(FaultsConfig::default()).unwrap();
    let left: Vec<u64> = versions(&emulator, "octo-app", VersionState::Active)
        .iter()
        .map(|v| v.id)
        .collect();
    assert_eq!(left, [100008, 100006, 100003, 100001]); // the tagged ones
    emulator.shutdown().await;
}
