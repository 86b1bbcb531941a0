//! Fault injection, off by default, so client retries, timeouts and error handling can
//! be tested: added latency (fixed or a random range), error answers (any 4xx or 5xx
//! status) with GitHub's JSON error body, `200 OK` answers whose JSON body is cut short,
//! and connections closed without any answer, each at a configurable rate.
//!
//! A faulty answer or a dropped connection happens before the request reaches a handler,
//! as when a front end fails, so the request has no effect and retrying it is safe.
//! Latency is added before the request is handled, so it also holds the request's
//! rate-limit concurrency slot.
//!
//! Faults are set at startup (`--fault-*` flags) and at runtime through
//! `GET`/`PUT`/`DELETE /_emulator/faults`. With a `seed`, the sequence of decisions is
//! reproducible: the same requests, sent one after another, meet the same faults.
//!
//! To close a connection without answering, the server accepts connections through
//! [`FaultListener`]: each connection carries a [`Peer`] whose switch, once tripped,
//! makes every later write to the socket fail, so the server gives up on the connection
//! before a byte of the answer is sent.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::extract::connect_info::Connected;
use axum::extract::rejection::JsonRejection;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::serve::IncomingStream;
use axum::Json;
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

use crate::admin;
use crate::error::{ApiError, REST_DOCS};

/// Which faults to inject. `Default` injects none.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FaultsConfig {
    /// Latency added to every request, in milliseconds.
    pub latency_ms: u64,
    /// When above `latency_ms`, the added latency is drawn uniformly from
    /// `latency_ms..=latency_max_ms`.
    pub latency_max_ms: u64,
    /// Fraction (0.0..=1.0) of requests answered with an error status.
    pub error_rate: f64,
    /// The statuses (400..=599) an error fault picks from, uniformly.
    pub error_statuses: Vec<u16>,
    /// Fraction (0.0..=1.0) of requests whose connection is closed without an answer.
    pub drop_rate: f64,
    /// Fraction (0.0..=1.0) of requests answered `200 OK` with `Content-Type:
    /// application/json` and a body that is not valid JSON: [`MALFORMED_BODY`].
    pub malformed_rate: f64,
    /// Seed of the random draws, for reproducible runs; without one the draws differ
    /// from run to run.
    pub seed: Option<u64>,
}

impl Default for FaultsConfig {
    fn default() -> Self {
        Self {
            latency_ms: 0,
            latency_max_ms: 0,
            error_rate: 0.0,
            error_statuses: vec![500, 502, 503, 504],
            drop_rate: 0.0,
            malformed_rate: 0.0,
            seed: None,
        }
    }
}

impl FaultsConfig {
    /// Checks rates and statuses; the message says what is wrong.
    pub fn validate(&self) -> Result<(), String> {
        for (name, rate) in [
            ("error_rate", self.error_rate),
            ("drop_rate", self.drop_rate),
            ("malformed_rate", self.malformed_rate),
        ] {
            if !(0.0..=1.0).contains(&rate) {
                return Err(format!("{name} must be between 0 and 1, got {rate}"));
            }
        }
        // One draw decides among the faults, so their rates share the unit interval;
        // the margin absorbs rounding, as in 0.7 + 0.2 + 0.1.
        let total = self.error_rate + self.drop_rate + self.malformed_rate;
        if total > 1.0 + 1e-9 {
            return Err(format!(
                "error_rate, drop_rate and malformed_rate must add up to at most 1, got {total}"
            ));
        }
        if self.error_rate > 0.0 && self.error_statuses.is_empty() {
            return Err("error_statuses must not be empty when error_rate is above 0".into());
        }
        if let Some(bad) = self
            .error_statuses
            .iter()
            .find(|status| !(400..=599).contains(*status))
        {
            return Err(format!(
                "error_statuses must be 4xx or 5xx statuses, got {bad}"
            ));
        }
        Ok(())
    }

    fn is_active(&self) -> bool {
        self.latency_ms > 0
            || self.latency_max_ms > 0
            || self.error_rate > 0.0
            || self.drop_rate > 0.0
            || self.malformed_rate > 0.0
    }

    fn rng(&self) -> fastrand::Rng {
        self.seed
            .map_or_else(fastrand::Rng::new, fastrand::Rng::with_seed)
    }
}

