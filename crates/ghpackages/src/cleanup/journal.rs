//! The undo journal: a JSON-lines file recording every deletion a cleanup makes.
//!
//! Each deletion writes two lines, each flushed to disk before going on: a
//! `pending` line before the request is sent, and a `deleted` line once GitHub
//! answered 204. A crash can therefore never lose a deletion that succeeded:
//! at worst the last lines are `pending` ones, which [`undo`](crate::cleanup::undo)
//! checks before restoring. One line:
//!
//! ```json
//! {"state":"deleted","owner_type":"org","owner":"octo-org","package_type":"container",
//!  "package":"hello","version_id":42,"version":"sha256:…","tags":["pr-7"],
//!  "at":"2026-11-27T13:00:00Z"}
//! ```

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::cleanup::target::{OwnerType, Target};
use crate::error::{Error, ErrorKind, Result};
use crate::types::PackageType;

/// Whether a journal line was written before or after the deletion succeeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryState {
    /// Written before the request: the deletion may or may not have happened.
    Pending,
    /// Written after GitHub confirmed the deletion.
    Deleted,
}

/// One line of a journal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalEntry {
    /// Before or after the deletion.
    pub state: EntryState,
    /// `org`, `user` or `authenticated_user`.
    pub owner_type: OwnerType,
    /// The owner's login; absent for the authenticated user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// The package's registry.
    pub package_type: PackageType,
    /// The package's name.
    pub package: String,
    /// The deleted version's id.
    pub version_id: u64,
    /// The deleted version's name.
    pub version: String,
    /// The version's tags when it was deleted.
    #[serde(default)]
    pub tags: Vec<String>,
    /// When the line was written (for `deleted`, when GitHub confirmed).
    pub at: DateTime<Utc>,
}

impl JournalEntry {
    /// The package the entry is about.
    pub fn target(&self) -> Result<Target> {
        Target::from_parts(
            self.owner_type,
            self.owner.as_deref(),
            self.package_type,
            &self.package,
        )
    }
}

/// An open journal, appended to by concurrent deletions. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Journal {
    path: PathBuf,
    file: Arc<Mutex<File>>,
}

impl Journal {
    /// Opens `path` for appending, creating it if needed.
    pub fn open(path: impl AsRef<Path>) -> Result<Journal> {
        let path = path.as_ref().to_path_buf();
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(|e| io_error(&path, "open", e))?;
        Ok(Journal {
            path,
            file: Arc::new(Mutex::new(file)),
        })
    }

    /// The journal's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one line and waits until it is on disk (`fsync`).
    pub fn append(&self, entry: &JournalEntry) -> Result<()> {
        let mut line = serde_json::to_vec(entry).expect("a journal entry always serializes");
        line.push(b'\n');
        // A poisoned lock only means another append panicked; the file is still usable.
        let mut file = self.file.lock().unwrap_or_else(|p| p.into_inner());
        file.write_all(&line)
            .and_then(|()| file.sync_data())
            .map_err(|e| io_error(&self.path, "write", e))
    }

    /// Appends without blocking the async runtime.
    pub(crate) async fn append_async(&self, entry: JournalEntry) -> Result<()> {
        let journal = self.clone();
        tokio::task::spawn_blocking(move || journal.append(&entry))
            .await
            .map_err(|e| Error::new(ErrorKind::Other, format!("journal writer failed: {e}")))?
    }
}

/// Reads every entry of a journal. A last line cut short by a crash is
/// ignored; any other malformed line is an error naming its number.
pub fn read_journal(path: impl AsRef<Path>) -> Result<Vec<JournalEntry>> {
    let path = path.as_ref();
    let file = File::open(path).map_err(|e| io_error(path, "open", e))?;
    let mut lines = BufReader::new(file).lines().enumerate().peekable();
    let mut entries = Vec::new();
    while let Some((index, line)) = lines.next() {
        let line = line.map_err(|e| io_error(path, "read", e))?;
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str(&line) {
            Ok(entry) => entries.push(entry),
            Err(_) if lines.peek().is_none() && !line.ends_with('}') => {}
            Err(e) => {
                return Err(Error::invalid_input(
                    "journal",
                    format!("{}:{}: not a journal entry: {e}", path.display(), index + 1),
                ))
            }
        }
    }
    Ok(entries)
}

fn io_error(path: &Path, what: &str, error: std::io::Error) -> Error {
    let kind = if error.kind() == std::io::ErrorKind::NotFound {
        ErrorKind::NotFound
    } else {
        ErrorKind::Other
    };
    Error::new(
        kind,
        format!("cannot {what} journal {}: {error}", path.display()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(state: EntryState, version_id: u64) -> JournalEntry {
        JournalEntry {
            state,
            owner_type: OwnerType::Org,
            owner: Some("octo-org".into()),
            package_type: PackageType::Container,
            package: "app".into(),
            version_id,
            version: "sha256:ab".into(),
            tags: vec!["pr-1".into()],
            at: "2026-11-27T12:00:00Z".parse().unwrap(),
        }
    }

    #[test]
    fn lines_have_a_stable_shape() {
        let line = serde_json::to_string(&entry(EntryState::Deleted, 42)).unwrap();
        assert_eq!(
            line,
            r#"{"state":"deleted","owner_type":"org","owner":"octo-org","package_type":"container","package":"app","version_id":42,"version":"sha256:ab","tags":["pr-1"],"at":"2026-11-27T12:00:00Z"}"#
        );
        let mine = JournalEntry {
            owner_type: OwnerType::AuthenticatedUser,
            owner: None,
            ..entry(EntryState::Pending, 1)
        };
        let line = serde_json::to_string(&mine).unwrap();
        assert!(!line.contains("\"owner\":"), "{line}");
        assert_eq!(
            mine.target().unwrap().owner,
            crate::Owner::AuthenticatedUser
        );
    }

    #[test]
    fn appended_entries_read_back_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.jsonl");
        let journal = Journal::open(&path).unwrap();
        journal.append(&entry(EntryState::Pending, 1)).unwrap();
        journal.append(&entry(EntryState::Deleted, 1)).unwrap();
        // Reopening appends rather than truncating.
        let again = Journal::open(&path).unwrap();
        again.append(&entry(EntryState::Pending, 2)).unwrap();
        let read = read_journal(&path).unwrap();
        let summary: Vec<(EntryState, u64)> =
            read.iter().map(|e| (e.state, e.version_id)).collect();
        assert_eq!(
            summary,
            [
                (EntryState::Pending, 1),
                (EntryState::Deleted, 1),
                (EntryState::Pending, 2)
            ]
        );
        assert_eq!(journal.path(), path);
    }

    #[test]
    fn an_org_entry_without_login_is_refused() {
        let broken = JournalEntry {
            owner: None,
            ..entry(EntryState::Deleted, 1)
        };
        assert_eq!(broken.target().unwrap_err().kind(), ErrorKind::InvalidInput);
    }
}
