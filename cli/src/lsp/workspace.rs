//! Workspace folders and the linter each one lints with, configured as `plimsoll lint` run from
//! the folder would be: the nearest `.plimsoll.yaml` (found as the CLI finds it), the user
//! policies, data and CRDs it names, and the paths the editor adds through `initializationOptions`
//! ([`Options`]). Building goes through the CLI's own loading code
//! ([`crate::commands::build_linter`]).
//!
//! A configuration that cannot be read or built is not fatal: its problems become diagnostics on
//! the configuration file ([`ConfigProblem`]) and the folder is linted as if there were no
//! configuration file (and, if the editor's extra paths fail too, with the defaults).
//!
//! A folder also holds its saved manifests, the rest of the run an open document is linted in
//! ([`Folder::lint_in_folder`]). What does not change from one keystroke to the next is made when
//! they are read, not per lint: the linter knowing the schemas of their CRDs, and one worker (a
//! worker's engine is a copy of the compiled program). A changed file is read alone
//! ([`Folder::manifest_changed`]); the folder is walked again only when it is added or its
//! configuration changes.

use crate::args::{Cli, Command, LintArgs};
use crate::commands;
use crate::config_file::{self, LoadError, Loaded};
use crate::error::CliError;
use crate::walk;
use clap::Parser;
use plimsoll_core::{FileReport, Linter, RuleMeta, Worker};
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// What the editor may set in `initializationOptions` (every key optional).
#[derive(Debug, Clone, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Options {
    /// The rule page linked from each diagnostic (`codeDescription`): `{rule}` is replaced by the
    /// rule ID (`security-context/privileged`), `{category}` and `{name}` by its two halves.
    pub rule_docs_url: String,
    /// How long after the last change a document is linted again, in milliseconds.
    pub debounce_ms: u64,
    /// More policy files or folders (as `--policy`), relative to the workspace folder.
    pub policies: Vec<PathBuf>,
    /// More data files for user policies (as `--data`).
    pub data: Vec<PathBuf>,
    /// More CRD files or schema folders (as `--crd`).
    pub crds: Vec<PathBuf>,
    /// Rules to turn on or off on top of the configuration file (as `--enable` / `--disable`).
    pub enable: Vec<String>,
    pub disable: Vec<String>,
}

/// The rule pages in the repository's documentation.
pub const DEFAULT_RULE_DOCS_URL: &str = "https://github.com/plimsoll-lint/plimsoll/blob/main/docs/rules/{rule}.md";

impl Default for Options {
    fn default() -> Self {
        Options {
            rule_docs_url: DEFAULT_RULE_DOCS_URL.to_string(),
            debounce_ms: 150,
            policies: Vec::new(),
            data: Vec::new(),
            crds: Vec::new(),
            enable: Vec::new(),
            disable: Vec::new(),
        }
    }
}

impl Options {
    /// The options the editor sent; unreadable options are the defaults, and the reason.
    pub fn read(value: Option<serde_json::Value>) -> (Options, Option<String>) {
        match value {
            None | Some(serde_json::Value::Null) => (Options::default(), None),
            Some(value) => match serde_json::from_value(value) {
                Ok(options) => (options, None),
                Err(error) => (Options::default(), Some(format!("initializationOptions ignored: {error}"))),
            },
        }
    }

    /// The command line `plimsoll lint` would get for these options, paths resolved from `root`.
    fn lint_args(&self, root: &Path) -> Result<LintArgs, String> {
        let mut args = default_lint_args()?;
        let resolve = |paths: &[PathBuf]| paths.iter().map(|p| root.join(p)).collect::<Vec<_>>();
        args.policy = resolve(&self.policies);
        args.data = resolve(&self.data);
        args.crd = resolve(&self.crds);
        args.enable = self.enable.clone();
        args.disable = self.disable.clone();
        args.quiet = true;
        Ok(args)
    }
}

/// `plimsoll lint` without options.
fn default_lint_args() -> Result<LintArgs, String> {
    match Cli::try_parse_from(["plimsoll", "lint"]) {
        Ok(Cli { command: Command::Lint(args) }) => Ok(*args),
        Ok(_) => Err("`plimsoll lint` parsed as another command".to_string()),
        Err(error) => Err(error.to_string()),
    }
}

/// A mistake in a configuration: where (1-based line and character column; 1:1 when it is about
/// the file as a whole) and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigProblem {
    pub line: u32,
    pub column: u32,
    pub message: String,
}