/// Startup flags of the binary; flatten into its arguments.
#[derive(Debug, Clone, clap::Args)]
pub struct FaultArgs {
    /// Latency added to every request: `MS`, or a random range `MIN-MAX` (milliseconds).
    #[arg(long, value_name = "MS|MIN-MAX", value_parser = parse_latency)]
    pub fault_latency_ms: Option<(u64, u64)>,
    /// Fraction (0..1) of requests answered with an error status.
    #[arg(long, value_name = "RATE", default_value_t = 0.0)]
    pub fault_error_rate: f64,
    /// The statuses (400-599) an injected error picks from.
    #[arg(long, value_name = "STATUS,...", value_delimiter = ',', default_values_t = [500, 502, 503, 504])]
    pub fault_error_statuses: Vec<u16>,
    /// Fraction (0..1) of requests whose connection is closed without an answer.
    #[arg(long, value_name = "RATE", default_value_t = 0.0)]
    pub fault_drop_rate: f64,
    /// Fraction (0..1) of requests answered 200 with a body that is not valid JSON.
    #[arg(long, value_name = "RATE", default_value_t = 0.0)]
    pub fault_malformed_rate: f64,
    /// Seed for reproducible fault decisions.
    #[arg(long, value_name = "N")]
    pub fault_seed: Option<u64>,
}

fn parse_latency(text: &str) -> Result<(u64, u64), String> {
    let number = |part: &str| {
        part.trim()
            .parse::<u64>()
            .map_err(|_| format!("expected milliseconds, got {part:?}"))
    };
    match text.split_once('-') {
        None => number(text).map(|ms| (ms, ms)),
        Some((min, max)) => {
            let (min, max) = (number(min)?, number(max)?);
            if min > max {
                return Err(format!("range {min}-{max} is reversed"));
            }
            Ok((min, max))
        }
    }
}

impl FaultArgs {
    /// The configuration the flags describe, checked.
    pub fn to_config(&self) -> Result<FaultsConfig, String> {
        let (latency_ms, latency_max_ms) = self.fault_latency_ms.unwrap_or((0, 0));
        let config = FaultsConfig {
            latency_ms,
            latency_max_ms,
            error_rate: self.fault_error_rate,
            error_statuses: self.fault_error_statuses.clone(),
            drop_rate: self.fault_drop_rate,
            malformed_rate: self.fault_malformed_rate,
            seed: self.fault_seed,
        };
        config.validate()?;
        Ok(config)
    }
}

/// What happens to one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Pass,
    Error(StatusCode),
    Drop,
    Malformed,
}

/// The faults of one running emulator, changeable at runtime.
#[derive(Debug)]
pub struct Faults {
    /// Lets the fault-free path skip the locks.
    active: AtomicBool,
    config: RwLock<FaultsConfig>,
    rng: Mutex<fastrand::Rng>,
}

impl Faults {
    pub fn new(config: FaultsConfig) -> Self {
        Self {
            active: AtomicBool::new(config.is_active()),
            rng: Mutex::new(config.rng()),
            config: RwLock::new(config),
        }
    }

