//! Retention policies: which versions of a package a cleanup may delete.
//!
//! A [`Policy`] is a plain value that serializes to and from JSON, so every
//! language builds it the same way:
//!
//! ```json
//! {"keep_latest": 5, "older_than": "90d", "tags": "untagged",
//!  "exclude": [{"glob": "release-*"}, {"regex": "^v\\d+$"}]}
//! ```
//!
//! Every field is optional; unknown fields are refused so that a typo cannot
//! silently widen a policy.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Which versions a cleanup may delete. Selecting rules narrow what is
/// deleted: `keep_latest` (every version older than the N most recent),
/// `older_than`, `include`, `tags` and `semver`. Protections keep what they
/// match: the N most recent of `keep_latest`, `exclude`, `keep_newest` and
/// `max_downloads`. A version is deleted when every selecting rule that is
/// set selects it and no protection keeps it, so `{"keep_latest": 20}` alone
/// deletes all but 20 versions, and a policy without a selecting rule
/// deletes nothing. See [`plan`](crate::cleanup::plan) for the order in
/// which rules are applied.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Policy {
    /// Keep the N most recently created versions of the package, whatever the
    /// other rules say; the versions older than those are selected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keep_latest: Option<u32>,
    /// Delete only versions created before this age or date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub older_than: Option<Age>,
    /// Delete only versions whose name or one of whose tags matches one of
    /// these patterns (all versions when empty).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub include: Vec<Pattern>,
    /// Never delete versions whose name or one of whose tags matches one of
    /// these patterns.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub exclude: Vec<Pattern>,
    /// Delete only untagged, or only tagged, container versions.
    pub tags: TagFilter,
    /// Protect semantic-version releases, or delete only pre-releases.
    pub semver: SemverFilter,
    /// Never delete the most recently created version (on by default).
    pub keep_newest: bool,
    /// Never delete a version downloaded more than this many times. Download
    /// counts are not part of the REST API: versions whose count the caller
    /// did not supply are kept while this rule is set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_downloads: Option<u64>,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            keep_latest: None,
            older_than: None,
            include: Vec::new(),
            exclude: Vec::new(),
            tags: TagFilter::Any,
            semver: SemverFilter::Any,
            keep_newest: true,
            max_downloads: None,
        }
    }
}

impl Policy {
    /// Parses a policy from JSON, refusing unknown fields and bad patterns.
    pub fn from_json(json: &str) -> Result<Policy> {
        serde_json::from_str(json)
            .map_err(|e| Error::invalid_input("policy", format!("invalid policy: {e}")))
    }

    /// The policy as JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a policy always serializes")
    }

    /// Whether any selecting rule is set (`keep_latest`, `older_than`,
    /// `include`, `tags`, `semver`). A policy without one would delete every
    /// version but the newest, so the planner deletes nothing.
    pub fn selects_anything(&self) -> bool {
        self.keep_latest.is_some()
            || self.older_than.is_some()
            || !self.include.is_empty()
            || self.tags != TagFilter::Any
            || self.semver != SemverFilter::Any
    }
}

/// Which container versions may be deleted, by whether they carry tags.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TagFilter {
    /// Tagged and untagged alike.
    #[default]
    Any,
    /// Only versions without any tag.
    Untagged,
    /// Only versions with at least one tag.
    Tagged,
}

/// How semantic versions in version names and tags are treated.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SemverFilter {
    /// Semantic versions are not considered.
    #[default]
    Any,
    /// Never delete a version named or tagged with a release (`1.2.3`, `v1.2.3`).
    KeepReleases,
    /// Delete only versions named or tagged with a pre-release (`1.2.3-rc.1`)
    /// and with no release.
    OnlyPrereleases,
}

/// An age (`"90d"`) or a point in time (`"2026-01-31"`, RFC 3339; years 1970
/// to 9999 in UTC), serialized as that string. Units: `s`, `m` (minutes),
/// `h`, `d`, `w`; at most 100 years.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Age {
    /// Older than this duration before the plan's `now`.
    Duration(Duration),
    /// Created before this instant.
    Before(DateTime<Utc>),
}

impl Age {
    /// The instant before which a version counts as old, given the plan's `now`.
    pub fn cutoff(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        match *self {
            Age::Duration(duration) => now - duration,
            Age::Before(instant) => instant,
        }
    }
}

const UNITS: [(char, i64); 5] = [
    ('w', 7 * 86_400),
    ('d', 86_400),
    ('h', 3_600),
    ('m', 60),
    ('s', 1),
];

/// The years a date may name: the Unix epoch (before any package existed)
/// to 9999, the last year RFC 3339 can write. Outside, a date is a typo
/// (`-026-01-31` parses as year −26) and would not print back as a date
/// that parses, so a plan file holding it could not be read.
const YEARS: std::ops::RangeInclusive<i32> = 1970..=9999;

