//! GitHub's REST rate limits, as "Rate limits for the REST API" documents them.
//!
//! - Primary: a budget of requests per client per hour (5,000 for an authenticated user,
//!   60 per IP address without a token). Every answer carries `X-RateLimit-Limit`,
//!   `-Remaining`, `-Used`, `-Reset` (epoch seconds) and `-Resource`; once the budget is
//!   spent the answer is 403 (or 429) with `X-RateLimit-Remaining: 0`.
//! - Secondary: at most 100 requests in flight per client, and at most 900 points per
//!   minute per endpoint (a `GET` costs 1 point, a `DELETE` or `POST` 5); breaking either
//!   answers 403 (or 429) with a "secondary rate limit" message and `Retry-After`.
//! - Refused requests are not counted against any limit.
//!
//! Windows run on the emulator's clock (epoch milliseconds, supplied by the caller, so a
//! clock moved through the admin API moves the windows too), sped up by `time_factor`:
//! with a factor of 60 the hourly window lasts one minute of the clock and the per-minute
//! window one second. `X-RateLimit-Reset` and `Retry-After` are reported on the clock
//! itself, so a client that waits until the reset, or for `Retry-After` seconds, waits
//! exactly as long as needed.
//!
//! State lives in a few mutex-guarded shards keyed by client, so concurrent requests of
//! different clients rarely touch the same lock and one request takes a lock twice (admit
//! and release), each for a few dozen nanoseconds.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hash, RandomState};
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};

const HOUR_MS: i64 = 3_600_000;
const MINUTE_MS: i64 = 60_000;
const SHARDS: usize = 16;
// Bounds that keep epoch milliseconds times the factor well inside an i64.
const MIN_FACTOR: f64 = 1e-3;
const MAX_FACTOR: f64 = 1e6;

/// The only budget the packages endpoints count against.
pub const RESOURCE: &str = "core";

const PRIMARY_DOCS: &str =
    "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-primary-rate-limits";
const SECONDARY_DOCS: &str = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits";

/// Rate-limit settings. `Default` is GitHub's documented numbers at real speed.
#[derive(Debug, Clone, PartialEq)]
pub struct LimitsConfig {
    /// Master switch. Off: no limit is enforced and no `X-RateLimit-*` header is sent,
    /// as on a GitHub Enterprise Server whose rate limiting is disabled.
    pub enabled: bool,
    /// Requests per hour for an authenticated user (all of the user's tokens share it).
    pub authenticated_per_hour: u32,
    /// Requests per hour for unauthenticated requests, per client IP address.
    pub unauthenticated_per_hour: u32,
    /// Requests one client may have in flight at once; 0 disables this limit.
    pub max_concurrent: u32,
    /// Points one client may spend on one endpoint per minute; 0 disables this limit.
    pub points_per_minute: u32,
    /// Points a `GET`, `HEAD` or `OPTIONS` request costs.
    pub read_points: u32,
    /// Points a `POST`, `PATCH`, `PUT` or `DELETE` request costs.
    pub write_points: u32,
    /// Status of a rate-limited answer: 403 (GitHub's usual) or 429.
    pub exceeded_status: StatusCode,
    /// How much faster than the emulator's clock the windows run: 60.0 lets an hour of
    /// budget pass in one minute. Clamped to 0.001..=1,000,000.
    pub time_factor: f64,
}

impl Default for LimitsConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            authenticated_per_hour: 5_000,
            unauthenticated_per_hour: 60,
            max_concurrent: 100,
            points_per_minute: 900,
            read_points: 1,
            write_points: 5,
            exceeded_status: StatusCode::FORBIDDEN,
            time_factor: 1.0,
        }
    }
}

impl LimitsConfig {
    /// No limits and no rate-limit headers (`--no-rate-limits`).
    pub fn disabled() -> Self {
        Self {
            enabled: false,
            ..Self::default()
        }
    }

    fn points_for(&self, method: &Method) -> u32 {
        if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
            self.read_points
        } else {
            self.write_points
        }
    }

    fn factor(&self) -> f64 {
        if self.time_factor.is_finite() && self.time_factor > 0.0 {
            self.time_factor.clamp(MIN_FACTOR, MAX_FACTOR)
        } else {
            1.0
        }
    }

    /// A clock instant (epoch ms) on the sped-up timeline the windows run on.
    fn scaled(&self, clock_ms: i64) -> i64 {
        (clock_ms as f64 * self.factor()) as i64
    }

    /// The clock instant, in epoch seconds rounded up, of a point on the sped-up timeline.
    fn clock_secs(&self, scaled_ms: i64) -> i64 {
        (scaled_ms as f64 / self.factor() / 1000.0).ceil() as i64
    }

    /// The wait on the clock, in whole seconds (at least one), that covers
    /// `scaled_ms` of the sped-up timeline.
    fn wait_secs(&self, scaled_ms: i64) -> u64 {
        let secs = (scaled_ms.max(0) as f64 / self.factor() / 1000.0).ceil() as u64;
        secs.max(1)
    }
}

