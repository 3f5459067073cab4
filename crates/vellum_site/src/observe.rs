//! What a build tells the program that shows its progress. `vellum_site`
//! prints nothing: the CLI implements [`Observer`] (a progress bar, memory
//! figures) and reads the phase timings from the [`BuildReport`](crate::BuildReport).

/// The phases of a build, in the order they run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Phase {
    /// Note bodies rendered (or taken from the build cache) and their pages filled.
    Render,
    /// The other pages: index, tags, keywords, digests, unwritten notes.
    Pages,
    /// The search index and link previews.
    Search,
    /// The graph JSON.
    Graph,
    /// The Atom feed, sitemap and robots.txt.
    Feed,
    /// Attachments copied, the last files written, the output swapped in.
    Write,
}

impl Phase {
    /// The phase's name, one lowercase word.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Render => "render",
            Self::Pages => "pages",
            Self::Search => "search",
            Self::Graph => "graph",
            Self::Feed => "feed",
            Self::Write => "write",
        }
    }
}

impl std::fmt::Display for Phase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Follows a build as it runs. Called from the build's worker threads
/// (hence `Sync`); every method does nothing unless implemented.
pub trait Observer: Sync {
    /// The build is planned: `steps` steps of work lie ahead (two per
    /// published note: its body and its page).
    fn started(&self, steps: u64) {
        let _ = steps;
    }

    /// Phase `phase` begins.
    fn phase(&self, phase: Phase) {
        let _ = phase;
    }

    /// `steps` more steps are done.
    fn advanced(&self, steps: u64) {
        let _ = steps;
    }

    /// Everything is written (the output is swapped in right after).
    fn finished(&self) {}
}

/// An observer that ignores everything.
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl Observer for Silent {}
