//! `plimsoll lsp`: a language server over standard input and output, giving editors the findings
//! `plimsoll lint` gives, at the same places, while the text is typed.
//!
//! The transport and message types are rust-analyzer's (`lsp-server`, `lsp-types`): a small
//! synchronous scaffold, maintained with rust-analyzer, with no async runtime to carry. Messages
//! are read on lsp-server's reader thread; everything else happens on this one thread, in order:
//!
//! - `initialize` negotiates the position encoding (UTF-8 when the client offers it, UTF-16
//!   otherwise) and reads [`workspace::Options`]; each workspace folder gets its linter
//!   ([`workspace::Folder`]), configured as the CLI configures it, rebuilt when a `.plimsoll.yaml`
//!   or a policy file changes (`workspace/didChangeWatchedFiles`, or a save of the file).
//! - Each workspace folder's saved manifests are read when it is added
//!   ([`workspace::Folder::read_manifests`]); a YAML or JSON file that changes or is saved is read
//!   again alone ([`workspace::Folder::manifest_changed`]). An open document is linted within them
//!   (CRD schemas, inventory, Gatekeeper inventory), its current text replacing its saved one.
//! - Opened and saved documents are linted at once; changed ones after a quiet period
//!   (`debounceMs`), so that typing lints once per pause, not once per key.
//! - Diagnostics ([`diagnostics`]) are published per document, with the findings' related
//!   locations; code actions ([`actions`]) and hovers read the findings of the document's current
//!   text (a pending lint is done first), and each code action's edit is linted before it is
//!   offered.
//!
//! Messages that arrived together are handled as a batch: a `$/cancelRequest` in it cancels the
//! requests of the batch it names (answered with `RequestCancelled`). A request that lints
//! (code actions check each edit by linting its result) looks for its cancellation between lints,
//! among the messages that arrived meanwhile ([`Server::cancelled`]). A panic while handling one
//! message is caught; that request gets an error and the server goes on. Closed documents are
//! dropped with their findings: memory follows the open documents, not the edits.

mod actions;
mod diagnostics;
mod text;
mod workspace;

use crate::error::CliError;
use crossbeam_channel::RecvTimeoutError;
use diagnostics::RulePages;
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{self as notif, Notification as _};
use lsp_types::request::{self as req, Request as _};
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOptions, CodeActionParams, CodeActionProviderCapability, CodeActionResponse,
    Diagnostic, DidChangeTextDocumentParams, DidChangeWatchedFilesParams, DidChangeWatchedFilesRegistrationOptions,
    DidChangeWorkspaceFoldersParams, DidCloseTextDocumentParams, DidOpenTextDocumentParams, DidSaveTextDocumentParams,
    FileSystemWatcher, GlobPattern, HoverParams, HoverProviderCapability, InitializeParams, MessageType,
    PositionEncodingKind, PublishDiagnosticsParams, Registration, RegistrationParams, SaveOptions, ServerCapabilities,
    ServerInfo, TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions, TextDocumentSyncSaveOptions,
    TextEdit, Url, WorkspaceEdit, WorkspaceFoldersServerCapabilities, WorkspaceServerCapabilities,
};
use plimsoll_core::config::FILE_NAME;
use plimsoll_core::{Finding, Report};
use std::collections::{HashMap, HashSet, VecDeque};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use text::{Encoding, Text};
use workspace::{Folder, Options};

/// Whether a changed file may be a manifest of a workspace folder (its CRDs and inventory).
fn is_manifest_path(path: &str) -> bool {
    [".yaml", ".yml", ".json"].iter().any(|ext| path.ends_with(ext))
}

/// The most messages handled as one batch (the rest wait for the next).
const MAX_BATCH: usize = 256;

/// The most code actions checked (each one lint) for one request; the others are not offered.
const MAX_CHECKED_ACTIONS: usize = 24;

/// `plimsoll lsp`: serves until the client says `exit`. Exit code 0 after `shutdown`, 1 without.
pub fn run() -> Result<u8, CliError> {
    let (connection, io_threads) = Connection::stdio();
    let code = serve(connection)?;
    io_threads.join().map_err(|e| CliError::message(format!("language server I/O: {e}")))?;
    Ok(code)
}