/// A folder's linter, and the configuration file it came from.
pub struct Folder {
    pub root: PathBuf,
    /// The configuration file in use, or the one that failed.
    pub config_path: Option<PathBuf>,
    pub loaded: Option<Loaded>,
    pub linter: Linter,
    pub problems: Vec<ConfigProblem>,
    /// A workspace folder (kept while the workspace has it), not one made for a loose document.
    pub in_workspace: bool,
    /// The folder's saved manifests that may hold objects, `(name, text)` as named in findings,
    /// in the order `plimsoll lint` reads them: the rest of the run each open document is linted
    /// in (CRDs, inventory, Gatekeeper inventory). Read for workspace folders only
    /// ([`Folder::read_manifests`]).
    pub manifests: Vec<(String, String)>,
    /// Whether some manifests were left out of `manifests` (over the limits).
    truncated: bool,
    /// `linter` knowing the schemas of the CRDs among `manifests`.
    run_linter: Linter,
    /// A worker of `run_linter`, kept from lint to lint.
    worker: Worker,
}

/// The most manifests of a folder kept for cross-file inputs.
const MAX_MANIFESTS: usize = 2000;
/// Larger manifests are left out of cross-file inputs.
const MAX_MANIFEST_BYTES: usize = 1 << 20;

impl Folder {
    /// Finds and reads the folder's configuration and builds its linter.
    pub fn load(root: PathBuf, options: &Options) -> Result<Folder, String> {
        let args = options.lint_args(&root)?;
        let config_path = config_file::discover(&root).map(|(path, _)| path);
        let mut problems = Vec::new();
        let loaded = config_path.as_deref().and_then(|path| match config_file::load_file(path, &display(path)) {
            Ok(loaded) => Some(loaded),
            Err(error) => {
                problems.extend(load_problems(error));
                None
            }
        });
        let linter = match commands::build_linter(&args, loaded.as_ref()) {
            Ok(linter) => linter,
            Err(error) => {
                problems.push(ConfigProblem { line: 1, column: 1, message: plain_text(&error) });
                fallback_linter(&args)?
            }
        };
        let worker = linter.worker();
        Ok(Folder {
            root,
            config_path,
            loaded,
            run_linter: linter.clone(),
            linter,
            problems,
            in_workspace: false,
            manifests: Vec::new(),
            truncated: false,
            worker,
        })
    }

    /// Reads the folder's manifests again, as `plimsoll lint` run there finds them (ignored paths
    /// and chart templates left out), keeping at most `MAX_MANIFESTS` files of at most
    /// `MAX_MANIFEST_BYTES` each. Returns a note for the log when some were left out.
    pub fn read_manifests(&mut self) -> Option<String> {
        let collected = walk::collect_except(std::slice::from_ref(&self.root), &|path| self.ignores(path));
        let mut manifests = Vec::new();
        let mut left_out = 0usize;
        for source in collected.sources {
            let path = PathBuf::from(&source.name);
            if !may_hold_objects(&source.text) || is_template(Some(&path), &source.text) {
                continue;
            }
            if source.text.len() > MAX_MANIFEST_BYTES || manifests.len() >= MAX_MANIFESTS {
                left_out += 1;
                continue;
            }
            manifests.push((self.source_name(&path), source.text));
        }
        self.manifests = manifests;
        self.truncated = left_out > 0;
        self.learn_crds();
        (left_out > 0).then(|| {
            format!(
                "{}: {left_out} manifests left out of CRDs and inventory (at most {MAX_MANIFESTS} files of at most {} KiB are read)",
                self.root.display(),
                MAX_MANIFEST_BYTES / 1024
            )
        })
    }

