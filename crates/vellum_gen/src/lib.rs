//! `vellum_gen`: seeded, reproducible tech-journal vaults for vellum's
//! benchmarks and tests, and the same notes as a Hugo site or an mdBook book
//! so that other tools can be timed on identical input.
//!
//! A vault has the shape of the journal's own notes: YAML frontmatter (title,
//! kind, topic and year tags, keywords, drafts, dates, a unique `note_id`), the
//! keyword row, an inline claim, the core-claim and question callouts,
//! signals, "my take" prose with code blocks, the brain dump, `[!ref]` sources
//! and the linkage tree. Prose links other notes in every wikilink form, about
//! 5 % of links point at notes nobody wrote, some notes embed a note or an
//! attachment from `attachments/`, and about one note in ten lives in a
//! per-year folder.
//!
//! The same [`Params`] give the same bytes on every platform: the generator
//! draws from its own splitmix64 ([`rng::Rng`]) and uses integer arithmetic
//! only.

pub mod convert;
pub mod date;
mod note;
pub mod rng;
mod words;

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// The version of the output format: the same [`Params`] give the same vault
/// for one format. It changes whenever the vocabulary or the drawing does.
pub const FORMAT: u32 = 1;

/// The file in a generated vault that records how it was made. `--force`
/// replaces only folders holding it.
pub const MARKER: &str = ".vellum-gen.json";

/// The folder of generated attachments, inside the vault.
pub const ATTACHMENTS: &str = "attachments";

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Params {
    /// How many notes.
    pub notes: usize,
    /// The seed: the same seed gives the same vault.
    pub seed: u64,
    /// How many notes in a thousand live in a per-year folder.
    pub subfolders_per_mille: u32,
}

impl Params {
    /// `notes` notes from `seed`, one in ten in a per-year folder.
    #[must_use]
    pub fn new(notes: usize, seed: u64) -> Self {
        Self { notes, seed, subfolders_per_mille: 100 }
    }
}

/// Sizes of what was generated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Notes written.
    pub notes: usize,
    /// Attachments written.
    pub attachments: usize,
    /// Bytes of Markdown.
    pub note_bytes: u64,
    /// The smallest, median and largest note, in bytes.
    pub min_max_median: (usize, usize, usize),
}

/// Why a vault, site or book could not be written.
#[derive(Debug)]
pub enum Error {
    /// The output folder holds files and `--force` was not given.
    NotEmpty(PathBuf),
    /// `--force` was given, but the folder was not made by this tool.
    NotOurs(PathBuf),
    /// Reading or writing a file failed.
    Io(PathBuf, io::Error),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotEmpty(p) => {
                write!(f, "{} is not empty (--force replaces an earlier output)", p.display())
            }
            Self::NotOurs(p) => {
                write!(f, "refusing to replace {}: it was not written by vellum-gen", p.display())
            }
            Self::Io(p, e) => write!(f, "{}: {e}", p.display()),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Io(_, e) => Some(e),
            Self::NotEmpty(_) | Self::NotOurs(_) => None,
        }
    }
}

/// Attach the path to an I/O error.
pub(crate) fn at(path: &Path) -> impl FnOnce(io::Error) -> Error + '_ {
    move |e| Error::Io(path.to_path_buf(), e)
}

/// Generate the vault for `params`, handing each file (vault-relative path with
/// `/`, bytes) to `sink`: attachments first, then the notes in date order.
///
/// # Errors
///
/// The first error `sink` returns.
pub fn generate<E>(params: Params, mut sink: impl FnMut(&str, &[u8]) -> Result<(), E>) -> Result<Summary, E> {
    let attachments: Vec<String> =
        (0..8 + params.notes / 250).map(|k| format!("{ATTACHMENTS}/diagram-{k:03}.svg")).collect();
    for (k, path) in attachments.iter().enumerate() {
        sink(path, diagram(k).as_bytes())?;
    }
    let names = attachments.iter().map(|p| p.trim_start_matches("attachments/").to_owned()).collect();
    let mut journal = note::Journal::new(params.notes, params.seed, params.subfolders_per_mille, names);
    let mut sizes = Vec::with_capacity(params.notes);
    for i in 0..params.notes {
        let text = journal.render(i);
        sink(&journal.notes[i].path, text.as_bytes())?;
        sizes.push(text.len());
    }
    sizes.sort_unstable();
    Ok(Summary {
        notes: params.notes,
        attachments: attachments.len(),
        note_bytes: sizes.iter().map(|&s| s as u64).sum(),
        min_max_median: (
            sizes.first().copied().unwrap_or(0),
            sizes.last().copied().unwrap_or(0),
            sizes.get(sizes.len() / 2).copied().unwrap_or(0),
        ),
    })
}

/// A small SVG diagram, different for each `k`.
fn diagram(k: usize) -> String {
    let bars: String = (0..6)
        .map(|b| {
            let h = 10 + (k * 37 + b * 53) % 80;
            format!(
                "  <rect x=\"{}\" y=\"{}\" width=\"24\" height=\"{h}\" fill=\"#4a6fa5\"/>\n",
                12 + b * 32,
                100 - h
            )
        })
        .collect();
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"210\" height=\"110\" viewBox=\"0 0 210 110\">\n  \
         <title>diagram {k}</title>\n{bars}</svg>\n"
    )
}

/// Write the vault for `params` into `out`. An existing folder with files in
/// it is replaced only with `force`, and only if it holds the [`MARKER`] of
/// an earlier vault.
///
/// # Errors
///
/// [`Error::NotEmpty`], [`Error::NotOurs`], or the I/O error that stopped it.
pub fn write_vault(out: &Path, params: Params, force: bool) -> Result<Summary, Error> {
    clear(out, force, MARKER)?;
    std::fs::create_dir_all(out).map_err(at(out))?;
    let summary = generate(params, |rel, bytes| {
        let path = out.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(at(parent))?;
        }
        std::fs::write(&path, bytes).map_err(at(&path))
    })?;
    let marker = out.join(MARKER);
    let record = format!(
        "{{\"generator\": \"vellum-gen\", \"format\": {FORMAT}, \"notes\": {}, \"seed\": {}, \"subfolders_per_mille\": {}}}\n",
        params.notes, params.seed, params.subfolders_per_mille
    );
    std::fs::write(&marker, record).map_err(at(&marker))?;
    Ok(summary)
}

/// Make room for an output at `dir`: nothing to do if it is missing or empty;
/// with `force`, remove it if it holds `marker`; otherwise an error.
pub(crate) fn clear(dir: &Path, force: bool, marker: &str) -> Result<(), Error> {
    let mut entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(Error::Io(dir.to_path_buf(), e)),
    };
    if entries.next().is_none() {
        return Ok(());
    }
    if !force {
        return Err(Error::NotEmpty(dir.to_path_buf()));
    }
    if !dir.join(marker).is_file() {
        return Err(Error::NotOurs(dir.to_path_buf()));
    }
    std::fs::remove_dir_all(dir).map_err(at(dir))
}