    /// The faults now in force.
    pub fn config(&self) -> FaultsConfig {
        self.config
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Replaces the faults (and restarts the random sequence from the new seed).
    pub fn set(&self, config: FaultsConfig) -> Result<(), String> {
        config.validate()?;
        let mut current = self.config.write().unwrap_or_else(PoisonError::into_inner);
        *self.rng.lock().unwrap_or_else(PoisonError::into_inner) = config.rng();
        self.active.store(config.is_active(), Ordering::Release);
        *current = config;
        Ok(())
    }

    /// Draws the delay and outcome of one request; `None` when no fault is configured.
    fn draw(&self) -> Option<(Duration, Outcome)> {
        if !self.active.load(Ordering::Acquire) {
            return None;
        }
        let config = self.config.read().unwrap_or_else(PoisonError::into_inner);
        let mut rng = self.rng.lock().unwrap_or_else(PoisonError::into_inner);
        let latency = if config.latency_max_ms > config.latency_ms {
            rng.u64(config.latency_ms..=config.latency_max_ms)
        } else {
            config.latency_ms
        };
        // The rates share one draw, so they add up exactly.
        let roll = rng.f64();
        let errors_end = config.drop_rate + config.error_rate;
        let outcome = if roll < config.drop_rate {
            Outcome::Drop
        } else if roll < errors_end {
            if config.error_statuses.is_empty() {
                Outcome::Pass
            } else {
                let status = config.error_statuses[rng.usize(..config.error_statuses.len())];
                StatusCode::from_u16(status).map_or(Outcome::Pass, Outcome::Error)
            }
        } else if roll < errors_end + config.malformed_rate {
            Outcome::Malformed
        } else {
            Outcome::Pass
        };
        Some((Duration::from_millis(latency), outcome))
    }
}

/// The body of a malformed answer: a GitHub package object cut off mid-field, as when
/// a proxy truncates the answer.
pub const MALFORMED_BODY: &str = r#"{"id":1,"name":"malformed","package_type":"#;

/// An error answer in the shape GitHub gives: the messages of GitHub's front end for
/// its 5xx statuses, the status's reason phrase otherwise (`I'm a teapot` for 418).
fn injected_error(status: StatusCode) -> Response {
    let message = match status {
        StatusCode::BAD_GATEWAY => "Bad Gateway",
        StatusCode::SERVICE_UNAVAILABLE => "Service Unavailable",
        StatusCode::GATEWAY_TIMEOUT => {
            "We couldn't respond to your request in time. Sorry about that. Please try resubmitting your request and contact us if the problem persists."
        }
        _ if status.is_server_error() => "Server Error",
        _ => status.canonical_reason().unwrap_or("Error"),
    };
    ApiError::new(status, message, REST_DOCS).into_response()
}

/// A `200 OK` JSON answer whose body does not parse.
fn malformed() -> Response {
    (
        StatusCode::OK,
        [(
            axum::http::header::CONTENT_TYPE,
            "application/json; charset=utf-8",
        )],
        MALFORMED_BODY,
    )
        .into_response()
}

/// Middleware: injects the configured faults into every request it wraps.
pub async fn inject(State(faults): State<Arc<Faults>>, request: Request, next: Next) -> Response {
    let Some((delay, outcome)) = faults.draw() else {
        return next.run(request).await;
    };
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    match outcome {
        Outcome::Pass => next.run(request).await,
        Outcome::Error(status) => injected_error(status),
        Outcome::Malformed => malformed(),
        Outcome::Drop => {
            if let Some(ConnectInfo(peer)) = request.extensions().get::<ConnectInfo<Peer>>() {
                peer.close_without_answer();
            }
            // Never sent when the connection came through a `FaultListener`.
            injected_error(StatusCode::BAD_GATEWAY)
        }
    }
}

/// `GET /_emulator/faults`: the faults in force.
pub async fn get_faults(State(faults): State<Arc<Faults>>) -> Json<FaultsConfig> {
    Json(faults.config())
}

/// `PUT /_emulator/faults`: replaces the faults; fields left out take their defaults.
pub async fn put_faults(
    State(faults): State<Arc<Faults>>,
    body: Result<Json<FaultsConfig>, JsonRejection>,
) -> Result<Json<FaultsConfig>, ApiError> {
    faults
        .set(admin::body(body)?)
        .map_err(|message| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, message, REST_DOCS))?;
    Ok(Json(faults.config()))
}

/// `DELETE /_emulator/faults`: back to no faults.
pub async fn clear_faults(State(faults): State<Arc<Faults>>) -> StatusCode {
    // The default configuration is valid by construction.
    let _ = faults.set(FaultsConfig::default());
    StatusCode::NO_CONTENT
}

/// A client connection: its address, and the switch that closes it without an answer.
#[derive(Debug, Clone)]
pub struct Peer {
    pub addr: SocketAddr,
    closed: Arc<AtomicBool>,
}

impl Peer {
    /// Makes every later write on the connection fail, so the server drops it unanswered.
    pub fn close_without_answer(&self) {
        self.closed.store(true, Ordering::Release);
    }
}

impl Connected<IncomingStream<'_, FaultListener>> for Peer {
    fn connect_info(stream: IncomingStream<'_, FaultListener>) -> Self {
        stream.remote_addr().clone()
    }
}

/// A TCP listener whose connections can be closed without an answer (see [`Peer`]).
/// Serve with `Router::into_make_service_with_connect_info::<Peer>()`.
#[derive(Debug)]
pub struct FaultListener {
    inner: TcpListener,
}

impl FaultListener {
    pub fn new(inner: TcpListener) -> Self {
        Self { inner }
    }
}

