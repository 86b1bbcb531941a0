//! GitHub Apps over real HTTP: the installation lookups and the token
//! exchange with GitHub's shapes, the JWT checks GitHub makes, tokens that
//! expire after an hour of the emulator clock, and the installation's
//! `packages` permission.

mod common;

use common::*;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::Method;
use serde_json::{json, Value};

const KEYS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/test-app");

fn key(name: &str) -> EncodingKey {
    let pem = std::fs::read(format!("{KEYS}/{name}")).unwrap();
    EncodingKey::from_rsa_pem(&pem).unwrap()
}

/// A JWT with these claims, signed with `key_file`.
fn jwt_with(claims: Value, key_file: &str) -> String {
    jsonwebtoken::encode(&Header::new(Algorithm::RS256), &claims, &key(key_file)).unwrap()
}

async fn server_now(env: &Env) -> i64 {
    let clock = env.admin(Method::GET, "/clock", None).await;
    let now = clock.body["now"].as_str().unwrap();
    chrono::DateTime::parse_from_rfc3339(now)
        .unwrap()
        .timestamp()
}

/// A valid JWT of app `iss` on the emulator's clock.
async fn jwt(env: &Env, iss: Value) -> String {
    let now = server_now(env).await;
    jwt_with(
        json!({ "iat": now - 60, "exp": now + 540, "iss": iss }),
        "private-key.pem",
    )
}

async fn access_token(env: &Env, installation: u64, jwt: &str) -> Resp {
    env.post(
        &format!("/app/installations/{installation}/access_tokens"),
        Some(jwt),
    )
    .await
}

#[tokio::test]
async fn installation_lookups_have_githubs_shape() {
    let env = Env::demo().await;
    let jwt = jwt(&env, json!(1001)).await;
    for prefix in PREFIXES {
        let org = env
            .get(&format!("{prefix}/orgs/octo-org/installation"), Some(&jwt))
            .await;
        assert_eq!(org.status, 200, "{}", org.body);
        assert_eq!(org.body["id"], 4201);
        assert_eq!(org.body["app_id"], 1001);
        assert_eq!(org.body["app_slug"], "ghpackages-cleanup");
        assert_eq!(org.body["target_type"], "Organization");
        assert_eq!(org.body["account"]["login"], "octo-org");
        assert_eq!(org.body["account"]["type"], "Organization");
        assert_eq!(
            org.body["permissions"],
            json!({ "metadata": "read", "packages": "write" })
        );
        assert_eq!(org.body["repository_selection"], "all");
        assert!(org.body["access_tokens_url"]
            .as_str()
            .unwrap()
            .ends_with(&format!("{prefix}/app/installations/4201/access_tokens")));
        assert!(org.body["suspended_at"].is_null());
    }
    let user = env.get("/users/octocat/installation", Some(&jwt)).await;
    assert_eq!(user.status, 200, "{}", user.body);
    assert_eq!(user.body["id"], 4202);
    assert_eq!(user.body["target_type"], "User");

    // An org is not found as a user, nor a user as an org, nor an account
    // without the app.
    for path in [
        "/users/octo-org/installation",
        "/orgs/octocat/installation",
        "/users/mona/installation",
        "/orgs/nobody/installation",
    ] {
        env.get(path, Some(&jwt))
            .await
            .assert_error(404, "Not Found");
    }
}

#[tokio::test]
async fn an_access_token_lasts_an_hour_of_the_emulator_clock() {
    let env = Env::demo().await;
    let jwt = jwt(&env, json!("Iv1.testapp0001")).await;
    let answer = access_token(&env, 4201, &jwt).await;
    assert_eq!(answer.status, 201, "{}", answer.body);
    let fields: Vec<&str> = answer
        .body
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        fields,
        ["token", "expires_at", "permissions", "repository_selection"]
    );
    let token = answer.body["token"].as_str().unwrap().to_owned();
    assert!(token.starts_with("ghs_") && token.len() > 300, "{token}");
    let expires = chrono::DateTime::parse_from_rfc3339(answer.body["expires_at"].as_str().unwrap())
        .unwrap()
        .timestamp();
    let now = server_now(&env).await;
    assert!(
        (3595..=3600).contains(&(expires - now)),
        "{}",
        expires - now
    );

    let package = "/orgs/octo-org/packages/container/octo-app";
    let ok = env.get(package, Some(&token)).await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert!(ok.header("x-oauth-scopes").is_none());
    let admin = env.admin(Method::GET, "/installations/4201", None).await;
    assert_eq!(admin.body["tokens_issued"], 1);
    assert_eq!(admin.body["live_tokens"], 1);

    env.advance_days(3_601.0 / 86_400.0).await;
    env.get(package, Some(&token))
        .await
        .assert_error(401, "Bad credentials");
    let admin = env.admin(Method::GET, "/installations/4201", None).await;
    assert_eq!(admin.body["live_tokens"], 0);
}

