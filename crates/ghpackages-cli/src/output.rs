//! Human output: aligned tables and short digests.

use std::fmt;
use std::io::Write;

use chrono::{DateTime, Utc};

/// Writes one line to stdout. When stdout is closed by the reader, the
/// program ends with success, as `head` and `grep -q` expect.
pub fn write_stdout(args: fmt::Arguments<'_>) {
    let mut stdout = std::io::stdout().lock();
    let written = stdout
        .write_fmt(args)
        .and_then(|()| stdout.write_all(b"\n"))
        .and_then(|()| stdout.flush());
    match written {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(0),
        Err(e) => {
            eprintln!("ghpkg: error: cannot write to stdout: {e}");
            std::process::exit(1);
        }
    }
}

/// A table printed with columns padded to their widest cell.
pub struct Table {
    header: Vec<&'static str>,
    rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new(header: &[&'static str]) -> Table {
        Table {
            header: header.to_vec(),
            rows: Vec::new(),
        }
    }

    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    pub fn render(&self) -> String {
        let mut widths: Vec<usize> = self.header.iter().map(|h| h.len()).collect();
        for row in &self.rows {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.chars().count());
            }
        }
        let line = |cells: Vec<&str>| {
            let last = cells.len().saturating_sub(1);
            let mut text = String::new();
            for (i, (cell, width)) in cells.iter().zip(&widths).enumerate() {
                if i == last {
                    text.push_str(cell);
                } else {
                    text.push_str(&format!("{cell:<width$}  "));
                }
            }
            text.trim_end().to_owned() + "\n"
        };
        let mut out = line(self.header.clone());
        for row in &self.rows {
            out.push_str(&line(row.iter().map(String::as_str).collect()));
        }
        out
    }

    pub fn print(&self) {
        out!("{}", self.render().trim_end_matches('\n'));
    }
}

/// `sha256:1988e5d4c3a1…` for long digests, the name itself otherwise.
pub fn short_name(name: &str) -> String {
    match name.split_once(':') {
        Some((algorithm, digest)) if digest.len() > 12 => {
            format!("{algorithm}:{}…", &digest[..12])
        }
        _ => name.to_owned(),
    }
}

pub fn date(instant: &DateTime<Utc>) -> String {
    instant.format("%Y-%m-%d %H:%M").to_string()
}

pub fn tags(tags: &[String]) -> String {
    if tags.is_empty() {
        "-".to_owned()
    } else {
        tags.join(",")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_pad_every_column_but_the_last() {
        let mut table = Table::new(&["ID", "NAME", "NOTE"]);
        table.row(vec!["1".into(), "a-long-name".into(), "x".into()]);
        table.row(vec!["22".into(), "b".into(), "".into()]);
        assert_eq!(
            table.render(),
            "ID  NAME         NOTE\n1   a-long-name  x\n22  b\n"
        );
    }

    #[test]
    fn digests_are_shortened_and_other_names_kept() {
        assert_eq!(
            short_name("sha256:1988e5d4c3a1334f723d7b27b6080e08"),
            "sha256:1988e5d4c3a1…"
        );
        assert_eq!(short_name("1.2.3"), "1.2.3");
        assert_eq!(short_name("a:b"), "a:b");
    }
}
