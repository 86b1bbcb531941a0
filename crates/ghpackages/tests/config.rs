//! Client configuration through the public API: base URLs, tokens, headers,
//! limits, and that the token never shows in `Debug` or error text.
//!
//! Only `token_from_environment` sends requests (to the in-process emulator).

use std::time::Duration;

use ghpackages::{
    Client, ClientBuilder, ClientConfig, ErrorKind, ListPackagesOptions, Owner, PackageType,
    RetryPolicy,
};
use ghpackages_emulator::{Emulator, EmulatorConfig, LimitsConfig};

const TOKEN: &str = "ghp_0123456789abcdefSECRETtoken";

fn builder() -> ClientBuilder {
    Client::builder().token_from_env(false)
}

fn invalid(builder: ClientBuilder) -> String {
    let error = builder.build().unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidInput, "{error}");
    assert!(!error.to_string().contains(TOKEN));
    error.argument().unwrap().to_owned()
}

#[test]
fn defaults() {
    let client = builder().build().unwrap();
    assert_eq!(client.base_url(), "https://api.github.com");
    assert_eq!(client.api_version(), "2022-11-28");
    assert_eq!(
        client.user_agent(),
        concat!("ghpackages-rust/", env!("CARGO_PKG_VERSION"))
    );
    assert!(!client.has_token());
    assert_eq!(client.rate_limit(), None);
    assert_eq!(client.token_scopes(), None);
}

#[test]
fn base_urls_are_normalised() {
    for (input, expected) in [
        ("https://api.github.com/", "https://api.github.com"),
        ("https://github.com", "https://api.github.com"),
        (
            "https://ghes.example.com",
            "https://ghes.example.com/api/v3",
        ),
        (
            "https://ghes.example.com/api/v3/",
            "https://ghes.example.com/api/v3",
        ),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        (
            "http://127.0.0.1:8080/api/v3",
            "http://127.0.0.1:8080/api/v3",
        ),
    ] {
        let client = builder().base_url(input).token(TOKEN).build().unwrap();
        assert_eq!(client.base_url(), expected, "{input}");
    }
}

#[test]
fn overridable_headers() {
    let client = builder()
        .api_version("2026-03-10")
        .user_agent("my-tool/1.0")
        .build()
        .unwrap();
    assert_eq!(client.api_version(), "2026-03-10");
    assert_eq!(client.user_agent(), "my-tool/1.0");
}

#[test]
fn bad_settings_name_their_argument() {
    assert_eq!(invalid(builder().base_url("ftp://x")), "base_url");
    assert_eq!(invalid(builder().token("  ")), "token");
    assert_eq!(invalid(builder().token("abc\ndef")), "token");
    assert_eq!(invalid(builder().api_version("")), "api_version");
    assert_eq!(invalid(builder().api_version("a\nb")), "api_version");
    assert_eq!(invalid(builder().user_agent("")), "user_agent");
    assert_eq!(invalid(builder().timeout(Duration::ZERO)), "timeout");
    assert_eq!(
        invalid(builder().connect_timeout(Duration::ZERO)),
        "connect_timeout"
    );
    assert_eq!(invalid(builder().page_concurrency(0)), "page_concurrency");
    let no_attempts = RetryPolicy {
        max_attempts: 0,
        ..RetryPolicy::default()
    };
    assert_eq!(invalid(builder().retry(no_attempts)), "retry");
}

#[test]
fn token_over_plain_http_needs_a_loopback_host_or_consent() {
    assert_eq!(
        invalid(builder().base_url("http://ghes.example.com").token(TOKEN)),
        "base_url"
    );
    assert_eq!(
        invalid(builder().base_url("http://10.1.2.3:8080").token(TOKEN)),
        "base_url"
    );
    let allowed = builder()
        .base_url("http://ghes.example.com")
        .token(TOKEN)
        .allow_insecure_http(true)
        .build()
        .unwrap();
    assert_eq!(allowed.base_url(), "http://ghes.example.com/api/v3");
    assert!(builder()
        .base_url("http://ghes.example.com")
        .build()
        .is_ok());
    assert!(builder()
        .base_url("http://localhost:9")
        .token(TOKEN)
        .build()
        .is_ok());
    // Only `localhost` itself is loopback by name; the refusal names the
    // setting as the surface in use spells it.
    let refused = builder()
        .base_url("http://evil.localhost:9")
        .token(TOKEN)
        .build()
        .unwrap_err();
    assert_eq!(refused.argument(), Some("base_url"));
    assert!(
        refused
            .to_string()
            .contains("ClientBuilder::allow_insecure_http(true)"),
        "{refused}"
    );
    let refused = builder()
        .base_url("http://127.0.0.1:9")
        .registry_url("http://registry.localhost:9")
        .insecure_http_setting("--allow-insecure-http")
        .token(TOKEN)
        .build()
        .unwrap_err();
    assert_eq!(refused.argument(), Some("registry_url"));
    assert!(
        refused.to_string().contains("--allow-insecure-http"),
        "{refused}"
    );
    assert!(builder()
        .base_url("http://[::1]:9")
        .token(TOKEN)
        .build()
        .is_ok());
}