/// Startup flags of the binary; flatten into its arguments.
#[derive(Debug, Clone, clap::Args)]
pub struct LimitArgs {
    /// Turn rate limiting off: nothing is refused and no `X-RateLimit-*` header is sent.
    #[arg(long)]
    pub no_rate_limits: bool,
    /// Requests per hour for each authenticated user.
    #[arg(long, value_name = "N", default_value_t = 5_000)]
    pub rate_limit: u32,
    /// Requests per hour for each IP address sending no token.
    #[arg(long, value_name = "N", default_value_t = 60)]
    pub rate_limit_unauthenticated: u32,
    /// Requests one client may have in flight at once (0: unlimited).
    #[arg(long, value_name = "N", default_value_t = 100)]
    pub max_concurrent_requests: u32,
    /// Points one client may spend per endpoint per minute; GET costs 1, DELETE/POST 5
    /// (0: unlimited).
    #[arg(long, value_name = "N", default_value_t = 900)]
    pub points_per_minute: u32,
    /// Status of rate-limited answers.
    #[arg(long, value_name = "403|429", default_value = "403", value_parser = parse_status)]
    pub rate_limit_status: StatusCode,
    /// How much faster than the clock rate-limit windows pass (60: an hour in a minute).
    #[arg(long, value_name = "F", default_value_t = 1.0, value_parser = parse_factor)]
    pub time_factor: f64,
}

fn parse_status(text: &str) -> Result<StatusCode, String> {
    match text {
        "403" => Ok(StatusCode::FORBIDDEN),
        "429" => Ok(StatusCode::TOO_MANY_REQUESTS),
        _ => Err(format!("expected 403 or 429, got {text:?}")),
    }
}

fn parse_factor(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(factor) if (MIN_FACTOR..=MAX_FACTOR).contains(&factor) => Ok(factor),
        _ => Err(format!(
            "expected a number from {MIN_FACTOR} to {MAX_FACTOR}, got {text:?}"
        )),
    }
}

impl LimitArgs {
    /// The configuration the flags describe.
    pub fn to_config(&self) -> LimitsConfig {
        LimitsConfig {
            enabled: !self.no_rate_limits,
            authenticated_per_hour: self.rate_limit,
            unauthenticated_per_hour: self.rate_limit_unauthenticated,
            max_concurrent: self.max_concurrent_requests,
            points_per_minute: self.points_per_minute,
            exceeded_status: self.rate_limit_status,
            time_factor: self.time_factor,
            ..LimitsConfig::default()
        }
    }
}

/// Who a request is charged to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClientKey {
    /// An authenticated user, by user id.
    User(u64),
    /// An unauthenticated client, by its IP address.
    Address(IpAddr),
}

/// The `X-RateLimit-*` values of one answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateHeaders {
    pub limit: u32,
    pub remaining: u32,
    pub used: u32,
    /// Epoch seconds, on the emulator's clock, when the hourly window ends.
    pub reset: i64,
}

impl RateHeaders {
    /// Writes the five `X-RateLimit-*` headers.
    pub fn apply(&self, headers: &mut HeaderMap) {
        static LIMIT: HeaderName = HeaderName::from_static("x-ratelimit-limit");
        static REMAINING: HeaderName = HeaderName::from_static("x-ratelimit-remaining");
        static USED: HeaderName = HeaderName::from_static("x-ratelimit-used");
        static RESET: HeaderName = HeaderName::from_static("x-ratelimit-reset");
        static RESOURCE_HEADER: HeaderName = HeaderName::from_static("x-ratelimit-resource");
        headers.insert(LIMIT.clone(), HeaderValue::from(self.limit));
        headers.insert(REMAINING.clone(), HeaderValue::from(self.remaining));
        headers.insert(USED.clone(), HeaderValue::from(self.used));
        headers.insert(RESET.clone(), HeaderValue::from(self.reset));
        headers.insert(RESOURCE_HEADER.clone(), HeaderValue::from_static(RESOURCE));
    }
}

