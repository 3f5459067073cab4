//! How `vellum build` shows a build as it runs: a progress bar on stderr
//! (only when stderr is a terminal, and only once the build has run for
//! more than a second: a fast build draws nothing), and with `VELLUM_RSS`
//! set, the process's memory as each phase starts.

use std::io::IsTerminal;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use vellum_site::{Observer, Phase};

const DELAY: Duration = Duration::from_secs(1);

/// The terminal's view of a build ([`Observer`]).
pub(crate) struct Progress {
    /// Whether to draw a bar at all.
    bar_wanted: bool,
    /// Made when the build says how many steps it has.
    bar: OnceLock<ProgressBar>,
    start: Instant,
    shown: AtomicBool,
    /// Print memory figures (`VELLUM_RSS`).
    rss: bool,
}

impl Progress {
    /// A bar when `bar` is asked for and stderr is a terminal.
    pub(crate) fn new(bar: bool) -> Self {
        Self {
            bar_wanted: bar && std::io::stderr().is_terminal(),
            bar: OnceLock::new(),
            start: Instant::now(),
            shown: AtomicBool::new(false),
            rss: std::env::var_os("VELLUM_RSS").is_some(),
        }
    }

    fn maybe_show(&self, bar: &ProgressBar) {
        if !self.shown.load(Ordering::Relaxed)
            && self.start.elapsed() > DELAY
            && !self.shown.swap(true, Ordering::Relaxed)
        {
            bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }
}

impl Observer for Progress {
    fn started(&self, steps: u64) {
        if !self.bar_wanted {
            return;
        }
        let bar = ProgressBar::with_draw_target(Some(steps), ProgressDrawTarget::hidden());
        if let Ok(style) = ProgressStyle::with_template("{msg:>10} [{bar:40}] {pos}/{len} ({eta})") {
            bar.set_style(style.progress_chars("=> "));
        }
        let _ = self.bar.set(bar);
    }

    fn phase(&self, phase: Phase) {
        if self.rss {
            rss(phase.name());
        }
        if let Some(bar) = self.bar.get() {
            bar.set_message(phase.name());
            self.maybe_show(bar);
        }
    }

    fn advanced(&self, steps: u64) {
        if let Some(bar) = self.bar.get() {
            bar.inc(steps);
            self.maybe_show(bar);
        }
    }

    fn finished(&self) {
        if let Some(bar) = self.bar.get() {
            bar.finish_and_clear();
        }
    }
}

/// Print the process's resident and peak memory (Linux `/proc/self/status`)
/// as phase `name` starts (a measuring aid, see `bench/README.md`).
fn rss(name: &str) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |k: &str| {
        status.lines().find_map(|l| l.strip_prefix(k)).map_or_else(String::new, |v| v.trim().to_owned())
    };
    eprintln!("[rss] {name}: resident {}, peak {}", field("VmRSS:"), field("VmHWM:"));
}
