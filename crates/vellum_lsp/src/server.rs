//! The server loop: the handshake, then one message at a time on one thread
//! (the vault's own work runs in parallel inside `vellum_vault` and
//! `vellum_check`).
//!
//! Document sync is full-text (`TextDocumentSyncKind::Full`); ranged changes
//! are applied too, for clients that send them anyway. A request or
//! notification that names an unknown document, a position out of range or
//! malformed parameters gets an error in the protocol's terms (or, for a
//! notification, a log message) and the server goes on; a handler that
//! panics answers `InternalError` and the server keeps serving the editor.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use crossbeam_channel::{Sender, TryRecvError};
use lsp_server::{Connection, ErrorCode, Message, Notification, ProtocolError, Request, Response};
use lsp_types as lsp;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use vellum_vault::{NoteIdx, Texts};

use crate::diagnostics;
use crate::state::{DocRef, VaultState, Workspace};
use crate::{complete, navigate, refactor, uri};

/// How many files' diagnostics are published per idle moment while the
/// whole vault's are sent after start: requests are answered in between.
const PUBLISH_BATCH: usize = 256;

/// A request that failed, as the response error it becomes.
pub(crate) struct Failure {
    code: ErrorCode,
    message: String,
}

impl Failure {
    /// Valid parameters, but nothing to do them on (`RequestFailed`).
    pub(crate) fn failed(message: impl Into<String>) -> Self {
        Self { code: ErrorCode::RequestFailed, message: message.into() }
    }

    /// Parameters that do not fit the document (`InvalidParams`).
    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Self { code: ErrorCode::InvalidParams, message: message.into() }
    }
}

/// What a handler returns.
pub(crate) type Answer<T> = Result<T, Failure>;

/// The server's state between messages.
pub(crate) struct Server {
    sender: Sender<Message>,
    pub(crate) ws: Workspace,
    pub(crate) caps: lsp::ClientCapabilities,
    /// Whole-vault diagnostics not yet sent: `(vault, file)` in order, and
    /// their diagnostics (removed when a fresher publication overtakes them).
    queue: Vec<(usize, String)>,
    queued: FxHashMap<(usize, String), Vec<vellum_check::Diagnostic>>,
}

/// Serve one client over `connection` until it sends `exit` or hangs up.
///
/// # Errors
/// When the handshake fails or the connection breaks.
pub fn serve(connection: &Connection) -> Result<(), ProtocolError> {
    let (id, params) = connection.initialize_start()?;
    let params: lsp::InitializeParams = serde_json::from_value(params).unwrap_or_default();
    let result = json!({
        "capabilities": capabilities(),
        "serverInfo": {"name": "vellum", "version": env!("CARGO_PKG_VERSION")},
    });
    connection.initialize_finish(id, result)?;
    let mut server = Server {
        sender: connection.sender.clone(),
        ws: Workspace::default(),
        caps: params.capabilities.clone(),
        queue: Vec::new(),
        queued: FxHashMap::default(),
    };
    for folder in workspace_folders(&params) {
        server.open_vault_at(&folder);
    }
    server.watch_files();
    loop {
        let msg = match connection.receiver.try_recv() {
            Ok(m) => m,
            Err(TryRecvError::Disconnected) => return Ok(()),
            Err(TryRecvError::Empty) => {
                if server.publish_queued() {
                    continue;
                }
                match connection.receiver.recv() {
                    Ok(m) => m,
                    Err(_) => return Ok(()),
                }
            }
        };
        match msg {
            Message::Request(req) => {
                if connection.handle_shutdown(&req)? {
                    return Ok(());
                }
                let resp = server.request(req);
                server.send(Message::Response(resp));
            }
            Message::Notification(n) if n.method == "exit" => return Ok(()),
            Message::Notification(n) => server.notification(n),
            Message::Response(_) => {}
        }
    }
}

/// The folders named at start: the workspace folders, else the root URI.
fn workspace_folders(params: &lsp::InitializeParams) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> =
        params.workspace_folders.iter().flatten().filter_map(|f| uri::to_path(&f.uri)).collect();
    #[allow(deprecated, reason = "older clients name the workspace only by rootUri")]
    if out.is_empty()
        && let Some(p) = params.root_uri.as_ref().and_then(uri::to_path)
    {
        out.push(p);
    }
    out
}

