//! A progress bar on standard error for long runs.
//!
//! It stays hidden for the first second — most runs finish sooner and should print nothing
//! extra — and is never drawn unless standard error is a terminal (CI logs, pipes and files stay
//! clean) or when `--quiet` is given. It has no colours, so `NO_COLOR` has nothing to turn off.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// How long a run goes before the bar appears.
const DELAY: Duration = Duration::from_secs(1);

/// Counts linted files; callable from every worker thread.
pub struct Progress {
    bar: ProgressBar,
    started: Instant,
    /// Whether the bar may ever be drawn.
    allowed: bool,
    shown: AtomicBool,
}

impl Progress {
    /// A bar over `total` files, drawn only if `quiet` is off and standard error is a terminal.
    pub fn new(total: usize, quiet: bool) -> Progress {
        let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::hidden());
        if let Ok(style) = ProgressStyle::with_template("{spinner} linting {pos}/{len} files [{bar:30}] {elapsed}") {
            bar.set_style(style.progress_chars("=> "));
        }
        let allowed = !quiet && std::io::stderr().is_terminal();
        Progress { bar, started: Instant::now(), allowed, shown: AtomicBool::new(false) }
    }

    /// One more file is done.
    pub fn tick(&self) {
        self.bar.inc(1);
        if self.allowed && self.started.elapsed() >= DELAY && !self.shown.swap(true, Ordering::Relaxed) {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
            self.bar.enable_steady_tick(Duration::from_millis(120));
        }
    }

    /// Removes the bar, if it was drawn.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