fn serve(connection: Connection) -> Result<u8, CliError> {
    let protocol = |e: lsp_server::ProtocolError| CliError::message(format!("language server protocol: {e}"));
    let (id, params) = connection.initialize_start().map_err(protocol)?;
    let params: InitializeParams = serde_json::from_value(params)
        .map_err(|e| CliError::message(format!("language server: invalid initialize request: {e}")))?;
    let encoding = negotiate_encoding(&params);
    let watch_files = params
        .capabilities
        .workspace
        .as_ref()
        .and_then(|w| w.did_change_watched_files)
        .and_then(|w| w.dynamic_registration)
        .unwrap_or(false);
    let (options, options_problem) = Options::read(params.initialization_options.clone());
    let result = serde_json::json!({
        "capabilities": capabilities(encoding),
        "serverInfo": ServerInfo { name: "plimsoll".to_string(), version: Some(env!("CARGO_PKG_VERSION").to_string()) },
    });
    connection.initialize_finish(id, result).map_err(protocol)?;
    let mut server = Server::new(connection, encoding, options);
    if let Some(problem) = options_problem {
        server.log(MessageType::WARNING, &problem);
    }
    if watch_files {
        server.watch_configuration();
    }
    for root in workspace_roots(&params) {
        server.add_folder(root, true);
    }
    server.publish_config_problems();
    server.main_loop()
}

/// UTF-8 when the client offers it (no conversion needed), else UTF-16, the protocol's default.
fn negotiate_encoding(params: &InitializeParams) -> Encoding {
    let offered = params.capabilities.general.as_ref().and_then(|g| g.position_encodings.as_ref());
    match offered {
        Some(kinds) if kinds.contains(&PositionEncodingKind::UTF8) => Encoding::Utf8,
        _ => Encoding::Utf16,
    }
}

fn capabilities(encoding: Encoding) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(match encoding {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
        }),
        text_document_sync: Some(TextDocumentSyncCapability::Options(TextDocumentSyncOptions {
            open_close: Some(true),
            change: Some(TextDocumentSyncKind::INCREMENTAL),
            save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions { include_text: Some(false) })),
            ..TextDocumentSyncOptions::default()
        })),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..CodeActionOptions::default()
        })),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        workspace: Some(WorkspaceServerCapabilities {
            workspace_folders: Some(WorkspaceFoldersServerCapabilities {
                supported: Some(true),
                change_notifications: Some(lsp_types::OneOf::Left(true)),
            }),
            file_operations: None,
        }),
        ..ServerCapabilities::default()
    }
}

/// The workspace folders, or the root the client gave instead.
fn workspace_roots(params: &InitializeParams) -> Vec<PathBuf> {
    if let Some(folders) = &params.workspace_folders {
        return folders.iter().filter_map(|f| f.uri.to_file_path().ok()).collect();
    }
    #[allow(deprecated)]
    let root = params.root_uri.as_ref().and_then(|uri| uri.to_file_path().ok());
    root.into_iter().collect()
}

/// An open document.
struct Document {
    path: Option<PathBuf>,
    language: String,
    version: i32,
    text: Text,
    /// The findings of `text` as last linted (empty while a lint is due).
    findings: Vec<Finding>,
}

impl Document {
    /// Whether comments and block YAML may be written into it (not JSON).
    fn is_yaml(&self) -> bool {
        let json_name = self.path.as_ref().and_then(|p| p.extension()).is_some_and(|e| e == "json");
        !json_name && !self.language.starts_with("json") && !self.text.as_str().trim_start().starts_with('{')
    }

    /// Whether the document is one plimsoll reads (YAML or JSON, by language or file name).
    fn is_manifest_language(&self) -> bool {
        let by_name = self.path.as_deref().is_some_and(crate::walk::is_manifest);
        by_name || matches!(self.language.as_str(), "yaml" | "json" | "jsonc")
    }

    fn is_configuration(&self) -> bool {
        self.path.as_ref().and_then(|p| p.file_name()).is_some_and(|name| name == FILE_NAME)
    }
}

struct Server {
    connection: Connection,
    encoding: Encoding,
    options: Options,
    folders: Vec<Folder>,
    documents: HashMap<Url, Document>,
    /// Documents changed since they were last linted, and when to lint them.
    due: HashMap<Url, Instant>,
    /// Configuration files with problems shown, so that fixing them clears the diagnostics.
    config_diagnostics: HashSet<Url>,
    /// The pages of the rules that have one, made once.
    pages: RulePages,
    /// Messages received while a request was being handled, waiting for their turn.
    inbox: VecDeque<Message>,
    shutdown: bool,
}

impl Server {
    fn new(connection: Connection, encoding: Encoding, options: Options) -> Self {
        let documented = plimsoll_core::rules::builtin_rules().unwrap_or_default().into_iter().map(|rule| rule.id);
        Server {
            connection,
            encoding,
            pages: RulePages::new(&options.rule_docs_url, documented),
            options,
            folders: Vec::new(),
            documents: HashMap::new(),
            due: HashMap::new(),
            config_diagnostics: HashSet::new(),
            inbox: VecDeque::new(),
            shutdown: false,
        }
    }