/// What the server offers.
fn capabilities() -> Value {
    json!({
        "positionEncoding": "utf-16",
        "textDocumentSync": {"openClose": true, "change": 1, "save": {"includeText": false}},
        "completionProvider": {"triggerCharacters": ["[", "#", "^", "!", "|"], "resolveProvider": false},
        "definitionProvider": true,
        "referencesProvider": true,
        "hoverProvider": true,
        "documentSymbolProvider": true,
        "workspaceSymbolProvider": true,
        "documentLinkProvider": {"resolveProvider": false},
        "inlayHintProvider": true,
        "renameProvider": {"prepareProvider": true},
        "codeActionProvider": {"codeActionKinds": ["quickfix", "source.fixAll"]},
        "diagnosticProvider": {"identifier": "vellum", "interFileDependencies": true, "workspaceDiagnostics": false},
        "workspace": {
            "workspaceFolders": {"supported": true, "changeNotifications": true},
            "fileOperations": {
                "didCreate": {"filters": [{"pattern": {"glob": "**/*.md"}}]},
                "didRename": {"filters": [{"pattern": {"glob": "**/*"}}]},
                "didDelete": {"filters": [{"pattern": {"glob": "**/*"}}]},
            },
        },
    })
}

fn params<P: DeserializeOwned>(value: Value) -> Answer<P> {
    serde_json::from_value(value).map_err(|e| Failure::invalid(format!("invalid parameters: {e}")))
}

impl Server {
    fn send(&self, msg: Message) {
        // The client is gone when this fails; the loop ends at the next receive.
        let _ = self.sender.send(msg);
    }

    fn notify(&self, method: &str, params: impl Serialize) {
        self.send(Message::Notification(Notification::new(method.to_owned(), params)));
    }

    /// A `window/logMessage` (2: warning, 3: info).
    pub(crate) fn log(&self, kind: u8, message: impl Into<String>) {
        self.notify("window/logMessage", json!({"type": kind, "message": message.into()}));
    }

    fn request(&mut self, req: Request) -> Response {
        let id = req.id.clone();
        let method = req.method.clone();
        let outcome = catch_unwind(AssertUnwindSafe(|| self.dispatch(&req.method, req.params)));
        match outcome {
            Ok(Some(Ok(value))) => Response::new_ok(id, value),
            Ok(Some(Err(f))) => Response::new_err(id, f.code as i32, f.message),
            Ok(None) => Response::new_err(
                id,
                ErrorCode::MethodNotFound as i32,
                format!("vellum does not handle `{method}`"),
            ),
            Err(_) => Response::new_err(
                id,
                ErrorCode::InternalError as i32,
                format!("vellum failed on `{method}`; it keeps running"),
            ),
        }
    }

    /// Run a request; `None` for a method the server does not know.
    fn dispatch(&mut self, method: &str, p: Value) -> Option<Answer<Value>> {
        fn out<T: Serialize>(a: Answer<T>) -> Answer<Value> {
            a.and_then(|v| serde_json::to_value(v).map_err(|e| Failure::failed(e.to_string())))
        }
        Some(match method {
            "textDocument/completion" => out(params(p).and_then(|p| complete::completion(self, &p))),
            "textDocument/definition" => out(params(p).and_then(|p| navigate::definition(self, &p))),
            "textDocument/references" => out(params(p).and_then(|p| navigate::references(self, &p))),
            "textDocument/hover" => out(params(p).and_then(|p| navigate::hover(self, &p))),
            "textDocument/documentSymbol" => {
                out(params(p).and_then(|p| navigate::document_symbols(self, &p)))
            }
            "workspace/symbol" => out(params(p).and_then(|p| navigate::workspace_symbols(self, &p))),
            "textDocument/documentLink" => out(params(p).and_then(|p| navigate::document_links(self, &p))),
            "textDocument/inlayHint" => out(params(p).and_then(|p| navigate::inlay_hints(self, &p))),
            "textDocument/prepareRename" => out(params(p).and_then(|p| refactor::prepare_rename(self, &p))),
            "textDocument/rename" => out(params(p).and_then(|p| refactor::rename(self, &p))),
            "textDocument/codeAction" => out(params(p).and_then(|p| refactor::code_actions(self, &p))),
            "textDocument/diagnostic" => out(params(p).and_then(|p| self.pull_diagnostics(&p))),
            _ => return None,
        })
    }

