//! Running `helm template` and `kustomize build` (or `kubectl kustomize`), offline.
//!
//! Each render is one process, run in parallel with the others, with a time limit and with the
//! network closed to it: git may use no remote protocol and HTTP goes to a proxy that does not
//! exist, so a remote base or a chart dependency that must be downloaded fails at once. A failure
//! is a `render/error` finding at the chart's `Chart.yaml` or the `kustomization.yaml`; a renderer
//! that is not installed, a `render/unavailable` finding per chart or kustomization.

use super::{absolute, archive, display, kustomization_file, Plan};
use plimsoll_core::render::helm::ChartSources;
use plimsoll_core::render::{RenderedSource, RENDER_ERROR, RENDER_UNAVAILABLE};
use plimsoll_core::report::finding::Location;
use plimsoll_core::report::RelatedLocation;
use plimsoll_core::{Finding, Linter, Pos, Severity, Span};
use std::cell::RefCell;
use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Longest a renderer may run.
const TIME_LIMIT: Duration = Duration::from_secs(300);
/// Most bytes of renderer output read (a larger render is an error, not a crash).
const MAX_OUTPUT: u64 = 256 << 20;
/// An address nothing listens on: the renderers' HTTP goes there.
const NO_PROXY_HERE: &str = "http://127.0.0.1:9";

/// How to render: the tools and the charts' value sets.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `--helm` / `helm:`; else `helm` on PATH.
    pub helm: Option<PathBuf>,
    /// `--kustomize` / `kustomize:`; else `kustomize` on PATH, else `kubectl`.
    pub kustomize: Option<PathBuf>,
    /// The Kubernetes release charts are rendered for (`1.33`).
    pub kube_version: String,
    /// Configured renders (`charts:`), paths relative to the working directory.
    pub charts: Vec<ChartRender>,
    /// `--values` and `--set`, for the charts without configured renders.
    pub values: Vec<PathBuf>,
    pub set: Vec<String>,
}

/// One render of a chart.
#[derive(Debug, Clone, Default)]
pub struct ChartRender {
    pub path: PathBuf,
    pub name: Option<String>,
    pub release: Option<String>,
    pub namespace: Option<String>,
    pub values: Vec<PathBuf>,
    pub set: Vec<String>,
}

/// What rendering gave: sources to lint, and what could not be rendered.
#[derive(Default)]
pub struct Outcome {
    pub sources: Vec<RenderedSource>,
    pub failures: Vec<Failure>,
}

enum Job {
    Chart(ChartRender),
    Kustomization(PathBuf),
}

/// Renders every chart and kustomization of `plan`, in parallel, once each (a chart once per
/// value set).
pub fn render_all(plan: &Plan, options: &Options) -> Outcome {
    let mut jobs = Vec::new();
    for chart in &plan.charts {
        let configured: Vec<&ChartRender> =
            options.charts.iter().filter(|c| absolute(&c.path) == absolute(chart)).collect();
        if configured.is_empty() {
            let render = ChartRender {
                path: chart.clone(),
                values: options.values.clone(),
                set: options.set.clone(),
                ..ChartRender::default()
            };
            jobs.push(Job::Chart(render));
        } else {
            jobs.extend(configured.into_iter().map(|c| Job::Chart(ChartRender { path: chart.clone(), ..c.clone() })));
        }
    }
    jobs.extend(plan.kustomizations.iter().cloned().map(Job::Kustomization));
    let results = run_jobs(jobs, options);
    let mut outcome = Outcome::default();
    for result in results {
        match result {
            Ok(source) => outcome.sources.push(source),
            Err(failure) => outcome.failures.push(failure),
        }
    }
    outcome
}

