//! State shared by every request.

use std::ops::Deref;
use std::sync::{Arc, PoisonError, RwLock};

use axum::extract::FromRef;

use crate::clock::Clock;
use crate::faults::Faults;
use crate::limits::{Limiter, LimitsConfig};
use crate::store::Store;

/// Cheap-to-clone handle on the emulator's state.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

/// What the handle points to.
pub struct Shared {
    /// The database.
    pub store: Store,
    /// The clock.
    pub clock: Clock,
    /// Token guarding the admin API; `None` when the admin API is off.
    pub admin_token: Option<String>,
    /// Base URL for `*_url` fields, overriding the `Host` header.
    pub public_base_url: Option<String>,
    /// Rate limiter in force; replaced when limits change at runtime.
    limiter: RwLock<Arc<Limiter>>,
    /// Fault injection.
    pub faults: Arc<Faults>,
}

impl AppState {
    /// Assembles the state.
    pub fn new(
        store: Store,
        clock: Clock,
        admin_token: Option<String>,
        public_base_url: Option<String>,
        limiter: Limiter,
        faults: Faults,
    ) -> Self {
        AppState(Arc::new(Shared {
            store,
            clock,
            admin_token,
            public_base_url: public_base_url.map(|u| u.trim_end_matches('/').to_owned()),
            limiter: RwLock::new(Arc::new(limiter)),
            faults: Arc::new(faults),
        }))
    }

    /// The rate limiter in force.
    pub fn limiter(&self) -> Arc<Limiter> {
        Arc::clone(
            &self
                .0
                .limiter
                .read()
                .unwrap_or_else(PoisonError::into_inner),
        )
    }

    /// Replaces the rate limits (counters start afresh; the count of
    /// refusals goes on).
    pub fn set_limits(&self, config: LimitsConfig) {
        let mut limiter = self
            .0
            .limiter
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        let rejections = Arc::clone(limiter.rejections());
        *limiter = Arc::new(Limiter::counting_into(config, rejections));
    }
}

impl Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl FromRef<AppState> for Arc<Faults> {
    fn from_ref(state: &AppState) -> Self {
        Arc::clone(&state.faults)
    }
}