impl axum::serve::Listener for FaultListener {
    type Io = FaultStream;
    type Addr = Peer;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            match self.inner.accept().await {
                Ok((stream, addr)) => {
                    // Small answers go out at once instead of waiting on Nagle's algorithm.
                    let _ = stream.set_nodelay(true);
                    let closed = Arc::new(AtomicBool::new(false));
                    let peer = Peer {
                        addr,
                        closed: Arc::clone(&closed),
                    };
                    return (FaultStream { stream, closed }, peer);
                }
                // Out of file descriptors and the like: wait instead of spinning.
                Err(err) => {
                    tracing::warn!(error = %err, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        Ok(Peer {
            addr: self.inner.local_addr()?,
            closed: Arc::default(),
        })
    }
}

/// A TCP stream that refuses writes once its [`Peer`] was closed.
#[derive(Debug)]
pub struct FaultStream {
    stream: TcpStream,
    closed: Arc<AtomicBool>,
}

impl FaultStream {
    fn check(&self) -> io::Result<()> {
        if self.closed.load(Ordering::Acquire) {
            Err(io::Error::new(
                io::ErrorKind::ConnectionAborted,
                "connection dropped by fault injection",
            ))
        } else {
            Ok(())
        }
    }
}

impl AsyncRead for FaultStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for FaultStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.check()?;
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.check()?;
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.check()?;
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn faults(config: FaultsConfig) -> Faults {
        Faults::new(config)
    }

    #[test]
    fn no_faults_by_default() {
        assert_eq!(faults(FaultsConfig::default()).draw(), None);
    }

    #[test]
    fn seeded_draws_repeat_and_follow_the_rates() {
        let config = FaultsConfig {
            error_rate: 0.3,
            drop_rate: 0.2,
            malformed_rate: 0.1,
            seed: Some(7),
            ..FaultsConfig::default()
        };
        let run = || {
            let faults = faults(config.clone());
            (0..1000)
                .map(|_| faults.draw().unwrap().1)
                .collect::<Vec<_>>()
        };
        let outcomes = run();
        assert_eq!(outcomes, run());
        let drops = outcomes.iter().filter(|o| **o == Outcome::Drop).count();
        let errors = outcomes
            .iter()
            .filter(|o| matches!(o, Outcome::Error(_)))
            .count();
        let malformed = outcomes
            .iter()
            .filter(|o| **o == Outcome::Malformed)
            .count();
        assert!((150..250).contains(&drops), "{drops} drops");
        assert!((240..360).contains(&errors), "{errors} errors");
        assert!((60..140).contains(&malformed), "{malformed} malformed");
    }

    #[test]
    fn latency_range_is_respected() {
        let faults = faults(FaultsConfig {
            latency_ms: 5,
            latency_max_ms: 9,
            ..FaultsConfig::default()
        });
        for _ in 0..200 {
            let (delay, outcome) = faults.draw().unwrap();
            assert!((5..=9).contains(&delay.as_millis()), "{delay:?}");
            assert_eq!(outcome, Outcome::Pass);
        }
    }

    #[test]
    fn invalid_configurations_are_refused() {
        let bad_rate = FaultsConfig {
            error_rate: 1.5,
            ..FaultsConfig::default()
        };
        assert!(bad_rate.validate().unwrap_err().contains("error_rate"));
        for status in [302, 600] {
            let bad_status = FaultsConfig {
                error_statuses: vec![status],
                ..FaultsConfig::default()
            };
            let message = bad_status.validate().unwrap_err();
            assert!(message.contains(&status.to_string()), "{message}");
        }
        let too_much = FaultsConfig {
            error_rate: 0.6,
            malformed_rate: 0.6,
            ..FaultsConfig::default()
        };
        assert!(too_much.validate().unwrap_err().contains("at most 1"));
        let client_errors = FaultsConfig {
            error_rate: 0.7,
            drop_rate: 0.2,
            malformed_rate: 0.1,
            error_statuses: vec![400, 418, 599],
            ..FaultsConfig::default()
        };
        assert_eq!(client_errors.validate(), Ok(()));
        let faults = faults(FaultsConfig::default());
        assert!(faults.set(bad_rate).is_err());
        assert_eq!(faults.config(), FaultsConfig::default());
    }

    #[test]
    fn latency_flag_takes_a_value_or_a_range() {
        assert_eq!(parse_latency("40"), Ok((40, 40)));
        assert_eq!(parse_latency("10-30"), Ok((10, 30)));
        assert!(parse_latency("30-10").is_err());
        assert!(parse_latency("fast").is_err());
    }
}