/// Runs the renders on threads of their own (they mostly wait for a process: the worker pool stays
/// free for reading and linting), as many at once as there are cores, results in job order.
fn run_jobs(jobs: Vec<Job>, options: &Options) -> Vec<Result<RenderedSource, Failure>> {
    let parallel = std::thread::available_parallelism().map_or(2, |n| n.get()).min(jobs.len().max(1));
    let next = AtomicUsize::new(0);
    let jobs: Vec<std::sync::Mutex<Option<Job>>> = jobs.into_iter().map(|j| std::sync::Mutex::new(Some(j))).collect();
    let results: Vec<std::sync::Mutex<Option<Result<RenderedSource, Failure>>>> =
        jobs.iter().map(|_| std::sync::Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        for _ in 0..parallel {
            scope.spawn(|| loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                let Some(slot) = jobs.get(index) else { break };
                let Some(job) = slot.lock().ok().and_then(|mut j| j.take()) else { continue };
                let result = match job {
                    Job::Chart(chart) => render_chart(&chart, options),
                    Job::Kustomization(dir) => render_kustomization(&dir, options),
                };
                if let Some(mut out) = results.get(index).and_then(|r| r.lock().ok()) {
                    *out = Some(result);
                }
            });
        }
    });
    results.into_iter().filter_map(|r| r.into_inner().ok().flatten()).collect()
}

/// A render that did not happen.
pub struct Failure {
    rule: &'static str,
    /// The chart's `Chart.yaml` or the kustomization file.
    file: String,
    message: String,
    related: Vec<RelatedLocation>,
}

impl Failure {
    /// The finding, unless the rule is off.
    pub fn finding(&self, linter: &Linter) -> Option<Finding> {
        let severity: Severity = linter.rule_severity(self.rule)?;
        let at = Pos { line: 1, column: 1, offset: 0 };
        let location = Location::in_text(Arc::from(self.file.as_str()), Span { start: at, end: at }, 0, None);
        let mut finding = Finding::new(self.rule, severity, self.message.clone(), location);
        finding.related = self.related.clone();
        Some(finding)
    }
}

fn render_chart(chart: &ChartRender, options: &Options) -> Result<RenderedSource, Failure> {
    let root = display(&chart.path);
    let chart_file = super::join_display(&root, "Chart.yaml");
    let Some(helm) = tool(options.helm.as_deref(), &["helm"]) else {
        return Err(Failure {
            rule: RENDER_UNAVAILABLE,
            file: chart_file,
            message: format!(
                "chart {root} not rendered: helm was not found (install it, name it with --helm, or pipe \
                 `helm template` output to `plimsoll lint --chart {root} -`)"
            ),
            related: Vec::new(),
        });
    };
    let release = chart.release.clone().unwrap_or_else(|| chart_name(&chart.path));
    let mut command = Command::new(&helm);
    command.arg("template").arg(&release).arg(&chart.path);
    command.arg("--kube-version").arg(format!("v{}.0", options.kube_version));
    if let Some(namespace) = &chart.namespace {
        command.arg("--namespace").arg(namespace);
    }
    for values in &chart.values {
        command.arg("--values").arg(values);
    }
    for set in &chart.set {
        command.arg("--set").arg(set);
    }
    let value_set = chart.name.clone().or_else(|| {
        let names: Vec<String> = chart.values.iter().map(|v| display(v)).collect();
        (!names.is_empty()).then(|| names.join(" + "))
    });
    match run(command) {
        Ok(output) => {
            let name = match &value_set {
                Some(set) => format!("helm template {root} ({set})"),
                None => format!("helm template {root}"),
            };
            Ok(RenderedSource::helm(name, output, root, value_set, Some(chart_sources(chart))))
        }
        Err(message) => {
            let related = template_line(&message, &root).into_iter().collect();
            let mut message = clean_message(&message, &[]);
            if message.contains("missing in charts/") || message.contains("dependencies") {
                message = format!(
                    "{message} (chart dependencies are not downloaded while linting: run `helm dependency build {root}` first)"
                );
            }
            Err(Failure {
                rule: RENDER_ERROR,
                file: chart_file,
                message: format!("helm template failed: {message}"),
                related,
            })
        }
    }
}

/// Most files of a chart tree read to place its findings.
const MAX_CHART_FILES: usize = 10_000;

