//! The progress bar: on stderr, only when asked for, only when stderr is a
//! terminal, and only once the build has run for more than a second (a fast
//! build prints nothing).

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

const DELAY: Duration = Duration::from_secs(1);

pub(crate) struct Progress {
    bar: Option<ProgressBar>,
    start: Instant,
    shown: AtomicBool,
}

impl Progress {
    pub(crate) fn new(enabled: bool, total: u64) -> Self {
        let bar = (enabled && std::io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden());
            if let Ok(style) = ProgressStyle::with_template("{msg:>10} [{bar:40}] {pos}/{len} ({eta})") {
                bar.set_style(style.progress_chars("=> "));
            }
            bar
        });
        Self { bar, start: Instant::now(), shown: AtomicBool::new(false) }
    }

    /// Name the current phase.
    pub(crate) fn phase(&self, name: &'static str) {
        rss(name);
        if let Some(bar) = &self.bar {
            bar.set_message(name);
            self.maybe_show(bar);
        }
    }

    /// Count `n` steps done.
    pub(crate) fn inc(&self, n: u64) {
        if let Some(bar) = &self.bar {
            bar.inc(n);
            self.maybe_show(bar);
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

    pub(crate) fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// With `VELLUM_RSS` set (a measuring aid, see `bench/README.md`), print the
/// process's resident and peak memory (Linux `/proc/self/status`) as phase
/// `name` starts.
fn rss(name: &str) {
    if std::env::var_os("VELLUM_RSS").is_none() {
        return;
    }
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |k: &str| {
        status.lines().find_map(|l| l.strip_prefix(k)).map_or_else(String::new, |v| v.trim().to_owned())
    };
    eprintln!("[rss] {name}: resident {}, peak {}", field("VmRSS:"), field("VmHWM:"));
}