/// `instant` when its year (in UTC) is within [`YEARS`].
fn in_range(text: &str, instant: DateTime<Utc>) -> Result<Age> {
    if YEARS.contains(&instant.year()) {
        return Ok(Age::Before(instant));
    }
    Err(Error::invalid_input(
        "older_than",
        format!(
            "date {text:?} is out of range: years {} to {} (UTC) only",
            YEARS.start(),
            YEARS.end()
        ),
    ))
}

impl FromStr for Age {
    type Err = Error;

    fn from_str(text: &str) -> Result<Age> {
        let text = text.trim();
        if let Ok(instant) = DateTime::parse_from_rfc3339(text) {
            return in_range(text, instant.with_timezone(&Utc));
        }
        if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            let midnight = date.and_hms_opt(0, 0, 0).expect("midnight exists");
            return in_range(text, midnight.and_utc());
        }
        let bad = || {
            Error::invalid_input(
                "older_than",
                format!(
                    "invalid age {text:?}; expected a number with a unit s, m, h, d or w \
                     (\"90d\"), a date (\"2026-01-31\") or an RFC 3339 time"
                ),
            )
        };
        let unit = text.chars().last().ok_or_else(bad)?;
        let seconds_per_unit = UNITS
            .iter()
            .find(|(u, _)| *u == unit)
            .map(|(_, s)| *s)
            .ok_or_else(bad)?;
        let count: i64 = text[..text.len() - 1].parse().map_err(|_| bad())?;
        let seconds = count
            .checked_mul(seconds_per_unit)
            .filter(|s| *s >= 0 && *s <= 100 * 365 * 86_400)
            .ok_or_else(bad)?;
        Ok(Age::Duration(Duration::seconds(seconds)))
    }
}

impl TryFrom<String> for Age {
    type Error = Error;

    fn try_from(text: String) -> Result<Age> {
        text.parse()
    }
}

impl From<Age> for String {
    fn from(age: Age) -> String {
        age.to_string()
    }
}

impl fmt::Display for Age {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Age::Before(instant) => f.write_str(&instant.to_rfc3339()),
            Age::Duration(duration) => {
                let seconds = duration.num_seconds();
                let (unit, size) = UNITS
                    .iter()
                    .find(|(_, size)| seconds % size == 0 && seconds > 0)
                    .copied()
                    .unwrap_or(('s', 1));
                write!(f, "{}{unit}", seconds / size)
            }
        }
    }
}

/// A pattern matched against a version's name and tags: `{"glob": "v1.*"}`
/// (the whole text must match; `*` also matches `/`) or `{"regex": "^pr-\\d+$"}`
/// (found anywhere unless anchored).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(try_from = "PatternSpec", into = "PatternSpec")]
pub struct Pattern {
    spec: PatternSpec,
    matcher: Matcher,
}

/// The serialized form of a [`Pattern`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum PatternSpec {
    /// A shell-style glob.
    Glob(String),
    /// A regular expression (Rust `regex` syntax).
    Regex(String),
}

#[derive(Debug, Clone)]
enum Matcher {
    Glob(globset::GlobMatcher),
    Regex(regex::Regex),
}

impl Pattern {
    /// A glob pattern; fails on invalid syntax.
    pub fn glob(glob: &str) -> Result<Pattern> {
        Pattern::try_from(PatternSpec::Glob(glob.to_owned()))
    }

    /// A regular-expression pattern; fails on invalid syntax.
    pub fn regex(regex: &str) -> Result<Pattern> {
        Pattern::try_from(PatternSpec::Regex(regex.to_owned()))
    }

    /// Whether `text` matches.
    pub fn is_match(&self, text: &str) -> bool {
        match &self.matcher {
            Matcher::Glob(glob) => glob.is_match(text),
            Matcher::Regex(regex) => regex.is_match(text),
        }
    }
}

impl fmt::Display for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.spec {
            PatternSpec::Glob(glob) => write!(f, "glob {glob:?}"),
            PatternSpec::Regex(regex) => write!(f, "regex {regex:?}"),
        }
    }
}

impl PartialEq for Pattern {
    fn eq(&self, other: &Pattern) -> bool {
        self.spec == other.spec
    }
}

impl TryFrom<PatternSpec> for Pattern {
    type Error = Error;

    fn try_from(spec: PatternSpec) -> Result<Pattern> {
        let matcher = match &spec {
            PatternSpec::Glob(glob) => globset::Glob::new(glob)
                .map(|g| Matcher::Glob(g.compile_matcher()))
                .map_err(|e| Error::invalid_input("pattern", format!("invalid glob: {e}")))?,
            PatternSpec::Regex(regex) => regex::Regex::new(regex)
                .map(Matcher::Regex)
                .map_err(|e| Error::invalid_input("pattern", format!("invalid regex: {e}")))?,
        };
        Ok(Pattern { spec, matcher })
    }
}

