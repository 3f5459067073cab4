//! A test client: a vault in a temporary folder, the server on a thread, and
//! requests and notifications as JSON.

use std::path::PathBuf;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use lsp_server::{Connection, Message, Notification, Request, RequestId, ResponseError};
use serde_json::{Value, json};

/// How long to wait for any one answer.
const TIMEOUT: Duration = Duration::from_secs(20);

pub(crate) struct Client {
    conn: Connection,
    server: Option<JoinHandle<()>>,
    next_id: i32,
    /// Notifications received and not yet looked at.
    pub(crate) notes: Vec<Notification>,
    pub(crate) root: PathBuf,
    _dir: tempfile::TempDir,
}

/// Write `files` (vault-relative path, text) into a new vault folder (with `.obsidian/`).
pub(crate) fn vault(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join(".obsidian")).expect("mkdir");
    for (path, text) in files {
        let p = dir.path().join(path);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(p, text).expect("write");
    }
    dir
}

/// What an editor says it can do: edits with versions, file renames and creations.
pub(crate) fn editor_caps() -> Value {
    json!({
        "workspace": {"workspaceEdit": {"documentChanges": true, "resourceOperations": ["create", "rename", "delete"]}},
        "textDocument": {"publishDiagnostics": {"versionSupport": true}},
    })
}

impl Client {
    /// Start the server on a new vault of `files` and initialize it.
    pub(crate) fn start(files: &[(&str, &str)]) -> Self {
        Self::start_with(files, editor_caps())
    }

    pub(crate) fn start_with(files: &[(&str, &str)], caps: Value) -> Self {
        let dir = vault(files);
        let root = dir.path().to_path_buf();
        let (server_side, conn) = Connection::memory();
        let server = std::thread::spawn(move || {
            vellum_lsp::serve(&server_side).expect("the server ends cleanly");
        });
        let mut c = Client { conn, server: Some(server), next_id: 0, notes: Vec::new(), root, _dir: dir };
        let uri = c.uri("");
        let init = c
            .request(
                "initialize",
                json!({"capabilities": caps, "rootUri": uri, "workspaceFolders": [{"uri": uri, "name": "vault"}]}),
            )
            .expect("initialize");
        assert!(init["capabilities"]["completionProvider"].is_object(), "{init}");
        c.notify("initialized", json!({}));
        c
    }

    /// The URI of a vault-relative path.
    pub(crate) fn uri(&self, rel: &str) -> String {
        let p = if rel.is_empty() { self.root.clone() } else { self.root.join(rel) };
        vellum_lsp::uri::from_path(&p).expect("uri").as_str().to_owned()
    }

    pub(crate) fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    pub(crate) fn notify(&self, method: &str, params: Value) {
        self.conn
            .sender
            .send(Message::Notification(Notification::new(method.to_owned(), params)))
            .expect("server alive");
    }

    /// Send a request and wait for its answer, keeping the notifications that
    /// come before it.
    pub(crate) fn request(&mut self, method: &str, params: Value) -> Result<Value, ResponseError> {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        self.conn
            .sender
            .send(Message::Request(Request::new(id.clone(), method.to_owned(), params)))
            .expect("server alive");
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.conn.receiver.recv_timeout(left).expect("an answer in time") {
                Message::Response(r) if r.id == id => {
                    return r.response_result;
                }
                Message::Notification(n) => self.notes.push(n),
                _ => {}
            }
        }
    }

    /// Open a document with `text`.
    pub(crate) fn open(&self, rel: &str, text: &str) {
        let doc = json!({"uri": self.uri(rel), "languageId": "markdown", "version": 1, "text": text});
        self.notify("textDocument/didOpen", json!({"textDocument": doc}));
    }

    /// Replace a document's text (full sync).
    pub(crate) fn change(&self, rel: &str, version: i32, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": self.uri(rel), "version": version}, "contentChanges": [{"text": text}]}),
        );
    }

    /// The latest diagnostics published for `rel`, waiting until `ready` holds
    /// for them (the vault's diagnostics at start come in batches).
    pub(crate) fn diagnostics_until(&mut self, rel: &str, ready: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        let uri = self.uri(rel);
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let latest = self
                .notes
                .iter()
                .rev()
                .find(|n| n.method == "textDocument/publishDiagnostics" && n.params["uri"] == uri)
                .map(|n| n.params["diagnostics"].as_array().cloned().unwrap_or_default());
            if let Some(d) = latest
                && ready(&d)
            {
                return d;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(!left.is_zero(), "no fitting diagnostics for {rel}; got {:#?}", self.published(rel));
            // A cheap request flushes what the server sent before answering it.
            let _ = self.request("workspace/symbol", json!({"query": "\u{0}none"}));
            if let Ok(Message::Notification(n)) = self.conn.receiver.recv_timeout(Duration::from_millis(20)) {
                self.notes.push(n);
            }
        }
    }

    /// Every publication for `rel` so far.
    pub(crate) fn published(&self, rel: &str) -> Vec<Value> {
        let uri = self.uri(rel);
        self.notes
            .iter()
            .filter(|n| n.method == "textDocument/publishDiagnostics" && n.params["uri"] == uri)
            .map(|n| n.params["diagnostics"].clone())
            .collect()
    }

    /// Send `shutdown` and `exit`, and wait for the server to end.
    pub(crate) fn shutdown(mut self) {
        assert_eq!(self.request("shutdown", Value::Null).expect("shutdown"), Value::Null);
        self.notify("exit", Value::Null);
        if let Some(s) = self.server.take() {
            s.join().expect("server thread");
        }
    }
}

/// The codes of some diagnostics.
pub(crate) fn codes(d: &[Value]) -> Vec<String> {
    d.iter().map(|d| d["code"].as_str().unwrap_or("").to_owned()).collect()
}

/// A position.
pub(crate) fn pos(line: u32, character: u32) -> Value {
    json!({"line": line, "character": character})
}

/// `{textDocument, position}`.
pub(crate) fn at(c: &Client, rel: &str, line: u32, character: u32) -> Value {
    json!({"textDocument": {"uri": c.uri(rel)}, "position": pos(line, character)})
}