/// A chart's templates and values files, named as `helm template` names them in `# Source:`
/// comments (`web/templates/x.yaml`, `web/charts/db/templates/y.yaml`), with the values files and
/// `--set` arguments of one render, for placing its findings at template lines.
pub fn chart_sources(chart: &ChartRender) -> ChartSources {
    let mut sources = ChartSources::new();
    let name = chart_yaml_name(&chart.path).unwrap_or_else(|| chart_name(&chart.path));
    let mut budget = MAX_CHART_FILES;
    add_chart_files(&chart.path, &name, &mut sources, &mut budget);
    for values in &chart.values {
        match std::fs::read_to_string(values) {
            Ok(text) => sources.add_values(&display(values), &text),
            Err(_) => sources.assume_unknown_values(),
        }
    }
    for set in &chart.set {
        sources.add_set(set);
    }
    sources
}

/// Whether a file of a chart tree, by its source name, is one the placing reads.
fn is_chart_source(name: &str) -> bool {
    name.contains("/templates/") || name == "values.yaml" || name.ends_with("/values.yaml")
}

/// Adds the templates and `values.yaml` files under `dir`, whose source name is `source`; the
/// packaged subcharts in a `charts/` folder are read from their archives.
fn add_chart_files(dir: &Path, source: &str, sources: &mut ChartSources, budget: &mut usize) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if *budget == 0 {
            return;
        }
        *budget -= 1;
        let file = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let name = format!("{source}/{file}");
        if path.is_dir() && !file.starts_with('.') {
            // A subchart is named by its Chart.yaml (`charts/database` holding chart `db` prints
            // as `web/charts/db/…`), as a packaged one is.
            let name = match chart_yaml_name(&path) {
                Some(chart) if source.ends_with("/charts") => format!("{source}/{chart}"),
                _ => name,
            };
            add_chart_files(&path, &name, sources, budget);
        } else if file.ends_with(".tgz") && source.ends_with("/charts") && path.is_file() {
            add_packaged_chart(&path, source, sources, budget);
        } else if is_chart_source(&name) {
            if let Ok(text) = std::fs::read_to_string(&path) {
                sources.add_file(&name, &display(&path), &text);
            }
        }
    }
}

/// Adds the templates and `values.yaml` files of the packaged subchart `archive` (its top folder
/// the chart), under `charts/<the name its Chart.yaml gives>/` of the parent's source name
/// `charts_source` (`web/charts`), shown as members of the archive. An archive that cannot be read
/// adds nothing: its objects are then placed at their first line.
fn add_packaged_chart(archive: &Path, charts_source: &str, sources: &mut ChartSources, budget: &mut usize) {
    let wanted = |member: &str| {
        member.split_once('/').is_some_and(|(_, inside)| inside == "Chart.yaml") || is_chart_source(member)
    };
    let Some(members) = archive::read_members(archive, &wanted) else { return };
    let Some(top) = members.first().and_then(|m| m.path.split_once('/')).map(|(top, _)| top.to_string()) else {
        return;
    };
    let chart_yaml = format!("{top}/Chart.yaml");
    let name = members
        .iter()
        .find(|m| m.path == chart_yaml)
        .and_then(|m| plimsoll_core::load::parse_yaml_value(&m.text).ok().flatten())
        .and_then(|value| value.get("name")?.as_str().map(str::to_string))
        .unwrap_or_else(|| top.clone());
    let shown = display(archive);
    for member in &members {
        let Some(inside) = member.path.strip_prefix(&top).and_then(|p| p.strip_prefix('/')) else { continue };
        if *budget == 0 {
            return;
        }
        let source_name = format!("{charts_source}/{name}/{inside}");
        if is_chart_source(&source_name) {
            *budget -= 1;
            sources.add_file(&source_name, &archive::member_name(&shown, &member.path), &member.text);
        }
    }
}

