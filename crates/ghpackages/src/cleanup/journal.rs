//! The undo journal: a JSON-lines file recording every deletion a cleanup makes.
//!
//! Each deletion writes two lines, each flushed to disk before going on: a
//! `pending` line before the request is sent, and a `deleted` line once GitHub
//! answered 204. A crash can therefore never lose a deletion that succeeded:
//! at worst the last lines are `pending` ones, which [`undo`](crate::cleanup::undo)
//! checks before restoring.
//!
//! Concurrent deletions share the cost of that flush (group commit): one
//! writer thread per open journal writes every line queued while the previous
//! flush ran, flushes once, then acknowledges each of them. An append still
//! returns only once its own line is on disk. One line:
//!
//! ```json
//! {"state":"deleted","owner_type":"org","owner":"octo-org","package_type":"container",
//!  "package":"hello","version_id":42,"version":"sha256:…","tags":["pr-7"],
//!  "at":"2026-11-27T13:00:00Z","api_url":"https://api.github.com"}
//! ```
//!
//! `api_url` names the server the deletion was made on, so that undo restores
//! there (journals written before it was recorded lack it).
//!
//! A cleanup given no journal path writes to a new file in
//! [`default_journal_dir`].

use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tokio::sync::oneshot;

use crate::error::{Error, ErrorKind, Result};
use crate::package_ref::{OwnerType, PackageRef};
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
    /// The API base URL of the server the deletion was made on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_url: Option<String>,
}

impl JournalEntry {
    /// The package the entry is about.
    pub fn target(&self) -> Result<PackageRef> {
        PackageRef::from_parts(
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
    writer: mpsc::Sender<Line>,
}

/// What the writer thread reports for a line: shared by every line of a flush.
type Written = std::result::Result<(), Arc<io::Error>>;

/// A line waiting to be written, and whom to tell once it is on disk.
#[derive(Debug)]
struct Line {
    bytes: Vec<u8>,
    ack: Ack,
}

/// Blocking appends wait on a std channel; async ones await a oneshot, so
/// that no runtime thread is held while the disk flushes.
#[derive(Debug)]
enum Ack {
    Blocking(mpsc::SyncSender<Written>),
    Async(oneshot::Sender<Written>),
}

impl Ack {
    fn send(self, written: Written) {
        // An appender that stopped waiting (a cancelled task) needs no answer.
        match self {
            Ack::Blocking(ack) => {
                let _ = ack.send(written);
            }
            Ack::Async(ack) => {
                let _ = ack.send(written);
            }
        }
    }
}

impl Journal {
    /// Opens `path` for appending, creating it if needed.
    pub fn open(path: impl AsRef<Path>) -> Result<Journal> {
        let path = path.as_ref().to_path_buf();
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(|e| io_error(&path, "open", &e))?;
        let (writer, queue) = mpsc::channel();
        // The thread ends once every clone of the journal is dropped and the
        // queue is drained.
        std::thread::Builder::new()
            .name("ghpackages-journal".into())
            .spawn(move || write_queued(file, &queue))
            .map_err(|e| io_error(&path, "start the writer of", &e))?;
        Ok(Journal { path, writer })
    }

    /// The journal's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one line and waits until it is on disk (`fsync`).
    pub fn append(&self, entry: &JournalEntry) -> Result<()> {
        let (ack, written) = mpsc::sync_channel(1);
        self.queue(entry, Ack::Blocking(ack))?;
        self.result(written.recv().ok())
    }

    /// Appends without blocking the async runtime.
    pub(crate) async fn append_async(&self, entry: JournalEntry) -> Result<()> {
        let (ack, written) = oneshot::channel();
        self.queue(&entry, Ack::Async(ack))?;
        self.result(written.await.ok())
    }

    fn queue(&self, entry: &JournalEntry, ack: Ack) -> Result<()> {
        let mut bytes = serde_json::to_vec(entry).expect("a journal entry always serializes");
        bytes.push(b'\n');
        self.writer
            .send(Line { bytes, ack })
            .map_err(|_| writer_gone())
    }

    fn result(&self, written: Option<Written>) -> Result<()> {
        written
            .ok_or_else(writer_gone)?
            .map_err(|e| io_error(&self.path, "write", &e))
    }
}

/// The writer thread: takes every line queued so far, writes them in order
/// with one `write`, flushes once, and acknowledges each line with the result.
/// Lines queued meanwhile form the next batch.
fn write_queued(mut file: File, queue: &mpsc::Receiver<Line>) {
    let mut batch = Vec::new();
    let mut bytes = Vec::new();
    while let Ok(first) = queue.recv() {
        batch.push(first);
        batch.extend(queue.try_iter());
        bytes.clear();
        for line in &batch {
            bytes.extend_from_slice(&line.bytes);
        }
        let written = file
            .write_all(&bytes)
            .and_then(|()| file.sync_data())
            .map_err(Arc::new);
        for line in batch.drain(..) {
            line.ack.send(written.clone());
        }
    }
}

fn writer_gone() -> Error {
    Error::new(ErrorKind::Other, "the journal writer stopped")
}

/// Where a cleanup given no journal path writes its journal:
/// `$XDG_STATE_HOME/ghpackages/journals`, else
/// `$HOME/.local/state/ghpackages/journals`, else
/// `%LOCALAPPDATA%\ghpackages\journals`, else `ghpackages-journals` in the
/// current directory. Created when first needed.
pub fn default_journal_dir() -> PathBuf {
    let from = |name: &str| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    let base = from("XDG_STATE_HOME")
        .or_else(|| from("HOME").map(|home| home.join(".local").join("state")))
        .or_else(|| from("LOCALAPPDATA"));
    match base {
        Some(base) => base.join("ghpackages").join("journals"),
        None => PathBuf::from("ghpackages-journals"),
    }
}

/// A new journal file's path in [`default_journal_dir`], named after the
/// owner, what was pruned (a package's name, or `container-packages` for
/// several) and the time: `prune-octo-org-hello-20261127T130000.123Z.jsonl`.
pub(crate) fn default_journal_path(
    owner: Option<&str>,
    label: &str,
    now: DateTime<Utc>,
) -> Result<PathBuf> {
    let dir = default_journal_dir();
    std::fs::create_dir_all(&dir).map_err(|e| {
        Error::new(
            ErrorKind::Other,
            format!("cannot create the journal directory {}: {e}", dir.display()),
        )
    })?;
    let owner = owner.unwrap_or("user");
    let safe = |text: &str| -> String {
        text.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '.' || c == '_' {
                    c
                } else {
                    '-'
                }
            })
            .collect()
    };
    let name = format!(
        "prune-{}-{}-{}.jsonl",
        safe(owner),
        safe(label),
        now.format("%Y%m%dT%H%M%S%.3fZ")
    );
    Ok(dir.join(name))
}