    fn notification(&mut self, n: Notification) {
        let method = n.method.clone();
        let outcome = catch_unwind(AssertUnwindSafe(|| self.on_notification(&n.method, n.params)));
        match outcome {
            Ok(Ok(())) => {}
            Ok(Err(f)) => self.log(2, format!("vellum: `{method}`: {}", f.message)),
            Err(_) => self.log(1, format!("vellum failed on `{method}`; it keeps running")),
        }
    }

    fn on_notification(&mut self, method: &str, p: Value) -> Answer<()> {
        match method {
            "textDocument/didOpen" => {
                let p: lsp::DidOpenTextDocumentParams = params(p)?;
                self.did_open(&p.text_document.uri, p.text_document.version, p.text_document.text)
            }
            "textDocument/didChange" => {
                let p: lsp::DidChangeTextDocumentParams = params(p)?;
                self.did_change(&p.text_document.uri, p.text_document.version, p.content_changes)
            }
            "textDocument/didClose" => {
                let p: lsp::DidCloseTextDocumentParams = params(p)?;
                self.did_close(&p.text_document.uri)
            }
            "workspace/didChangeWorkspaceFolders" => {
                let p: lsp::DidChangeWorkspaceFoldersParams = params(p)?;
                let before = self.ws.vaults.len();
                for f in &p.event.removed {
                    if let Some(path) = uri::to_path(&f.uri) {
                        let root = vellum_vault::find_root(&path).unwrap_or(path);
                        self.ws.vaults.retain(|v| v.root != root);
                    }
                }
                if self.ws.vaults.len() != before {
                    // Vault indices moved: queue the remaining vaults' diagnostics afresh.
                    self.queue.clear();
                    self.queued.clear();
                    for v in 0..self.ws.vaults.len() {
                        self.queue_vault(v);
                    }
                }
                for f in &p.event.added {
                    if let Some(path) = uri::to_path(&f.uri) {
                        self.open_vault_at(&path);
                    }
                }
                Ok(())
            }
            "workspace/didCreateFiles" | "workspace/didRenameFiles" | "workspace/didDeleteFiles" => {
                self.reload_all();
                Ok(())
            }
            "workspace/didChangeWatchedFiles" => {
                let p: lsp::DidChangeWatchedFilesParams = params(p)?;
                self.files_changed(&p.changes);
                Ok(())
            }
            // Saving changes nothing the server does not know (the buffer is the model).
            _ => Ok(()),
        }
    }

    // ---- vaults ----------------------------------------------------------

