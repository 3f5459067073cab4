//! `vellum_serve`: the live preview behind `vellum serve`.
//!
//! The site is built into memory ([`vellum_site::LiveSite`]) and served over
//! HTTP (axum on tokio). A watcher ([`notify`]) turns editor saves into
//! debounced batches of changed paths; the updater applies each batch to the
//! vault model and the site, swaps the changed files into the served map and
//! tells every open page over server-sent events to reload (or to swap its
//! stylesheets, when only CSS changed).
//!
//! A changed note whose frontmatter cannot be read is not applied: the last
//! good version stays in the model and on the site, and the pages show an
//! overlay with the note's diagnostics, rendered by the caller (the CLI) so the
//! text is exactly `vellum check`'s.
//!
//! **Safety:** only files of the in-memory site are served (see the `http` module for
//! the path rules); the default address is loopback.

mod http;
mod update;
mod watch;

pub use update::UpdateError;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::Router;
use axum::routing::get;
use rustc_hash::FxHashMap;
use tokio::sync::{broadcast, watch as tokio_watch};
use vellum_check::Diagnostic;
use vellum_vault::Vault;

use crate::http::Shared;

/// Renders diagnostics as text (the CLI passes its `vellum check` printer).
pub type DiagnosticText = Arc<dyn Fn(&Vault, &[Diagnostic]) -> String + Send + Sync>;

/// Something the server wants the user to know; the caller prints it.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum ServeEvent {
    /// The site is built and served at this URL.
    Listening {
        /// `http://127.0.0.1:PORT/`.
        url: String,
        /// Pages and files in the site.
        files: usize,
        /// How long the first build took.
        build: Duration,
        /// Nothing changed since the last run: the preview it kept was
        /// taken up as it was, not built.
        resumed: bool,
    },
    /// A batch of changes was applied.
    Rebuilt {
        /// Vault paths that changed.
        paths: Vec<String>,
        /// Site files that changed.
        files: usize,
        /// Note bodies rendered again.
        rendered: usize,
        /// Why the whole site was built again, when it was.
        full: Option<vellum_site::Rebuild>,
        /// Time from the end of the debounce to the files being served.
        elapsed: Duration,
        /// Time per step of the site update (empty for a full rebuild).
        steps: Vec<(&'static str, Duration)>,
    },
    /// Some changed notes have errors (the text is `vellum check`'s), or `None` when all are fixed.
    Errors(Option<String>),
    /// An update failed (the previous site keeps being served).
    Failed(Arc<UpdateError>),
}

/// How to serve.
#[non_exhaustive]
pub struct ServeOptions {
    /// The vault folder.
    pub root: PathBuf,
    /// The address to listen on (default loopback).
    pub bind: IpAddr,
    /// The port; `0` picks a free one.
    pub port: u16,
    /// Show drafts (with a banner); `false` previews exactly what `vellum build` publishes.
    pub drafts: bool,
    /// Renders diagnostics for the error overlay.
    pub diagnostics: DiagnosticText,
    /// Receives every [`ServeEvent`].
    pub on_event: Arc<dyn Fn(ServeEvent) + Send + Sync>,
}

impl ServeOptions {
    /// Serve `root` on `127.0.0.1:4000` with drafts, diagnostics as bare messages, events dropped.
    #[must_use]
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self {
            root: root.into(),
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: DEFAULT_PORT,
            drafts: true,
            diagnostics: Arc::new(|_, ds: &[Diagnostic]| {
                ds.iter().map(|d| format!("{}: {}: {}\n", d.file, d.code.as_str(), d.message)).collect()
            }),
            on_event: Arc::new(|_| {}),
        }
    }
}

/// The port `vellum serve` uses unless told otherwise.
pub const DEFAULT_PORT: u16 = 4000;

/// Why serving failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum ServeError {
    /// The port is taken.
    PortInUse(SocketAddr),
    /// Binding or serving failed otherwise.
    Io {
        /// What vellum was doing.
        doing: String,
        /// What went wrong.
        source: std::io::Error,
    },
    /// The vault folder cannot be opened.
    Vault {
        /// The folder as given.
        root: PathBuf,
        /// What went wrong.
        source: std::io::Error,
    },
    /// The vault folder cannot be watched for changes.
    Watch {
        /// The vault folder.
        root: PathBuf,
        /// What went wrong.
        source: notify::Error,
    },
    /// The vault or the site could not be built.
    Build(UpdateError),
}