/// The `name:` a chart's `Chart.yaml` gives it (what `# Source:` comments start with).
fn chart_yaml_name(dir: &Path) -> Option<String> {
    let text = std::fs::read_to_string(dir.join("Chart.yaml")).ok()?;
    let value = plimsoll_core::load::parse_yaml_value(&text).ok()??;
    value.get("name")?.as_str().map(str::to_string)
}

fn chart_name(path: &Path) -> String {
    let absolute = absolute(path);
    absolute.file_name().map_or_else(|| "release".to_string(), |n| n.to_string_lossy().into_owned())
}

/// Where a helm error names a template line: `template: web/templates/x.yaml:12:5: …` or
/// `parse error at (web/templates/x.yaml:18): …`.
fn template_line(message: &str, root: &str) -> Option<RelatedLocation> {
    let token = message
        .split(|c: char| c.is_whitespace() || c == '(' || c == ')')
        .find(|token| token.contains("/templates/") && token.contains(".yaml:") || token.contains(".tpl:"))?;
    let mut parts = token.trim_end_matches(':').splitn(3, ':');
    let (template, line) = (parts.next()?, parts.next()?.parse::<u32>().ok()?);
    let column = parts.next().and_then(|c| c.parse::<u32>().ok()).unwrap_or(1);
    let (_, inside) = template.split_once('/')?;
    let at = Pos { line, column, offset: 0 };
    Some(RelatedLocation {
        file: Arc::from(super::join_display(root, inside).as_str()),
        span: Span { start: at, end: at },
        message: "the template line helm names".into(),
    })
}

/// Numbers wrapper directories, which are unique within the process.
static WRAPPERS: AtomicUsize = AtomicUsize::new(0);

fn render_kustomization(dir: &Path, options: &Options) -> Result<RenderedSource, Failure> {
    let root = display(dir);
    let file =
        kustomization_file(dir).map_or_else(|| super::join_display(&root, "kustomization.yaml"), |f| display(&f));
    let Some(tool) = kustomize_tool(options.kustomize.as_deref()) else {
        return Err(Failure {
            rule: RENDER_UNAVAILABLE,
            file,
            message: format!(
                "kustomization {root} not rendered: neither kustomize nor kubectl was found (install one, name it \
                 with --kustomize, or pipe `kustomize build {root}` output to `plimsoll lint -`)"
            ),
            related: Vec::new(),
        });
    };
    let wrapper = std::env::temp_dir().join(format!(
        "plimsoll-kustomize-{}-{}",
        std::process::id(),
        WRAPPERS.fetch_add(1, Ordering::Relaxed)
    ));
    let failure = |message: String| Failure { rule: RENDER_ERROR, file: file.clone(), message, related: Vec::new() };
    let relative = relative_path(&absolute(&wrapper), &absolute(dir));
    let text = format!(
        "# Renders {root} with origin annotations, leaving its files as they are.\nresources:\n  - {relative}\nbuildMetadata: [originAnnotations, transformerAnnotations]\n"
    );
    std::fs::create_dir_all(&wrapper)
        .and_then(|()| std::fs::write(wrapper.join("kustomization.yaml"), text))
        .map_err(|e| failure(format!("cannot prepare the render: {e}")))?;
    let mut command = Command::new(&tool.path);
    if tool.kubectl {
        command.arg("kustomize");
    } else {
        command.arg("build");
    }
    command.arg(&wrapper);
    let result = run(command);
    let _ = std::fs::remove_dir_all(&wrapper);
    let output = result.map_err(|message| {
        let cwd = format!("{}/", absolute(Path::new(".")).display());
        let replacements =
            [(wrapper.display().to_string(), String::new()), (relative.clone(), root.clone()), (cwd, String::new())];
        failure(kustomize_message(&clean_message(&message, &replacements)))
    })?;
    // Every object names its files: each name is made once.
    let cwd = absolute(Path::new("."));
    let resolved: RefCell<HashMap<String, String>> = RefCell::default();
    let resolve = |written: &str| {
        let mut resolved = resolved.borrow_mut();
        let name = resolved.entry(written.to_string());
        name.or_insert_with(|| super::display_under(&absolute(&wrapper.join(written)), &cwd)).clone()
    };
    Ok(RenderedSource::kustomize(format!("kustomize build {root}"), &output, root.clone(), &resolve))
}