    /// Ask the editor to report file changes in the workspace (saves from
    /// other programs, `git pull`, files added or removed), when it can watch
    /// files for its servers; the answer needs no handling.
    fn watch_files(&self) {
        let dynamic = self
            .caps
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|d| d.dynamic_registration)
            .unwrap_or(false);
        if !dynamic {
            return;
        }
        let params = json!({"registrations": [{
            "id": "vellum-watch",
            "method": "workspace/didChangeWatchedFiles",
            "registerOptions": {"watchers": [{"globPattern": "**/*"}]},
        }]});
        let id = lsp_server::RequestId::from("vellum-watch".to_owned());
        self.send(Message::Request(Request::new(id, "client/registerCapability".to_owned(), params)));
    }

    /// Load the vault holding `folder` (found upward as the CLI finds it; the
    /// folder itself when nothing above is marked as a vault) unless loaded.
    fn open_vault_at(&mut self, folder: &Path) -> Option<usize> {
        let root = vellum_vault::find_root(folder).unwrap_or_else(|| folder.to_path_buf());
        if let Some(i) = self.ws.vaults.iter().position(|v| v.root == root) {
            return Some(i);
        }
        match vellum_vault::load_with(&root, Texts::Keep) {
            Ok(vault) => {
                self.ws.vaults.push(VaultState::new(root, vault));
                let i = self.ws.vaults.len() - 1;
                self.queue_vault(i);
                Some(i)
            }
            Err(e) => {
                self.log(2, format!("vellum: cannot open the vault `{}`: {e}", root.display()));
                None
            }
        }
    }

    /// Check the whole vault and queue its diagnostics for publication.
    fn queue_vault(&mut self, v: usize) {
        let Ok(all) = vellum_check::check(&self.ws.vaults[v].vault) else { return };
        let mut by_file: FxHashMap<String, Vec<vellum_check::Diagnostic>> = FxHashMap::default();
        for d in all {
            by_file.entry(d.file.clone()).or_default().push(d);
        }
        // Files that had diagnostics and have none now are published empty.
        let stale: Vec<String> =
            self.ws.vaults[v].published.keys().filter(|f| !by_file.contains_key(*f)).cloned().collect();
        for f in stale {
            by_file.insert(f, Vec::new());
        }
        let mut files: Vec<String> = by_file.keys().cloned().collect();
        files.sort();
        for f in files {
            if let Some(d) = by_file.remove(&f) {
                self.queue.push((v, f.clone()));
                self.queued.insert((v, f), d);
            }
        }
    }

    /// Publish a batch of queued diagnostics; whether there was any.
    fn publish_queued(&mut self) -> bool {
        if self.queue.is_empty() {
            return false;
        }
        let n = self.queue.len().min(PUBLISH_BATCH);
        let batch: Vec<(usize, String)> = self.queue.drain(..n).collect();
        for key in batch {
            if let Some(d) = self.queued.remove(&key) {
                self.publish_file(key.0, &key.1, &d);
            }
        }
        true
    }

    /// Load every vault again from disk, keeping the open buffers.
    fn reload_all(&mut self) {
        for v in 0..self.ws.vaults.len() {
            self.reload(v);
        }
    }

    /// Load vault `v` again from disk (files were added, moved or removed),
    /// put the open buffers back, and publish what changed.
    pub(crate) fn reload(&mut self, v: usize) {
        let root = self.ws.vaults[v].root.clone();
        let Ok(fresh) = vellum_vault::load_with(&root, Texts::Keep) else {
            self.log(2, format!("vellum: cannot reload the vault `{}`", root.display()));
            return;
        };
        let old = std::mem::replace(&mut self.ws.vaults[v], VaultState::new(root, fresh));
        let state = &mut self.ws.vaults[v];
        state.published = old.published;
        let mut buffers = Vec::new();
        for (path, version) in old.open {
            if let Some(i) = old.vault.note_by_path(&path)
                && let Some(idx) = state.vault.note_by_path(&path)
            {
                let text = old.vault.notes[i].text.as_kept().unwrap_or("").to_owned();
                if !state.vault.notes[idx].text.is(&text) {
                    buffers.push((idx, text));
                }
                state.open.insert(path, version);
            }
        }
        if !buffers.is_empty() && state.vault.replace_texts(buffers).is_none() {
            self.log(2, "vellum: could not apply the open buffers after reloading");
        }
        self.queue_vault(v);
    }

    fn files_changed(&mut self, changes: &[lsp::FileEvent]) {
        let mut reload: FxHashSet<usize> = FxHashSet::default();
        for c in changes {
            let Some((v, rel)) = self.ws.locate(&c.uri) else { continue };
            if self.ws.vaults[v].open.contains_key(&rel) {
                continue;
            }
            match (c.typ, self.ws.vaults[v].vault.note_by_path(&rel)) {
                (lsp::FileChangeType::CHANGED, Some(idx)) => {
                    let path = self.ws.vaults[v].root.join(&rel);
                    match std::fs::read_to_string(&path) {
                        Ok(text) => self.replace(DocRef { vault: v, note: idx }, text),
                        Err(_) => {
                            reload.insert(v);
                        }
                    }
                }
                _ => {
                    reload.insert(v);
                }
            }
        }
        for v in reload {
            self.reload(v);
        }
    }

    // ---- documents -------------------------------------------------------

    fn did_open(&mut self, uri: &lsp::Uri, version: i32, text: String) -> Answer<()> {
        // A note outside every workspace folder: its vault, when a folder above
        // it is marked as one (a lone Markdown file loads nothing).
        let located = self.ws.locate(uri).or_else(|| {
            let path = uri::to_path(uri)?;
            let root = vellum_vault::find_root(path.parent()?)?;
            let v = self.open_vault_at(&root)?;
            Some((v, self.ws.vaults[v].relative(&path)?))
        });
        let Some((v, rel)) = located else { return Ok(()) };
        if self.ws.vaults[v].vault.note_by_path(&rel).is_none() {
            // A note the vault does not know yet (created since it loaded).
            self.reload(v);
        }
        let Some(idx) = self.ws.vaults[v].vault.note_by_path(&rel) else { return Ok(()) };
        let state = &mut self.ws.vaults[v];
        state.open.insert(state.vault.notes[idx].path.clone(), version);
        let doc = DocRef { vault: v, note: idx };
        if state.vault.notes[idx].text.is(&text) {
            self.publish_notes(v, &[idx]);
        } else {
            self.replace(doc, text);
        }
        Ok(())
    }

    fn did_change(
        &mut self,
        uri: &lsp::Uri,
        version: i32,
        changes: Vec<lsp::TextDocumentContentChangeEvent>,
    ) -> Answer<()> {
        let Some(doc) = self.ws.doc(uri) else {
            return Err(Failure::invalid(format!("`{}` is not an open note", uri.as_str())));
        };
        let state = &self.ws.vaults[doc.vault];
        let path = state.vault.notes[doc.note].path.clone();
        if !state.open.contains_key(&path) {
            return Err(Failure::invalid(format!("`{path}` changed before it was opened; ignored")));
        }
        let mut text = state.text(doc.note).to_owned();
        for c in changes {
            match c.range {
                None => text = c.text,
                Some(range) => {
                    let map = crate::position::LineMap::new(&text);
                    let span = map.span(&text, range).ok_or_else(|| {
                        Failure::invalid(format!("`{path}`: a change outside the document"))
                    })?;
                    text.replace_range(span.range(), &c.text);
                }
            }
        }
        self.ws.vaults[doc.vault].open.insert(path, version);
        self.replace(doc, text);
        Ok(())
    }

    fn did_close(&mut self, uri: &lsp::Uri) -> Answer<()> {
        let Some(doc) = self.ws.doc(uri) else { return Ok(()) };
        let state = &mut self.ws.vaults[doc.vault];
        let path = state.vault.notes[doc.note].path.clone();
        state.open.remove(&path);
        // The buffer may close unsaved: the model goes back to the file.
        match std::fs::read_to_string(state.root.join(&path)) {
            Ok(text) if !state.vault.notes[doc.note].text.is(&text) => self.replace(doc, text),
            Ok(_) => {}
            Err(_) => self.reload(doc.vault),
        }
        Ok(())
    }

    /// Put `text` in place of note `doc`'s and publish the diagnostics that
    /// change: the note's own, and those of the notes that link to it when
    /// what they can link to (title, headings, block ids, aliases, draft,
    /// `note_id`) changed.
    fn replace(&mut self, doc: DocRef, text: String) {
        let v = doc.vault;
        if text.len() as u64 > vellum_vault::load::MAX_NOTE_BYTES {
            let state = &self.ws.vaults[v];
            let path = state.vault.notes[doc.note].path.clone();
            let d = vellum_check::Diagnostic::new(
                vellum_check::Code::TooLarge,
                &path,
                None,
                format!(
                    "the buffer is over {} MiB; vellum does not check it",
                    vellum_vault::load::MAX_NOTE_BYTES >> 20
                ),
            );
            self.publish_file(v, &path, &[d]);
            return;
        }
        let state = &mut self.ws.vaults[v];
        let before = diagnostics::Exposed::of(&state.vault, doc.note);
        let linking_before: Vec<NoteIdx> = state.vault.backlinks(doc.note).iter().map(|&(s, _)| s).collect();
        let Some(changed) = state.vault.replace_texts(vec![(doc.note, text.clone())]) else {
            // Aliases that take part in resolution changed: rebuild with the buffers.
            let path = state.vault.notes[doc.note].path.clone();
            self.reload(v);
            if let Some(idx) = self.ws.vaults[v].vault.note_by_path(&path)
                && self.ws.vaults[v].vault.replace_texts(vec![(idx, text)]).is_some()
            {
                self.publish_notes(v, &[idx]);
            }
            return;
        };
        state.edited();
        let after = diagnostics::Exposed::of(&state.vault, doc.note);
        let mut notes: Vec<NoteIdx> = vec![doc.note];
        notes.extend(changed);
        if before != after {
            notes.extend(linking_before);
            notes.extend(state.vault.backlinks(doc.note).iter().map(|&(s, _)| s));
            notes.extend(before.same_note_id(&state.vault).chain(after.same_note_id(&state.vault)));
        }
        notes.sort_unstable();
        notes.dedup();
        self.publish_notes(v, &notes);
    }

    /// Check `notes` and publish their diagnostics where they changed.
    pub(crate) fn publish_notes(&mut self, v: usize, notes: &[NoteIdx]) {
        let state = &self.ws.vaults[v];
        let Ok(found) = vellum_check::check_notes(&state.vault, notes) else { return };
        let mut by_file: FxHashMap<String, Vec<vellum_check::Diagnostic>> =
            notes.iter().map(|&i| (state.vault.notes[i].path.clone(), Vec::new())).collect();
        for d in found {
            by_file.entry(d.file.clone()).or_default().push(d);
        }
        let mut files: Vec<(String, Vec<vellum_check::Diagnostic>)> = by_file.into_iter().collect();
        files.sort_by(|a, b| a.0.cmp(&b.0));
        for (file, d) in files {
            self.queued.remove(&(v, file.clone()));
            self.publish_file(v, &file, &d);
        }
    }

    /// Publish one file's diagnostics unless they are what was last published.
    fn publish_file(&mut self, v: usize, file: &str, found: &[vellum_check::Diagnostic]) {
        let Some(state) = self.ws.vaults.get(v) else { return };
        let converted = diagnostics::to_lsp(state, file, found);
        if state.published.get(file).map_or(converted.is_empty(), |p| *p == converted) {
            return;
        }
        let Some(uri) = state.uri_of(file) else { return };
        let version = state.open.get(file).copied();
        self.notify(
            "textDocument/publishDiagnostics",
            lsp::PublishDiagnosticsParams { uri, diagnostics: converted.clone(), version },
        );
        let state = &mut self.ws.vaults[v];
        if converted.is_empty() {
            state.published.remove(file);
        } else {
            state.published.insert(file.to_owned(), converted);
        }
    }

    fn pull_diagnostics(
        &mut self,
        p: &lsp::DocumentDiagnosticParams,
    ) -> Answer<lsp::DocumentDiagnosticReportResult> {
        let doc = self.doc(&p.text_document.uri)?;
        let state = &self.ws.vaults[doc.vault];
        let found = vellum_check::check_notes(&state.vault, &[doc.note])
            .map_err(|e| Failure::failed(e.to_string()))?;
        let items = diagnostics::to_lsp(state, &state.vault.notes[doc.note].path, &found);
        Ok(lsp::DocumentDiagnosticReportResult::Report(lsp::DocumentDiagnosticReport::Full(
            lsp::RelatedFullDocumentDiagnosticReport {
                related_documents: None,
                full_document_diagnostic_report: lsp::FullDocumentDiagnosticReport { result_id: None, items },
            },
        )))
    }

    /// The note a request names, or the error saying it is not one.
    pub(crate) fn doc(&self, uri: &lsp::Uri) -> Answer<DocRef> {
        self.ws
            .doc(uri)
            .ok_or_else(|| Failure::invalid(format!("`{}` is not a note of an open vault", uri.as_str())))
    }
}