#[tokio::test]
async fn the_packages_permission_decides_what_a_token_may_do() {
    let env = Env::demo().await;
    let read_jwt = jwt(&env, json!(1002)).await;
    let read = access_token(&env, 4203, &read_jwt).await;
    let read = read.body["token"].as_str().unwrap().to_owned();
    let write_jwt = jwt(&env, json!(1001)).await;
    let write = access_token(&env, 4201, &write_jwt).await;
    let write = write.body["token"].as_str().unwrap().to_owned();

    let versions = "/orgs/octo-org/packages/container/octo-app/versions";
    let listed = env.get(versions, Some(&read)).await;
    assert_eq!(listed.status, 200, "{}", listed.body);
    let id = listed.items()[0]["id"].as_u64().unwrap();
    let version = format!("{versions}/{id}");
    env.delete(&version, Some(&read))
        .await
        .assert_error(403, "Resource not accessible by integration");
    assert_eq!(env.delete(&version, Some(&write)).await.status, 204);
    env.post(&format!("{version}/restore"), Some(&read))
        .await
        .assert_error(403, "Resource not accessible by integration");
    assert_eq!(
        env.post(&format!("{version}/restore"), Some(&write))
            .await
            .status,
        204
    );

    // Outside the installation's account: public packages only, read only.
    let mona_private = env
        .get("/users/mona/packages/container/mona-app", Some(&write))
        .await;
    mona_private.assert_error(404, "Package not found");
    let mona_public = env
        .get("/users/mona/packages/npm/mona-utils", Some(&write))
        .await;
    assert_eq!(mona_public.status, 200, "{}", mona_public.body);
    env.delete("/users/mona/packages/npm/mona-utils", Some(&write))
        .await
        .assert_error(403, "");
    // No authenticated user behind an installation token.
    env.get("/user/packages?package_type=npm", Some(&write))
        .await
        .assert_error(403, "Resource not accessible by integration");
}

#[tokio::test]
async fn jwts_are_checked_as_github_checks_them() {
    let env = Env::demo().await;
    let now = server_now(&env).await;
    let cases = [
        (
            json!({ "iat": now - 60, "exp": now + 540, "iss": 1001 }),
            "other-private-key.pem",
            "A JSON web token could not be decoded",
        ),
        (
            json!({ "iat": now - 60, "exp": now + 660, "iss": 1001 }),
            "private-key.pem",
            "'Expiration time' claim ('exp') is too far in the future",
        ),
        (
            json!({ "iat": now - 700, "exp": now - 100, "iss": 1001 }),
            "private-key.pem",
            "'Expiration time' claim ('exp') must be a numeric value",
        ),
        (
            json!({ "iat": now + 300, "exp": now + 500, "iss": 1001 }),
            "private-key.pem",
            "'Issued at' claim ('iat')",
        ),
        (
            json!({ "exp": now + 500, "iss": 1001 }),
            "private-key.pem",
            "'Issued at' claim ('iat')",
        ),
        (
            json!({ "iat": now - 60, "exp": now + 540, "iss": 424242 }),
            "private-key.pem",
            "Integration not found",
        ),
        (
            json!({ "iat": now - 60, "exp": now + 540 }),
            "private-key.pem",
            "'Issuer' claim ('iss')",
        ),
    ];
    for (claims, key_file, message) in cases {
        let token = jwt_with(claims.clone(), key_file);
        access_token(&env, 4201, &token)
            .await
            .assert_error(401, message);
    }
    // Not a JWT at all, or a personal access token, on the app's endpoints.
    access_token(&env, 4201, "a.b.c")
        .await
        .assert_error(401, "A JSON web token could not be decoded");
    access_token(&env, 4201, OCTOCAT)
        .await
        .assert_error(401, "A JSON web token could not be decoded");
    // An app's JWT is not a user's token.
    let jwt = jwt(&env, json!(1001)).await;
    env.get("/orgs/octo-org/packages/container/octo-app", Some(&jwt))
        .await
        .assert_error(401, "Requires authentication");
    // Another app's installation is not found.
    let other = jwt_with(
        json!({ "iat": now - 60, "exp": now + 540, "iss": 1002 }),
        "private-key.pem",
    );
    access_token(&env, 4201, &other)
        .await
        .assert_error(404, "Not Found");
    access_token(&env, 9999, &jwt)
        .await
        .assert_error(404, "Not Found");
}

#[tokio::test]
async fn fixtures_with_bad_apps_are_refused() {
    let env = Env::start(ghpackages_emulator::EmulatorConfig {
        limits: ghpackages_emulator::LimitsConfig::disabled(),
        ..Default::default()
    })
    .await;
    let public_key = std::fs::read_to_string(format!("{KEYS}/public-key.pem")).unwrap();
    for (app, message) in [
        (
            json!({ "id": 1, "slug": "a", "public_key": "nope" }),
            "public_key",
        ),
        (
            json!({ "id": 1, "slug": "a", "public_key": public_key,
                    "installations": [{ "id": 5, "account": "ghost" }] }),
            "unknown account",
        ),
    ] {
        let answer = env
            .admin(Method::POST, "/fixture", Some(json!({ "apps": [app] })))
            .await;
        assert_eq!(answer.status, 422, "{}", answer.body);
        let text = answer.body.to_string();
        assert!(text.contains(message), "{text}");
    }
}