/// What a failed kustomize build says, with what to do about a remote resource.
fn kustomize_message(cleaned: &str) -> String {
    let remote = cleaned.split("accumulating resources from '").skip(1).find_map(|rest| {
        let reference = rest.split('\'').next()?;
        (reference.contains("://") || reference.starts_with("github.com/") || reference.starts_with("git@"))
            .then_some(reference)
    });
    match remote {
        Some(reference) => format!(
            "kustomize build failed: the remote resource {reference} cannot be fetched (rendering never reaches the \
             network): vendor it into the repository, or lint `kustomize build` output with `plimsoll lint -`"
        ),
        None => {
            // The wrapper's own layer (`accumulating resources from '<root>': … recursed accumulation of
            // path '<root>': `) says nothing the user wrote.
            let inner = match cleaned.split_once("recursed accumulation of path '") {
                Some((_, rest)) => rest.split_once("': ").map_or(rest, |(_, message)| message),
                None => cleaned,
            };
            format!("kustomize build failed: {}", inner.trim_end_matches('"'))
        }
    }
}

struct KustomizeTool {
    path: PathBuf,
    kubectl: bool,
}

fn kustomize_tool(named: Option<&Path>) -> Option<KustomizeTool> {
    let is_kubectl = |path: &Path| path.file_name().is_some_and(|n| n.to_string_lossy().starts_with("kubectl"));
    if let Some(path) = named {
        let found = tool(Some(path), &[])?;
        return Some(KustomizeTool { kubectl: is_kubectl(&found), path: found });
    }
    if let Some(path) = tool(None, &["kustomize"]) {
        return Some(KustomizeTool { path, kubectl: false });
    }
    tool(None, &["kubectl"]).map(|path| KustomizeTool { path, kubectl: true })
}

/// The binary named (a path, or a name looked up on PATH), else the first of `names` on PATH.
fn tool(named: Option<&Path>, names: &[&str]) -> Option<PathBuf> {
    let on_path = |name: &Path| -> Option<PathBuf> {
        if name.components().count() > 1 {
            return name.is_file().then(|| name.to_path_buf());
        }
        std::env::split_paths(&std::env::var_os("PATH")?).map(|dir| dir.join(name)).find(|p| p.is_file())
    };
    match named {
        Some(path) => on_path(path),
        None => names.iter().find_map(|name| on_path(Path::new(name))),
    }
}

/// The path from directory `from` to `to`, both absolute (`../../charts/web`).
fn relative_path(from: &Path, to: &Path) -> String {
    let from: Vec<_> = from.components().collect();
    let to: Vec<_> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".to_string(); from.len() - common];
    parts.extend(to[common..].iter().map(|c| c.as_os_str().to_string_lossy().into_owned()));
    if parts.is_empty() {
        ".".to_string()
    } else {
        parts.join("/")
    }
}

/// Runs a renderer offline, within the time limit: its standard output, or its error message.
fn run(mut command: Command) -> Result<String, String> {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env("GIT_ALLOW_PROTOCOL", "file")
        .env("GIT_TERMINAL_PROMPT", "0");
    for proxy in ["HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"] {
        command.env(proxy, NO_PROXY_HERE);
    }
    command.env_remove("NO_PROXY").env_remove("no_proxy");
    let mut child = command.spawn().map_err(|e| format!("cannot run {:?}: {e}", command.get_program()))?;
    let deadline = Instant::now() + TIME_LIMIT;
    let (out, err) = collect_output(&mut child, deadline);
    let status = wait_until(&mut child, deadline)?;
    match status {
        None => Err(format!("did not finish within {} seconds", TIME_LIMIT.as_secs())),
        Some(status) if status.success() => String::from_utf8(out).map_err(|_| "the output is not UTF-8".to_string()),
        Some(status) => {
            let message = String::from_utf8_lossy(&err).trim().to_string();
            Err(if message.is_empty() { format!("exited with {status}") } else { message })
        }
    }
}

