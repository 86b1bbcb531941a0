//! The app's JWT: RS256, issued by the app, valid for under ten minutes.

use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde::Serialize;

use crate::error::{Error, ErrorKind, Result};
use crate::secret::Secret;

/// GitHub refuses an `exp` more than ten minutes after `iat`; nine leaves a
/// margin, and `iat` is backdated a minute as GitHub advises against clock
/// drift.
const BACKDATE_SECS: i64 = 60;
const LIFETIME_SECS: i64 = 9 * 60;

/// The numeric app id as a JSON number, a client id as a string: GitHub
/// takes either as the issuer.
#[derive(Serialize)]
#[serde(untagged)]
enum Issuer<'a> {
    AppId(u64),
    ClientId(&'a str),
}

#[derive(Serialize)]
struct Claims<'a> {
    iat: i64,
    exp: i64,
    iss: Issuer<'a>,
}

/// A JWT issued by `app_id` at `server_now` (the server's time, as its
/// `Date` headers report it).
pub(crate) fn sign(app_id: &str, key: &EncodingKey, server_now: DateTime<Utc>) -> Result<Secret> {
    let now = server_now.timestamp();
    let claims = Claims {
        iat: now - BACKDATE_SECS,
        exp: now + LIFETIME_SECS,
        iss: match app_id.parse() {
            Ok(id) => Issuer::AppId(id),
            Err(_) => Issuer::ClientId(app_id),
        },
    };
    jsonwebtoken::encode(&Header::new(Algorithm::RS256), &claims, key)
        .map(Secret::new)
        .map_err(|error| {
            Error::new(
                ErrorKind::Other,
                format!("cannot sign the GitHub App's JWT: {error}"),
            )
        })
}
