//! Progress of long runs, rendered from the core's progress events: on a
//! terminal, a total bar and one bar per package being pruned (indicatif);
//! with `--json`, JSON lines on stderr; otherwise nothing.

use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use ghpackages::cleanup::{PlanningProgress, Progress, ProgressCounts};
use ghpackages::RateLimitWait;
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::json;

/// The bars on screen, so that a rate-limit wait said meanwhile is printed
/// above them instead of through them.
static SCREEN: Mutex<Option<MultiProgress>> = Mutex::new(None);

/// JSON progress lines come at most this often (and at each package's end):
/// a line per deletion would be tens of thousands on a long run.
const JSON_INTERVAL: Duration = Duration::from_millis(500);

/// How progress is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Bars,
    JsonLines,
    Silent,
}

impl Mode {
    /// Bars on a terminal, JSON lines with `--json`, else nothing.
    pub fn for_output(json: bool) -> Mode {
        if json {
            Mode::JsonLines
        } else if std::io::stderr().is_terminal() {
            Mode::Bars
        } else {
            Mode::Silent
        }
    }
}

/// Shows a cleanup's progress events.
pub struct Display {
    mode: Mode,
    label: &'static str,
    multi: MultiProgress,
    total: ProgressBar,
    packages: Mutex<HashMap<String, ProgressBar>>,
    last_line: Mutex<Option<Instant>>,
}

fn style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template)
        .expect("the templates are valid")
        .progress_chars("=> ")
}

/// `1h 02m`, `3m 10s`, `42s`.
fn duration(secs: f64) -> String {
    let secs = secs.max(0.0).round() as u64;
    match secs {
        0..=59 => format!("{secs}s"),
        60..=3599 => format!("{}m {:02}s", secs / 60, secs % 60),
        _ => format!("{}h {:02}m", secs / 3600, secs % 3600 / 60),
    }
}

/// What a bar says after its count: rate, what is left, and when it ends.
fn message(rate: f64, counts: &ProgressCounts, eta: Option<f64>) -> String {
    let mut text = format!("{rate:.1}/s, {} left", counts.left);
    if let Some(eta) = eta.filter(|_| counts.left > 0) {
        text += &format!(", ETA {}", duration(eta));
    }
    if counts.failed > 0 {
        text += &format!(", {} failed", counts.failed);
    }
    text
}