/// The child's exit status once it exits, or `None` (the child killed) at the deadline. Polled,
/// first often (most renders take milliseconds), then every 20 ms.
fn wait_until(child: &mut Child, deadline: Instant) -> Result<Option<ExitStatus>, String> {
    let mut pause = Duration::from_micros(250);
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Ok(Some(status)),
            Ok(None) if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return Ok(None);
            }
            Ok(None) => {
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(20));
            }
            Err(error) => return Err(error.to_string()),
        }
    }
}

/// What the child writes to its standard output and error (at most [`MAX_OUTPUT`] bytes of each),
/// until it closes both or the deadline passes. Both pipes are read on this thread as they become
/// readable: a render costs no thread beside the one that runs it (two reading threads per render
/// cost more system time than the render's own reading).
#[cfg(target_os = "linux")]
fn collect_output(child: &mut Child, deadline: Instant) -> (Vec<u8>, Vec<u8>) {
    let mut out = Captured::of(child.stdout.take());
    let mut err = Captured::of(child.stderr.take());
    let mut chunk = vec![0u8; 64 << 10];
    while out.is_open() || err.is_open() {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break;
        }
        let mut polled = [out.poll_entry(), err.poll_entry()];
        let timeout = i32::try_from(left.as_millis()).unwrap_or(i32::MAX).max(1);
        // SAFETY: `polled` is a live array of two pollfd structures for the whole call; poll
        // ignores the entries whose descriptor is negative (a closed pipe).
        let ready = unsafe { libc::poll(polled.as_mut_ptr(), 2, timeout) };
        if ready < 0 && std::io::Error::last_os_error().kind() != std::io::ErrorKind::Interrupted {
            break;
        }
        let [out_ready, err_ready] = polled;
        if out_ready.revents != 0 {
            out.read_some(&mut chunk);
        }
        if err_ready.revents != 0 {
            err.read_some(&mut chunk);
        }
    }
    (out.bytes, err.bytes)
}

/// One of a child's output pipes, read into memory until it closes or reaches [`MAX_OUTPUT`].
#[cfg(target_os = "linux")]
struct Captured<P> {
    pipe: Option<P>,
    bytes: Vec<u8>,
}

#[cfg(target_os = "linux")]
impl<P: Read + std::os::fd::AsRawFd> Captured<P> {
    fn of(pipe: Option<P>) -> Self {
        Captured { pipe, bytes: Vec::new() }
    }

    fn is_open(&self) -> bool {
        self.pipe.is_some()
    }

    fn poll_entry(&self) -> libc::pollfd {
        let fd = self.pipe.as_ref().map_or(-1, |pipe| pipe.as_raw_fd());
        libc::pollfd { fd, events: libc::POLLIN, revents: 0 }
    }

    /// Reads what is there; closes the pipe at its end, on an error, or past the limit (the
    /// renderer's next write then fails).
    fn read_some(&mut self, chunk: &mut [u8]) {
        let Some(pipe) = self.pipe.as_mut() else { return };
        match pipe.read(chunk) {
            Ok(0) => self.pipe = None,
            Ok(n) => {
                self.bytes.extend_from_slice(chunk.get(..n).unwrap_or_default());
                if self.bytes.len() as u64 >= MAX_OUTPUT {
                    self.bytes.truncate(MAX_OUTPUT as usize);
                    self.pipe = None;
                }
            }
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => self.pipe = None,
        }
    }
}