/// A request the limits let through. Dropping it ends the request's concurrency slot,
/// so keep it alive until the answer is complete.
#[derive(Debug)]
pub struct Admission {
    pub headers: RateHeaders,
    _slot: Option<Slot>,
}

/// Requests refused by the rate limits since the emulator started (changes
/// of limits keep the count), so that a test can say none was; and those
/// let through, so that it can count what a client sent.
#[derive(Debug, Default)]
pub struct Rejections {
    primary: AtomicU64,
    secondary: AtomicU64,
    admitted: AtomicU64,
}

impl Rejections {
    fn count(&self, rejection: &Rejection) {
        let counter = match rejection {
            Rejection::Primary { .. } => &self.primary,
            Rejection::Secondary { .. } => &self.secondary,
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// Requests the limits let through (each counted against its client's
    /// hourly budget), while limits are on.
    pub fn admitted(&self) -> u64 {
        self.admitted.load(Ordering::Relaxed)
    }

    /// Refusals for a spent hourly budget.
    pub fn primary(&self) -> u64 {
        self.primary.load(Ordering::Relaxed)
    }

    /// Refusals under a secondary limit.
    pub fn secondary(&self) -> u64 {
        self.secondary.load(Ordering::Relaxed)
    }
}

/// Why a request was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejection {
    /// The hourly budget is spent.
    Primary {
        headers: RateHeaders,
        client: ClientKey,
    },
    /// Too many requests in flight, or too many points on one endpoint this minute.
    Secondary {
        headers: RateHeaders,
        retry_after_secs: u64,
    },
}

impl Rejection {
    /// The `X-RateLimit-*` values to send with the refusal.
    pub fn headers(&self) -> RateHeaders {
        match self {
            Self::Primary { headers, .. } | Self::Secondary { headers, .. } => *headers,
        }
    }