    fn main_loop(&mut self) -> Result<u8, CliError> {
        loop {
            let next = self.due.values().min().copied();
            let received = match self.inbox.pop_front() {
                Some(message) => Ok(message),
                None => self.receive(next),
            };
            let first = match received {
                Ok(message) => message,
                Err(RecvTimeoutError::Timeout) => {
                    self.lint_due();
                    continue;
                }
                // The client went away without `exit`.
                Err(RecvTimeoutError::Disconnected) => return Ok(1),
            };
            let mut batch = vec![first];
            while batch.len() < MAX_BATCH {
                match self.inbox.pop_front().map_or_else(|| self.connection.receiver.try_recv().ok(), Some) {
                    Some(message) => batch.push(message),
                    None => break,
                }
            }
            if let Some(code) = self.handle_batch(batch) {
                return Ok(code);
            }
            self.lint_due();
        }
    }

    /// The next message, waiting until `until` at most (without it, until one comes).
    fn receive(&self, until: Option<Instant>) -> Result<Message, RecvTimeoutError> {
        match until {
            Some(when) => self.connection.receiver.recv_timeout(when.saturating_duration_since(Instant::now())),
            None => self.connection.receiver.recv().map_err(|_| RecvTimeoutError::Disconnected),
        }
    }

    /// Whether the client cancelled request `id` in a message that arrived while it was being
    /// handled. The messages received meanwhile wait in the inbox (the cancellation is taken out).
    fn cancelled(&mut self, id: &RequestId) -> bool {
        while self.inbox.len() < MAX_BATCH {
            match self.connection.receiver.try_recv() {
                Ok(message) => self.inbox.push_back(message),
                Err(_) => break,
            }
        }
        let at = self.inbox.iter().position(|m| cancel_target(m).as_ref() == Some(id));
        at.and_then(|at| self.inbox.remove(at)).is_some()
    }

    /// Handles messages in order, skipping the requests the batch cancels. Returns the exit code
    /// once the client says `exit`.
    fn handle_batch(&mut self, batch: Vec<Message>) -> Option<u8> {
        let cancelled: HashSet<RequestId> = batch.iter().filter_map(cancel_target).collect();
        for message in batch {
            match message {
                Message::Request(request) if cancelled.contains(&request.id) => {
                    self.respond_error(request.id, ErrorCode::RequestCanceled, "cancelled".to_string());
                }
                Message::Request(request) => self.guarded_request(request),
                Message::Notification(notification) if notification.method == notif::Exit::METHOD => {
                    return Some(if self.shutdown { 0 } else { 1 });
                }
                Message::Notification(notification) => self.guarded_notification(notification),
                Message::Response(_) => {}
            }
        }
        None
    }

    /// A request handled with panics caught: the panic becomes the request's error.
    fn guarded_request(&mut self, request: Request) {
        let id = request.id.clone();
        let method = request.method.clone();
        match catch_unwind(AssertUnwindSafe(|| self.handle_request(request))) {
            Ok(Ok(response)) => self.send(Message::Response(response)),
            Ok(Err(message)) => self.respond_error(id, ErrorCode::InvalidParams, message),
            Err(panic) => {
                let message = format!("{method} failed: {}", panic_text(&panic));
                self.log(MessageType::ERROR, &message);
                self.respond_error(id, ErrorCode::InternalError, message);
                self.renew_workers();
            }
        }
    }

    fn guarded_notification(&mut self, notification: Notification) {
        let method = notification.method.clone();
        if let Err(panic) = catch_unwind(AssertUnwindSafe(|| self.handle_notification(notification))) {
            self.log(MessageType::ERROR, &format!("{method} failed: {}", panic_text(&panic)));
            self.renew_workers();
        }
    }

    /// After a panic a worker may hold a half-done evaluation: each folder gets a fresh one.
    fn renew_workers(&mut self) {
        for folder in &mut self.folders {
            folder.renew_worker();
        }
    }

    fn handle_request(&mut self, request: Request) -> Result<Response, String> {
        let id = request.id.clone();
        match request.method.as_str() {
            req::Shutdown::METHOD => {
                self.shutdown = true;
                Ok(Response::new_ok(id, ()))
            }
            req::CodeActionRequest::METHOD => {
                let params: CodeActionParams = parse(request.params)?;
                Ok(match self.code_actions(params, &id) {
                    Some(actions) => Response::new_ok(id, actions),
                    None => Response::new_err(id, ErrorCode::RequestCanceled as i32, "cancelled".to_string()),
                })
            }
            req::HoverRequest::METHOD => {
                let params: HoverParams = parse(request.params)?;
                Ok(Response::new_ok(id, self.hover(params)))
            }
            #[cfg(debug_assertions)]
            "plimsoll/panic" => panic!("a request that panics, for the tests"),
            _ => Ok(Response::new_err(
                id,
                ErrorCode::MethodNotFound as i32,
                format!("unknown method {}", request.method),
            )),
        }
    }

