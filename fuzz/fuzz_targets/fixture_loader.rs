//! The fixture parser and loader on arbitrary JSON: never panics; a fixture
//! either loads into an empty database or is refused with an error.
#![no_main]

use ghpackages_emulator::load::load;
use ghpackages_emulator::store::Store;
use ghpackages_emulator::{Clock, Fixture};
use libfuzzer_sys::fuzz_target;

/// Generated versions beyond this are skipped: memory and time grow with the
/// count by design, which is not what this target looks for.
const MAX_GENERATED: u64 = 10_000;

fuzz_target!(|text: &str| {
    let Ok(fixture) = Fixture::from_json(text) else {
        return;
    };
    let generated: u64 = fixture
        .packages
        .iter()
        .filter_map(|p| p.generate.as_ref())
        .map(|g| u64::from(g.count))
        .sum();
    if generated > MAX_GENERATED {
        return;
    }
    let store = Store::open(None).expect("in-memory store");
    let now = Clock::new().now_secs();
    let _ = store.write(|db| load(db, &fixture, now));
});
