//! `vellum lsp` as an editor runs it: the real binary over stdio. The protocol
//! itself is tested in `vellum_lsp`'s tests; here the framing (bad frames
//! included), the process's exit, and a real editor: Debian's Neovim,
//! headless, with its built-in LSP client.
//!
//! The Neovim test skips when `nvim` is not on `PATH`, unless `VELLUM_E2E=1`
//! (CI sets it, after installing `neovim`), which makes a missing editor a
//! failure.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::{Value, json};

const TIMEOUT: Duration = Duration::from_secs(30);

/// A `vellum lsp` process and a thread reading its frames.
struct Server {
    child: Child,
    stdin: ChildStdin,
    frames: mpsc::Receiver<Value>,
}

fn read_frames(out: ChildStdout, tx: &mpsc::Sender<Value>) {
    let mut r = BufReader::new(out);
    loop {
        let mut length = None;
        loop {
            let mut line = String::new();
            if r.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(v) = line.strip_prefix("Content-Length: ") {
                length = v.parse::<usize>().ok();
            }
        }
        let Some(n) = length else { return };
        let mut body = vec![0; n];
        if r.read_exact(&mut body).is_err() {
            return;
        }
        if tx.send(serde_json::from_slice(&body).expect("the server writes JSON")).is_err() {
            return;
        }
    }
}

impl Server {
    fn start(vault: &Path) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_vellum"))
            .arg("lsp")
            .current_dir(vault)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn vellum lsp");
        let stdin = child.stdin.take().expect("stdin");
        let out = child.stdout.take().expect("stdout");
        let (tx, frames) = mpsc::channel();
        std::thread::spawn(move || read_frames(out, &tx));
        Self { child, stdin, frames }
    }

    fn send_raw(&mut self, body: &[u8]) {
        write!(self.stdin, "Content-Length: {}\r\n\r\n", body.len()).expect("write");
        self.stdin.write_all(body).expect("write");
        self.stdin.flush().expect("flush");
    }

    fn send(&mut self, msg: &Value) {
        self.send_raw(msg.to_string().as_bytes());
    }

    /// The next frame that satisfies `want`.
    fn until(&self, want: impl Fn(&Value) -> bool) -> Value {
        loop {
            let f = self.frames.recv_timeout(TIMEOUT).expect("a frame in time");
            if want(&f) {
                return f;
            }
        }
    }
}

fn uri(p: &Path) -> String {
    vellum_lsp::uri::from_path(p).expect("uri").as_str().to_owned()
}

