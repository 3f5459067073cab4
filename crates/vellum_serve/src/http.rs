//! The HTTP side: the site from memory, the reload channel (server-sent
//! events) and its script.
//!
//! Only paths that are keys of the in-memory site are served: there is no
//! folder behind the server to escape from. Paths are still checked before the
//! lookup (`..`, `.`, empty segments, backslashes, NUL and percent-encoded forms
//! of them are refused with the site's 404), so a later change to serving
//! from disk cannot reopen the hole.

use std::convert::Infallible;
use std::sync::{Arc, RwLock};

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderValue, Response, StatusCode, Uri, header};
use axum::response::IntoResponse;
use axum::response::sse::{Event, KeepAlive, Sse};
use rustc_hash::FxHashMap;
use tokio::sync::{broadcast, watch};

/// Where the reload channel and its script live (never a site path: the
/// site's paths do not start with `__`).
pub(crate) const EVENTS: &str = "/__vellum/events";
pub(crate) const SCRIPT: &str = "/__vellum/live.js";

/// The script tag put before `</body>` of every served page.
const HOOK: &str = "<script src=\"/__vellum/live.js\" defer></script>\n";

const LIVE_JS: &str = include_str!("live.js");

/// A file ready to serve.
#[derive(Clone)]
pub(crate) enum Served {
    /// A page: the live-reload hook goes in as it is sent (a site holds
    /// thousands of pages; most are never asked for).
    Page {
        body: Bytes,
        content_type: &'static str,
    },
    Bytes {
        body: Bytes,
        content_type: &'static str,
    },
    /// An attachment, read from the vault on each request.
    Disk {
        path: std::path::PathBuf,
        content_type: &'static str,
    },
}

/// What browsers are told.
#[derive(Debug, Clone)]
pub(crate) enum Notice {
    /// Reload the page.
    Reload,
    /// Only stylesheets changed: swap them.
    Css,
    /// The notes' errors as text (empty: none).
    Errors(String),
}

/// State shared by the handlers and the updater.
pub(crate) struct Shared {
    pub(crate) files: RwLock<FxHashMap<String, Served>>,
    pub(crate) notices: broadcast::Sender<Notice>,
    pub(crate) errors: RwLock<String>,
    pub(crate) shutdown: watch::Receiver<bool>,
}

/// The content type for a file name.
pub(crate) fn content_type(path: &str) -> &'static str {
    let ext = path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml; charset=utf-8",
        "txt" | "md" => "text/plain; charset=utf-8",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "svg" => "image/svg+xml",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "mp3" => "audio/mpeg",
        "ogg" => "audio/ogg",
        "wav" => "audio/wav",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        _ => "application/octet-stream",
    }
}