impl From<Pattern> for PatternSpec {
    fn from(pattern: Pattern) -> PatternSpec {
        pattern.spec
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_policy_keeps_newest_and_selects_nothing() {
        let policy = Policy::from_json("{}").unwrap();
        assert_eq!(policy, Policy::default());
        assert!(policy.keep_newest);
        assert!(!policy.selects_anything());
    }

    #[test]
    fn policy_round_trips_through_json() {
        let json = r#"{"keep_latest":3,"older_than":"90d","include":[{"glob":"pr-*"}],
            "exclude":[{"regex":"^v\\d+$"}],"tags":"untagged","semver":"keep_releases",
            "keep_newest":false,"max_downloads":100}"#;
        let policy = Policy::from_json(json).unwrap();
        assert_eq!(policy.keep_latest, Some(3));
        assert_eq!(policy.older_than, Some(Age::Duration(Duration::days(90))));
        assert_eq!(policy.tags, TagFilter::Untagged);
        assert_eq!(policy.semver, SemverFilter::KeepReleases);
        assert!(!policy.keep_newest);
        let again = Policy::from_json(&policy.to_json()).unwrap();
        assert_eq!(again, policy);
        assert!(policy.to_json().contains(r#""older_than":"90d""#));
    }

    #[test]
    fn unknown_fields_and_bad_patterns_are_refused() {
        for bad in [
            r#"{"keep_lastest":3}"#,
            r#"{"include":[{"regex":"("}]}"#,
            r#"{"include":[{"glob":"a[b"}]}"#,
            r#"{"include":[{"wildcard":"a"}]}"#,
            r#"{"tags":"sometimes"}"#,
            r#"{"older_than":"ninety days"}"#,
            r#"{"keep_latest":-1}"#,
        ] {
            let error = Policy::from_json(bad).unwrap_err();
            assert_eq!(error.kind(), crate::ErrorKind::InvalidInput, "{bad}");
            assert_eq!(error.argument(), Some("policy"));
        }
    }

    #[test]
    fn ages_parse_units_dates_and_times() {
        let now: DateTime<Utc> = "2026-03-01T00:00:00Z".parse().unwrap();
        let cases = [
            ("30s", "2026-02-28T23:59:30Z"),
            ("15m", "2026-02-28T23:45:00Z"),
            ("2h", "2026-02-28T22:00:00Z"),
            ("1d", "2026-02-28T00:00:00Z"),
            ("1w", "2026-02-22T00:00:00Z"),
            ("2026-01-31", "2026-01-31T00:00:00Z"),
            ("2026-01-31T12:00:00+02:00", "2026-01-31T10:00:00Z"),
        ];
        for (text, cutoff) in cases {
            let age: Age = text.parse().unwrap();
            assert_eq!(age.cutoff(now), cutoff.parse::<DateTime<Utc>>().unwrap());
        }
        for bad in ["", "d", "5y", "-3d", "1.5d", "99999999999w"] {
            assert!(bad.parse::<Age>().is_err(), "{bad}");
        }
        // Dates outside years 1970 to 9999 (UTC) are typos that would not
        // print back as a parsable date (found by fuzzing: `-026-01-31`).
        for out_of_range in [
            "-026-01-31",
            "-0026-01-31",
            "+10000-01-01",
            "0026-01-31",
            "1969-12-31",
            "1969-12-31T23:59:59Z",
            "9999-12-31T23:00:00-05:00",
            "1970-01-01T00:30:00+01:00",
        ] {
            let error = out_of_range.parse::<Age>().unwrap_err();
            assert_eq!(error.argument(), Some("older_than"), "{out_of_range}");
            assert!(
                error.message().contains("1970 to 9999"),
                "{out_of_range}: {error}"
            );
        }
        for edge in ["1970-01-01", "9999-12-31", "9999-12-31T23:59:59Z"] {
            let age: Age = edge.parse().unwrap();
            assert_eq!(age.to_string().parse::<Age>().unwrap(), age, "{edge}");
        }
        let policy = Policy::from_json(r#"{"older_than":"-026-01-31"}"#).unwrap_err();
        assert_eq!(policy.argument(), Some("policy"));
        assert_eq!("168h".parse::<Age>().unwrap().to_string(), "1w");
        assert_eq!("90m".parse::<Age>().unwrap().to_string(), "90m");
        assert_eq!("0d".parse::<Age>().unwrap().to_string(), "0s");
    }

    #[test]
    fn patterns_match_globs_wholly_and_regexes_anywhere() {
        let glob = Pattern::glob("v1.*").unwrap();
        assert!(glob.is_match("v1.2.3"));
        assert!(!glob.is_match("xv1.2"));
        let regex = Pattern::regex(r"pr-\d+").unwrap();
        assert!(regex.is_match("build-pr-12"));
        assert!(!regex.is_match("pr-x"));
        assert_eq!(glob.to_string(), r#"glob "v1.*""#);
    }
}
