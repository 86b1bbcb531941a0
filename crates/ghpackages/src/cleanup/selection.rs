//! Which journaled deletions an undo works on: one per version, narrowed by
//! the filters of [`UndoOptions`].

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use crate::cleanup::journal::{EntryState, JournalEntry};
use crate::cleanup::policy::Pattern;
use crate::cleanup::undo::UndoOptions;
use crate::error::{Error, Result};
use crate::package_ref::PackageRef;

/// One journaled version, however many lines mention it.
#[derive(Debug, Clone)]
pub(crate) struct Deletion {
    pub(crate) target: PackageRef,
    pub(crate) version_id: u64,
    pub(crate) version: String,
    /// When GitHub confirmed the deletion; `None` when only a `pending` line
    /// records it.
    pub(crate) deleted_at: Option<DateTime<Utc>>,
    /// When the latest line about it was written: the time the filters use.
    pub(crate) at: DateTime<Utc>,
    /// The server the journal names for it.
    pub(crate) api_url: Option<String>,
    /// The index of the latest line about it: the order deletions happened in.
    last_line: usize,
}

/// Merges a journal's lines into one deletion per version, in order of first
/// mention; a `deleted` line wins over `pending` ones, the latest one counts.
fn collapse(entries: &[JournalEntry]) -> Result<Vec<Deletion>> {
    let mut index: HashMap<(Option<&str>, PackageRef, u64), usize> = HashMap::new();
    let mut deletions: Vec<Deletion> = Vec::new();
    for (line, entry) in entries.iter().enumerate() {
        let target = entry.target()?;
        let deleted_at = (entry.state == EntryState::Deleted).then_some(entry.at);
        let key = (entry.api_url.as_deref(), target.clone(), entry.version_id);
        match index.get(&key) {
            Some(&i) => {
                let known = &mut deletions[i];
                known.deleted_at = deleted_at.max(known.deleted_at);
                known.at = known.at.max(entry.at);
                known.last_line = line;
            }
            None => {
                index.insert(key, deletions.len());
                deletions.push(Deletion {
                    target,
                    version_id: entry.version_id,
                    version: entry.version.clone(),
                    deleted_at,
                    at: entry.at,
                    api_url: entry.api_url.clone(),
                    last_line: line,
                });
            }
        }
    }
    Ok(deletions)
}

/// The deletions the options select, in journal order: those of a package
/// matching one of `packages`, of a version named in `versions` (by id or
/// name), recorded between `since` and `until` (both included), then the
/// `last` N of those in the order they happened.
pub(crate) fn select(entries: &[JournalEntry], options: &UndoOptions) -> Result<Vec<Deletion>> {
    let packages = options
        .packages
        .iter()
        .map(|glob| Pattern::glob(glob).map_err(|e| Error::invalid_input("packages", e.message())))
        .collect::<Result<Vec<_>>>()?;
    if options.versions.iter().any(|v| v.trim().is_empty()) {
        return Err(Error::invalid_input(
            "versions",
            "a version to undo is an id or a name, not empty",
        ));
    }
    if let (Some(since), Some(until)) = (options.since, options.until) {
        if since > until {
            return Err(Error::invalid_input(
                "since",
                format!("since ({since}) is after until ({until})"),
            ));
        }
    }
    if options.last == Some(0) {
        return Err(Error::invalid_input("last", "last must be at least 1"));
    }
    let wanted = |d: &Deletion| {
        (packages.is_empty() || packages.iter().any(|p| p.is_match(&d.target.name)))
            && (options.versions.is_empty()
                || options.versions.iter().any(|v| {
                    let v = v.trim();
                    v == d.version || v.parse() == Ok(d.version_id)
                }))
            && options.since.is_none_or(|since| d.at >= since)
            && options.until.is_none_or(|until| d.at <= until)
    };
    let mut selected: Vec<Deletion> = collapse(entries)?.into_iter().filter(wanted).collect();
    if let Some(last) = options.last {
        let mut order: Vec<usize> = selected.iter().map(|d| d.last_line).collect();
        order.sort_unstable();
        let first_kept = order.len().saturating_sub(last);
        if let Some(&threshold) = order.get(first_kept) {
            selected.retain(|d| d.last_line >= threshold);
        }
    }
    Ok(selected)
}

