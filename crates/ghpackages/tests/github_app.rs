//! GitHub App authentication against the emulator: the installation found
//! by id or owner, the token exchanged once and shared, renewed before its
//! expiry and after a 401, the installation's permission enforced, and
//! bad credentials reported without the key or a token in sight.

use std::path::PathBuf;
use std::time::Duration;

use futures::future::join_all;
use ghpackages::{
    AppConfig, AppInstallation, Client, ErrorKind, GitHubApp, ListPackagesOptions,
    ListVersionsOptions, PackageType, Secret,
};
use ghpackages_emulator::{Emulator, EmulatorConfig, LimitsConfig, RunningEmulator};

/// The demo fixture's app with `packages: write` on `octo-org` (4201) and
/// `packages: read` on `octocat` (4202).
const APP_ID: &str = "1001";
const CLIENT_ID: &str = "Iv1.testapp0001";
/// The demo fixture's app with `packages: read` on `octo-org` (4203).
const READ_ONLY_APP_ID: &str = "1002";

fn key_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../ghpackages-emulator/fixtures/test-app")
        .join(name)
}

fn private_key() -> String {
    std::fs::read_to_string(key_path("private-key.pem")).unwrap()
}

async fn demo() -> RunningEmulator {
    Emulator::start(EmulatorConfig {
        limits: LimitsConfig::disabled(),
        ..EmulatorConfig::demo()
    })
    .await
    .unwrap()
}

fn client(emulator: &RunningEmulator, app: GitHubApp) -> Client {
    Client::builder()
        .base_url(emulator.base_url())
        .token_from_env(false)
        .app(app)
        .build()
        .unwrap()
}

fn app(installation: AppInstallation) -> GitHubApp {
    GitHubApp::new(APP_ID, &private_key(), installation).unwrap()
}

/// `GET /_emulator/installations/{id}`: tokens issued so far.
async fn tokens_issued(emulator: &RunningEmulator, installation: u64) -> u64 {
    let answer: serde_json::Value = reqwest::Client::new()
        .get(format!(
            "{}/_emulator/installations/{installation}",
            emulator.base_url()
        ))
        .bearer_auth(emulator.admin_token())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    answer["tokens_issued"].as_u64().unwrap()
}

async fn advance_clock(emulator: &RunningEmulator, seconds: u64) {
    let status = reqwest::Client::new()
        .post(format!("{}/_emulator/clock/advance", emulator.base_url()))
        .bearer_auth(emulator.admin_token())
        .json(&serde_json::json!({ "seconds": seconds }))
        .send()
        .await
        .unwrap()
        .status();
    assert!(status.is_success());
}

#[tokio::test]
async fn an_installation_by_id_reads_private_packages_and_deletes() {
    let emulator = demo().await;
    let client = client(&emulator, app(AppInstallation::Id(4201)));
    assert!(client.has_token());
    let org = client.org("octo-org");
    // Private packages are visible: the installation is on octo-org.
    let package = org
        .get_package(PackageType::Container, "octo-app")
        .await
        .unwrap();
    assert_eq!(package.visibility, ghpackages::Visibility::Private);
    let versions = org
        .list_all_package_versions(
            PackageType::Container,
            "octo-app",
            &ListVersionsOptions::default(),
        )
        .await
        .unwrap();
    let victim = versions.last().unwrap().id;
    org.delete_package_version(PackageType::Container, "octo-app", victim)
        .await
        .unwrap();
    org.restore_package_version(PackageType::Container, "octo-app", victim)
        .await
        .unwrap();
    assert_eq!(tokens_issued(&emulator, 4201).await, 1);
}

#[tokio::test]
async fn an_installation_is_found_by_its_owner_org_or_user() {
    let emulator = demo().await;
    let org_client = client(&emulator, app(AppInstallation::Owner("octo-org".into())));
    let packages = org_client
        .org("octo-org")
        .list_all_packages(&ListPackagesOptions::new(PackageType::Npm))
        .await
        .unwrap();
    assert!(
        packages.iter().any(|p| p.name == "octo-config"),
        "private npm package listed"
    );
    assert_eq!(tokens_issued(&emulator, 4201).await, 1);

    // octocat is a user: the org lookup answers 404, the user lookup finds 4202.
    let user_client = client(&emulator, app(AppInstallation::Owner("octocat".into())));
    let package = user_client
        .user("octocat")
        .get_package(PackageType::Npm, "octo-scratch")
        .await
        .unwrap();
    assert_eq!(package.name, "octo-scratch");
    assert_eq!(tokens_issued(&emulator, 4202).await, 1);
}