    /// The refusal as GitHub words it, with the given status (403 or 429).
    pub fn into_response(self, status: StatusCode) -> Response {
        let (message, docs, retry_after) = match &self {
            Self::Primary { client, .. } => {
                let who = match client {
                    ClientKey::User(id) => format!("user ID {id}"),
                    ClientKey::Address(ip) => ip.to_string(),
                };
                let hint = match client {
                    ClientKey::User(_) => {
                        "If you reach out to GitHub Support for help, please include the request ID."
                    }
                    ClientKey::Address(_) => {
                        "(Authenticated requests get a higher rate limit. Check out the documentation for more details.)"
                    }
                };
                (
                    format!("API rate limit exceeded for {who}. {hint}"),
                    PRIMARY_DOCS,
                    None,
                )
            }
            Self::Secondary {
                retry_after_secs, ..
            } => (
                "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID."
                    .to_owned(),
                SECONDARY_DOCS,
                Some(*retry_after_secs),
            ),
        };
        let body = serde_json::json!({
            "message": message,
            "documentation_url": docs,
            "status": status.as_str(),
        });
        let mut response = (status, axum::Json(body)).into_response();
        let headers = response.headers_mut();
        self.headers().apply(headers);
        if let Some(secs) = retry_after {
            headers.insert(axum::http::header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

#[derive(Debug, Default)]
struct Window {
    start_ms: i64,
    used: u32,
}

impl Window {
    /// Starts a fresh window at `now` when the current one (of `length_ms`) is over, or
    /// when the clock was moved back before its start.
    fn roll(&mut self, now: i64, length_ms: i64) {
        if self.used == 0 || now >= self.start_ms + length_ms || now < self.start_ms {
            self.start_ms = now;
            self.used = 0;
        }
    }
}

#[derive(Debug, Default)]
struct ClientState {
    primary: Window,
    in_flight: u32,
    /// Points windows by a hash of method and route template.
    endpoints: HashMap<u64, Window>,
}

type Shard = Mutex<HashMap<ClientKey, ClientState>>;

/// The rate limiter of one emulator.
#[derive(Debug)]
pub struct Limiter {
    config: LimitsConfig,
    shards: Arc<[Shard]>,
    hasher: RandomState,
    rejections: Arc<Rejections>,
}

/// A request's concurrency slot; released on drop.
#[derive(Debug)]
struct Slot {
    shards: Arc<[Shard]>,
    shard: usize,
    client: ClientKey,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut shard = lock(&self.shards[self.shard]);
        if let Some(state) = shard.get_mut(&self.client) {
            state.in_flight = state.in_flight.saturating_sub(1);
        }
    }
}

fn lock(shard: &Shard) -> MutexGuard<'_, HashMap<ClientKey, ClientState>> {
    // A panic while holding the lock leaves only counters behind, which stay usable.
    shard
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Limiter {
    pub fn new(config: LimitsConfig) -> Self {
        Self::counting_into(config, Arc::default())
    }

    /// A limiter that adds its refusals to `rejections`.
    pub fn counting_into(config: LimitsConfig, rejections: Arc<Rejections>) -> Self {
        let shards: Vec<Shard> = (0..SHARDS).map(|_| Mutex::default()).collect();
        Self {
            config,
            shards: shards.into(),
            hasher: RandomState::new(),
            rejections,
        }
    }

    /// The refusals counted so far.
    pub fn rejections(&self) -> &Arc<Rejections> {
        &self.rejections
    }

    pub fn config(&self) -> &LimitsConfig {
        &self.config
    }

    /// Counts one request of `client` to `endpoint` (the route template, e.g.
    /// `/orgs/{org}/packages`) at `clock_ms` (the emulator's clock, epoch milliseconds),
    /// or refuses it.
    pub fn admit(
        &self,
        client: ClientKey,
        method: &Method,
        endpoint: &str,
        clock_ms: i64,
    ) -> Result<Admission, Rejection> {
        let admitted = self.decide(client, method, endpoint, clock_ms);
        match &admitted {
            Ok(_) => {
                self.rejections.admitted.fetch_add(1, Ordering::Relaxed);
            }
            Err(rejection) => self.rejections.count(rejection),
        }
        admitted
    }

    fn decide(
        &self,
        client: ClientKey,
        method: &Method,
        endpoint: &str,
        clock_ms: i64,
    ) -> Result<Admission, Rejection> {
        let config = &self.config;
        let now = config.scaled(clock_ms);
        let budget = match client {
            ClientKey::User(_) => config.authenticated_per_hour,
            ClientKey::Address(_) => config.unauthenticated_per_hour,
        };
        let endpoint_key = self.hasher.hash_one((method.as_str(), endpoint));
        let shard_index = (self.hasher.hash_one(client) as usize) % SHARDS;
        let mut shard = lock(&self.shards[shard_index]);
        let state = shard.entry(client).or_default();

        state.primary.roll(now, HOUR_MS);
        let headers = |primary: &Window| RateHeaders {
            limit: budget,
            remaining: budget.saturating_sub(primary.used),
            used: primary.used,
            reset: config.clock_secs(primary.start_ms + HOUR_MS),
        };

        if config.max_concurrent > 0 && state.in_flight >= config.max_concurrent {
            return Err(Rejection::Secondary {
                headers: headers(&state.primary),
                retry_after_secs: config.wait_secs(MINUTE_MS),
            });
        }
        if state.primary.used >= budget {
            return Err(Rejection::Primary {
                headers: headers(&state.primary),
                client,
            });
        }
        // Refused requests are not counted, so the points are checked before the
        // hourly budget is charged.
        if config.points_per_minute > 0 {
            let cost = config.points_for(method);
            let window = state.endpoints.entry(endpoint_key).or_default();
            window.roll(now, MINUTE_MS);
            if window.used.saturating_add(cost) > config.points_per_minute {
                return Err(Rejection::Secondary {
                    headers: headers(&state.primary),
                    retry_after_secs: config.wait_secs(window.start_ms + MINUTE_MS - now),
                });
            }
            window.used += cost;
        }
        state.primary.used += 1;
        let current = headers(&state.primary);

        let slot = (config.max_concurrent > 0).then(|| {
            state.in_flight += 1;
            Slot {
                shards: Arc::clone(&self.shards),
                shard: shard_index,
                client,
            }
        });
        Ok(Admission {
            headers: current,
            _slot: slot,
        })
    }
}

impl Limiter {
    /// Charges `response`, an answer given before routing (a refused token), to
    /// `client` like any other request: it gains the `X-RateLimit-*` headers, or is
    /// replaced by the refusal once the budget is spent.
    pub fn charge_unrouted(
        &self,
        client: ClientKey,
        method: &Method,
        clock_ms: i64,
        mut response: Response,
    ) -> Response {
        if !self.config.enabled {
            return response;
        }
        match self.admit(client, method, "", clock_ms) {
            Ok(admission) => {
                admission.headers.apply(response.headers_mut());
                response
            }
            Err(rejection) => rejection.into_response(self.config.exceeded_status),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    const USER: ClientKey = ClientKey::User(7);
    const T0: i64 = 1_700_000_000_000;

    fn limiter(edit: impl FnOnce(&mut LimitsConfig)) -> Limiter {
        let mut config = LimitsConfig::default();
        edit(&mut config);
        Limiter::new(config)
    }

    #[test]
    fn primary_budget_counts_down_then_refuses_until_reset() {
        let limiter = limiter(|c| {
            c.authenticated_per_hour = 3;
            c.points_per_minute = 0;
        });
        for used in 1..=3 {
            let admitted = limiter.admit(USER, &Method::GET, "e", T0 + 10).unwrap();
            assert_eq!(admitted.headers.used, used);
            assert_eq!(admitted.headers.remaining, 3 - used);
            assert_eq!(admitted.headers.reset, (T0 + 10 + HOUR_MS + 999) / 1000);
        }
        let refused = limiter.admit(USER, &Method::GET, "e", T0 + 20).unwrap_err();
        assert!(matches!(refused, Rejection::Primary { headers, .. } if headers.remaining == 0));
        let after = limiter
            .admit(USER, &Method::GET, "e", T0 + 10 + HOUR_MS)
            .unwrap();
        assert_eq!(after.headers.used, 1);
        assert_eq!(after.headers.reset, (T0 + 10 + 2 * HOUR_MS + 999) / 1000);
        limiter
            .admit(USER, &Method::GET, "e", T0 - 1)
            .expect("a clock moved back starts a new window");
    }

    #[test]
    fn anonymous_clients_are_counted_per_address() {
        let limiter = limiter(|c| c.unauthenticated_per_hour = 1);
        let a = ClientKey::Address(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 1)));
        let b = ClientKey::Address(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2)));
        assert_eq!(
            limiter
                .admit(a, &Method::GET, "e", T0)
                .unwrap()
                .headers
                .limit,
            1
        );
        assert!(limiter.admit(a, &Method::GET, "e", T0).is_err());
        assert!(limiter.admit(b, &Method::GET, "e", T0).is_ok());
        assert!(limiter.admit(USER, &Method::GET, "e", T0).is_ok());
    }

    #[test]
    fn endpoint_points_weigh_writes_and_reset_each_minute() {
        let limiter = limiter(|c| c.points_per_minute = 12);
        for _ in 0..2 {
            limiter.admit(USER, &Method::DELETE, "d", T0).unwrap();
        }
        let refused = limiter
            .admit(USER, &Method::DELETE, "d", T0 + 15_000)
            .unwrap_err();
        assert!(matches!(
            refused,
            Rejection::Secondary {
                retry_after_secs: 45,
                ..
            }
        ));
        let read = limiter.admit(USER, &Method::GET, "d", T0 + 15_000).unwrap();
        assert_eq!(read.headers.used, 3, "the refused delete was not counted");
        limiter
            .admit(USER, &Method::DELETE, "other", T0 + 15_000)
            .unwrap();
        limiter
            .admit(USER, &Method::DELETE, "d", T0 + MINUTE_MS)
            .unwrap();
    }

    #[test]
    fn concurrency_slots_are_released_on_drop() {
        let limiter = limiter(|c| c.max_concurrent = 2);
        let first = limiter.admit(USER, &Method::GET, "e", T0).unwrap();
        let _second = limiter.admit(USER, &Method::GET, "e", T0).unwrap();
        assert!(matches!(
            limiter.admit(USER, &Method::GET, "e", T0),
            Err(Rejection::Secondary { .. })
        ));
        drop(first);
        limiter.admit(USER, &Method::GET, "e", T0).unwrap();
    }

    #[test]
    fn time_factor_shortens_windows_on_the_clock() {
        let limiter = limiter(|c| {
            c.time_factor = 60.0;
            c.authenticated_per_hour = 1;
        });
        let admitted = limiter.admit(USER, &Method::GET, "e", T0).unwrap();
        assert_eq!(admitted.headers.reset, T0 / 1000 + 60);
        assert!(limiter.admit(USER, &Method::GET, "e", T0 + 59_000).is_err());
        limiter.admit(USER, &Method::GET, "e", T0 + 60_000).unwrap();

        let config = limiter.config();
        assert_eq!(config.wait_secs(MINUTE_MS), 1);
        assert_eq!(config.wait_secs(HOUR_MS), 60);
        assert_eq!(config.wait_secs(0), 1);
        assert_eq!(LimitsConfig::default().wait_secs(45_500), 46);
    }
}