/// What the child writes to its standard output and error (at most [`MAX_OUTPUT`] bytes of
/// each), each pipe read on a thread of its own; the deadline is kept by [`wait_until`].
#[cfg(not(target_os = "linux"))]
fn collect_output(child: &mut Child, _deadline: Instant) -> (Vec<u8>, Vec<u8>) {
    let read_all = |pipe: Box<dyn Read + Send>| {
        let mut bytes = Vec::new();
        let _ = pipe.take(MAX_OUTPUT).read_to_end(&mut bytes);
        bytes
    };
    let stdout = child.stdout.take().map(|p| std::thread::spawn(move || read_all(Box::new(p))));
    let stderr = child.stderr.take().map(|p| std::thread::spawn(move || read_all(Box::new(p))));
    let out = stdout.and_then(|t| t.join().ok()).unwrap_or_default();
    let err = stderr.and_then(|t| t.join().ok()).unwrap_or_default();
    (out, err)
}

/// A renderer's message as one line: without its `Error:` prefix, its log prefixes and temporary
/// paths, at most a few hundred characters.
fn clean_message(message: &str, replacements: &[(String, String)]) -> String {
    let mut text = message
        .lines()
        .map(|line| {
            let line = line.trim();
            // kubectl logs its error through klog: `E1206 11:47:49.705874 23952 run.go:72] "command failed" err=<`,
            // the message on the lines below, then `>`.
            let line = line.split_once("] ").filter(|(head, _)| head.starts_with('E')).map_or(line, |(_, rest)| rest);
            let line = line.strip_prefix("\"command failed\" err=<").unwrap_or(line);
            let line = line.strip_prefix("\"command failed\" err=\"").unwrap_or(line);
            let line = if line == ">" || line.starts_with(": exit status") { "" } else { line };
            line.strip_prefix("Error: ").or_else(|| line.strip_prefix("error: ")).unwrap_or(line)
        })
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join("; ");
    for (from, to) in replacements {
        if !from.is_empty() {
            text = text.replace(from.as_str(), to);
        }
    }
    if text.chars().count() > 600 {
        text = text.chars().take(600).collect::<String>() + "…";
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_climb_to_the_common_ancestor() {
        assert_eq!(relative_path(Path::new("/tmp/w"), Path::new("/repo/overlays/prod")), "../../repo/overlays/prod");
        assert_eq!(relative_path(Path::new("/a/b"), Path::new("/a/b/c")), "c");
    }

    #[test]
    fn helm_errors_name_their_template_line() {
        let message =
            "Error: template: web/templates/deployment.yaml:12:20: executing \"x\" at <.Values.a.b>: nil pointer";
        let related = template_line(message, "charts/web").expect("a line");
        assert_eq!(&*related.file, "charts/web/templates/deployment.yaml");
        assert_eq!((related.span.start.line, related.span.start.column), (12, 20));
        let parse = "Error: parse error at (web/templates/deployment.yaml:18): unclosed action";
        assert_eq!(
            template_line(parse, ".").map(|r| (r.file.to_string(), r.span.start.line)),
            Some(("templates/deployment.yaml".into(), 18))
        );
    }

    /// Both pipes are drained as they fill: a renderer that writes more than a pipe holds to one
    /// while writing to the other is read whole, and its error output is the message.
    #[test]
    fn a_renderers_output_and_errors_are_read_whole_from_both_pipes() {
        let script = |status: u8| {
            let mut command = Command::new("sh");
            let text = format!(
                "i=0; while [ $i -lt 10000 ]; do echo \"line $i of a long render\"; echo \"warning $i\" >&2; \
                 i=$((i+1)); done; echo 'Error: the last word' >&2; exit {status}"
            );
            command.args(["-c", &text]);
            command
        };
        let output = run(script(0)).expect("the render succeeds");
        assert_eq!(output.lines().count(), 10000);
        assert!(output.ends_with("line 9999 of a long render\n"), "{}", &output[output.len() - 40..]);
        let message = run(script(3)).expect_err("the render fails");
        assert!(message.starts_with("warning 0\nwarning 1\n"), "{}", &message[..40]);
        assert!(message.ends_with("Error: the last word"), "{}", &message[message.len() - 40..]);
        assert_eq!(run(Command::new("false")).expect_err("no output"), "exited with exit status: 1");
    }
}