#[tokio::test]
async fn the_client_id_is_an_issuer_too() {
    let emulator = demo().await;
    let app = GitHubApp::new(CLIENT_ID, &private_key(), AppInstallation::Id(4201)).unwrap();
    let client = client(&emulator, app);
    client
        .org("octo-org")
        .get_package(PackageType::Container, "octo-app")
        .await
        .unwrap();
    assert_eq!(tokens_issued(&emulator, 4201).await, 1);
}

#[tokio::test]
async fn concurrent_requests_share_one_exchange() {
    let emulator = demo().await;
    let client = client(&emulator, app(AppInstallation::Owner("octo-org".into())));
    let org = client.org("octo-org");
    let requests = (0..48).map(|_| org.get_package(PackageType::Container, "octo-app"));
    for result in join_all(requests).await {
        result.unwrap();
    }
    assert_eq!(tokens_issued(&emulator, 4201).await, 1);
}

#[tokio::test]
async fn an_expired_token_is_renewed_once_after_the_401() {
    let emulator = demo().await;
    let client = client(&emulator, app(AppInstallation::Id(4201)));
    let org = client.org("octo-org");
    org.get_package(PackageType::Container, "octo-app")
        .await
        .unwrap();
    // An hour and a bit on the emulator's clock: the token it issued has
    // expired, though the client's own clock says it has 55 minutes left.
    // The new JWT must be dated on the server's clock to be accepted.
    advance_clock(&emulator, 3_700).await;
    let requests = (0..16).map(|_| org.get_package(PackageType::Container, "octo-app"));
    for result in join_all(requests).await {
        result.unwrap();
    }
    assert_eq!(tokens_issued(&emulator, 4201).await, 2);
}

#[tokio::test]
async fn a_first_jwt_dated_on_a_wrong_local_clock_is_signed_again_once() {
    let emulator = demo().await;
    // Two hours ahead on the emulator's clock: a fresh client's first JWT,
    // dated on the local clock, expired long ago there, and is refused. The
    // refusal's Date header tells the client the server's time: the JWT
    // signed again on it is accepted, with no request of the caller's failing.
    advance_clock(&emulator, 7_200).await;
    let by_id = client(&emulator, app(AppInstallation::Id(4201)));
    by_id
        .org("octo-org")
        .get_package(PackageType::Container, "octo-app")
        .await
        .unwrap();
    assert_eq!(tokens_issued(&emulator, 4201).await, 1);
    // Found by its owner: the lookup is the first request refused.
    let by_owner = client(&emulator, app(AppInstallation::Owner("octo-org".into())));
    by_owner
        .org("octo-org")
        .get_package(PackageType::Container, "octo-app")
        .await
        .unwrap();
    assert_eq!(tokens_issued(&emulator, 4201).await, 2);
    // A wrong key is refused on either clock: signed again once, then final.
    let wrong_key = std::fs::read_to_string(key_path("other-private-key.pem")).unwrap();
    let wrong = GitHubApp::new(APP_ID, &wrong_key, AppInstallation::Id(4201)).unwrap();
    let wrong = client(&emulator, wrong);
    let error = wrong
        .org("octo-org")
        .get_package(PackageType::Container, "octo-app")
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Unauthorized, "{error}");
    assert_eq!(wrong.requests_sent(), 2);
}

#[tokio::test]
async fn a_token_is_renewed_before_it_expires() {
    let emulator = demo().await;
    // A margin of the token's whole lifetime: every token is due for
    // renewal as soon as it is issued, while the server still accepts it.
    let app = app(AppInstallation::Id(4201)).renew_before(Duration::from_secs(3_700));
    let client = client(&emulator, app);
    let org = client.org("octo-org");
    for expected in 1..=3 {
        org.get_package(PackageType::Container, "octo-app")
            .await
            .unwrap();
        assert_eq!(tokens_issued(&emulator, 4201).await, expected);
    }
}