impl Display {
    /// A display for `planned` deletions; `label` names the work (`deleting`).
    pub fn new(mode: Mode, label: &'static str, planned: usize) -> Display {
        let target = if mode == Mode::Bars && planned > 0 {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        let multi = MultiProgress::with_draw_target(target);
        let total = multi.add(ProgressBar::new(planned as u64));
        total.set_style(style(
            "{prefix:>24} [{bar:30}] {pos}/{len} {msg} ({elapsed})",
        ));
        total.set_prefix(format!("{label}, total"));
        if mode == Mode::Bars && planned > 0 {
            *SCREEN.lock().unwrap_or_else(|p| p.into_inner()) = Some(multi.clone());
        }
        Display {
            mode,
            label,
            multi,
            total,
            packages: Mutex::new(HashMap::new()),
            last_line: Mutex::new(None),
        }
    }

    /// Shows one progress event.
    pub fn update(&self, progress: &Progress) {
        match self.mode {
            Mode::Silent => {}
            Mode::JsonLines => self.json_line(progress),
            Mode::Bars => self.draw(progress),
        }
    }

    fn json_line(&self, progress: &Progress) {
        let now = Instant::now();
        {
            let mut last = self.last_line.lock().unwrap_or_else(|p| p.into_inner());
            let due = last.is_none_or(|t| now.duration_since(t) >= JSON_INTERVAL);
            if !(due || progress.package.left == 0) {
                return;
            }
            *last = Some(now);
        }
        let line = json!({
            "event": "progress",
            "work": self.label,
            "package": progress.target.name,
            "package_counts": progress.package,
            "total": progress.total,
            "elapsed_ms": progress.elapsed_ms,
            "rate_per_sec": (progress.rate_per_sec * 100.0).round() / 100.0,
            "eta_secs": progress.eta_secs.map(f64::ceil),
            "package_eta_secs": progress.package_eta_secs.map(f64::ceil),
        });
        let mut stderr = std::io::stderr().lock();
        let _ = writeln!(stderr, "{line}");
    }

    fn draw(&self, progress: &Progress) {
        let total = &progress.total;
        self.total.set_position(total.done as u64);
        self.total
            .set_message(message(progress.rate_per_sec, total, progress.eta_secs));
        let mut packages = self.packages.lock().unwrap_or_else(|p| p.into_inner());
        let name = &progress.target.name;
        let bar = packages.entry(name.clone()).or_insert_with(|| {
            let bar = self
                .multi
                .add(ProgressBar::new(progress.package.planned as u64));
            bar.set_style(style("{prefix:>24} [{bar:30}] {pos}/{len} {msg}"));
            bar.set_prefix(name.chars().take(24).collect::<String>());
            bar
        });
        bar.set_position(progress.package.done as u64);
        bar.set_message(message(
            progress.rate_per_sec,
            &progress.package,
            progress.package_eta_secs,
        ));
        if progress.package.left == 0 {
            // Done packages make room for the next ones.
            bar.finish_and_clear();
            self.multi.remove(bar);
        }
    }

    /// Prints a line on stderr, above the bars when they are drawn.
    pub fn println(&self, line: &str) {
        if self.mode == Mode::Bars && !self.multi.is_hidden() {
            let _ = self.multi.println(line);
        } else {
            let _ = writeln!(std::io::stderr().lock(), "{line}");
        }
    }

    /// Takes the bars off the screen.
    pub fn finish(&self) {
        for bar in self
            .packages
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .values()
        {
            bar.finish_and_clear();
        }
        self.total.finish_and_clear();
        *SCREEN.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }
}

/// A simple count for work without packages (undo): one bar on a terminal,
/// nothing otherwise.
pub struct Counter {
    bar: ProgressBar,
}

impl Counter {
    pub fn new(label: &'static str, total: usize, json: bool) -> Counter {
        let target = if Mode::for_output(json) == Mode::Bars && total > 0 {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        let bar = ProgressBar::with_draw_target(Some(total as u64), target);
        bar.set_style(style(
            "{prefix} [{bar:30}] {pos}/{len} ({per_sec}, ETA {eta})",
        ));
        bar.set_prefix(label);
        Counter { bar }
    }

    pub fn tick(&self) {
        self.bar.inc(1);
    }
}

impl Drop for Counter {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}

/// Progress of planning several packages: a bar of packages planned on a
/// terminal, a JSON line per package with `--json`, nothing otherwise.
pub struct Planning {
    json: bool,
    counter: std::sync::OnceLock<Counter>,
}

impl Planning {
    pub fn new(json: bool) -> Planning {
        Planning {
            json,
            counter: std::sync::OnceLock::new(),
        }
    }

    pub fn update(&self, progress: &PlanningProgress) {
        if self.json {
            let line = json!({
                "event": "progress",
                "work": "planning",
                "package": progress.package,
                "planned": progress.planned,
                "total": progress.total,
                "versions": progress.versions,
            });
            let _ = writeln!(std::io::stderr().lock(), "{line}");
            return;
        }
        self.counter
            .get_or_init(|| Counter::new("planning", progress.total, false))
            .tick();
    }
}

/// Says on stderr that work is held back, so that a wait does not look like
/// a hang: above the bars on a terminal; as a JSON line with `--json`.
pub fn announce_wait(wait: &RateLimitWait, json: bool) {
    if json {
        let line = json!({
            "event": "rate_limit_wait",
            "reason": wait.reason.name(),
            "wait_ms": wait.wait_ms,
            "resume_at": wait.resume_at,
        });
        let _ = writeln!(std::io::stderr().lock(), "{line}");
        return;
    }
    let text = format!(
        "waiting for GitHub's rate limit, resuming in {} s ({} limit)",
        wait.wait_secs(),
        wait.reason.name()
    );
    match &*SCREEN.lock().unwrap_or_else(|p| p.into_inner()) {
        Some(multi) => {
            let _ = multi.println(text);
        }
        None => {
            let _ = writeln!(std::io::stderr().lock(), "{text}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_people_say_them() {
        assert_eq!(duration(41.6), "42s");
        assert_eq!(duration(190.0), "3m 10s");
        assert_eq!(duration(3_720.0), "1h 02m");
    }

    #[test]
    fn bar_messages_give_rate_left_and_eta() {
        let counts = ProgressCounts {
            planned: 10,
            done: 4,
            deleted: 3,
            already_gone: 0,
            failed: 1,
            left: 6,
        };
        assert_eq!(
            message(2.04, &counts, Some(125.0)),
            "2.0/s, 6 left, ETA 2m 05s, 1 failed"
        );
    }
}
