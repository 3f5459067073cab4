//! `vellum serve` over HTTP: live reload, incremental updates, the error
//! overlay, path safety, content types, a port in use, Ctrl-C.
//!
//! Each test starts the real binary on a free port (`--port 0`, URL parsed
//! from stdout) over a temporary copy of `examples/journal`, and talks HTTP/1.1
//! over plain sockets. Every wait has a deadline; nothing sleeps for long.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(20);

use crate::common;
use common::example_copy;

/// A running `vellum serve`, killed on drop.
struct Server {
    child: Child,
    addr: String,
    /// What it printed on stderr, line by line.
    log: Receiver<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(vault: &Path, extra: &[&str]) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_vellum"))
        .arg("serve")
        .arg(vault)
        .args(["--port", "0"])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn vellum serve");
    let lines = |from: Box<dyn Read + Send>| {
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(from).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        rx
    };
    let rx = lines(Box::new(child.stdout.take().expect("stdout")));
    let log = lines(Box::new(child.stderr.take().expect("stderr")));
    let line = rx.recv_timeout(WAIT).expect("vellum serve printed its URL");
    let url = line.strip_prefix("Serving ").expect("`Serving URL` line").trim();
    let addr = url.trim_start_matches("http://").trim_end_matches('/').to_owned();
    Server { child, addr, log }
}

struct Reply {
    status: u16,
    headers: String,
    body: String,
}

impl Reply {
    fn header(&self, name: &str) -> Option<String> {
        self.headers.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case(name).then(|| v.trim().to_owned())
        })
    }
}

/// One request with the raw target as given (no normalisation by a client library).
fn get(addr: &str, target: &str) -> Reply {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(WAIT)).expect("timeout");
    write!(s, "GET {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").expect("write");
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).expect("read");
    let raw = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    let status = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    Reply { status, headers: head.to_owned(), body: body.to_owned() }
}

/// The reload channel: `(event, data)` pairs as they arrive.
fn events(addr: &str) -> Receiver<(String, String)> {
    let mut s = TcpStream::connect(addr).expect("connect");
    write!(s, "GET /__vellum/events HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n")
        .expect("write");
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        let mut event = String::new();
        // Chunked encoding puts size lines between the SSE lines; they never
        // start with `event:` or `data:`, so they are skipped.
        for line in BufReader::new(s).lines().map_while(Result::ok) {
            if let Some(e) = line.strip_prefix("event:") {
                event = e.trim().to_owned();
            } else if let Some(d) = line.strip_prefix("data:")
                && tx.send((std::mem::take(&mut event), d.trim_start().to_owned())).is_err()
            {
                return;
            }
        }
    });
    rx
}

/// Wait for an event named `name` whose data satisfies `ok`.
fn wait_for(rx: &Receiver<(String, String)>, name: &str, ok: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + WAIT;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok((e, d)) if e == name && ok(&d) => return d,
            Ok(_) => {}
            Err(_) => panic!("no `{name}` event within {WAIT:?}"),
        }
    }
}

/// Write like an editor that saves through a temp file and a rename.
fn save_atomically(path: &Path, text: &str) {
    let tmp = path
        .with_file_name(format!(".{}.tmp.1234", path.file_name().and_then(|n| n.to_str()).unwrap_or("x")));
    std::fs::write(&tmp, text).expect("write temp");
    std::fs::rename(&tmp, path).expect("rename");
}

const CUDA: &str = "/hardware/cuda-moat/";