    fn handle_notification(&mut self, notification: Notification) {
        let result = match notification.method.as_str() {
            notif::DidOpenTextDocument::METHOD => parse(notification.params).map(|p| self.did_open(p)),
            notif::DidChangeTextDocument::METHOD => parse(notification.params).map(|p| self.did_change(p)),
            notif::DidSaveTextDocument::METHOD => parse(notification.params).map(|p| self.did_save(p)),
            notif::DidCloseTextDocument::METHOD => parse(notification.params).map(|p| self.did_close(p)),
            notif::DidChangeWatchedFiles::METHOD => parse(notification.params).map(|p| self.files_changed(p)),
            notif::DidChangeWorkspaceFolders::METHOD => parse(notification.params).map(|p| self.folders_changed(p)),
            _ => Ok(()),
        };
        if let Err(message) = result {
            self.log(MessageType::WARNING, &format!("{}: {message}", notification.method));
        }
    }

    fn did_open(&mut self, params: DidOpenTextDocumentParams) {
        let item = params.text_document;
        let document = Document {
            path: item.uri.to_file_path().ok(),
            language: item.language_id,
            version: item.version,
            text: Text::new(item.text),
            findings: Vec::new(),
        };
        self.documents.insert(item.uri.clone(), document);
        self.lint(&item.uri);
    }

    fn did_change(&mut self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        let Some(document) = self.documents.get_mut(&uri) else { return };
        for change in params.content_changes {
            document.text.apply(change.range, &change.text, self.encoding);
        }
        document.version = params.text_document.version;
        document.findings.clear();
        let wait = Duration::from_millis(self.options.debounce_ms);
        self.due.insert(uri, Instant::now() + wait);
    }

    /// A saved configuration or policy reconfigures every folder; a saved manifest is taken into
    /// its folder's run (the other open documents are linted again when it changed there) and
    /// the document is linted at once.
    fn did_save(&mut self, params: DidSaveTextDocumentParams) {
        let uri = params.text_document.uri;
        let is_config = self.documents.get(&uri).is_some_and(Document::is_configuration)
            || uri.path().ends_with(&format!("/{FILE_NAME}"));
        if is_config || uri.path().ends_with(".rego") {
            self.reload_folders();
            return;
        }
        let path = uri.to_file_path().ok();
        if is_manifest_path(uri.path()) && path.as_deref().is_some_and(|p| self.manifest_changed(p)) {
            self.relint_all();
        } else if self.documents.contains_key(&uri) {
            self.due.remove(&uri);
            self.lint(&uri);
        }
    }

    fn did_close(&mut self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        self.documents.remove(&uri);
        self.due.remove(&uri);
        self.drop_unused_folders();
        if !self.config_diagnostics.contains(&uri) {
            self.publish(uri, Vec::new(), None);
        }
    }

    fn files_changed(&mut self, params: DidChangeWatchedFilesParams) {
        let configuration = params.changes.iter().any(|change| {
            let path = change.uri.path();
            path.ends_with(&format!("/{FILE_NAME}")) || path.ends_with(".rego")
        });
        if configuration {
            self.reload_folders();
            return;
        }
        let mut changed = false;
        for change in params.changes.iter().filter(|change| is_manifest_path(change.uri.path())) {
            if let Ok(path) = change.uri.to_file_path() {
                changed |= self.manifest_changed(&path);
            }
        }
        if changed {
            self.relint_all();
        }
    }

    /// Takes the saved text of a changed manifest into the workspace folders holding it. Returns
    /// whether some folder's manifests changed.
    fn manifest_changed(&mut self, path: &Path) -> bool {
        let mut changed = false;
        let mut notes = Vec::new();
        for folder in self.folders.iter_mut().filter(|f| f.in_workspace && path.starts_with(&f.root)) {
            let (folder_changed, note) = folder.manifest_changed(path);
            changed |= folder_changed;
            notes.extend(note);
        }
        for note in notes {
            self.log(MessageType::INFO, &note);
        }
        changed
    }

    fn folders_changed(&mut self, params: DidChangeWorkspaceFoldersParams) {
        let removed: Vec<PathBuf> = params.event.removed.iter().filter_map(|f| f.uri.to_file_path().ok()).collect();
        self.folders.retain(|folder| !removed.contains(&folder.root));
        for added in params.event.added.iter().filter_map(|f| f.uri.to_file_path().ok()) {
            self.add_folder(added, true);
        }
        self.publish_config_problems();
        self.relint_all();
    }

