//! The cleanup policy parser on arbitrary JSON, and ages on arbitrary text:
//! never panics; a parsed policy serializes back to an equal policy; a plan
//! under it over a fixed package decides every version once, never deletes
//! every version, and keeps the newest when asked to.
#![no_main]

use std::sync::OnceLock;

use chrono::{DateTime, Utc};
use ghpackages::cleanup::{plan, Action, Age, Policy};
use ghpackages::PackageVersion;
use libfuzzer_sys::fuzz_target;
use serde_json::json;

fn versions() -> &'static [PackageVersion] {
    static VERSIONS: OnceLock<Vec<PackageVersion>> = OnceLock::new();
    VERSIONS.get_or_init(|| {
        let names = [
            ("1.0.0", &["v1", "latest"][..]),
            ("1.1.0-rc.1", &[]),
            ("sha256:abc", &[]),
            ("2.0.0", &["release-2"]),
            ("pr-17", &["pr-17"]),
            ("0.0.1-alpha", &[]),
        ];
        names
            .iter()
            .enumerate()
            .map(|(i, (name, tags))| {
                serde_json::from_value(json!({
                    "id": 100 + i,
                    "name": name,
                    "url": format!("https://api.github.com/user/packages/container/app/versions/{}", 100 + i),
                    "package_html_url": "https://github.com/users/u/packages/container/package/app",
                    "created_at": format!("2025-0{}-01T00:00:00Z", i + 1),
                    "updated_at": "2025-08-01T00:00:00Z",
                    "metadata": {"package_type": "container", "container": {"tags": tags}}
                }))
                .expect("a valid version")
            })
            .collect()
    })
}

fuzz_target!(|text: &str| {
    if let Ok(age) = text.parse::<Age>() {
        let again: Age = age.to_string().parse().expect("a printed age parses");
        assert_eq!(age, again, "{text:?} printed as {age}");
    }
    let Ok(policy) = Policy::from_json(text) else {
        return;
    };
    let again = Policy::from_json(&policy.to_json()).expect("a serialized policy parses");
    assert_eq!(policy, again);
    let now: DateTime<Utc> = "2026-01-01T00:00:00Z".parse().expect("a time");
    let versions = versions();
    let plan = plan(versions, &policy, now);
    assert_eq!(plan.decisions.len(), versions.len());
    let mut ids: Vec<u64> = plan.decisions.iter().map(|d| d.version_id).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), versions.len(), "a version decided twice");
    assert!(
        plan.delete_count() < versions.len(),
        "every version deleted"
    );
    if policy.keep_newest {
        assert_eq!(plan.decisions[0].action, Action::Keep, "newest deleted");
    }
});
