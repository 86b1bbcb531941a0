//! Journals know their server, and every cleanup can be undone. One test in
//! its own binary: it sets `GITHUB_API_URL` and `XDG_STATE_HOME`, which no
//! other test may see change.

use chrono::Utc;
use ghpackages::cleanup::{self, ExecuteOptions, PackageFacts, Policy, RateBudget, UndoOptions};
use ghpackages::PackageRef;
use ghpackages::{
    BaseUrlSource, Client, ErrorKind, ListVersionsOptions, Owner, PackageType, RetryPolicy,
    BASE_URL_VARIABLE, DEFAULT_BASE_URL,
};
use ghpackages_emulator::{Emulator, EmulatorConfig, Fixture, LimitsConfig, RunningEmulator};

const ADMIN: &str = "ghp_cleanup_admin";

fn nightly() -> PackageRef {
    PackageRef::new(
        Owner::org("octo-org"),
        PackageType::Container,
        "nightly-builds",
    )
}

async fn start() -> RunningEmulator {
    Emulator::start(EmulatorConfig {
        fixture: Some(Fixture::from_json(include_str!("cleanup_fixture.json")).unwrap()),
        limits: LimitsConfig::disabled(),
        ..EmulatorConfig::default()
    })
    .await
    .expect("the emulator starts")
}

/// A client whose base URL comes from wherever the builder finds it.
fn unaimed() -> ghpackages::Result<Client> {
    Client::builder()
        .token(ADMIN)
        .token_from_env(false)
        .retry(RetryPolicy::none())
        .build()
}

async fn active(client: &Client) -> usize {
    let target = nightly();
    client
        .list_all_package_versions(
            &target.owner,
            target.package_type,
            &target.name,
            &ListVersionsOptions::default(),
        )
        .await
        .unwrap()
        .len()
}

/// Deletes 20 untagged nightly builds through `client`.
async fn prune(client: &Client, options: ExecuteOptions) -> cleanup::ExecutionReport {
    let target = nightly();
    let versions = client
        .list_all_package_versions(
            &target.owner,
            target.package_type,
            &target.name,
            &ListVersionsOptions::default(),
        )
        .await
        .unwrap();
    let policy = Policy::from_json(r#"{"tags": "untagged", "keep_latest": 327}"#).unwrap();
    let plan = cleanup::plan_with(&versions, &PackageFacts::default(), &policy, Utc::now());
    let options = ExecuteOptions {
        budget: RateBudget::unlimited(),
        ..options
    };
    let report = cleanup::execute(client, &target, &plan, &options)
        .await
        .unwrap();
    assert_eq!(report.deleted, plan.delete_count());
    report
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn journals_know_their_server_and_every_cleanup_is_undoable() {
    let state = tempfile::tempdir().unwrap();
    std::env::remove_var(BASE_URL_VARIABLE);
    std::env::set_var("XDG_STATE_HOME", state.path());
    let journal_server = start().await;
    let other = start().await;
    let explicit = Client::builder()
        .base_url(journal_server.base_url())
        .token(ADMIN)
        .token_from_env(false)
        .build()
        .unwrap();
    assert_eq!(explicit.base_url_source(), BaseUrlSource::Explicit);

    // No journal path: the deletions go to a new file in the default directory.
    let report = prune(&explicit, ExecuteOptions::default()).await;
    let journal = report.journal.clone().expect("a default journal");
    assert!(
        journal.starts_with(state.path().join("ghpackages").join("journals")),
        "{journal:?}"
    );
    assert!(journal.is_file());
    assert!(report.journal_entries.is_empty());
    assert_eq!(active(&explicit).await, 330);

    // A client left at the default reaches the journal's server.
    let default = unaimed().unwrap();
    assert_eq!(default.base_url_source(), BaseUrlSource::Default);
    assert_eq!(default.base_url(), DEFAULT_BASE_URL);
    let undone = cleanup::undo_journal(&default, &journal, &UndoOptions::default())
        .await
        .unwrap();
    assert_eq!(
        (undone.restored, undone.failed),
        (report.deleted, 0),
        "{undone:?}"
    );
    assert_eq!(active(&explicit).await, 350);

    // GITHUB_API_URL aims every client built without a base URL; aimed at
    // another server, the undo is refused and says where the aim came from.
    std::env::set_var(BASE_URL_VARIABLE, other.base_url());
    let from_env = unaimed().unwrap();
    assert_eq!(from_env.base_url_source(), BaseUrlSource::Environment);
    assert_eq!(from_env.base_url(), other.base_url());
    let error = cleanup::undo_journal(&from_env, &journal, &UndoOptions::default())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidInput);
    assert!(error.message().contains(BASE_URL_VARIABLE), "{error}");
    // An explicit base URL wins over the variable.
    let chosen = Client::builder()
        .base_url(journal_server.base_url())
        .token(ADMIN)
        .token_from_env(false)
        .build()
        .unwrap();
    assert_eq!(chosen.base_url(), journal_server.base_url());
    std::env::set_var(BASE_URL_VARIABLE, "ftp://nowhere");
    let error = unaimed().unwrap_err();
    assert_eq!(error.argument(), Some("base_url"));
    assert!(error.message().contains(BASE_URL_VARIABLE), "{error}");
    std::env::set_var(BASE_URL_VARIABLE, "  ");
    assert_eq!(unaimed().unwrap().base_url_source(), BaseUrlSource::Default);
    std::env::remove_var(BASE_URL_VARIABLE);

    // Opting out of files keeps the journal in the report, and it undoes too.
    let in_memory = ExecuteOptions {
        journal_file: false,
        ..ExecuteOptions::default()
    };
    let report = prune(&explicit, in_memory).await;
    assert_eq!(report.journal, None);
    assert_eq!(report.journal_entries.len(), 2 * report.deleted);
    assert!(report
        .journal_entries
        .iter()
        .all(|e| e.api_url.as_deref() == Some(journal_server.base_url())));
    let undone = cleanup::undo(&default, &report.journal_entries, &UndoOptions::default())
        .await
        .unwrap();
    assert_eq!(undone.restored, report.deleted);
    assert_eq!(active(&explicit).await, 350);
    // A path and no file contradict each other.
    let both = ExecuteOptions {
        journal: Some(state.path().join("j.jsonl")),
        journal_file: false,
        ..ExecuteOptions::default()
    };
    let versions = explicit
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
    let error = cleanup::execute(&explicit, &nightly(), &plan, &both)
        .await
        .unwrap_err();
    assert_eq!(error.argument(), Some("journal"));
    assert_eq!(active(&explicit).await, 350);
    other.shutdown().await;
    journal_server.shutdown().await;
}