/// Reads every entry of a journal. A last line without its newline (cut
/// short by a crash, or still being written by a run in progress) ends the
/// journal and is ignored unless it is a whole entry; any other malformed
/// line is an error naming its number.
pub fn read_journal(path: impl AsRef<Path>) -> Result<Vec<JournalEntry>> {
    let path = path.as_ref();
    let file = File::open(path).map_err(|e| io_error(path, "open", &e))?;
    let mut reader = BufReader::new(file);
    let mut entries = Vec::new();
    let mut line = String::new();
    let mut number = 0;
    loop {
        line.clear();
        let read = reader
            .read_line(&mut line)
            .map_err(|e| io_error(path, "read", &e))?;
        if read == 0 {
            break;
        }
        number += 1;
        // Lines are appended whole, newline included; a line without one
        // is where the file ended when it was read. Reading on could return
        // that line's rest as a line of its own, so the journal ends here.
        let whole = line.ends_with('\n');
        let text = line.trim();
        if !text.is_empty() {
            match serde_json::from_str(text) {
                Ok(entry) => entries.push(entry),
                Err(_) if !whole && !text.ends_with('}') => {}
                Err(e) => {
                    return Err(Error::invalid_input(
                        "journal",
                        format!("{}:{number}: not a journal entry: {e}", path.display()),
                    ))
                }
            }
        }
        if !whole {
            break;
        }
    }
    Ok(entries)
}