/// Put the reload hook into an HTML page (before the last `</body>`, else at the end).
pub(crate) fn inject(html: &[u8]) -> Vec<u8> {
    let at = html.windows(7).rposition(|w| w.eq_ignore_ascii_case(b"</body>")).unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + HOOK.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(HOOK.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

/// Turn a site file into what is served.
pub(crate) fn to_served(rel: &str, file: &vellum_site::SiteFile) -> Served {
    let content_type = content_type(rel);
    match file {
        vellum_site::SiteFile::Generated(bytes) => {
            // Shared with the site in memory, not copied.
            let body = Bytes::from_owner(bytes.clone());
            if content_type.starts_with("text/html") {
                Served::Page { body, content_type }
            } else {
                Served::Bytes { body, content_type }
            }
        }
        vellum_site::SiteFile::Copied(path) => Served::Disk { path: path.clone(), content_type },
    }
}

/// The site path a request asks for, or `None` when it is not a safe path:
/// decoded, relative, no `.`/`..`/empty segments, no `\` or NUL.
/// `/` and `/dir/` map to `index.html` and `dir/index.html`.
pub(crate) fn site_path(uri_path: &str) -> Option<String> {
    let decoded = percent_decode(uri_path)?;
    let rest = decoded.strip_prefix('/')?;
    if rest.contains(['\\', '\0']) {
        return None;
    }
    let (dir, file) = match rest.rsplit_once('/') {
        Some((d, f)) => (Some(d), f),
        None => (None, rest),
    };
    if let Some(d) = dir
        && d.split('/').any(|s| s.is_empty() || s == "." || s == "..")
    {
        return None;
    }
    if file == "." || file == ".." {
        return None;
    }
    Some(if file.is_empty() { format!("{rest}index.html") } else { rest.to_owned() })
}

/// Strict percent-decoding to UTF-8; `None` on a bad escape or invalid UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn respond(status: StatusCode, content_type: &'static str, body: Bytes) -> Response<Body> {
    let mut r = Response::new(Body::from(body));
    *r.status_mut() = status;
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    r
}

fn not_found(shared: &Shared) -> Response<Body> {
    let page = shared.files.read().ok().and_then(|f| f.get("404.html").cloned());
    match page {
        Some(Served::Page { body, content_type }) => {
            respond(StatusCode::NOT_FOUND, content_type, Bytes::from(inject(&body)))
        }
        Some(Served::Bytes { body, content_type }) => respond(StatusCode::NOT_FOUND, content_type, body),
        _ => respond(StatusCode::NOT_FOUND, "text/plain; charset=utf-8", Bytes::from_static(b"not found\n")),
    }
}

/// Every request that is not the reload channel.
pub(crate) async fn serve_file(State(shared): State<Arc<Shared>>, uri: Uri) -> Response<Body> {
    let path = uri.path();
    if path == SCRIPT {
        return respond(
            StatusCode::OK,
            "text/javascript; charset=utf-8",
            Bytes::from_static(LIVE_JS.as_bytes()),
        );
    }
    let Some(rel) = site_path(path) else { return not_found(&shared) };
    let (found, dir) = match shared.files.read() {
        Ok(files) => {
            let found = files.get(&rel).cloned();
            // `/note` where `/note/` exists: redirect, so relative URLs work.
            let dir = found.is_none()
                && !rel.ends_with("index.html")
                && files.contains_key(&format!("{rel}/index.html"));
            (found, dir)
        }
        Err(_) => (None, false),
    };
    match found {
        Some(Served::Page { body, content_type }) => {
            respond(StatusCode::OK, content_type, Bytes::from(inject(&body)))
        }
        Some(Served::Bytes { body, content_type }) => respond(StatusCode::OK, content_type, body),
        Some(Served::Disk { path, content_type }) => match tokio::fs::read(&path).await {
            Ok(bytes) => respond(StatusCode::OK, content_type, Bytes::from(bytes)),
            Err(_) => not_found(&shared),
        },
        None if dir => {
            let mut r = Response::new(Body::empty());
            *r.status_mut() = StatusCode::MOVED_PERMANENTLY;
            if let Ok(v) = HeaderValue::from_str(&format!("{path}/")) {
                r.headers_mut().insert(header::LOCATION, v);
            }
            r
        }
        None => not_found(&shared),
    }
}

/// The reload channel: `reload`, `css` and `errors` events. A new client first
/// gets the current errors.
pub(crate) async fn events(State(shared): State<Arc<Shared>>) -> impl IntoResponse {
    let rx = shared.notices.subscribe();
    let current = shared.errors.read().map(|e| e.clone()).unwrap_or_default();
    let shutdown = shared.shutdown.clone();
    let first = Some(Notice::Errors(current));
    let stream =
        futures_util::stream::unfold((rx, shutdown, first), |(mut rx, mut shutdown, first)| async move {
            if let Some(n) = first {
                return Some((Ok::<Event, Infallible>(to_event(&n)), (rx, shutdown, None)));
            }
            if *shutdown.borrow() {
                return None;
            }
            tokio::select! {
                msg = rx.recv() => match msg {
                    Ok(n) => Some((Ok(to_event(&n)), (rx, shutdown, None))),
                    // Missed some: a reload covers everything.
                    Err(broadcast::error::RecvError::Lagged(_)) => {
                        Some((Ok(to_event(&Notice::Reload)), (rx, shutdown, None)))
                    }
                    Err(broadcast::error::RecvError::Closed) => None,
                },
                _ = shutdown.changed() => None,
            }
        });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

fn to_event(n: &Notice) -> Event {
    match n {
        Notice::Reload => Event::default().event("reload").data("reload"),
        Notice::Css => Event::default().event("css").data("css"),
        Notice::Errors(text) => {
            Event::default().event("errors").data(serde_json::json!({ "text": text }).to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_paths_only() {
        assert_eq!(site_path("/").as_deref(), Some("index.html"));
        assert_eq!(site_path("/a/b/").as_deref(), Some("a/b/index.html"));
        assert_eq!(site_path("/style.css").as_deref(), Some("style.css"));
        assert_eq!(site_path("/caf%C3%A9.png").as_deref(), Some("café.png"));
        for bad in [
            "/..",
            "/../etc/passwd",
            "/a/../../x",
            "/%2e%2e/x",
            "/%2E%2E%2Fetc%2Fpasswd",
            "/a/%2e/b",
            "//etc/passwd",
            "/a//b",
            "/a\\..\\b",
            "/a%5c..%5cb",
            "/x%00",
            "/%zz",
            "/%ff",
            "relative",
        ] {
            assert_eq!(site_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn injects_before_body_end() {
        assert_eq!(inject(b"<p>x</p></body></html>"), format!("<p>x</p>{HOOK}</body></html>").into_bytes());
        assert_eq!(inject(b"x"), format!("x{HOOK}").into_bytes());
    }
}
