//! GitHub-shaped error responses: `{"message", "documentation_url", "status"}`
//! with the HTTP status repeated as a string.

use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// Where GitHub points for errors that are not about one operation.
pub const REST_DOCS: &str = "https://docs.github.com/rest";

/// An error answer of the API.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// GitHub's human-readable message.
    pub message: String,
    /// Link to the documentation of the operation.
    pub documentation_url: &'static str,
    /// Extra headers (accepted scopes, retry hints).
    pub headers: Vec<(HeaderName, HeaderValue)>,
}

#[derive(Serialize)]
struct Body<'a> {
    message: &'a str,
    documentation_url: &'a str,
    status: &'a str,
}

impl ApiError {
    /// An error with a status, a message and a documentation link.
    pub fn new(status: StatusCode, message: impl Into<String>, docs: &'static str) -> Self {
        ApiError {
            status,
            message: message.into(),
            documentation_url: docs,
            headers: Vec::new(),
        }
    }

    /// 404 `Not Found`, for unknown routes.
    pub fn route_not_found() -> Self {
        ApiError::new(StatusCode::NOT_FOUND, "Not Found", REST_DOCS)
    }

    /// 401 when the operation needs a token and none was sent.
    pub fn requires_authentication(docs: &'static str) -> Self {
        ApiError::new(StatusCode::UNAUTHORIZED, "Requires authentication", docs)
    }

    /// 401 for a token the server does not know.
    pub fn bad_credentials() -> Self {
        ApiError::new(StatusCode::UNAUTHORIZED, "Bad credentials", REST_DOCS)
    }

    /// 400 for a malformed parameter.
    pub fn bad_request(message: impl Into<String>, docs: &'static str) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, message, docs)
    }

    /// 403.
    pub fn forbidden(message: impl Into<String>, docs: &'static str) -> Self {
        ApiError::new(StatusCode::FORBIDDEN, message, docs)
    }

    /// 404 with a message naming what was not found.
    pub fn not_found(message: impl Into<String>, docs: &'static str) -> Self {
        ApiError::new(StatusCode::NOT_FOUND, message, docs)
    }

    /// Adds a header to the answer.
    pub fn with_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.push((name, value));
        self
    }

    /// The JSON body as bytes.
    pub fn body(&self) -> Vec<u8> {
        let body = Body {
            message: &self.message,
            documentation_url: self.documentation_url,
            status: self.status.as_str(),
        };
        serde_json::to_vec(&body).unwrap_or_default()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (
            self.status,
            [(
                axum::http::header::CONTENT_TYPE,
                HeaderValue::from_static("application/json; charset=utf-8"),
            )],
            self.body(),
        )
            .into_response();
        for (name, value) in self.headers {
            response.headers_mut().append(name, value);
        }
        response
    }
}

/// A failure inside the store that is not the client's fault.
pub fn internal(err: impl std::fmt::Display) -> ApiError {
    tracing::error!(error = %err, "store failure");
    ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "Server Error", REST_DOCS)
}