#[test]
fn live_reload_rename_and_error_overlay() {
    let vault = example_copy();
    let server = start(vault.path(), &[]);
    let addr = server.addr.clone();
    let rx = events(&addr);
    // The first event tells a new page the current errors (none).
    assert_eq!(wait_for(&rx, "errors", |_| true), r#"{"text":""}"#);

    // Served pages carry the reload hook.
    let page = get(&addr, CUDA);
    assert_eq!(page.status, 200);
    assert!(page.body.contains("/__vellum/live.js"));
    assert!(page.body.contains("apple-silicon-goes-pro/"), "backlink from Apple Silicon");
    assert!(get(&addr, "/__vellum/live.js").body.contains("EventSource"));

    // 1. Edit a note: reload event, new text served.
    let note = vault.path().join("hardware/CUDA Moat.md");
    let original = std::fs::read_to_string(&note).expect("read");
    let edited = format!("{original}\nA sentence about ZEBRA-4471 that was not there.\n");
    save_atomically(&note, &edited);
    wait_for(&rx, "reload", |_| true);
    assert!(get(&addr, CUDA).body.contains("ZEBRA-4471"));

    // 2. Rename a note that links here: the backlink follows it.
    std::fs::rename(
        vault.path().join("hardware/Apple Silicon Goes Pro.md"),
        vault.path().join("hardware/Apple Silicon Renamed.md"),
    )
    .expect("rename");
    wait_for(&rx, "reload", |_| true);
    let page = get(&addr, CUDA).body;
    assert!(page.contains("/hardware/apple-silicon-renamed/"), "backlink to the new URL");
    assert!(!page.contains("/hardware/apple-silicon-goes-pro/"), "no backlink to the old URL");
    assert_eq!(get(&addr, "/hardware/apple-silicon-renamed/").status, 200);
    assert_eq!(get(&addr, "/hardware/apple-silicon-goes-pro/").status, 404);

    // 3. Invalid YAML: the overlay gets `vellum check`'s text; the last good page stays.
    let broken = edited.replacen("title: CUDA Moat", "title: [CUDA Moat", 1).replace("ZEBRA-4471", "OKAPI-9");
    save_atomically(&note, &broken);
    let errors = wait_for(&rx, "errors", |d| d.contains("V101"));
    assert!(errors.contains("hardware/CUDA Moat.md"), "{errors}");
    let page = get(&addr, CUDA);
    assert_eq!(page.status, 200);
    assert!(page.body.contains("ZEBRA-4471") && !page.body.contains("OKAPI-9"), "last good version");

    // 4. Fix it: the overlay clears and the page recovers.
    let fixed = edited.replace("ZEBRA-4471", "GIRAFFE-12");
    save_atomically(&note, &fixed);
    wait_for(&rx, "errors", |d| d == r#"{"text":""}"#);
    wait_for(&rx, "reload", |_| true);
    assert!(get(&addr, CUDA).body.contains("GIRAFFE-12"));

    // Ctrl-C stops the server cleanly.
    let mut server = server;
    let pid = server.child.id().to_string();
    let status = Command::new("kill").args(["-INT", &pid]).status().expect("kill");
    assert!(status.success());
    let deadline = Instant::now() + WAIT;
    loop {
        if let Some(st) = server.child.try_wait().expect("wait") {
            assert!(st.success(), "exit status {st:?}");
            break;
        }
        assert!(Instant::now() < deadline, "server did not stop on SIGINT");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn only_site_files_are_served() {
    let vault = example_copy();
    // A secret outside the vault, and a symlink to it inside.
    let outside = tempfile::tempdir().expect("tempdir");
    let secret = outside.path().join("secret.txt");
    std::fs::write(&secret, "TOP-SECRET").expect("write");
    #[cfg(unix)]
    std::os::unix::fs::symlink(&secret, vault.path().join("attachments/leak.png")).expect("symlink");
    let server = start(vault.path(), &[]);
    let addr = &server.addr;
    let secret_abs = secret.display().to_string();
    for target in [
        "/../../../../etc/passwd",
        "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
        "/hardware/..%2f..%2f..%2fetc/passwd",
        "/hardware/%2e%2e/%2e%2e/vellum.toml",
        "/..%5c..%5cvellum.toml",
        "//etc/passwd",
        secret_abs.as_str(),
        "/vellum.toml",
        "/hardware/CUDA%20Moat.md",
        "/attachments/leak.png",
        "/.vellum-output",
    ] {
        let r = get(addr, target);
        assert_eq!(r.status, 404, "{target}");
        assert!(!r.body.contains("TOP-SECRET") && !r.body.contains("root:"), "{target}");
    }
    // No directory listings: a folder without an index page is a 404. A vault
    // folder with published notes has its own page.
    assert_eq!(get(addr, "/search-index/").status, 404);
    assert_eq!(get(addr, "/attachments/").status, 404);
    let r = get(addr, "/hardware/");
    assert_eq!(r.status, 200);
    assert!(!r.body.contains("CUDA Moat.md"), "a folder page, not a listing of files");
    // The site's own 404 page.
    let r = get(addr, "/no/such/page/");
    assert_eq!(r.status, 404);
    assert!(r.body.contains("<html"), "the theme's 404 page");
    // Content types.
    for (target, ty) in [
        ("/", "text/html"),
        ("/style.css", "text/css"),
        ("/vellum.js", "text/javascript"),
        ("/graph.json", "application/json"),
        ("/feed.xml", "application/xml"),
        ("/robots.txt", "text/plain"),
        ("/attachments/die-shot.png", "image/png"),
    ] {
        let r = get(addr, target);
        assert_eq!(r.status, 200, "{target}");
        assert!(
            r.header("content-type").is_some_and(|c| c.starts_with(ty)),
            "{target}: {:?}",
            r.header("content-type")
        );
    }
    // A folder without its slash is redirected to it.
    let r = get(addr, "/hardware/cuda-moat");
    assert_eq!(r.status, 301);
    assert_eq!(r.header("location").as_deref(), Some("/hardware/cuda-moat/"));
}

#[test]
fn drafts_are_bannered_or_left_out() {
    let vault = example_copy();
    let server = start(vault.path(), &[]);
    let page = get(&server.addr, "/software/rust-in-the-linux-kernel/");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("draft — not published"));
    // A published note has no banner.
    assert!(!get(&server.addr, CUDA).body.contains("draft — not published"));
    drop(server);
    let server = start(vault.path(), &["--no-drafts"]);
    assert_eq!(get(&server.addr, "/software/rust-in-the-linux-kernel/").status, 404);
}

#[test]
fn a_second_start_takes_up_the_kept_preview() {
    let vault = tempfile::tempdir().expect("tempdir");
    let old = std::time::SystemTime::now() - Duration::from_secs(3600);
    common::copy_vault(&common::example(), vault.path(), Some(old));
    let pages = ["/", CUDA, "/software/rust-in-the-linux-kernel/", "/previews.json", "/feed.xml", "/tags/"];
    let server = start(vault.path(), &[]);
    let first: Vec<String> = pages.iter().map(|p| get(&server.addr, p).body).collect();
    let said = server.log.recv_timeout(WAIT).expect("a line about the start");
    assert!(said.starts_with("built "), "{said}");
    drop(server);
    assert!(vault.path().join(".vellum/serve/drafts/index.html").is_file(), "the preview is kept");

    let server = start(vault.path(), &[]);
    let said = server.log.recv_timeout(WAIT).expect("a line about the start");
    assert!(said.starts_with("took up the preview kept by the last run"), "{said}");
    for (p, before) in pages.iter().zip(&first) {
        assert!(get(&server.addr, p).body == *before, "{p} is served as the first run served it");
    }
    // Edits go on as in a site built at start: the text, and the feed it is in.
    let rx = events(&server.addr);
    wait_for(&rx, "errors", |_| true);
    let note = vault.path().join("hardware/CUDA Moat.md");
    let text = std::fs::read_to_string(&note).expect("read");
    save_atomically(&note, &text.replacen("created: 2023-05-30", "created: 2030-01-01", 1));
    wait_for(&rx, "reload", |_| true);
    save_atomically(&note, &format!("{text}\nA sentence about WOMBAT-5 only the edit wrote.\n"));
    wait_for(&rx, "reload", |_| true);
    assert!(get(&server.addr, CUDA).body.contains("WOMBAT-5"));
    assert!(get(&server.addr, "/feed.xml").body.contains("CUDA Moat"));
}

#[test]
fn a_port_in_use_is_named() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = taken.local_addr().expect("addr").port();
    let vault = example_copy();
    let out = Command::new(env!("CARGO_BIN_EXE_vellum"))
        .arg("serve")
        .arg(vault.path())
        .args(["--port", &port.to_string()])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&format!("port {port} is already in use")), "{err}");
}
