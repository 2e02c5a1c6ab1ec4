//! Helm charts and Kustomize kustomizations among the linted paths: which to render, which files
//! are theirs (never linted raw), and running the renderers.
//!
//! Flow: [`discover`] looks at the paths given (directories walked as [`crate::walk`] does, files
//! named directly) and returns a [`Plan`]: the chart and kustomization roots to render and the
//! files the walk must leave out (everything under a chart; the files a rendered kustomization
//! includes). [`run::render_all`] renders each root once, in parallel, giving core
//! [`RenderedSource`](plimsoll_core::render::RenderedSource)s to lint and `render/*` findings for
//! what could not be rendered. While linting and after, core's `render::Placing` places the
//! findings in the files the user edits, reading them through [`FileCache`] (members of packaged
//! subcharts from their archives, [`archive`]).

pub mod archive;
pub mod run;

use crate::config_file::normalize;
use plimsoll_core::load::parse_yaml_value;
use serde_json::Value;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use walkdir::WalkDir;

/// The names a kustomization file may have, in kustomize's order of preference.
pub const KUSTOMIZATION_FILES: &[&str] = &["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// What to render, and what not to lint raw.
#[derive(Debug, Default)]
pub struct Plan {
    /// Chart directories, as the user's paths name them.
    pub charts: Vec<PathBuf>,
    /// Kustomization directories to render: those no other one uses, and those named directly.
    pub kustomizations: Vec<PathBuf>,
    /// Chart roots (absolute, normalized): no file under them is linted raw.
    chart_roots: Vec<PathBuf>,
    /// Files a rendered kustomization includes (absolute, normalized).
    included: HashSet<PathBuf>,
    /// The working directory, which relative paths are under.
    cwd: PathBuf,
}

impl Plan {
    /// Whether the walk leaves `path` out: a chart's file or a file a kustomization renders.
    pub fn owns(&self, path: &Path) -> bool {
        if self.chart_roots.is_empty() && self.included.is_empty() {
            return false;
        }
        let absolute = if path.is_absolute() { normalize(path) } else { normalize(&self.cwd.join(path)) };
        self.chart_roots.iter().any(|root| absolute.starts_with(root)) || self.included.contains(&absolute)
    }
}

/// Finds the charts and kustomizations of `paths` (see the module documentation).
pub fn discover(paths: &[PathBuf]) -> Plan {
    let mut charts = Found::default();
    let mut kustomizations = Found::default();
    let mut named_kustomizations = Found::default();
    let mut touched = Found::default();
    for path in paths {
        if path.as_os_str() == "-" {
            continue;
        }
        if path.is_dir() {
            if is_chart(path) || chart_root_above(path).is_some() {
                charts.push(chart_root_above(path).unwrap_or_else(|| path.clone()));
                continue;
            }
            if kustomization_file(path).is_some() {
                named_kustomizations.push(path.clone());
            }
            walk_roots(path, &mut charts, &mut kustomizations);
        } else if path.is_file() {
            named_file(path, &mut charts, &mut touched);
        }
    }
    for user in users_of(&touched.paths) {
        kustomizations.push(user);
    }
    let mut plan = Plan { cwd: cwd(), ..Plan::default() };
    let all: Vec<PathBuf> = kustomizations.paths.iter().chain(&named_kustomizations.paths).cloned().collect();
    let graph = Graph::read(&all);
    let mut rendered = Found::default();
    for dir in &kustomizations.paths {
        if !graph.used.contains(&absolute(dir)) {
            rendered.push(dir.clone());
        }
    }
    for dir in named_kustomizations.paths {
        rendered.push(dir);
    }
    plan.kustomizations = rendered.paths;
    plan.included = graph.included;
    plan.chart_roots = charts.paths.iter().map(|c| absolute(c)).collect();
    plan.charts = charts.paths;
    plan
}

/// Directories in the order found, each once however it is written.
#[derive(Default)]
struct Found {
    paths: Vec<PathBuf>,
    absolute: HashSet<PathBuf>,
}

impl Found {
    fn push(&mut self, path: PathBuf) {
        if self.absolute.insert(absolute(&path)) {
            self.paths.push(path);
        }
    }
}

/// Charts and kustomizations under a directory, in walk order; nothing below a chart is searched
/// (its `charts/` holds its subcharts).
fn walk_roots(root: &Path, charts: &mut Found, kustomizations: &mut Found) {
    let mut walker = WalkDir::new(root).sort_by_file_name().into_iter();
    while let Some(Ok(entry)) = walker.next() {
        if !entry.file_type().is_dir() {
            continue;
        }
        let hidden = entry.depth() > 0 && entry.file_name().to_string_lossy().starts_with('.');
        if hidden {
            walker.skip_current_dir();
            continue;
        }
        let dir = entry.path();
        if is_chart(dir) {
            charts.push(dir.to_path_buf());
            walker.skip_current_dir();
        } else if kustomization_file(dir).is_some() {
            kustomizations.push(dir.to_path_buf());
        }
    }
}

/// The kustomizations to render for kustomizations whose files were named (a pre-commit hook names
/// the changed files): those under the working directory that no other one uses and that use one
/// of them, directly or not; one outside the working directory is rendered itself.
fn users_of(touched: &[PathBuf]) -> Vec<PathBuf> {
    if touched.is_empty() {
        return Vec::new();
    }
    let (mut charts, mut all) = (Found::default(), Found::default());
    walk_roots(Path::new("."), &mut charts, &mut all);
    let used = Graph::read(&all.paths).used;
    let touched_absolute: HashSet<PathBuf> = touched.iter().map(|t| absolute(t)).collect();
    let mut users = Vec::new();
    let mut reached: HashSet<PathBuf> = HashSet::new();
    for top in all.paths.iter().filter(|k| !used.contains(&absolute(k))) {
        let mut reach = Graph::read(std::slice::from_ref(top)).used;
        reach.insert(absolute(top));
        if reach.iter().any(|k| touched_absolute.contains(k)) {
            reached.extend(reach);
            users.push(top.clone());
        }
    }
    users.extend(touched.iter().filter(|t| !reached.contains(&absolute(t))).cloned());
    users
}

/// A file named on the command line (as a pre-commit hook names changed files): a chart's file
/// renders its chart; a kustomization file, or a file a kustomization beside or above it includes,
/// makes that kustomization touched ([`users_of`] picks what to render).
fn named_file(path: &Path, charts: &mut Found, kustomizations: &mut Found) {
    if let Some(chart) = chart_root_above(path) {
        charts.push(chart);
        return;
    }
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let is_kustomization_file =
        path.file_name().and_then(|n| n.to_str()).is_some_and(|n| KUSTOMIZATION_FILES.contains(&n));
    if is_kustomization_file {
        kustomizations.push(if dir.as_os_str().is_empty() { PathBuf::from(".") } else { dir });
        return;
    }
    let target = absolute(path);
    for ancestor in path.ancestors().skip(1).take(4) {
        let ancestor = if ancestor.as_os_str().is_empty() { Path::new(".") } else { ancestor };
        if kustomization_file(ancestor).is_some() {
            let graph = Graph::read(&[ancestor.to_path_buf()]);
            if graph.included.contains(&target) {
                kustomizations.push(ancestor.to_path_buf());
            }
            return;
        }
    }
}

/// Whether `dir` is a Helm chart: it holds a `Chart.yaml`.
pub(crate) fn is_chart(dir: &Path) -> bool {
    dir.join("Chart.yaml").is_file()
}

/// The outermost chart holding `path` (a subchart's file belongs to its parent chart), looking a
/// few directories up.
fn chart_root_above(path: &Path) -> Option<PathBuf> {
    let mut found = None;
    for ancestor in path.ancestors().take(8) {
        let dir = if ancestor.as_os_str().is_empty() { Path::new(".") } else { ancestor };
        if dir.is_dir() && is_chart(dir) {
            found = Some(dir.to_path_buf());
        }
    }
    found
}

/// The kustomization file of a directory, if it has one.
pub fn kustomization_file(dir: &Path) -> Option<PathBuf> {
    KUSTOMIZATION_FILES.iter().map(|name| dir.join(name)).find(|file| file.is_file())
}

/// The kustomizations reachable from some roots: which are used by another, which files they
/// include.
#[derive(Default)]
struct Graph {
    used: HashSet<PathBuf>,
    included: HashSet<PathBuf>,
}

impl Graph {
    fn read(roots: &[PathBuf]) -> Graph {
        let mut graph = Graph::default();
        let mut seen: BTreeSet<PathBuf> = BTreeSet::new();
        let mut pending: Vec<PathBuf> = roots.iter().map(|r| absolute(r)).collect();
        while let Some(dir) = pending.pop() {
            if !seen.insert(dir.clone()) || seen.len() > 10_000 {
                continue;
            }
            let Some(file) = kustomization_file(&dir) else { continue };
            let Some(value) = std::fs::read_to_string(&file).ok().and_then(|t| parse_yaml_value(&t).ok().flatten())
            else {
                continue;
            };
            for reference in references(&value) {
                let target = normalize(&dir.join(reference));
                if target.is_dir() {
                    graph.used.insert(target.clone());
                    pending.push(target);
                } else {
                    graph.included.insert(target);
                }
            }
        }
        graph
    }
}

/// The local paths a kustomization names: resources, bases, components, patch files, CRDs,
/// generator files, replacement files. Remote references are not paths.
fn references(kustomization: &Value) -> Vec<String> {
    let mut found = Vec::new();
    let strings = |value: Option<&Value>| -> Vec<String> {
        value.and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).map(str::to_string).collect()
    };
    for key in ["resources", "bases", "components", "crds", "patchesStrategicMerge", "configurations"] {
        found.extend(strings(kustomization.get(key)).into_iter().filter(|s| !s.contains('\n')));
    }
    for key in ["patches", "patchesJson6902", "replacements"] {
        for entry in kustomization.get(key).and_then(Value::as_array).into_iter().flatten() {
            found.extend(entry.get("path").and_then(Value::as_str).map(str::to_string));
        }
    }
    for key in ["configMapGenerator", "secretGenerator"] {
        for entry in kustomization.get(key).and_then(Value::as_array).into_iter().flatten() {
            for list in ["files", "envs"] {
                // `files` entries may be `key=path`.
                found.extend(
                    strings(entry.get(list)).into_iter().map(|s| s.rsplit('=').next().unwrap_or("").to_string()),
                );
            }
            found.extend(entry.get("env").and_then(Value::as_str).map(str::to_string));
        }
    }
    found.retain(|reference| !reference.is_empty() && !is_remote(reference));
    found
}