#[tokio::test]
async fn a_read_only_installation_reads_but_may_not_delete_or_restore() {
    let emulator = demo().await;
    let app = GitHubApp::new(READ_ONLY_APP_ID, &private_key(), AppInstallation::Id(4203)).unwrap();
    let client = client(&emulator, app);
    let org = client.org("octo-org");
    let versions = org
        .list_all_package_versions(
            PackageType::Container,
            "octo-app",
            &ListVersionsOptions::default(),
        )
        .await
        .unwrap();
    let version = versions[0].id;
    let error = org
        .delete_package_version(PackageType::Container, "octo-app", version)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Forbidden, "{error}");
    assert_eq!(
        error.github_message(),
        Some("Resource not accessible by integration")
    );
    let error = org
        .restore_package_version(PackageType::Container, "octo-app", version)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Forbidden, "{error}");
    let error = org
        .delete_package(PackageType::Npm, "octo-config")
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Forbidden, "{error}");
}

#[tokio::test]
async fn installation_tokens_have_no_authenticated_user() {
    let emulator = demo().await;
    let client = client(&emulator, app(AppInstallation::Id(4201)));
    let error = client
        .me()
        .list_packages(&ListPackagesOptions::new(PackageType::Container))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Forbidden, "{error}");
}

#[tokio::test]
async fn an_unknown_installation_is_a_clear_not_found() {
    let emulator = demo().await;
    let by_id = client(&emulator, app(AppInstallation::Id(999)));
    let error = by_id
        .org("octo-org")
        .get_package(PackageType::Container, "octo-app")
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::NotFound);
    assert!(
        error.to_string().contains("(installation 999) not found"),
        "{error}"
    );
    assert!(!error.to_string().contains("octo-app"), "{error}");

    // mona has no installation of the app, as org or as user.
    let by_owner = client(&emulator, app(AppInstallation::Owner("mona".into())));
    let error = by_owner
        .user("mona")
        .get_package(PackageType::Container, "mona-app")
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::NotFound);
    assert!(
        error.to_string().contains("has no installation on mona"),
        "{error}"
    );
}

#[tokio::test]
async fn a_jwt_signed_with_another_key_is_refused() {
    let emulator = demo().await;
    let wrong_key = std::fs::read_to_string(key_path("other-private-key.pem")).unwrap();
    let app = GitHubApp::new(APP_ID, &wrong_key, AppInstallation::Id(4201)).unwrap();
    let client = client(&emulator, app);
    let error = client
        .org("octo-org")
        .get_package(PackageType::Container, "octo-app")
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Unauthorized, "{error}");
    // The clocks agree: the refusal is final, the JWT is not signed again.
    assert_eq!(client.requests_sent(), 1);
    assert_eq!(
        error.github_message(),
        Some("A JSON web token could not be decoded")
    );
    assert!(error.to_string().contains("installation token"), "{error}");
    assert!(!error.to_string().contains("PRIVATE KEY"));
}

#[test]
fn bad_app_settings_are_invalid_input_naming_the_setting() {
    let key = private_key();
    let argument = |result: ghpackages::Result<GitHubApp>| {
        let error = result.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidInput, "{error}");
        assert!(!error.to_string().contains("BEGIN"), "{error}");
        error.argument().unwrap().to_owned()
    };
    assert_eq!(
        argument(GitHubApp::new(APP_ID, "not a key", AppInstallation::Id(1))),
        "private_key"
    );
    assert_eq!(
        argument(GitHubApp::new(" ", &key, AppInstallation::Id(1))),
        "app_id"
    );
    assert_eq!(
        argument(GitHubApp::new(APP_ID, &key, AppInstallation::Id(0))),
        "installation_id"
    );
    assert_eq!(
        argument(GitHubApp::new(
            APP_ID,
            &key,
            AppInstallation::Owner("octo org".into())
        )),
        "owner"
    );
    assert_eq!(
        argument(GitHubApp::from_key_file(
            APP_ID,
            key_path("missing.pem"),
            AppInstallation::Id(1)
        )),
        "private_key_path"
    );
    assert_eq!(
        argument(GitHubApp::from_key_file(
            APP_ID,
            key_path("public-key.pem"),
            AppInstallation::Id(1)
        )),
        "private_key_path"
    );

    let config = |value: serde_json::Value| serde_json::from_value::<AppConfig>(value).unwrap();
    let both = config(serde_json::json!({
        "app_id": 1001, "private_key": key, "installation_id": 1, "owner": "octo-org"
    }));
    assert_eq!(argument(both.build()), "installation_id");
    let neither = config(serde_json::json!({ "app_id": "1001", "private_key": key }));
    assert_eq!(argument(neither.build()), "installation_id");
    let no_key = config(serde_json::json!({ "app_id": 1001, "owner": "octo-org" }));
    assert_eq!(argument(no_key.build()), "private_key");
    let good = config(serde_json::json!({
        "app_id": 1001,
        "private_key_path": key_path("private-key.pem"),
        "owner": "octo-org"
    }));
    let app = good.build().unwrap();
    assert_eq!(app.app_id(), "1001");
    assert_eq!(
        app.installation(),
        &AppInstallation::Owner("octo-org".into())
    );
}