fn io_error(path: &Path, what: &str, error: &io::Error) -> Error {
    let kind = if error.kind() == io::ErrorKind::NotFound {
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
            api_url: Some("http://127.0.0.1:8080".into()),
        }
    }

    #[test]
    fn lines_have_a_stable_shape() {
        let line = serde_json::to_string(&entry(EntryState::Deleted, 42)).unwrap();
        assert_eq!(
            line,
            r#"{"state":"deleted","owner_type":"org","owner":"octo-org","package_type":"container","package":"app","version_id":42,"version":"sha256:ab","tags":["pr-1"],"at":"2026-11-27T12:00:00Z","api_url":"http://127.0.0.1:8080"}"#
        );
        let mine = JournalEntry {
            owner_type: OwnerType::AuthenticatedUser,
            owner: None,
            api_url: None,
            ..entry(EntryState::Pending, 1)
        };
        let line = serde_json::to_string(&mine).unwrap();
        assert!(!line.contains("\"owner\":"), "{line}");
        assert!(!line.contains("api_url"), "{line}");
        // Journals from before the server was recorded still read.
        let old: JournalEntry = serde_json::from_str(&line).unwrap();
        assert_eq!(old, mine);
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

    /// Whether the journal at `path` holds the `state` line of `version_id`.
    fn holds(path: &Path, state: EntryState, version_id: u64) -> bool {
        read_journal(path)
            .unwrap()
            .iter()
            .any(|e| e.state == state && e.version_id == version_id)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_appends_each_land_once_and_are_readable_when_they_return() {
        const THREADS: u64 = 4;
        const TASKS: u64 = 24;
        const EACH: u64 = 10;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.jsonl");
        let journal = Journal::open(&path).unwrap();
        // Blocking appenders on their own threads and async ones on the
        // runtime, all at once, so that flushes carry several lines.
        let threads: Vec<_> = (0..THREADS)
            .map(|t| {
                let (journal, path) = (journal.clone(), path.clone());
                std::thread::spawn(move || {
                    for i in 0..EACH {
                        let id = t * EACH + i;
                        journal.append(&entry(EntryState::Pending, id)).unwrap();
                        assert!(holds(&path, EntryState::Pending, id), "line {id}");
                    }
                })
            })
            .collect();
        let tasks: Vec<_> = (THREADS..THREADS + TASKS)
            .map(|t| {
                let (journal, path) = (journal.clone(), path.clone());
                tokio::spawn(async move {
                    for i in 0..EACH {
                        let id = t * EACH + i;
                        for state in [EntryState::Pending, EntryState::Deleted] {
                            journal.append_async(entry(state, id)).await.unwrap();
                            assert!(holds(&path, state, id), "{state:?} line {id}");
                        }
                    }
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
        for thread in threads {
            thread.join().unwrap();
        }
        drop(journal);
        let mut lines: Vec<(u64, EntryState)> = read_journal(&path)
            .unwrap()
            .iter()
            .map(|e| (e.version_id, e.state))
            .collect();
        // Every line is whole: the same as the one appended.
        let text = std::fs::read_to_string(&path).unwrap();
        for (line, id) in text.lines().zip(&lines) {
            let expected = entry(id.1, id.0);
            assert_eq!(line, serde_json::to_string(&expected).unwrap());
        }
        assert_eq!(text.lines().count(), lines.len());
        lines.sort_by_key(|&(id, state)| (id, state == EntryState::Deleted));
        let mut expected: Vec<(u64, EntryState)> = (0..THREADS * EACH)
            .map(|id| (id, EntryState::Pending))
            .collect();
        for id in THREADS * EACH..(THREADS + TASKS) * EACH {
            expected.push((id, EntryState::Pending));
            expected.push((id, EntryState::Deleted));
        }
        assert_eq!(lines, expected);
    }

    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn a_failed_write_reaches_the_appender_and_later_appends_still_try() {
        // Every write to /dev/full fails with "no space left on device".
        let journal = Journal::open("/dev/full").unwrap();
        for _ in 0..2 {
            let error = journal
                .append_async(entry(EntryState::Pending, 1))
                .await
                .unwrap_err();
            assert_eq!(error.kind(), ErrorKind::Other);
            assert!(
                error.message().contains("cannot write journal /dev/full"),
                "{error}"
            );
            let error = journal.append(&entry(EntryState::Deleted, 1)).unwrap_err();
            assert!(error.message().contains("/dev/full"), "{error}");
        }
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