#[test]
fn token_never_appears_in_debug_output() {
    let builder = builder().token(TOKEN).base_url("http://127.0.0.1:9");
    let builder_debug = format!("{builder:?} {builder:#?}");
    assert!(!builder_debug.contains(TOKEN), "{builder_debug}");
    assert!(builder_debug.contains("***"));
    let client = builder.build().unwrap();
    assert!(client.has_token());
    let client_debug = format!("{client:?} {client:#?}");
    assert!(!client_debug.contains(TOKEN), "{client_debug}");
    assert!(client_debug.contains("has_token: true"));
}

#[test]
fn token_never_appears_in_configuration_errors() {
    let error = builder()
        .token(TOKEN)
        .base_url("http://ghes.example.com")
        .build()
        .unwrap_err();
    for text in [
        error.to_string(),
        format!("{error:?}"),
        format!("{error:#?}"),
    ] {
        assert!(!text.contains(TOKEN), "{text}");
    }
    let error = builder()
        .token(format!("{TOKEN}\u{7f}"))
        .build()
        .unwrap_err();
    for text in [error.to_string(), format!("{error:?}")] {
        assert!(!text.contains(TOKEN), "{text}");
    }
}

/// The only test touching the environment, so that no other test races it.
/// Which token was picked shows in whose packages `/user/packages` lists.
#[tokio::test]
async fn token_from_environment() {
    let emulator = Emulator::start(EmulatorConfig {
        limits: LimitsConfig::disabled(),
        ..EmulatorConfig::demo()
    })
    .await
    .unwrap();
    let url = emulator.base_url().to_owned();
    let own_containers = |builder: ClientBuilder| {
        let client = builder.base_url(&url).build().unwrap();
        async move {
            let page = client
                .list_packages(
                    &Owner::AuthenticatedUser,
                    &ListPackagesOptions::new(PackageType::Container),
                )
                .await
                .unwrap();
            page.items
                .into_iter()
                .map(|package| package.name)
                .collect::<Vec<_>>()
        }
    };

    std::env::set_var("GITHUB_TOKEN", "ghp_demo_mona");
    std::env::set_var("GH_TOKEN", "ghp_demo_octocat");
    assert_eq!(own_containers(Client::builder()).await, ["mona-app"]);
    std::env::set_var("GITHUB_TOKEN", " ");
    assert_eq!(own_containers(Client::builder()).await, ["hello_docker"]);
    std::env::remove_var("GITHUB_TOKEN");
    assert_eq!(own_containers(Client::builder()).await, ["hello_docker"]);
    assert_eq!(
        own_containers(Client::builder().token("ghp_demo_mona")).await,
        ["mona-app"]
    );
    assert!(!Client::builder()
        .token_from_env(false)
        .build()
        .unwrap()
        .has_token());
    std::env::set_var("GH_TOKEN", "");
    assert!(!Client::new().unwrap().has_token());
    std::env::remove_var("GH_TOKEN");
    assert!(!Client::new().unwrap().has_token());
    emulator.shutdown().await;
}

#[test]
fn a_client_config_deserializes_and_builds_with_the_defaults_filled_in() {
    let config: ClientConfig = serde_json::from_value(serde_json::json!({
        "base_url": "http://127.0.0.1:9/",
        "token": TOKEN,
        "token_from_env": false,
        "timeout_ms": 1500,
        "retry": {"max_attempts": 2},
        "page_concurrency": 3,
        "registry_url": "http://127.0.0.1:10",
    }))
    .unwrap();
    assert!(!format!("{config:?}").contains(TOKEN));
    assert_eq!(config.timeout, Some(Duration::from_millis(1500)));
    let retry = config.retry.clone().unwrap();
    assert_eq!(retry.max_attempts, 2);
    assert_eq!(retry.max_backoff, RetryPolicy::default().max_backoff);
    let client = ClientBuilder::from_config(config).build().unwrap();
    assert_eq!(client.base_url(), "http://127.0.0.1:9");
    assert_eq!(client.registry_url(), "http://127.0.0.1:10");
    assert!(client.has_token());
    assert!(serde_json::from_value::<ClientConfig>(serde_json::json!({"base_urll": "x"})).is_err());
}