    /// Builds every folder's linter again (a configuration or policy changed), then lints every
    /// open document with it.
    fn reload_folders(&mut self) {
        let roots: Vec<(PathBuf, bool)> = self.folders.drain(..).map(|f| (f.root, f.in_workspace)).collect();
        for (root, in_workspace) in roots {
            self.add_folder(root, in_workspace);
        }
        self.publish_config_problems();
        self.relint_all();
    }

    /// Folders made for documents outside the workspace go when their last document closes.
    fn drop_unused_folders(&mut self) {
        let documents = &self.documents;
        let used =
            |folder: &Folder| documents.values().any(|d| d.path.as_ref().is_some_and(|p| p.starts_with(&folder.root)));
        self.folders.retain(|folder| folder.in_workspace || used(folder));
    }

    fn add_folder(&mut self, root: PathBuf, in_workspace: bool) {
        match Folder::load(root.clone(), &self.options) {
            Ok(mut folder) => {
                folder.in_workspace = in_workspace;
                if in_workspace {
                    if let Some(note) = folder.read_manifests() {
                        self.log(MessageType::INFO, &note);
                    }
                }
                self.folders.push(folder);
            }
            Err(message) => self.log(MessageType::ERROR, &format!("{}: cannot lint: {message}", root.display())),
        }
    }

    /// The folder a document belongs to: the deepest workspace folder holding it; for a document
    /// outside them all, a folder at its own directory (configured from there, as the CLI would be).
    fn folder_for(&mut self, path: Option<&Path>) -> Option<usize> {
        let holding = |folder: &Folder| path.is_some_and(|p| p.starts_with(&folder.root));
        let best =
            self.folders.iter().enumerate().filter(|(_, f)| holding(f)).max_by_key(|(_, f)| f.root.as_os_str().len());
        if let Some((index, _)) = best {
            return Some(index);
        }
        let dir = match path.and_then(Path::parent) {
            Some(dir) => dir.to_path_buf(),
            None if !self.folders.is_empty() => return Some(0),
            None => std::env::current_dir().ok()?,
        };
        let before = self.folders.len();
        self.add_folder(dir, false);
        self.publish_config_problems();
        // The new folder is last, when it could be made at all.
        (self.folders.len() > before).then_some(before)
    }

    fn relint_all(&mut self) {
        let uris: Vec<Url> = self.documents.keys().cloned().collect();
        for uri in uris {
            self.due.remove(&uri);
            self.lint(&uri);
        }
    }

    fn lint_due(&mut self) {
        let now = Instant::now();
        let ready: Vec<Url> = self.due.iter().filter(|(_, when)| **when <= now).map(|(uri, _)| uri.clone()).collect();
        for uri in ready {
            self.due.remove(&uri);
            self.lint(&uri);
        }
    }

    /// Lints a document now if a lint is due (before answering about its findings).
    fn lint_if_due(&mut self, uri: &Url) {
        if self.due.remove(uri).is_some() {
            self.lint(uri);
        }
    }

    /// Lints an open document and publishes its diagnostics; a panic while linting is logged and
    /// the folders get fresh workers (debounced lints run outside any message's guard).
    fn lint(&mut self, uri: &Url) {
        if let Err(panic) = catch_unwind(AssertUnwindSafe(|| self.lint_unguarded(uri))) {
            self.log(MessageType::ERROR, &format!("linting {uri} failed: {}", panic_text(&panic)));
            self.renew_workers();
        }
    }

    /// Templates, ignored paths and the configuration file itself get no manifest findings.
    fn lint_unguarded(&mut self, uri: &Url) {
        let Some(path) = self.documents.get(uri).map(|d| d.path.clone()) else { return };
        let Some(index) = self.folder_for(path.as_deref()) else { return };
        let Some(document) = self.documents.get_mut(uri) else { return };
        let Some(folder) = self.folders.get_mut(index) else { return };
        let skipped = document.is_configuration()
            || !document.is_manifest_language()
            || !workspace::may_hold_objects(document.text.as_str())
            || workspace::is_template(path.as_deref(), document.text.as_str())
            || path.as_deref().is_some_and(|p| folder.ignores(p));
        let name = path.as_deref().map_or_else(|| uri.to_string(), |p| folder.source_name(p));
        document.findings = if skipped {
            Vec::new()
        } else {
            Report::from_files(vec![folder.lint_in_folder(&name, document.text.as_str())]).findings
        };
        let places = diagnostics::Places::new(uri, &name, &document.text, folder, &document.findings);
        let diagnostics =
            document.findings.iter().map(|f| diagnostics::diagnostic(f, &places, self.encoding, &self.pages)).collect();
        let version = document.version;
        if !document.is_configuration() {
            self.publish(uri.clone(), diagnostics, Some(version));
        }
    }