#[test]
fn stdio_session_survives_bad_frames_and_exits_cleanly() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join(".obsidian")).expect("mkdir");
    std::fs::write(dir.path().join("a.md"), "# A\n").expect("write");
    std::fs::write(dir.path().join("b.md"), "# B\n").expect("write");
    let a = uri(&dir.path().join("a.md"));
    let mut s = Server::start(dir.path());
    s.send(&json!({"jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {"capabilities": {}, "rootUri": uri(dir.path())}}));
    let init = s.until(|f| f["id"] == 1);
    assert_eq!(init["result"]["serverInfo"]["name"], "vellum");
    s.send(&json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
    s.send(&json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument":
        {"uri": a, "languageId": "markdown", "version": 1, "text": "# A\n\n[[Nowhere]]\n"}}}));
    let d = s.until(|f| f["method"] == "textDocument/publishDiagnostics" && f["params"]["uri"] == a);
    assert_eq!(d["params"]["diagnostics"][0]["code"], "V403");

    // Not JSON: a parse error with a null id.
    s.send_raw(b"{this is not json");
    let e = s.until(|f| f.get("error").is_some());
    assert_eq!(e["error"]["code"], -32700);
    assert_eq!(e["id"], Value::Null);
    // Invalid UTF-8 inside a buffer: read with U+FFFD, a warning, and the buffer is checked.
    let mut change = format!(
        r##"{{"jsonrpc":"2.0","method":"textDocument/didChange","params":{{"textDocument":{{"uri":"{a}","version":2}},"contentChanges":[{{"text":"# A\n\n[[b]] "##
    )
    .into_bytes();
    change.extend([0xff, 0xfe]);
    change.extend(br##" [[b#Nope]]\n"}]}}"##);
    s.send_raw(&change);
    let w = s.until(|f| f["method"] == "window/logMessage");
    assert!(w["params"]["message"].as_str().unwrap_or("").contains("UTF-8"), "{w}");
    let d = s.until(|f| f["method"] == "textDocument/publishDiagnostics" && f["params"]["uri"] == a);
    assert_eq!(d["params"]["diagnostics"][0]["code"], "V401", "{d}");
    // Out of range: an error, and the server answers the next request.
    s.send(&json!({"jsonrpc": "2.0", "id": 2, "method": "textDocument/hover",
        "params": {"textDocument": {"uri": a}, "position": {"line": 1000, "character": 0}}}));
    assert_eq!(s.until(|f| f["id"] == 2)["error"]["code"], -32602);
    s.send(&json!({"jsonrpc": "2.0", "id": 3, "method": "textDocument/definition",
        "params": {"textDocument": {"uri": a}, "position": {"line": 2, "character": 3}}}));
    assert_eq!(s.until(|f| f["id"] == 3)["result"]["uri"], uri(&dir.path().join("b.md")));

    s.send(&json!({"jsonrpc": "2.0", "id": 4, "method": "shutdown"}));
    assert_eq!(s.until(|f| f["id"] == 4)["result"], Value::Null);
    s.send(&json!({"jsonrpc": "2.0", "method": "exit"}));
    let status = s.child.wait().expect("exits");
    assert!(status.success(), "{status:?}");
}

/// `nvim`, or `None` (skip) when it is missing and `VELLUM_E2E` does not require it.
fn nvim() -> Option<std::path::PathBuf> {
    let found = std::env::var_os("PATH")
        .and_then(|path| std::env::split_paths(&path).map(|d| d.join("nvim")).find(|p| p.is_file()));
    if found.is_none() {
        assert!(
            std::env::var("VELLUM_E2E").as_deref() != Ok("1"),
            "VELLUM_E2E=1 but `nvim` is not on PATH (apt-get install neovim)"
        );
        eprintln!("skipped: `nvim` is not on PATH");
    }
    found
}

/// Neovim's own LSP client (0.7: `start_client` + `buf_attach_client`) opens a
/// note with a broken link, waits for the diagnostics and writes them out.
const INIT_LUA: &str = r#"
local vault = os.getenv('VELLUM_VAULT')
local out = os.getenv('VELLUM_NVIM_OUT')
local id = vim.lsp.start_client({ name = 'vellum', cmd = { os.getenv('VELLUM_BIN'), 'lsp' }, root_dir = vault })
vim.cmd('edit ' .. vim.fn.fnameescape(vault .. '/note.md'))
vim.lsp.buf_attach_client(0, id)
local ok = vim.wait(20000, function() return #vim.diagnostic.get(0) > 0 end, 50)
local lines = {}
if ok then
  for _, d in ipairs(vim.diagnostic.get(0)) do
    table.insert(lines, string.format('%s %d:%d %s', tostring(d.code), d.lnum, d.col, d.source or ''))
  end
else
  lines = { 'timeout' }
end
vim.fn.writefile(lines, out)
vim.cmd('qa!')
"#;

#[test]
fn neovim_shows_the_diagnostic_of_a_broken_link() {
    let Some(nvim) = nvim() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let vault = dir.path().join("vault");
    std::fs::create_dir_all(vault.join(".obsidian")).expect("mkdir");
    std::fs::write(vault.join("note.md"), "# Note\n\nSee [[other#Missing heading]].\n").expect("write");
    std::fs::write(vault.join("other.md"), "# Other\n").expect("write");
    let init = dir.path().join("init.lua");
    std::fs::write(&init, INIT_LUA).expect("write");
    let out = dir.path().join("diagnostics.txt");
    let status = Command::new(nvim)
        .args(["--headless", "-n", "-i", "NONE", "-u"])
        .arg(&init)
        .env("VELLUM_VAULT", &vault)
        .env("VELLUM_NVIM_OUT", &out)
        .env("VELLUM_BIN", env!("CARGO_BIN_EXE_vellum"))
        .env("XDG_STATE_HOME", dir.path())
        .env("XDG_DATA_HOME", dir.path())
        .env("XDG_CONFIG_HOME", dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("run nvim");
    assert!(status.success(), "{status:?}");
    let written = std::fs::read_to_string(&out).expect("nvim wrote the diagnostics");
    assert_eq!(written.trim(), "V401 2:4 vellum", "{written}");
}
