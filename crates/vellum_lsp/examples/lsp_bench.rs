//! Benchmark client for `vellum lsp` (run by `bench/lsp.sh`): starts the
//! server on a vault and measures, as an editor sees them,
//!
//! - ready: from spawning the server to the first diagnostics of a note opened
//!   right after `initialize`;
//! - didChange → publishDiagnostics, median over `EDITS` edits of one note;
//! - completion after `[[` and after `[[` plus two letters, median;
//! - rename of the note with the number of linking notes closest to 100, from
//!   the request to the workspace edit, median;
//! - the server's resident and peak memory (`/proc/PID/status`) at the end.
//!
//! Usage: `lsp_bench VELLUM_BINARY VAULT [EDITS]`. Prints `key value` lines.

use std::io::{BufReader, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use lsp_server::{Message, Notification, Request, RequestId};
use serde_json::{Value, json};
use vellum_lsp::position::LineMap;

type Error = Box<dyn std::error::Error>;

struct Client {
    stdin: std::process::ChildStdin,
    rx: mpsc::Receiver<Message>,
    next: i32,
}

impl Client {
    fn send(&mut self, msg: Message) -> Result<(), Error> {
        msg.write(&mut self.stdin)?;
        self.stdin.flush()?;
        Ok(())
    }

    fn notify(&mut self, method: &str, params: Value) -> Result<(), Error> {
        self.send(Message::Notification(Notification::new(method.to_owned(), params)))
    }

    fn request(&mut self, method: &str, params: Value) -> Result<Value, Error> {
        self.next += 1;
        let id = RequestId::from(self.next);
        self.send(Message::Request(Request::new(id.clone(), method.to_owned(), params)))?;
        loop {
            if let Message::Response(r) = self.rx.recv_timeout(Duration::from_secs(120))?
                && r.id == id
            {
                return r.response_result.map_err(|e| e.message.into());
            }
        }
    }

    /// Wait for diagnostics of `uri` (with `version`, when given).
    fn diagnostics(&mut self, uri: &str, version: Option<i32>) -> Result<(), Error> {
        loop {
            if let Message::Notification(n) = self.rx.recv_timeout(Duration::from_secs(120))?
                && n.method == "textDocument/publishDiagnostics"
                && n.params["uri"] == uri
                && version.is_none_or(|v| n.params["version"] == v)
            {
                return Ok(());
            }
        }
    }
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v.get(v.len() / 2).copied().unwrap_or_default()
}

fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

fn uri(p: &Path) -> Result<String, Error> {
    Ok(vellum_lsp::uri::from_path(p).ok_or("path is not UTF-8")?.as_str().to_owned())
}

fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(bin), Some(vault)) = (args.get(1), args.get(2)) else {
        return Err("usage: lsp_bench VELLUM_BINARY VAULT [EDITS]".into());
    };
    let edits: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(50);
    let root = std::fs::canonicalize(vault)?;

    // What to open and what to rename, chosen from the vault (before the server starts).
    let model = vellum_vault::load(&root)?;
    let opened = (0..model.notes.len())
        .max_by_key(|&i| (model.notes[i].note.links.len().min(30), std::cmp::Reverse(i)))
        .ok_or("empty vault")?;
    let renamed = (0..model.notes.len())
        .min_by_key(|&i| {
            let mut linking: Vec<usize> = model.backlinks(i).iter().map(|&(s, _)| s).collect();
            linking.dedup();
            linking.len().abs_diff(100)
        })
        .ok_or("empty vault")?;
    let mut linking: Vec<usize> = model.backlinks(renamed).iter().map(|&(s, _)| s).collect();
    linking.sort_unstable();
    linking.dedup();
    let opened_path: PathBuf = root.join(&model.notes[opened].path);
    let renamed_path: PathBuf = root.join(&model.notes[renamed].path);
    let renamed_text = model.notes[renamed].text.as_kept().unwrap_or("").to_owned();
    let h1 = model.notes[renamed].note.h1().map(|h| h.span);
    let base = model.notes[opened].text.as_kept().unwrap_or("").to_owned();
    drop(model);

    let started = Instant::now();
    let mut child = Command::new(bin)
        .arg("lsp")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()?;
    let pid = child.id();
    let stdin = child.stdin.take().ok_or("stdin")?;
    let stdout = child.stdout.take().ok_or("stdout")?;
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut r = BufReader::new(stdout);
        while let Ok(Some(m)) = Message::read(&mut r) {
            if tx.send(m).is_err() {
                return;
            }
        }
    });
    let mut c = Client { stdin, rx, next: 0 };
    let caps = json!({"workspace": {"workspaceEdit": {"documentChanges": true, "resourceOperations": ["create", "rename"]}}});
    let root_uri = uri(&root)?;
    c.request(
        "initialize",
        json!({"capabilities": caps, "rootUri": root_uri,
        "workspaceFolders": [{"uri": root_uri, "name": "bench"}]}),
    )?;
    c.notify("initialized", json!({}))?;
    let doc = uri(&opened_path)?;
    // An unwritten link makes sure the opened note has a diagnostic to publish.
    let text = format!("{base}\n[[Bench unwritten 0]]\n");
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument":
        {"uri": doc, "languageId": "markdown", "version": 1, "text": text}}),
    )?;
    c.diagnostics(&doc, Some(1))?;
    let ready = started.elapsed();
    println!("notes_opened_path {}", opened_path.display());
    println!("ready_ms {}", ms(ready));

    // didChange → diagnostics: each edit renames the unwritten link, so the
    // diagnostics change and are published.
    let mut times = Vec::new();
    for i in 0..edits {
        let version = i32::try_from(i + 2)?;
        let text = format!("{base}\n[[Bench unwritten {version}]]\n");
        let t = Instant::now();
        c.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": doc, "version": version},
            "contentChanges": [{"text": text}]}),
        )?;
        c.diagnostics(&doc, Some(version))?;
        times.push(t.elapsed());
    }
    println!("did_change_median_ms {}", ms(median(times.clone())));
    println!("did_change_max_ms {}", ms(times.iter().max().copied().unwrap_or_default()));

    // Completion after `[[` (every note) and after `[[` + two letters.
    let mut version = i32::try_from(edits + 2)?;
    for (label, typed) in [("completion_empty", ""), ("completion_typed", "th")] {
        version += 1;
        let text = format!("{base}\n[[{typed}");
        c.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": doc, "version": version},
            "contentChanges": [{"text": text}]}),
        )?;
        let map = LineMap::new(&text);
        let end = map.position(&text, text.len());
        let mut times = Vec::new();
        let mut count = 0;
        for _ in 0..30 {
            let t = Instant::now();
            let r = c.request(
                "textDocument/completion",
                json!({"textDocument": {"uri": doc},
                "position": {"line": end.line, "character": end.character}}),
            )?;
            times.push(t.elapsed());
            count = r["items"].as_array().map_or(0, Vec::len);
        }
        println!("{label}_median_ms {}", ms(median(times)));
        println!("{label}_items {count}");
    }

    // Rename the note with about 100 linking notes, from its H1.
    let span = h1.ok_or("the renamed note has no H1")?;
    let map = LineMap::new(&renamed_text);
    let at = map.position(&renamed_text, span.start + 2);
    let mut times = Vec::new();
    let mut files = 0;
    for _ in 0..5 {
        let t = Instant::now();
        let r = c.request(
            "textDocument/rename",
            json!({"textDocument": {"uri": uri(&renamed_path)?},
            "position": {"line": at.line, "character": at.character}, "newName": "Renamed by the benchmark"}),
        )?;
        times.push(t.elapsed());
        files = r["documentChanges"].as_array().map_or(0, Vec::len);
    }
    println!("rename_linking_notes {}", linking.len());
    println!("rename_operations {files}");
    println!("rename_median_ms {}", ms(median(times)));

    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    for key in ["VmRSS", "VmHWM"] {
        if let Some(line) = status.lines().find(|l| l.starts_with(key)) {
            let kb: u64 = line.split_whitespace().nth(1).and_then(|v| v.parse().ok()).unwrap_or(0);
            println!("server_{}_mb {}", key.to_lowercase(), kb / 1024);
        }
    }
    c.request("shutdown", Value::Null)?;
    c.notify("exit", Value::Null)?;
    child.wait()?;
    Ok(())
}
