//! The model decoders on arbitrary JSON: never panic, and whatever decodes
//! serializes back to JSON that decodes to the same value (unknown fields
//! included).
#![no_main]

use ghpackages::{Package, PackageVersion};
use libfuzzer_sys::fuzz_target;
use serde::de::DeserializeOwned;
use serde::Serialize;

fn round_trip<T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug>(data: &[u8]) {
    if let Ok(value) = serde_json::from_slice::<T>(data) {
        let json = serde_json::to_string(&value).expect("a decoded model serializes");
        let again: T = serde_json::from_str(&json).expect("serialized model decodes");
        assert_eq!(value, again);
    }
}

fuzz_target!(|data: &[u8]| {
    round_trip::<Package>(data);
    round_trip::<PackageVersion>(data);
    round_trip::<Vec<Package>>(data);
    round_trip::<Vec<PackageVersion>>(data);
});