    /// Problems of every folder's configuration on its file; files whose problems are fixed are
    /// cleared.
    fn publish_config_problems(&mut self) {
        let mut shown: HashMap<Url, Vec<Diagnostic>> = HashMap::new();
        for folder in &self.folders {
            let Some(path) = &folder.config_path else { continue };
            let Ok(uri) = Url::from_file_path(path) else { continue };
            let text = Text::new(std::fs::read_to_string(path).unwrap_or_default());
            let list = shown.entry(uri).or_default();
            for problem in &folder.problems {
                let diagnostic = diagnostics::config_diagnostic(problem, &text, self.encoding);
                if !list.contains(&diagnostic) {
                    list.push(diagnostic);
                }
            }
        }
        shown.retain(|_, list| !list.is_empty());
        let cleared: Vec<Url> =
            self.config_diagnostics.iter().filter(|uri| !shown.contains_key(uri)).cloned().collect();
        for uri in cleared {
            self.publish(uri, Vec::new(), None);
        }
        self.config_diagnostics = shown.keys().cloned().collect();
        for (uri, list) in shown {
            self.publish(uri, list, None);
        }
    }

    /// The code actions for the findings the range touches, each edit checked first: the text it
    /// makes is linted as the document is, and the action is offered only if its finding is gone
    /// and no loader finding came. `None` when the client cancelled the request meanwhile.
    fn code_actions(&mut self, params: CodeActionParams, id: &RequestId) -> Option<CodeActionResponse> {
        let uri = params.text_document.uri;
        if !asks_for_quick_fixes(params.context.only.as_deref()) {
            return Some(Vec::new());
        }
        self.lint_if_due(&uri);
        let Some(document) = self.documents.get(&uri) else { return Some(Vec::new()) };
        let start = document.text.offset(params.range.start, self.encoding) as u32;
        let end = document.text.offset(params.range.end, self.encoding) as u32;
        let touched: Vec<Finding> = document
            .findings
            .iter()
            .filter(|f| f.span.start.offset <= end && start <= f.span.end.offset)
            .cloned()
            .collect();
        if touched.is_empty() {
            return Some(Vec::new());
        }
        let (text, path, yaml) = (document.text.clone(), document.path.clone(), document.is_yaml());
        let problems = actions::loader_findings(&document.findings);
        let loaded = plimsoll_core::load(uri.as_str(), text.as_str());
        let offered =
            touched.iter().flat_map(|f| actions::for_finding(f, &text, &loaded, yaml).into_iter().map(move |a| (f, a)));
        let offered: Vec<_> = offered.take(MAX_CHECKED_ACTIONS).collect();
        let Some(index) = self.folder_for(path.as_deref()) else { return Some(Vec::new()) };
        let folder = &self.folders[index];
        let name = path.as_deref().map_or_else(|| uri.to_string(), |p| folder.source_name(p));
        let places = diagnostics::Places::new(&uri, &name, &text, folder, &touched);
        let diagnostics: Vec<Diagnostic> =
            touched.iter().map(|f| diagnostics::diagnostic(f, &places, self.encoding, &self.pages)).collect();
        let mut response = Vec::new();
        for (finding, action) in offered {
            if self.cancelled(id) {
                return None;
            }
            let fixed = actions::apply(text.as_str(), &action.edit);
            let after = self.folders[index].lint_in_folder(&name, &fixed).findings;
            if !actions::removes(finding, &after, problems) {
                continue;
            }
            let at = touched.iter().position(|f| std::ptr::eq(f, finding)).unwrap_or(0);
            let range = text.range(action.edit.start, action.edit.end, self.encoding);
            let changes = HashMap::from([(uri.clone(), vec![TextEdit { range, new_text: action.edit.new_text }])]);
            response.push(lsp_types::CodeActionOrCommand::CodeAction(CodeAction {
                title: action.title,
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: diagnostics.get(at).cloned().map(|d| vec![d]),
                edit: Some(WorkspaceEdit { changes: Some(changes), ..WorkspaceEdit::default() }),
                is_preferred: Some(action.preferred),
                ..CodeAction::default()
            }));
        }
        Some(response)
    }

    fn hover(&mut self, params: HoverParams) -> Option<lsp_types::Hover> {
        let uri = params.text_document_position_params.text_document.uri;
        self.lint_if_due(&uri);
        let path = self.documents.get(&uri)?.path.clone();
        let index = self.folder_for(path.as_deref())?;
        let document = self.documents.get(&uri)?;
        let position = params.text_document_position_params.position;
        diagnostics::hover(&document.findings, &self.folders[index], &document.text, position, self.encoding)
    }