/// A kustomize reference to something fetched over the network.
fn is_remote(reference: &str) -> bool {
    reference.contains("://") || reference.starts_with("github.com/") || reference.starts_with("git@")
}

/// `path` made absolute and without `.` and `..` (symbolic links taken as written).
pub fn absolute(path: &Path) -> PathBuf {
    let joined = if path.is_absolute() { path.to_path_buf() } else { cwd().join(path) };
    normalize(&joined)
}

fn cwd() -> PathBuf {
    std::env::current_dir().unwrap_or_default()
}

/// A path as reports name files: relative to the working directory when under it.
pub fn display(path: &Path) -> String {
    display_under(&absolute(path), &normalize(&cwd()))
}

/// [`display`] for an absolute, normalized path, the working directory given (normalized).
pub fn display_under(absolute: &Path, cwd: &Path) -> String {
    match absolute.strip_prefix(cwd) {
        Ok(relative) if !relative.as_os_str().is_empty() => relative.to_string_lossy().into_owned(),
        Ok(_) => ".".to_string(),
        Err(_) => absolute.to_string_lossy().into_owned(),
    }
}

/// Files read while placing findings, by the name reports give them; each read once.
#[derive(Default)]
pub struct FileCache {
    texts: Mutex<HashMap<String, Option<Arc<str>>>>,
}

impl FileCache {
    pub fn read(&self, name: &str) -> Option<Arc<str>> {
        let mut texts = self.texts.lock().ok()?;
        let read = || std::fs::read_to_string(name).ok().or_else(|| archive::read_member(name)).map(Arc::from);
        texts.entry(name.to_string()).or_insert_with(read).clone()
    }

    /// Every file read, for reports that show source lines.
    pub fn texts(&self) -> HashMap<String, Arc<str>> {
        let texts = self.texts.lock().map(|t| t.clone()).unwrap_or_default();
        texts.into_iter().filter_map(|(name, text)| text.map(|t| (name, t))).collect()
    }
}

/// `dir/name` as reports name files (`name` alone in the working directory).
pub fn join_display(dir: &str, name: &str) -> String {
    match dir {
        "" | "." => name.to_string(),
        _ => format!("{}/{name}", dir.trim_end_matches('/')),
    }
}
