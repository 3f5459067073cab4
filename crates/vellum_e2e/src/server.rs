//! [`StaticServer`]: the published site as a browser sees it, from a folder,
//! on `127.0.0.1` and a free port.
//!
//! It serves what a static host serves: `GET`/`HEAD` of files, `index.html`
//! for a folder (a folder without its trailing slash is redirected, as
//! GitHub Pages and nginx do), `404.html` with status 404 for anything
//! missing. Paths are percent-decoded; `..` and anything outside the folder
//! is refused. One thread per connection, `Connection: close` on every
//! response, and `Cache-Control: no-store` so a test that rebuilds the folder
//! sees the new files.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use percent_encoding::percent_decode_str;

/// A static file server running on a background thread until dropped.
#[derive(Debug)]
pub struct StaticServer {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl StaticServer {
    /// Serve `root` on `127.0.0.1` with a port the system picks.
    ///
    /// # Errors
    /// The socket cannot be bound.
    pub fn start(root: impl AsRef<Path>) -> std::io::Result<Self> {
        let root = root.as_ref().canonicalize()?;
        let listener = TcpListener::bind(("127.0.0.1", 0))?;
        let addr = listener.local_addr()?;
        let stop = Arc::new(AtomicBool::new(false));
        let stop_flag = Arc::clone(&stop);
        let thread = std::thread::Builder::new().name("e2e-static-server".into()).spawn(move || {
            for stream in listener.incoming() {
                if stop_flag.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let root = root.clone();
                // A connection whose thread cannot start is dropped; the browser retries.
                let _ = std::thread::Builder::new().name("e2e-static-conn".into()).spawn(move || {
                    let _ = serve_connection(stream, &root);
                });
            }
        })?;
        Ok(Self { addr, stop, thread: Some(thread) })
    }

    /// The address the server listens on.
    #[must_use]
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT` followed by `path` (which starts with `/`).
    #[must_use]
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Answer one request on `stream`.
fn serve_connection(stream: TcpStream, root: &Path) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    stream.set_write_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream);
    let mut request_line = String::new();
    if reader.read_line(&mut request_line)? == 0 {
        return Ok(());
    }
    // Skip the headers: nothing in them changes a static answer.
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 || line.trim_end().is_empty() {
            break;
        }
    }
    let mut stream = reader.into_inner();
    let mut parts = request_line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or_default(), parts.next().unwrap_or_default());
    let reply = match method {
        "GET" | "HEAD" => answer(root, target),
        _ => Reply::text(405, "method not allowed"),
    };
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n",
        reply.status,
        reason(reply.status),
        reply.content_type,
        reply.body.len()
    );
    if let Some(location) = &reply.location {
        head.push_str(&format!("Location: {location}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    if method != "HEAD" {
        stream.write_all(&reply.body)?;
    }
    stream.flush()
}

#[derive(Debug)]
struct Reply {
    status: u16,
    content_type: &'static str,
    location: Option<String>,
    body: Vec<u8>,
}

impl Reply {
    fn text(status: u16, body: &str) -> Self {
        Self {
            status,
            content_type: "text/plain; charset=utf-8",
            location: None,
            body: body.as_bytes().to_vec(),
        }
    }
}

/// The reply for a request target such as `/notes/a%20b/?q=x`.
fn answer(root: &Path, target: &str) -> Reply {
    let path = target.split(['?', '#']).next().unwrap_or_default();
    let Some(file) = resolve(root, path) else {
        return Reply::text(400, "bad path");
    };
    if file.is_dir() {
        if !path.ends_with('/') {
            return Reply { location: Some(format!("{path}/")), ..Reply::text(301, "moved") };
        }
        return file_reply(200, &file.join("index.html")).unwrap_or_else(|| not_found(root));
    }
    file_reply(200, &file).unwrap_or_else(|| not_found(root))
}

fn not_found(root: &Path) -> Reply {
    file_reply(404, &root.join("404.html")).unwrap_or_else(|| Reply::text(404, "not found"))
}

fn file_reply(status: u16, file: &Path) -> Option<Reply> {
    let body = std::fs::read(file).ok()?;
    Some(Reply { status, content_type: content_type(file), location: None, body })
}

/// The file for a URL path inside `root`, or `None` when the path is not
/// absolute, not UTF-8 once decoded, or climbs out with `..`.
fn resolve(root: &Path, path: &str) -> Option<PathBuf> {
    let decoded = percent_decode_str(path.strip_prefix('/')?).decode_utf8().ok()?;
    let mut file = root.to_path_buf();
    for part in decoded.split('/') {
        match part {
            "" | "." => {}
            ".." => return None,
            _ if part.contains(['\\', '\0']) => return None,
            _ => file.push(part),
        }
    }
    Some(file)
}

fn content_type(file: &Path) -> &'static str {
    let ext = file.extension().and_then(|e| e.to_str()).unwrap_or_default().to_ascii_lowercase();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        _ => "application/octet-stream",
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::request;

    fn site() -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir_all(dir.path().join("notes/a b")).expect("mkdir");
        std::fs::write(dir.path().join("index.html"), "<h1>home</h1>").expect("write");
        std::fs::write(dir.path().join("notes/a b/index.html"), "<h1>a b</h1>").expect("write");
        std::fs::write(dir.path().join("style.css"), "body{}").expect("write");
        std::fs::write(dir.path().join("404.html"), "<h1>gone</h1>").expect("write");
        dir
    }

    fn get(server: &StaticServer, path: &str) -> crate::http::Response {
        request(server.addr(), "GET", path, None, Duration::from_secs(5)).expect("request")
    }

    #[test]
    fn serves_files_folders_redirects_and_404s() {
        let dir = site();
        let server = StaticServer::start(dir.path()).expect("start");
        let home = get(&server, "/");
        assert_eq!((home.status, home.text().as_str()), (200, "<h1>home</h1>"));
        assert_eq!(home.header("content-type"), Some("text/html; charset=utf-8"));

        let css = get(&server, "/style.css?v=1");
        assert_eq!((css.status, css.header("content-type")), (200, Some("text/css; charset=utf-8")));

        let note = get(&server, "/notes/a%20b/");
        assert_eq!((note.status, note.text().as_str()), (200, "<h1>a b</h1>"));

        let moved = get(&server, "/notes/a%20b");
        assert_eq!((moved.status, moved.header("location")), (301, Some("/notes/a%20b/")));

        let missing = get(&server, "/nope/");
        assert_eq!((missing.status, missing.text().as_str()), (404, "<h1>gone</h1>"));
    }

    #[test]
    fn refuses_paths_out_of_the_folder() {
        let dir = site();
        let root = dir.path().canonicalize().expect("canonical");
        for bad in ["/../etc/passwd", "/notes/%2e%2e/%2e%2e/x", "relative", "/a\\..\\b", "/%ff"] {
            assert_eq!(resolve(&root, bad), None, "{bad}");
        }
        assert_eq!(resolve(&root, "/./notes//a%20b/"), Some(root.join("notes").join("a b")));
        let server = StaticServer::start(dir.path()).expect("start");
        assert_eq!(get(&server, "/../index.html").status, 400);
        let post = request(server.addr(), "POST", "/", Some(b"{}"), Duration::from_secs(5)).expect("post");
        assert_eq!(post.status, 405);
    }
}