impl std::fmt::Display for ServeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::PortInUse(a) => write!(
                f,
                "port {} is already in use on {}: pick another with --port, or --port 0 for a free one",
                a.port(),
                a.ip()
            ),
            Self::Io { doing, source } => write!(f, "{doing}: {source}"),
            Self::Vault { root, source } => write!(f, "cannot open vault `{}`: {source}", root.display()),
            Self::Watch { root, source } => write!(f, "cannot watch `{}`: {source}", root.display()),
            Self::Build(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for ServeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::PortInUse(_) => None,
            Self::Io { source, .. } | Self::Vault { source, .. } => Some(source),
            Self::Watch { source, .. } => Some(source),
            Self::Build(e) => Some(e),
        }
    }
}

/// [`ServeError::Io`] while `doing` something.
fn io(doing: impl Into<String>) -> impl FnOnce(std::io::Error) -> ServeError {
    let doing = doing.into();
    move |source| ServeError::Io { doing, source }
}

/// Build the site, serve it and watch the vault until Ctrl-C (or until
/// `stop` becomes true, for callers that embed the server).
///
/// # Errors
/// The vault cannot be loaded, the site cannot be built, or the address
/// cannot be bound (a port in use is [`ServeError::PortInUse`]).
pub fn run(opts: ServeOptions) -> Result<(), ServeError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(io("cannot start the server runtime"))?;
    runtime.block_on(serve(opts))
}

async fn serve(opts: ServeOptions) -> Result<(), ServeError> {
    let start = std::time::Instant::now();
    let root =
        opts.root.canonicalize().map_err(|source| ServeError::Vault { root: opts.root.clone(), source })?;
    // Bind first: a port in use should fail before a long build.
    let addr = SocketAddr::new(opts.bind, opts.port);
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| match e.kind() {
        std::io::ErrorKind::AddrInUse => ServeError::PortInUse(addr),
        _ => io(format!("cannot listen on {addr}"))(e),
    })?;
    let local = listener.local_addr().map_err(io("cannot read the listening address"))?;

    let mut updater = update::Updater::new(root.clone(), opts.drafts, opts.diagnostics.clone())
        .map_err(ServeError::Build)?;
    let files: FxHashMap<String, http::Served> =
        updater.site.files().iter().map(|(k, v)| (k.clone(), http::to_served(k, v))).collect();
    let n_files = files.len();
    let updater_resumed = updater.resumed;
    let (notices, _) = broadcast::channel(64);
    let (stop_tx, stop_rx) = tokio_watch::channel(false);
    let shared = Arc::new(Shared {
        files: RwLock::new(files),
        notices,
        errors: RwLock::new(String::new()),
        shutdown: stop_rx.clone(),
    });

    let mut watcher =
        watch::VaultWatcher::new(&root).map_err(|source| ServeError::Watch { root: root.clone(), source })?;
    let on_event = opts.on_event.clone();
    let shared_upd = shared.clone();
    std::thread::Builder::new()
        .name("vellum-serve-updater".to_owned())
        .spawn(move || {
            while let Some(batch) = watcher.next_batch() {
                if batch.is_empty() {
                    continue;
                }
                updater.apply(&batch, &shared_upd, on_event.as_ref());
            }
        })
        .map_err(io("cannot start the update thread"))?;

    let app = Router::new()
        .route(http::EVENTS, get(http::events))
        .fallback(get(http::serve_file))
        .with_state(shared.clone());
    (opts.on_event)(ServeEvent::Listening {
        url: format!("http://{local}/"),
        files: n_files,
        build: start.elapsed(),
        resumed: updater_resumed,
    });
    let mut stop_wait = stop_rx.clone();
    let shutdown = async move {
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = stop_wait.changed() => {}
        }
        let _ = stop_tx.send(true);
    };
    axum::serve(listener, app).with_graceful_shutdown(shutdown).await.map_err(io("server error"))?;
    Ok(())
}