    /// Asks the client to report changes of configuration and policy files.
    fn watch_configuration(&mut self) {
        let watchers = [format!("**/{FILE_NAME}"), "**/*.rego".to_string(), "**/*.{yaml,yml,json}".to_string()]
            .into_iter()
            .map(|glob| FileSystemWatcher { glob_pattern: GlobPattern::String(glob), kind: None })
            .collect();
        let options = DidChangeWatchedFilesRegistrationOptions { watchers };
        let registration = Registration {
            id: "plimsoll-configuration".to_string(),
            method: notif::DidChangeWatchedFiles::METHOD.to_string(),
            register_options: serde_json::to_value(options).ok(),
        };
        let params = RegistrationParams { registrations: vec![registration] };
        let request = Request::new(
            RequestId::from("register-watchers".to_string()),
            req::RegisterCapability::METHOD.to_string(),
            params,
        );
        self.send(Message::Request(request));
    }

    fn publish(&self, uri: Url, diagnostics: Vec<Diagnostic>, version: Option<i32>) {
        let params = PublishDiagnosticsParams { uri, diagnostics, version };
        self.send(Message::Notification(Notification::new(notif::PublishDiagnostics::METHOD.to_string(), params)));
    }

    fn log(&self, kind: MessageType, message: &str) {
        let params = lsp_types::LogMessageParams { typ: kind, message: format!("plimsoll: {message}") };
        self.send(Message::Notification(Notification::new(notif::LogMessage::METHOD.to_string(), params)));
    }

    fn respond_error(&self, id: RequestId, code: ErrorCode, message: String) {
        self.send(Message::Response(Response::new_err(id, code as i32, message)));
    }

    /// Sends a message; a client that has gone away is noticed by the receiving side.
    fn send(&self, message: Message) {
        let _ = self.connection.sender.send(message);
    }
}

/// Whether a code action request's `only` filter admits quick fixes (the only kind offered): a
/// kind admits its sub-kinds (`quickfix` is under `""` and `quickfix` itself).
fn asks_for_quick_fixes(only: Option<&[CodeActionKind]>) -> bool {
    let kind = CodeActionKind::QUICKFIX;
    let quickfix = kind.as_str();
    only.is_none_or(|kinds| {
        kinds
            .iter()
            .map(CodeActionKind::as_str)
            .any(|k| k.is_empty() || quickfix == k || quickfix.starts_with(&format!("{k}.")))
    })
}

/// The request a `$/cancelRequest` names.
fn cancel_target(message: &Message) -> Option<RequestId> {
    let Message::Notification(n) = message else { return None };
    if n.method != notif::Cancel::METHOD {
        return None;
    }
    let params: lsp_types::CancelParams = serde_json::from_value(n.params.clone()).ok()?;
    Some(match params.id {
        lsp_types::NumberOrString::Number(n) => RequestId::from(n),
        lsp_types::NumberOrString::String(s) => RequestId::from(s),
    })
}

fn parse<T: serde::de::DeserializeOwned>(params: serde_json::Value) -> Result<T, String> {
    serde_json::from_value(params).map_err(|e| format!("invalid parameters: {e}"))
}

