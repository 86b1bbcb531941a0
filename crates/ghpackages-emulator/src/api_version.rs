//! REST API versions (`X-GitHub-Api-Version`): a supported version is echoed
//! in `X-GitHub-Api-Version-Selected`, no header selects the oldest, and an
//! unsupported one is a 400, as GitHub answers it.

use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;

/// The versions GitHub serves, oldest first.
pub const SUPPORTED: [&str; 2] = ["2022-11-28", "2026-03-10"];

static REQUESTED: HeaderName = HeaderName::from_static("x-github-api-version");
static SELECTED: HeaderName = HeaderName::from_static("x-github-api-version-selected");

const DOCS: &str = "https://docs.github.com/rest/about-the-rest-api/api-versions";

/// Middleware: refuses unsupported versions and reports the selected one.
pub async fn check(request: Request, next: Next) -> Response {
    let selected = match request.headers().get(&REQUESTED) {
        None => SUPPORTED[0],
        Some(value) => {
            let text = value.to_str().unwrap_or("").trim();
            match SUPPORTED.iter().find(|v| **v == text) {
                Some(version) => version,
                None => return unsupported(&String::from_utf8_lossy(value.as_bytes())),
            }
        }
    };
    let mut response = next.run(request).await;
    response
        .headers_mut()
        .insert(SELECTED.clone(), HeaderValue::from_static(selected));
    response
}

fn unsupported(requested: &str) -> Response {
    let (latest, older) = SUPPORTED.split_last().expect("at least one version");
    let mut listed = format!("\"{latest}\" (most recent)");
    for version in older.iter().rev() {
        listed.push_str(&format!(", \"{version}\""));
    }
    ApiError::new(
        StatusCode::BAD_REQUEST,
        format!(
            "The version you specified in the \"X-GitHub-Api-Version\" request header, \"{requested}\", is not a supported version. The following versions are currently supported: {listed}."
        ),
        DOCS,
    )
    .into_response()
}
