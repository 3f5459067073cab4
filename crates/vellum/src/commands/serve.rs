//! `vellum serve [VAULT]`: the live preview (see `vellum_serve`).

use std::io::Write as _;
use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::Args;
use vellum_serve::{ServeEvent, ServeOptions};

use crate::printer::human;

#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    /// The vault folder (default: the nearest folder upward holding `.obsidian/` or `vellum.toml`, else the current directory).
    pub vault: Option<PathBuf>,
    /// The port; 0 picks a free one (the URL is printed).
    #[arg(long, short, default_value_t = vellum_serve::DEFAULT_PORT)]
    pub port: u16,
    /// The address to listen on. Anything but loopback exposes your drafts to the network.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: IpAddr,
    /// Leave drafts out: preview exactly what `vellum build` publishes.
    #[arg(long)]
    pub no_drafts: bool,
    /// Open the site in the default browser.
    #[arg(long)]
    pub open: bool,
}

fn open_browser(url: &str) {
    let cmd = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if let Err(e) = std::process::Command::new(cmd).arg(url).spawn() {
        eprintln!("warning: could not open a browser ({cmd}: {e}); open {url} yourself");
    }
}

pub(crate) fn run(args: &ServeArgs) -> Result<ExitCode, String> {
    let root = super::find_root(args.vault.as_deref())?;
    if !args.bind.is_loopback() {
        eprintln!(
            "warning: listening on {}: anyone on your network can read this preview, drafts included",
            args.bind
        );
    }
    let mut opts = ServeOptions::new(root);
    opts.bind = args.bind;
    opts.port = args.port;
    opts.drafts = !args.no_drafts;
    opts.diagnostics = Arc::new(|vault, diags| {
        let located = vellum_check::locate_all(vault, diags.to_vec());
        located.iter().map(|l| human(l, false)).collect::<Vec<_>>().join("\n")
    });
    let open = args.open;
    opts.on_event = Arc::new(move |ev| match ev {
        ServeEvent::Listening { url, files, build, resumed } => {
            println!("Serving {url}");
            let _ = std::io::stdout().flush();
            if resumed {
                eprintln!(
                    "took up the preview kept by the last run ({files} files) in {build:.2?}; watching for changes (Ctrl-C to stop)"
                );
            } else {
                eprintln!("built {files} files in {build:.2?}; watching for changes (Ctrl-C to stop)");
            }
            if open {
                open_browser(&url);
            }
        }
        ServeEvent::Rebuilt { paths, files, rendered, full, elapsed, steps } => {
            let how = full.map_or_else(String::new, |why| format!(" ({why})"));
            let steps: Vec<String> = steps.iter().map(|(s, d)| format!("{s} {d:.1?}")).collect();
            let steps = if steps.is_empty() { String::new() } else { format!(" [{}]", steps.join(", ")) };
            eprintln!(
                "{}: {files} files updated, {rendered} notes rendered in {elapsed:.1?}{how}{steps}",
                paths.join(", ")
            );
        }
        ServeEvent::Errors(Some(text)) => eprintln!("{text}"),
        ServeEvent::Errors(None) => eprintln!("errors fixed"),
        ServeEvent::Failed(e) => eprintln!("error: {e}; still serving the previous version"),
        _ => {}
    });
    vellum_serve::run(opts).map_err(|e| e.to_string())?;
    eprintln!("stopped");
    Ok(ExitCode::SUCCESS)
}