#[test]
fn a_token_and_an_app_together_are_refused() {
    let error = Client::builder()
        .base_url("http://127.0.0.1:9")
        .token("ghp_anything")
        .app(app(AppInstallation::Id(1)))
        .build()
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidInput);
    assert_eq!(error.argument(), Some("app"));
}

#[test]
fn debug_output_never_shows_the_key() {
    let app = app(AppInstallation::Id(4201));
    let key = private_key();
    let middle = &key[100..140];
    let text = format!("{app:?}");
    assert!(text.contains("1001") && !text.contains(middle), "{text}");
    let builder = Client::builder().app(app.clone());
    assert!(!format!("{builder:?}").contains(middle));
    let config = AppConfig {
        private_key: Some(Secret::new(key.clone())),
        ..AppConfig::default()
    };
    assert!(!format!("{config:?}").contains(middle));
    let client = Client::builder()
        .base_url("http://127.0.0.1:9")
        .app(app)
        .build()
        .unwrap();
    assert!(!format!("{client:?}").contains(middle));
}

#[tokio::test]
async fn a_long_opaque_token_is_sent_as_given() {
    let emulator = demo().await;
    // An installation-style token several hundred characters long, of a
    // shape no pattern check would expect.
    let token = format!("ghs_{}", "aB3-_.".repeat(70));
    let status = reqwest::Client::new()
        .post(format!("{}/_emulator/tokens", emulator.base_url()))
        .bearer_auth(emulator.admin_token())
        .json(&serde_json::json!({
            "token": token, "user": "octocat", "scopes": ["read:packages"]
        }))
        .send()
        .await
        .unwrap()
        .status();
    assert!(status.is_success(), "{status}");
    let client = Client::builder()
        .base_url(emulator.base_url())
        .token(&token)
        .build()
        .unwrap();
    let package = client
        .org("octo-org")
        .get_package(PackageType::Container, "octo-app")
        .await
        .unwrap();
    assert_eq!(package.name, "octo-app");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_private_image_graph_unreadable_to_an_installation_says_why() {
    let emulator = demo().await;
    let client = client(&emulator, app(AppInstallation::Id(4201)));
    let owner = ghpackages::Owner::org("octo-org");
    let policy = ghpackages::cleanup::Policy::from_json(r#"{"keep_latest": 1}"#).unwrap();
    let plan = ghpackages::cleanup::plan_package(
        &client,
        &owner,
        PackageType::Container,
        "octo-app",
        &policy,
        &ghpackages::cleanup::PlanOptions::default(),
    )
    .await
    .unwrap();
    let graph = plan
        .graph
        .clone()
        .expect("a container plan reads the graph");
    assert_eq!(graph.status, ghpackages::cleanup::GraphStatus::Unreadable);
    let reason = graph.error.unwrap();
    assert!(
        reason
            .contains("installation token cannot read the registry manifests of octo-org/octo-app"),
        "{reason}"
    );
    assert!(reason.contains("--no-manifest-graph"), "{reason}");
    assert!(!reason.contains("ghs_"), "{reason}");
    assert_eq!(plan.delete_count(), 0);
}