    /// Takes in the saved text of one file that was created, changed or deleted: its entry in
    /// `manifests` is replaced, added or removed, as reading the whole folder again would do.
    /// Returns whether `manifests` changed, and a note for the log when the folder had to be read
    /// again as a whole (it was over the limits).
    pub fn manifest_changed(&mut self, path: &Path) -> (bool, Option<String>) {
        let Ok(relative) = path.strip_prefix(&self.root) else { return (false, None) };
        if !self.in_workspace || !walk::is_manifest(path) || in_hidden_directory(relative) {
            return (false, None);
        }
        let text = std::fs::read(path).ok().and_then(|bytes| String::from_utf8(bytes).ok());
        let text = text.filter(|t| !self.ignores(path) && may_hold_objects(t) && !is_template(Some(path), t));
        let name = self.source_name(path);
        let at = self.manifests.binary_search_by(|(n, _)| Path::new(n).cmp(Path::new(&name)));
        let too_many = at.is_err() && self.manifests.len() >= MAX_MANIFESTS;
        if self.truncated || too_many || text.as_ref().is_some_and(|t| t.len() > MAX_MANIFEST_BYTES) {
            let note = self.read_manifests();
            return (true, note);
        }
        let before = at.ok().map(|i| self.manifests[i].1.as_str());
        if before == text.as_deref() {
            return (false, None);
        }
        let crds = before.is_some_and(holds_crd) || text.as_deref().is_some_and(holds_crd);
        match (at, text) {
            (Ok(i), Some(text)) => self.manifests[i].1 = text,
            (Ok(i), None) => drop(self.manifests.remove(i)),
            (Err(i), Some(text)) => self.manifests.insert(i, (name, text)),
            (Err(_), None) => {}
        }
        if crds {
            self.learn_crds();
        }
        (true, None)
    }

    /// The run linter made again from the manifests' CRDs, with a fresh worker.
    fn learn_crds(&mut self) {
        let texts = self.manifests.iter().map(|(n, t)| (n.as_str(), t.as_str()));
        self.run_linter = self.linter.with_crds_from(texts);
        self.renew_worker();
    }

    /// A fresh worker (after a panic, the old one may hold a half-done evaluation).
    pub fn renew_worker(&mut self) {
        self.worker = self.run_linter.worker();
    }

    /// Lints an open document's current text within the folder's saved manifests, its own saved
    /// text replaced by `text`: what `plimsoll lint` run in the folder reports for that file.
    ///
    /// The kept linter and worker serve unless the document holds a CRD now or in its saved text
    /// (then the run's schemas depend on the text being typed) or Gatekeeper constraints are
    /// configured (their inventory is the run's objects, the document's among them): those lints
    /// are made from scratch.
    pub fn lint_in_folder(&mut self, name: &str, text: &str) -> FileReport {
        let others: Vec<(&str, &str)> =
            self.manifests.iter().filter(|(n, _)| n != name).map(|(n, t)| (n.as_str(), t.as_str())).collect();
        let saved_crd = self.manifests.iter().any(|(n, t)| n == name && holds_crd(t));
        if holds_crd(text) || saved_crd || self.linter.gatekeeper_counts() != (0, 0) {
            return self.linter.lint_source_in_run(name, text, &others);
        }
        let inventory = self.run_linter.run_inventory(others.into_iter().chain([(name, text)]));
        self.worker.lint_in_run(name, text, inventory)
    }

    /// Whether the configuration's `ignore_paths` covers `path`.
    pub fn ignores(&self, path: &Path) -> bool {
        self.loaded.as_ref().is_some_and(|loaded| loaded.ignores(path))
    }

    /// A source's name in findings: relative to the folder, as `plimsoll lint` run there names it.
    pub fn source_name(&self, path: &Path) -> String {
        path.strip_prefix(&self.root).unwrap_or(path).display().to_string()
    }

    pub fn rule(&self, id: &str) -> Option<&RuleMeta> {
        self.linter.catalog().iter().find(|rule| rule.id == id)
    }
}

/// The linter without the configuration file; without the editor's extra paths too if those fail.
fn fallback_linter(args: &LintArgs) -> Result<Linter, String> {
    match commands::build_linter(args, None) {
        Ok(linter) => Ok(linter),
        Err(_) => commands::build_linter(&default_lint_args()?, None).map_err(|error| plain_text(&error)),
    }
}

fn load_problems(error: LoadError) -> Vec<ConfigProblem> {
    match error {
        LoadError::Read { message, .. } => vec![ConfigProblem { line: 1, column: 1, message }],
        LoadError::Invalid(errors) => errors
            .0
            .into_iter()
            .map(|e| {
                let message = match &e.help {
                    Some(help) => format!("{}\n{help}", e.message),
                    None => e.message.clone(),
                };
                ConfigProblem { line: e.line.max(1), column: e.column.max(1), message }
            })
            .collect(),
    }
}