fn panic_text(panic: &Box<dyn std::any::Any + Send>) -> String {
    match (panic.downcast_ref::<&str>(), panic.downcast_ref::<String>()) {
        (Some(text), _) => (*text).to_string(),
        (_, Some(text)) => text.clone(),
        _ => "a panic".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server() -> (Server, Connection) {
        let (server_side, client_side) = Connection::memory();
        (Server::new(server_side, Encoding::Utf16, Options::default()), client_side)
    }

    fn hover_request(id: i32) -> Message {
        let params =
            serde_json::json!({"textDocument": {"uri": "file:///a.yaml"}, "position": {"line": 0, "character": 0}});
        Message::Request(Request::new(RequestId::from(id), req::HoverRequest::METHOD.to_string(), params))
    }

    /// The next response the server sent (its log messages skipped).
    fn response(client: &Connection) -> Response {
        loop {
            match client.receiver.recv_timeout(Duration::from_secs(5)) {
                Ok(Message::Response(response)) => return response,
                Ok(Message::Notification(_)) => {}
                other => panic!("expected a response, got {other:?}"),
            }
        }
    }

    #[test]
    fn a_cancelled_request_is_answered_as_cancelled_and_the_others_are_served() {
        let (mut server, client) = server();
        let cancel = Notification::new(notif::Cancel::METHOD.to_string(), serde_json::json!({"id": 1}));
        assert_eq!(server.handle_batch(vec![hover_request(1), hover_request(2), Message::Notification(cancel)]), None);
        let first = response(&client);
        assert_eq!(
            (first.id, first.response_result.err().map(|e| e.code)),
            (RequestId::from(1), Some(ErrorCode::RequestCanceled as i32))
        );
        let second = response(&client);
        assert_eq!((second.id, second.response_result.is_ok()), (RequestId::from(2), true));
    }

    /// A server with a workspace folder holding an open Pod whose image line (line 7) has a finding.
    fn server_with_a_pod() -> (Server, Connection, tempfile::TempDir, Url) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join(".git")).unwrap();
        let uri = Url::from_file_path(dir.path().join("pod.yaml")).unwrap();
        let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\nspec:\n  containers:\n    - name: a\n      image: nginx:latest\n";
        let (mut server, client) = server();
        server.add_folder(dir.path().to_path_buf(), true);
        let open = serde_json::json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}});
        let open = Notification::new(notif::DidOpenTextDocument::METHOD.to_string(), open);
        server.handle_batch(vec![Message::Notification(open)]);
        (server, client, dir, uri)
    }

    /// A code action request on the Pod's image line, with the `only` filter given.
    fn code_action_request(id: i32, uri: &Url, only: Option<&[&str]>) -> Message {
        let line = |n: u32| serde_json::json!({"line": n, "character": 0});
        let params = serde_json::json!({
            "textDocument": {"uri": uri},
            "range": {"start": line(7), "end": line(8)},
            "context": {"diagnostics": [], "only": only},
        });
        Message::Request(Request::new(RequestId::from(id), req::CodeActionRequest::METHOD.to_string(), params))
    }

    fn titles(response: Response) -> Vec<String> {
        let actions: Vec<CodeAction> = serde_json::from_value(response.response_result.unwrap()).unwrap();
        actions.into_iter().map(|a| a.title).collect()
    }

    #[test]
    fn code_actions_follow_the_requested_kinds() {
        let (mut server, client, _dir, uri) = server_with_a_pod();
        for (only, offered) in [
            (None, true),
            (Some(&["quickfix"][..]), true),
            (Some(&[""][..]), true),
            (Some(&["source.fixAll", "refactor"][..]), false),
            (Some(&["quickfix.other"][..]), false),
        ] {
            server.handle_batch(vec![code_action_request(1, &uri, only)]);
            let titles = titles(response(&client));
            assert_eq!(
                titles.contains(&"Ignore images/latest-tag on this line".to_string()),
                offered,
                "{only:?}: {titles:?}"
            );
        }
    }

    /// A cancellation that arrives while code actions are being checked stops the request.
    #[test]
    fn a_request_cancelled_while_it_lints_is_answered_as_cancelled() {
        let (mut server, client, _dir, uri) = server_with_a_pod();
        let request = |id: i32| code_action_request(id, &uri, None);
        server.handle_batch(vec![request(4)]);
        assert!(titles(response(&client)).contains(&"Ignore images/latest-tag on this line".to_string()));

        // The cancellation is not in the request's batch: it comes while the request is handled.
        let cancel = Notification::new(notif::Cancel::METHOD.to_string(), serde_json::json!({"id": 5}));
        client.sender.send(Message::Notification(cancel)).unwrap();
        server.handle_batch(vec![request(5)]);
        let cancelled = response(&client);
        assert_eq!(
            (cancelled.id, cancelled.response_result.err().map(|e| e.code)),
            (RequestId::from(5), Some(ErrorCode::RequestCanceled as i32))
        );
        assert!(server.inbox.is_empty());
    }

    #[test]
    fn a_panic_fails_its_request_only() {
        let (mut server, client) = server();
        let panic =
            Message::Request(Request::new(RequestId::from(7), "plimsoll/panic".to_string(), serde_json::Value::Null));
        server.handle_batch(vec![panic, hover_request(8)]);
        let failed = response(&client);
        assert_eq!(
            (failed.id, failed.response_result.err().map(|e| e.code)),
            (RequestId::from(7), Some(ErrorCode::InternalError as i32))
        );
        let served = response(&client);
        assert_eq!((served.id, served.response_result.is_ok()), (RequestId::from(8), true));
    }

    #[test]
    fn exit_code_depends_on_shutdown() {
        let (mut server, _client) = server();
        let exit =
            || Message::Notification(Notification::new(notif::Exit::METHOD.to_string(), serde_json::Value::Null));
        assert_eq!(server.handle_batch(vec![exit()]), Some(1));
        let shutdown = Message::Request(Request::new(
            RequestId::from(1),
            req::Shutdown::METHOD.to_string(),
            serde_json::Value::Null,
        ));
        assert_eq!(server.handle_batch(vec![shutdown, exit()]), Some(0));
    }
}
