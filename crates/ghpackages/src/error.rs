//! The one error type of the crate, and its kinds.
//!
//! Every binding maps errors from [`Error::kind`], in one file each, so the
//! kinds and their names are part of the public contract.

use std::borrow::Cow;
use std::fmt;

use crate::rate_limit::RateLimit;

/// What went wrong, as a stable category. Bindings map from this.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// 404: the owner, package or version does not exist, or is not visible
    /// to the token (GitHub answers 404 rather than revealing private packages).
    NotFound,
    /// 401: no token, or a bad token, where the operation requires one.
    Unauthorized,
    /// 403: the token lacks a scope or a permission, or GitHub refuses the
    /// operation (for example deleting a public package with many downloads).
    Forbidden,
    /// 403/429 because a primary or secondary rate limit was exceeded.
    RateLimited,
    /// 400/422: GitHub rejected the request's parameters.
    Validation,
    /// 409: the request conflicts with the current state.
    Conflict,
    /// Rejected before any request was sent: a bad argument or configuration.
    InvalidInput,
    /// 5xx: GitHub failed.
    Server,
    /// The connection failed or broke.
    Transport,
    /// The request timed out.
    Timeout,
    /// The response could not be decoded.
    Decode,
    /// Any other unexpected HTTP status.
    Other,
}

impl ErrorKind {
    /// Every kind, for bindings and tests that walk them.
    pub const ALL: &'static [ErrorKind] = &[
        ErrorKind::NotFound,
        ErrorKind::Unauthorized,
        ErrorKind::Forbidden,
        ErrorKind::RateLimited,
        ErrorKind::Validation,
        ErrorKind::Conflict,
        ErrorKind::InvalidInput,
        ErrorKind::Server,
        ErrorKind::Transport,
        ErrorKind::Timeout,
        ErrorKind::Decode,
        ErrorKind::Other,
    ];

    /// The stable snake_case name of the kind (`not_found`, `rate_limited`, ...).
    pub const fn name(self) -> &'static str {
        match self {
            ErrorKind::NotFound => "not_found",
            ErrorKind::Unauthorized => "unauthorized",
            ErrorKind::Forbidden => "forbidden",
            ErrorKind::RateLimited => "rate_limited",
            ErrorKind::Validation => "validation",
            ErrorKind::Conflict => "conflict",
            ErrorKind::InvalidInput => "invalid_input",
            ErrorKind::Server => "server",
            ErrorKind::Transport => "transport",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Decode => "decode",
            ErrorKind::Other => "other",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An error from the client: a kind, and what GitHub said about it.
///
/// Its `Display` text is meant for people ("package 'octo-org/hello'
/// (container) not found (404)"); never contains a token.
#[derive(Debug, Clone)]
pub struct Error {
    /// Boxed so that `Result<T, Error>` stays small.
    pub(crate) inner: Box<ErrorInner>,
}

/// The fields of an [`Error`].
#[derive(Debug, Clone)]
pub(crate) struct ErrorInner {
    pub(crate) kind: ErrorKind,
    pub(crate) status: Option<u16>,
    pub(crate) message: String,
    pub(crate) context: Option<String>,
    /// Whether `context` stays when the operation adds its own: a GitHub
    /// App's failed token exchange is about the token, not about the
    /// operation that needed one.
    pub(crate) context_pinned: bool,
    pub(crate) documentation_url: Option<String>,
    pub(crate) request_id: Option<String>,
    pub(crate) rate_limit: Option<RateLimit>,
    pub(crate) retry_after: Option<std::time::Duration>,
    pub(crate) argument: Option<Cow<'static, str>>,
}

impl Error {
    /// A new error of `kind` with `message` and nothing else set.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            inner: Box::new(ErrorInner {
                kind,
                status: None,
                message: message.into(),
                context: None,
                context_pinned: false,
                documentation_url: None,
                request_id: None,
                rate_limit: None,
                retry_after: None,
                argument: None,
            }),
        }
    }

    /// An `invalid_input` error about `argument`.
    pub fn invalid_input(
        argument: impl Into<Cow<'static, str>>,
        message: impl Into<String>,
    ) -> Self {
        let mut error = Error::new(ErrorKind::InvalidInput, message);
        error.inner.argument = Some(argument.into());
        error
    }

    /// The category of the error.
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }

    /// The HTTP status, when a response was received.
    pub fn status(&self) -> Option<u16> {
        self.inner.status
    }

    /// GitHub's `message`, or the client's own description.
    pub fn message(&self) -> &str {
        &self.inner.message
    }

    /// GitHub's own `message` (or the start of a non-JSON body), when a
    /// response was received; `None` for errors the client raised itself.
    pub fn github_message(&self) -> Option<&str> {
        self.inner.status.map(|_| self.inner.message.as_str())
    }

    /// GitHub's `documentation_url`, when sent.
    pub fn documentation_url(&self) -> Option<&str> {
        self.inner.documentation_url.as_deref()
    }

    /// The `X-GitHub-Request-Id` of the failed request, when sent.
    pub fn request_id(&self) -> Option<&str> {
        self.inner.request_id.as_deref()
    }

    /// The rate-limit state reported with the response, when relevant.
    pub fn rate_limit(&self) -> Option<&RateLimit> {
        self.inner.rate_limit.as_ref()
    }

    /// How long the server asked to wait before retrying (`Retry-After`).
    pub fn retry_after(&self) -> Option<std::time::Duration> {
        self.inner.retry_after
    }

    /// For `invalid_input`, the name of the offending argument.
    pub fn argument(&self) -> Option<&str> {
        self.inner.argument.as_deref()
    }

    /// Whether retrying the same request may succeed.
    pub fn is_retryable(&self) -> bool {
        match self.inner.kind {
            ErrorKind::Transport | ErrorKind::Timeout | ErrorKind::RateLimited => true,
            ErrorKind::Server => matches!(self.inner.status, None | Some(500 | 502 | 503 | 504)),
            _ => false,
        }
    }

    /// Sets what the failed operation was about ("package 'octo-org/hello' (container)").
    /// Arguments errors name their argument and need no context.
    pub(crate) fn with_context(mut self, context: impl Into<String>) -> Self {
        if self.inner.kind != ErrorKind::InvalidInput && !self.inner.context_pinned {
            self.inner.context = Some(context.into());
        }
        self
    }

    /// Sets a context no later [`Error::with_context`] replaces.
    pub(crate) fn with_pinned_context(self, context: impl Into<String>) -> Self {
        self.with_context(context).pinned()
    }

    /// Keeps the error's context (or its lack of one) from now on.
    pub(crate) fn pinned(mut self) -> Self {
        self.inner.context_pinned = true;
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.inner.context, self.inner.kind) {
            (Some(context), ErrorKind::NotFound) => write!(f, "{context} not found")?,
            (Some(context), _) => write!(f, "{context}: {}", self.inner.message)?,
            (None, _) => f.write_str(&self.inner.message)?,
        }
        if let Some(status) = self.inner.status {
            write!(f, " ({status})")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

/// Result with the crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