/// A CLI error as plain lines (no terminal styling): the message, and the help where there is one.
pub fn plain_text(error: &CliError) -> String {
    match error {
        CliError::Message(message) => message.clone(),
        CliError::Paths(errors) => {
            errors.iter().map(|e| format!("{}: {}", e.path, e.message)).collect::<Vec<_>>().join("\n")
        }
        CliError::Diagnostics(reports) => reports
            .iter()
            .map(|report| match report.help() {
                Some(help) => format!("{report}\n{help}"),
                None => report.to_string(),
            })
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

fn display(path: &Path) -> String {
    path.display().to_string()
}

/// Whether a text may define a CustomResourceDefinition (the word core looks for, too).
fn holds_crd(text: &str) -> bool {
    text.contains("CustomResourceDefinition")
}

/// Whether a path relative to a folder passes through a hidden directory, which the walk of the
/// folder skips (`.git`, `.github`).
fn in_hidden_directory(relative: &Path) -> bool {
    let parent = relative.parent().unwrap_or(Path::new(""));
    parent.components().any(|c| c.as_os_str().to_string_lossy().starts_with('.'))
}

/// Whether a file is a Helm chart's template (`templates/` beside a `Chart.yaml`) or holds
/// template actions where YAML has structure: such text is not YAML until rendered, so it is not
/// linted. Actions inside quoted or block strings (alert descriptions of a PrometheusRule) do
/// not count: those manifests are linted.
pub fn is_template(path: Option<&Path>, text: &str) -> bool {
    let structural = |line: &str| {
        let line = line.trim_start();
        line.starts_with("{{") || line.contains(": {{") || line.starts_with("- {{")
    };
    if text.contains("{{") && text.lines().any(structural) {
        return true;
    }
    let Some(path) = path else { return false };
    path.ancestors()
        .skip(1)
        .filter(|dir| dir.file_name().is_some_and(|name| name == "templates"))
        .any(|templates| templates.parent().is_some_and(crate::renderers::is_chart))
}

/// Whether a text may hold Kubernetes objects: some line names an `apiVersion` or a `kind`. Other
/// YAML and JSON (CI workflows, compose files, package manifests) is not the linter's business,
/// so not even its syntax errors are reported.
pub fn may_hold_objects(text: &str) -> bool {
    text.lines().any(|line| {
        let line = line.trim_start().trim_start_matches(['-', ' ', '{', '"']);
        line.starts_with("apiVersion") || line.starts_with("kind")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chart_templates_and_template_text_are_recognized() {
        let dir = tempfile::tempdir().unwrap();
        let chart = dir.path().join("chart");
        std::fs::create_dir_all(chart.join("templates/sub")).unwrap();
        std::fs::write(chart.join("Chart.yaml"), "name: c\n").unwrap();
        assert!(is_template(Some(&chart.join("templates/sub/deploy.yaml")), "kind: Pod\n"));
        assert!(!is_template(Some(&chart.join("values.yaml")), "replicas: 1\n"));
        assert!(!is_template(Some(&dir.path().join("templates/pod.yaml")), "kind: Pod\n"));
        assert!(is_template(None, "image: {{ .Values.image }}\n"));
        assert!(is_template(None, "metadata:\n{{- include \"labels\" . | nindent 2 }}\n"));
        assert!(!is_template(None, "description: \"{{ $labels.pod }} is down\"\nsummary: |\n  value {{ $value }}\n"));
    }

    #[test]
    fn only_texts_naming_an_api_version_or_kind_may_hold_objects() {
        assert!(may_hold_objects("apiVersion: v1\nkind: Pod\n"));
        assert!(may_hold_objects("items:\n  - kind: Pod\n"));
        assert!(may_hold_objects("{\"kind\": \"Pod\""));
        assert!(!may_hold_objects("services:\n  web: [\n"));
        assert!(!may_hold_objects("on: push\njobs: {}\n"));
    }

    const CRD: &str = "apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names: {kind: Widget, plural: widgets, singular: widget}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec: {type: object, properties: {size: {type: integer}}}
";

    fn service(name: &str, port: u32) -> String {
        format!("apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\nspec:\n  selector: {{app: web}}\n  ports:\n    - {{name: http, port: {port}}}\n")
    }

    const INGRESS: &str = "apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop
spec:
  defaultBackend:
    service: {name: web, port: {number: 8080}}
---
apiVersion: example.com/v1
kind: Widget
metadata:
  name: w
spec:
  size: large
";

    /// A workspace folder holding `files`, its manifests read.
    fn folder(files: &[(&str, &str)]) -> (tempfile::TempDir, Folder) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join(".git")).unwrap();
        for (name, text) in files {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let mut folder = Folder::load(dir.path().to_path_buf(), &Options::default()).unwrap();
        folder.in_workspace = true;
        assert_eq!(folder.read_manifests(), None);
        (dir, folder)
    }

    fn findings(report: FileReport) -> Vec<(String, u32, u32, String)> {
        let report = plimsoll_core::Report::from_files(vec![report]);
        report.findings.into_iter().map(|f| (f.rule, f.span.start.line, f.span.start.column, f.message)).collect()
    }

    /// The kept linter and worker give what linting the document within the folder from scratch gives,
    /// edit after edit: the other files' CRDs and objects, the document's own CRD while it is typed.
    #[test]
    fn kept_worker_lints_as_a_lint_from_scratch() {
        let (_dir, mut folder) =
            folder(&[("crds/widget.yaml", CRD), ("svc.yaml", &service("web", 80)), ("app.yaml", INGRESS)]);
        let texts = [
            INGRESS.to_string(),
            INGRESS.replace("8080", "80"),
            INGRESS.replace("large", "3"),
            format!("{INGRESS}---\n{}", CRD.replace("integer", "string")),
            INGRESS.replace("name: web", "name: api"),
        ];
        for text in &texts {
            let others: Vec<(&str, &str)> = folder
                .manifests
                .iter()
                .filter(|(n, _)| n != "app.yaml")
                .map(|(n, t)| (n.as_str(), t.as_str()))
                .collect();
            let scratch = findings(folder.linter.lint_source_in_run("app.yaml", text, &others));
            let kept = findings(folder.lint_in_folder("app.yaml", text));
            assert_eq!(kept, scratch, "{text}");
            assert!(!kept.is_empty());
        }
        let mut rules =
            |text: &str| findings(folder.lint_in_folder("app.yaml", text)).into_iter().map(|f| f.0).collect::<Vec<_>>();
        assert!(rules(&texts[0]).contains(&"references/ingress-service".to_string()));
        assert!(rules(&texts[0]).iter().any(|r| r.starts_with("schema/")));
        assert!(!rules(&texts[2]).iter().any(|r| r.starts_with("schema/")));
    }

    /// A changed file is taken in alone; the folder's manifests are then what reading the whole
    /// folder gives.
    #[test]
    fn a_changed_file_is_taken_in_as_a_new_walk_would() {
        let (dir, mut folder) = folder(&[("b.yaml", &service("b", 80)), ("d/c.yaml", &service("c", 80))]);
        let root = dir.path().to_path_buf();
        let steps: [(&str, Option<String>, bool); 8] = [
            ("a.yaml", Some(service("a", 80)), true),
            ("d/c.yaml", Some(service("c", 81)), true),
            ("d/c.yaml", Some(service("c", 81)), false),
            ("b.yaml", None, true),
            (".hidden/x.yaml", Some(service("x", 80)), false),
            ("ci.yaml", Some("on: push\n".to_string()), false),
            ("crds/widget.yaml", Some(CRD.to_string()), true),
            ("d/e/f.yml", Some(service("f", 80)), true),
        ];
        for (name, text, changes) in steps {
            let path = root.join(name);
            match &text {
                Some(text) => {
                    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                    std::fs::write(&path, text).unwrap();
                }
                None => std::fs::remove_file(&path).unwrap(),
            }
            assert_eq!(folder.manifest_changed(&path), (changes, None), "{name}");
            let (_, walked) = {
                let mut fresh = Folder::load(root.clone(), &Options::default()).unwrap();
                fresh.in_workspace = true;
                fresh.read_manifests();
                (fresh.truncated, fresh.manifests)
            };
            assert_eq!(folder.manifests, walked, "after {name}");
        }
        let widget = "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  size: large\n";
        assert!(findings(folder.lint_in_folder("w.yaml", widget)).iter().any(|f| f.0.starts_with("schema/")));
    }

    #[test]
    fn options_read_camel_case_and_fall_back_on_mistakes() {
        let (options, problem) = Options::read(Some(serde_json::json!({"debounceMs": 0, "policies": ["p"]})));
        assert_eq!((options.debounce_ms, options.policies, problem), (0, vec![PathBuf::from("p")], None));
        let (options, problem) = Options::read(Some(serde_json::json!({"debounceMs": "soon"})));
        assert_eq!(options.debounce_ms, 150);
        assert!(problem.is_some());
    }
}