/// How many versions an undo with these options would work on.
pub fn count_selected(entries: &[JournalEntry], options: &UndoOptions) -> Result<usize> {
    select(entries, options).map(|selected| selected.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::package_ref::OwnerType;
    use crate::types::PackageType;
    use crate::ErrorKind;

    fn line(package: &str, id: u64, state: EntryState, second: u32) -> JournalEntry {
        JournalEntry {
            state,
            owner_type: OwnerType::Org,
            owner: Some("octo-org".into()),
            package_type: PackageType::Npm,
            package: package.into(),
            version_id: id,
            version: format!("1.0.{id}"),
            tags: Vec::new(),
            at: format!("2026-11-27T12:00:{second:02}Z").parse().unwrap(),
            api_url: Some("http://127.0.0.1:1".into()),
        }
    }

    /// Deletions 1..=4 of `app` and 5 of `lib`, confirmed out of order (4
    /// before 3) and sharing seconds; 6 only pending.
    fn journal() -> Vec<JournalEntry> {
        use EntryState::{Deleted, Pending};
        vec![
            line("app", 1, Pending, 0),
            line("app", 1, Deleted, 1),
            line("app", 2, Pending, 1),
            line("app", 2, Deleted, 1),
            line("app", 3, Pending, 1),
            line("app", 4, Pending, 1),
            line("app", 4, Deleted, 2),
            line("app", 3, Deleted, 2),
            line("lib", 5, Pending, 2),
            line("lib", 5, Deleted, 3),
            line("lib", 6, Pending, 4),
        ]
    }

    fn ids(options: UndoOptions) -> Vec<u64> {
        select(&journal(), &options)
            .unwrap()
            .iter()
            .map(|d| d.version_id)
            .collect()
    }

    #[test]
    fn every_version_once_in_journal_order_without_filters() {
        assert_eq!(ids(UndoOptions::default()), [1, 2, 3, 4, 5, 6]);
        assert_eq!(
            count_selected(&journal(), &UndoOptions::default()).unwrap(),
            6
        );
    }

    #[test]
    fn last_follows_the_order_of_the_latest_lines_not_the_seconds() {
        let last = |n| {
            ids(UndoOptions {
                last: Some(n),
                ..UndoOptions::default()
            })
        };
        assert_eq!(last(1), [6]);
        assert_eq!(last(3), [3, 5, 6]);
        assert_eq!(last(4), [3, 4, 5, 6]);
        assert_eq!(last(60), [1, 2, 3, 4, 5, 6]);
        // The filters apply first: the last two of `app`.
        let app = UndoOptions {
            packages: vec!["a*".into()],
            last: Some(2),
            ..UndoOptions::default()
        };
        assert_eq!(ids(app), [3, 4]);
    }

    #[test]
    fn package_version_and_time_filters() {
        let packages = |globs: &[&str]| {
            ids(UndoOptions {
                packages: globs.iter().map(|g| g.to_string()).collect(),
                ..UndoOptions::default()
            })
        };
        assert_eq!(packages(&["lib"]), [5, 6]);
        assert_eq!(packages(&["l?b", "app"]), [1, 2, 3, 4, 5, 6]);
        assert_eq!(packages(&["nothing*"]), Vec::<u64>::new());
        let versions = ids(UndoOptions {
            versions: vec!["2".into(), "1.0.5".into(), " 4 ".into()],
            ..UndoOptions::default()
        });
        assert_eq!(versions, [2, 4, 5]);
        let at = |s: u32| Some(format!("2026-11-27T12:00:{s:02}Z").parse().unwrap());
        let range = |since, until| {
            ids(UndoOptions {
                since,
                until,
                ..UndoOptions::default()
            })
        };
        assert_eq!(range(at(1), at(1)), [1, 2]);
        assert_eq!(range(at(2), None), [3, 4, 5, 6]);
        assert_eq!(range(None, at(2)), [1, 2, 3, 4]);
    }

    #[test]
    fn times_decode_from_rfc_3339_dates_and_ages() {
        let options: UndoOptions = serde_json::from_value(serde_json::json!({
            "since": "2026-11-27",
            "until": "2026-11-27T12:00:02.5Z",
        }))
        .unwrap();
        assert_eq!(
            options.since.unwrap().to_rfc3339(),
            "2026-11-27T00:00:00+00:00"
        );
        assert_eq!(ids(options), [1, 2, 3, 4]);
        let recent: UndoOptions =
            serde_json::from_value(serde_json::json!({"since": "2h"})).unwrap();
        let ago = chrono::Utc::now() - recent.since.unwrap();
        assert!(ago >= chrono::TimeDelta::hours(2) && ago < chrono::TimeDelta::hours(3));
        let error =
            serde_json::from_value::<UndoOptions>(serde_json::json!({"until": "yesterday"}))
                .unwrap_err();
        assert!(
            error.to_string().contains("\"yesterday\" is not a time"),
            "{error}"
        );
    }

    #[test]
    fn bad_filters_are_invalid_input_naming_the_option() {
        let error = |options: UndoOptions| {
            let error = select(&journal(), &options).unwrap_err();
            assert_eq!(error.kind(), ErrorKind::InvalidInput);
            error.argument().unwrap().to_owned()
        };
        let at = |s: &str| Some(s.parse().unwrap());
        let cases = [
            (
                UndoOptions {
                    packages: vec!["[".into()],
                    ..Default::default()
                },
                "packages",
            ),
            (
                UndoOptions {
                    versions: vec![" ".into()],
                    ..Default::default()
                },
                "versions",
            ),
            (
                UndoOptions {
                    last: Some(0),
                    ..Default::default()
                },
                "last",
            ),
            (
                UndoOptions {
                    since: at("2026-11-28T00:00:00Z"),
                    until: at("2026-11-27T00:00:00Z"),
                    ..Default::default()
                },
                "since",
            ),
        ];
        for (options, argument) in cases {
            assert_eq!(error(options), argument);
        }
    }
}
