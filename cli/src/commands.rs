//! The subcommands. Each returns the process exit code, or the [`CliError`] that stopped it (which
//! `main` renders; exit code 2).

use crate::args::{
    ColorChoice, DocsArgs, ExplainArgs, ExplainFormat, Format, LintArgs, RulesArgs, RulesFormat, TestArgs,
};
use crate::config_file::{self, LoadError};
use crate::error::CliError;
use crate::policies;
use crate::progress::Progress;
use crate::render;
use crate::renderers;
use crate::rule_docs;
use crate::schemas;
use crate::stream;
use crate::supply_chain;
use crate::walk;
use plimsoll_core::config::Settings;
use plimsoll_core::engine::rego_test::{TestCase, TestOutcome};
use plimsoll_core::linter::{BuildError, LinterBuilder};
use plimsoll_core::report::baseline::Baseline;
use plimsoll_core::rules::selector;
use plimsoll_core::signature::SignatureSource;
use plimsoll_core::Source;
use plimsoll_core::{Linter, Report, RuleMeta, Severity};
use std::collections::HashMap;

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};

pub const EXIT_CLEAN: u8 = 0;
pub const EXIT_FINDINGS: u8 = 1;
pub const EXIT_ERROR: u8 = 2;

/// `plimsoll lint`: settings → inputs, renders and linter (side by side) → report → rendering →
/// exit code.
pub fn lint(args: &LintArgs) -> Result<u8, CliError> {
    let loaded = config_file::load(args.config.as_deref(), args.no_config)?;
    let settings = load_settings(args, loaded.as_ref())?;
    let builder = configure_builder(args, loaded.as_ref(), &settings)?;
    let plan = renderers::discover(&args.paths);
    let options = render_options(args, loaded.as_ref(), &settings);
    // Standard input alone, with no chart to place it in, is read as it is linted when the report
    // can be written as it is made.
    let stdin_only = args.paths.len() == 1
        && args.paths[0].as_os_str() == "-"
        && args.format != Format::Human
        && args.chart.is_none();
    // Compiling the policies, reading the files and rendering charts and kustomizations are
    // independent: done side by side.
    let (built, (collected, mut rendered)) = rayon::join(
        || builder.build(),
        || {
            rayon::join(
                || if stdin_only { walk::Collected::default() } else { collect_inputs(args, loaded.as_ref(), &plan) },
                || renderers::run::render_all(&plan, &options),
            )
        },
    );
    let linter = built.map_err(CliError::from_build)?;
    let streamable = stream::streamable(args, &linter);
    if stdin_only && streamable {
        print_notes(args, &linter, &collected);
        return lint_streaming(args, &linter, None, &settings);
    }
    let mut collected = if stdin_only { collect_inputs(args, loaded.as_ref(), &plan) } else { collected };
    take_piped_chart(args, &mut collected, &mut rendered);
    print_notes(args, &linter, &collected);
    if collected.sources.is_empty() && rendered.sources.is_empty() && rendered.failures.is_empty() {
        return nothing_to_lint(args, &collected);
    }
    // Findings on rendered objects are placed in the files the user edits once their source is
    // linted whole: a run that renders keeps its report whole.
    if streamable && rendered.sources.is_empty() && rendered.failures.is_empty() {
        return lint_streaming(args, &linter, Some(&collected), &settings);
    }
    let files = renderers::FileCache::default();
    let inline_ignores = settings.inline_ignores != Some(false);
    let report = run(args, &linter, &collected, &rendered, &files, inline_ignores)?;
    write_output(args, &report, &collected, &files, &linter)?;
    if !collected.errors.is_empty() {
        // The unreadable inputs were listed before the report.
        return Ok(EXIT_ERROR);
    }
    Ok(exit_code(&report, settings.fail_threshold()))
}

/// How charts and kustomizations are rendered: the command line's tools and values over the
/// configuration file's (whose paths are relative to its directory).
fn render_options(
    args: &LintArgs,
    loaded: Option<&config_file::Loaded>,
    settings: &Settings,
) -> renderers::run::Options {
    let configured = |value: Option<&plimsoll_core::config::Spanned<String>>| -> Option<PathBuf> {
        let (loaded, value) = (loaded?, value?);
        // A bare name is looked up on PATH, as on the command line.
        Some(if value.value.contains('/') { loaded.relative_path(&value.value) } else { PathBuf::from(&value.value) })
    };
    let config = loaded.map(|l| &l.config);
    let charts = loaded
        .map(|loaded| {
            loaded
                .config
                .charts
                .iter()
                .map(|chart| renderers::run::ChartRender {
                    path: loaded.relative_path(&chart.path),
                    name: chart.name.clone(),
                    release: chart.release.clone(),
                    namespace: chart.namespace.clone(),
                    values: chart.values.iter().map(|v| loaded.relative_path(v)).collect(),
                    set: chart.set.clone(),
                })
                .collect()
        })
        .unwrap_or_default();
    renderers::run::Options {
        helm: args.helm.clone().or_else(|| configured(config.and_then(|c| c.helm.as_ref()))),
        kustomize: args.kustomize.clone().or_else(|| configured(config.and_then(|c| c.kustomize.as_ref()))),
        kube_version: settings.kube_version.unwrap_or_default().to_string(),
        charts,
        values: args.values.clone(),
        set: args.set.clone(),
    }
}

/// With `--chart DIR`, standard input is that chart's `helm template` output: linted as such.
fn take_piped_chart(args: &LintArgs, collected: &mut walk::Collected, rendered: &mut renderers::run::Outcome) {
    let Some(chart) = &args.chart else { return };
    if let Some(at) = collected.sources.iter().position(|s| s.name == walk::STDIN_NAME) {
        let source = collected.sources.remove(at);
        let root = renderers::display(chart);
        let render = renderers::run::ChartRender {
            path: chart.clone(),
            values: args.values.clone(),
            set: args.set.clone(),
            ..Default::default()
        };
        let sources = Some(renderers::run::chart_sources(&render));
        rendered.sources.push(plimsoll_core::render::RenderedSource::helm(
            source.name,
            source.text,
            root,
            None,
            sources,
        ));
    }
}

/// The linter `args` and the configuration describe, built as `plimsoll lint` builds it (the
/// language server builds its linters here too).
pub fn build_linter(args: &LintArgs, loaded: Option<&config_file::Loaded>) -> Result<Linter, CliError> {
    let settings = load_settings(args, loaded)?;
    configure_builder(args, loaded, &settings)?.build().map_err(CliError::from_build)
}

/// The configuration file's settings with the command line's laid over them.
fn load_settings(args: &LintArgs, loaded: Option<&config_file::Loaded>) -> Result<Settings, CliError> {
    let file = match loaded {
        Some(loaded) => loaded.config.settings().map_err(LoadError::Invalid)?,
        None => Settings::default(),
    };
    Ok(Settings::merge(file, args.settings()))
}

/// The linter builder the settings configure, with what the settings' paths name read from disk:
/// CRDs, trusted keys and signatures, user policies and data, Gatekeeper policies.
fn configure_builder(
    args: &LintArgs,
    loaded: Option<&config_file::Loaded>,
    settings: &Settings,
) -> Result<LinterBuilder, CliError> {
    let mut builder = settings.builder().map_err(CliError::diagnostic)?;
    let paths = ConfiguredPaths::new(loaded, args);
    builder = schemas::add_crd_paths(builder, &paths.crds).map_err(CliError::Message)?;
    builder = add_supply_chain_files(builder, args, loaded).map_err(CliError::Message)?;
    builder = with_user_policies(args, &paths, builder)?;
    if let Some(policies) = crate::gatekeeper_cmd::load_policies(&paths.policies)? {
        builder = builder.gatekeeper(policies);
    }
    Ok(builder)
}

/// The sources under the paths given, less those the configuration's `ignore_paths` covers and
/// those of charts and kustomizations (linted as rendered).
fn collect_inputs(args: &LintArgs, loaded: Option<&config_file::Loaded>, plan: &renderers::Plan) -> walk::Collected {
    let rendered = |path: &Path| plan.owns(path);
    match loaded {
        Some(loaded) => walk::collect_unrendered(&args.paths, &|path| loaded.ignores(path), &rendered),
        None => walk::collect_unrendered(&args.paths, &|_| false, &rendered),
    }
}

/// What loading the policies noticed, and the inputs that could not be read (the others are
/// still linted).
fn print_notes(args: &LintArgs, linter: &Linter, collected: &walk::Collected) {
    if !args.quiet {
        for note in linter.policy_notes() {
            eprintln!("plimsoll: note: {note}");
        }
    }
    for error in &collected.errors {
        eprintln!("plimsoll: {}: {}", error.path, error.message);
    }
}

/// Lints the sources read (`None`: standard input, read as it is linted) and writes the report as
/// it is made ([`stream`]).
fn lint_streaming(
    args: &LintArgs,
    linter: &Linter,
    collected: Option<&walk::Collected>,
    settings: &Settings,
) -> Result<u8, CliError> {
    let linter = match collected {
        Some(c) => linter.with_crds_from(c.sources.iter().map(|s| (s.name.as_str(), s.text.as_str()))),
        None => linter.clone(),
    };
    let enabled = linter.enabled_rules();
    let context = render::Context { rules: linter.catalog(), enabled: &enabled, show_suppressed: args.show_suppressed };
    let cannot_write = |error: io::Error| CliError::message(format!("cannot write the report: {error}"));
    let (mut out, color): (Box<dyn Write>, bool) = match &args.output {
        Some(path) => (Box::new(io::BufWriter::new(std::fs::File::create(path).map_err(cannot_write)?)), false),
        None => (Box::new(io::BufWriter::new(io::stdout().lock())), use_color(args.color)),
    };
    let style = render::human::Style {
        color,
        width: terminal_width(),
        show_suppressed: args.show_suppressed,
        summary: !args.quiet,
    };
    let mut report = stream::ReportStream::begin(args, &context, style, &mut *out);
    if let Some(collected) = collected {
        report = report.with_sources(&collected.sources);
    }
    let mut unreadable = None;
    match collected {
        Some(collected) => {
            let progress = Progress::new(collected.sources.len(), args.quiet);
            // Rules that relate objects see every file of the run: summarised first.
            let inventory = linter.run_inventory(collected.sources.iter().map(|s| (s.name.as_str(), s.text.as_str())));
            let parts = linter.part_linter_in_run(inventory);
            stream::lint_sources(&parts, &collected.sources, &mut report, &mut *out, &|| progress.tick());
            progress.finish();
            // The process ends with the report: freeing the inventory and the workers' engines
            // value by value, on one thread, would only delay the summary (a few tens of
            // milliseconds on a large run); the system takes the memory back at exit.
            std::mem::forget(parts);
        }
        None => unreadable = stream::lint_stdin(&linter, &mut io::stdin().lock(), &mut report, &mut *out).err(),
    }
    let outcome = report.end(&mut *out);
    drop(out);
    match outcome.write_error {
        Some(error) if error.kind() != io::ErrorKind::BrokenPipe => return Err(cannot_write(error)),
        _ => {}
    }
    if args.output.is_some() && !args.quiet {
        eprintln!("{}", render::human::summary_line(&outcome.report));
    }
    if let Some(error) = unreadable {
        eprintln!("plimsoll: {}: {}", error.path, error.message);
        return Ok(EXIT_ERROR);
    }
    if collected.is_some_and(|c| !c.errors.is_empty()) {
        // The unreadable inputs were listed before the report.
        return Ok(EXIT_ERROR);
    }
    Ok(exit_code_of(outcome.worst, settings.fail_threshold()))
}

/// Lints the sources and the rendered charts and kustomizations (with a progress bar on a
/// terminal), places the findings on rendered objects in the files the user edits, adds what
/// could not be rendered, and applies the baselines.
fn run(
    args: &LintArgs,
    linter: &Linter,
    collected: &walk::Collected,
    rendered: &renderers::run::Outcome,
    files: &renderers::FileCache,
    inline_ignores: bool,
) -> Result<Report, CliError> {
    let mut sources = collected.sources.clone();
    sources.extend(rendered.sources.iter().map(|r| Source { name: r.name.clone(), text: r.text.clone() }));
    let progress = Progress::new(sources.len(), args.quiet);
    // Findings on rendered objects are placed as each object is linted, the rest after.
    let read = |name: &str| files.read(name);
    let placing = plimsoll_core::render::Placing::new(&rendered.sources, &read, inline_ignores);
    let place =
        |document: &_, findings: &mut _, suppressed: &mut _| placing.place_object(document, findings, suppressed);
    let mut report = linter.lint_sources_then(&sources, &place, &|| progress.tick());
    progress.finish();
    placing.finish(&mut report);
    report.findings.extend(rendered.failures.iter().filter_map(|failure| failure.finding(linter)));
    report.recount();
    apply_baselines(args, &mut report)?;
    Ok(report)
}

/// Writes the report where `--output` says, and the summary line when it goes to a file.
fn write_output(
    args: &LintArgs,
    report: &Report,
    collected: &walk::Collected,
    files: &renderers::FileCache,
    linter: &Linter,
) -> Result<(), CliError> {
    if matches!(args.format, Format::Human) {
        // Rendered findings point into templates, bases and patches the walk did not read.
        let shown =
            report.findings.iter().flat_map(|f| std::iter::once(&f.file).chain(f.related.iter().map(|r| &r.file)));
        for name in shown.filter(|name| !collected.sources.iter().any(|s| s.name == ***name)) {
            files.read(name);
        }
    }
    let read = files.texts();
    let mut texts: HashMap<&str, &str> = read.iter().map(|(name, text)| (name.as_str(), &**text)).collect();
    texts.extend(collected.sources.iter().map(|s| (s.name.as_str(), s.text.as_str())));
    match write_report(args, report, &texts, linter) {
        Err(error) if error.kind() != io::ErrorKind::BrokenPipe => {
            return Err(CliError::message(format!("cannot write the report: {error}")));
        }
        _ => {}
    }
    if args.output.is_some() && !args.quiet {
        eprintln!("{}", render::human::summary_line(report));
    }
    Ok(())
}

/// Reads the trusted keys and signature material the configuration (relative to its directory)
/// and the command line (relative to the working directory) name, configuration first.
fn add_supply_chain_files(
    mut builder: LinterBuilder,
    args: &LintArgs,
    loaded: Option<&config_file::Loaded>,
) -> Result<LinterBuilder, String> {
    let configured = |paths: &[plimsoll_core::config::Spanned<String>]| -> Vec<(String, PathBuf)> {
        let Some(loaded) = loaded else { return Vec::new() };
        paths.iter().map(|p| (p.value.clone(), loaded.relative_path(&p.value))).collect()
    };
    let given = |paths: &[PathBuf]| paths.iter().map(|p| (p.display().to_string(), p.clone())).collect::<Vec<_>>();
    let config = loaded.map(|l| &l.config);
    let mut keys = configured(config.map(|c| c.trusted_keys()).unwrap_or_default());
    keys.extend(given(&args.trusted_key));
    for (name, path) in keys {
        builder = builder.trusted_key(name, supply_chain::read_key(&path)?);
    }
    let mut material = configured(config.map(|c| c.signatures()).unwrap_or_default());
    material.extend(given(&args.signatures));
    for (name, path) in material {
        for source in supply_chain::read_signatures(&path)? {
            builder = builder.signatures(rename(source, &name, &path));
        }
    }
    Ok(builder)
}

/// Names material read from a configured path as the configuration writes it, not by the
/// absolute path it was read from.
fn rename(source: SignatureSource, name: &str, path: &Path) -> SignatureSource {
    let shown = |read_as: String| match read_as.strip_prefix(&path.display().to_string()) {
        Some(rest) => format!("{name}{rest}"),
        None => read_as,
    };
    match source {
        SignatureSource::DownloadLines { name: read_as, text } => {
            SignatureSource::DownloadLines { name: shown(read_as), text }
        }
        SignatureSource::OciLayout { name: read_as, files } => {
            SignatureSource::OciLayout { name: shown(read_as), files }
        }
    }
}

/// `--policy`, `--data`, `--namespace`, `--all-namespaces` and `--no-builtin`. Files that cannot
/// be read stop the run (exit 2) before anything is linted.
fn with_user_policies(
    args: &LintArgs,
    paths: &ConfiguredPaths,
    mut builder: LinterBuilder,
) -> Result<LinterBuilder, CliError> {
    for module in policies::read_policies(&paths.policies)? {
        builder = builder.policy(module.name, module.text);
    }
    for (name, document) in policies::read_data(&paths.data)? {
        builder = builder.policy_data(name, document);
    }
    if args.all_namespaces {
        builder = builder.all_namespaces();
    } else if !args.namespace.is_empty() {
        builder = builder.namespaces(args.namespace.iter().cloned());
    }
    Ok(builder.builtin_rules(!args.no_builtin))
}

/// Policy, data and CRD paths: the configuration file's (relative to its directory), then the
/// command line's.
struct ConfiguredPaths {
    policies: Vec<PathBuf>,
    data: Vec<PathBuf>,
    crds: Vec<PathBuf>,
}

impl ConfiguredPaths {
    fn new(loaded: Option<&config_file::Loaded>, args: &LintArgs) -> Self {
        let join = |from_file: fn(&plimsoll_core::config::Config) -> &[plimsoll_core::config::Spanned<String>],
                    given: &[PathBuf]| {
            let configured =
                loaded.into_iter().flat_map(|l| from_file(&l.config).iter().map(|p| l.relative_path(&p.value)));
            configured.chain(given.iter().cloned()).collect()
        };
        ConfiguredPaths {
            policies: join(|c| &c.policies, &args.policy),
            data: join(|c| &c.data, &args.data),
            crds: join(|c| &c.crds, &args.crd),
        }
    }
}

/// No source to lint: an error, unless the configuration's `ignore_paths` left every file out
/// (a pre-commit hook may pass only ignored files).
fn nothing_to_lint(args: &LintArgs, collected: &walk::Collected) -> Result<u8, CliError> {
    if !collected.errors.is_empty() {
        // Listed already.
        return Ok(EXIT_ERROR);
    }
    if collected.ignored > 0 {
        if !args.quiet {
            eprintln!("plimsoll: nothing to lint: the configuration's ignore_paths covers every file");
        }
        return Ok(EXIT_CLEAN);
    }
    let paths: Vec<String> = args.paths.iter().map(|p| p.display().to_string()).collect();
    Err(CliError::message(format!("no .yaml, .yml or .json files found in {}", paths.join(", "))))
}

/// `--write-baseline` records the findings and, unless `--baseline` names another file, treats
/// them as known; `--baseline` moves the findings it records to the suppressed list.
fn apply_baselines(args: &LintArgs, report: &mut Report) -> Result<(), CliError> {
    let written = match &args.write_baseline {
        Some(path) => Some(write_baseline(args, path, report)?),
        None => None,
    };
    let baseline = match (&args.baseline, written) {
        (Some(path), _) => read_baseline(path)?,
        (None, Some(written)) => written,
        (None, None) => return Ok(()),
    };
    let outcome = baseline.apply(report);
    if outcome.stale > 0 && !args.quiet {
        let entries = if outcome.stale == 1 { "finding no longer occurs" } else { "findings no longer occur" };
        eprintln!("plimsoll: {} baseline {entries}; --write-baseline records the current ones", outcome.stale);
    }
    Ok(())
}

fn write_baseline(args: &LintArgs, path: &Path, report: &Report) -> Result<Baseline, CliError> {
    let baseline = Baseline::from_report(report);
    std::fs::write(path, baseline.to_json())
        .map_err(|error| CliError::message(format!("cannot write the baseline {}: {error}", path.display())))?;
    if !args.quiet {
        let noun = if baseline.len() == 1 { "finding" } else { "findings" };
        eprintln!("plimsoll: recorded {} {noun} in {}", baseline.len(), path.display());
    }
    Ok(baseline)
}

fn read_baseline(path: &Path) -> Result<Baseline, CliError> {
    let text = std::fs::read_to_string(path)
        .map_err(|error| CliError::message(format!("cannot read the baseline {}: {error}", path.display())))?;
    Baseline::parse(&text).map_err(|error| CliError::message(format!("{}: {error}", path.display())))
}

/// Writes the report to `--output` or standard output.
fn write_report(args: &LintArgs, report: &Report, texts: &HashMap<&str, &str>, linter: &Linter) -> io::Result<()> {
    match &args.output {
        Some(path) => {
            let mut out = io::BufWriter::new(std::fs::File::create(path)?);
            render_report(args, report, texts, linter, false, &mut out)?;
            out.flush()
        }
        None => {
            let stdout = io::stdout();
            let mut out = io::BufWriter::new(stdout.lock());
            render_report(args, report, texts, linter, use_color(args.color), &mut out)?;
            out.flush()
        }
    }
}

fn render_report(
    args: &LintArgs,
    report: &Report,
    texts: &HashMap<&str, &str>,
    linter: &Linter,
    color: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    let enabled = linter.enabled_rules();
    let context = render::Context { rules: linter.catalog(), enabled: &enabled, show_suppressed: args.show_suppressed };
    match args.format {
        Format::Json if args.show_suppressed => {
            report.write_json_with_suppressed(out)?;
            writeln!(out)
        }
        Format::Json => render::json::render(report, out),
        Format::Compact => {
            render::compact::render(report, out)?;
            if args.show_suppressed {
                render::compact::render_suppressed(report, out)?;
            }
            Ok(())
        }
        Format::Human => {
            let style = render::human::Style {
                color,
                width: terminal_width(),
                show_suppressed: args.show_suppressed,
                summary: !args.quiet,
            };
            render::human::render(report, texts, linter.catalog(), &style, out)
        }
        Format::Sarif => render::sarif::render(report, &context, out),
        Format::Junit => render::junit::render(report, &context, out),
        Format::Github => render::github::render(report, &context, out),
    }
}

fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => std::env::var_os("NO_COLOR").is_none() && io::stdout().is_terminal(),
    }
}

/// The terminal's width when there is one (`COLUMNS`), else a fixed 100 so output is stable.
fn terminal_width() -> usize {
    std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()).filter(|&w| w >= 40).unwrap_or(100)
}

fn exit_code(report: &Report, threshold: Option<Severity>) -> u8 {
    exit_code_of(report.max_severity(), threshold)
}

fn exit_code_of(worst: Option<Severity>, threshold: Option<Severity>) -> u8 {
    match (worst, threshold) {
        (Some(worst), Some(threshold)) if worst >= threshold => EXIT_FINDINGS,
        _ => EXIT_CLEAN,
    }
}

/// `plimsoll test`: finds the test files under the paths, runs each kind with its runner, prints
/// a line per test and the total. Exit 1 when a test fails, 2 when nothing could be run.
pub fn test(args: &TestArgs) -> Result<u8, CliError> {
    let (rego, suites) = test_files(&args.paths)?;
    let data = policies::read_data(&args.data)?;
    let mut cases = run_rego_tests(rego, &data)?;
    cases.extend(crate::gatekeeper_cmd::run_suites(&suites));
    report_tests(&cases)
}

/// The Rego files and the gator suites to run for `paths`. Folders contribute their `.rego` and
/// `suite.yaml` files; a named file is read by what it is: Rego, a suite (`kind: Suite`, whatever
/// its name), or a ConstraintTemplate, which runs the suites beside it that test it.
fn test_files(paths: &[PathBuf]) -> Result<(Vec<Source>, Vec<Source>), Vec<crate::walk::PathError>> {
    let (named_objects, others): (Vec<PathBuf>, Vec<PathBuf>) =
        paths.iter().cloned().partition(|path| policies::PolicyPath::of(path) == policies::PolicyPath::Objects);
    let collected = crate::walk::collect_files(&others, &|path| policies::is_rego(path) || is_suite(path));
    let named = crate::walk::collect_files(&named_objects, &|_| true);
    let mut errors = collected.errors;
    errors.extend(named.errors);
    let (mut suites, rego): (Vec<Source>, Vec<Source>) =
        collected.sources.into_iter().partition(|source| is_suite(Path::new(&source.name)));
    for source in named.sources {
        match crate::gatekeeper_cmd::suites_for_named_file(source) {
            Ok(found) => suites.extend(found),
            Err(error) => errors.push(error),
        }
    }
    if errors.is_empty() {
        Ok((rego, suites))
    } else {
        Err(errors)
    }
}

/// The `test_*` rules of the Rego files; the files' policies are loaded with them.
fn run_rego_tests(files: Vec<Source>, data: &[(String, serde_json::Value)]) -> Result<Vec<TestCase>, CliError> {
    let modules: Vec<_> = files
        .into_iter()
        .map(|s| plimsoll_core::engine::user_policy::PolicyModule { name: s.name, text: s.text })
        .collect();
    if modules.is_empty() {
        return Ok(Vec::new());
    }
    plimsoll_core::engine::rego_test::run(&modules, data).map_err(CliError::diagnostic)
}

fn is_suite(path: &Path) -> bool {
    matches!(path.file_name().and_then(|n| n.to_str()), Some("suite.yaml" | "suite.yml"))
}

fn report_tests(cases: &[TestCase]) -> Result<u8, CliError> {
    if cases.is_empty() {
        return Err(CliError::message("no tests found (Rego tests are rules named test_*)"));
    }
    let mut text = String::new();
    for case in cases {
        match &case.outcome {
            TestOutcome::Passed => text.push_str(&format!("PASS  {} ({})\n", case.name, case.file)),
            TestOutcome::Failed(why) => text.push_str(&format!("FAIL  {} ({}): {why}\n", case.name, case.file)),
        }
    }
    let failed = cases.iter().filter(|c| !c.passed()).count();
    text.push_str(&format!("{} tests: {} passed, {failed} failed\n", cases.len(), cases.len() - failed));
    print(&text)?;
    Ok(if failed > 0 { EXIT_FINDINGS } else { EXIT_CLEAN })
}

/// `plimsoll rules`.
pub fn rules(args: &RulesArgs) -> Result<u8, CliError> {
    let catalog = plimsoll_core::rules::builtin_rules().map_err(CliError::diagnostic)?;
    let text = match args.format {
        RulesFormat::Json => serde_json::to_string_pretty(&catalog).unwrap_or_default() + "\n",
        RulesFormat::Text => rules_table(&catalog),
    };
    print(&text)?;
    Ok(EXIT_CLEAN)
}

fn rules_table(catalog: &[RuleMeta]) -> String {
    let width = catalog.iter().map(|r| r.id.len()).max().unwrap_or(0);
    let mut text = String::new();
    for rule in catalog {
        let default = if rule.enabled_by_default { "on" } else { "off" };
        text.push_str(&format!("{:width$}  {:7}  {:3}  {}\n", rule.id, rule.severity.as_str(), default, rule.title));
    }
    text
}

/// `plimsoll explain`.
pub fn explain(args: &ExplainArgs) -> Result<u8, CliError> {
    let catalog = plimsoll_core::rules::builtin_rules().map_err(CliError::diagnostic)?;
    let id = selector::resolve_one(&catalog, &args.rule).map_err(|e| CliError::diagnostic(BuildError::from(e)))?;
    let rule = catalog.iter().find(|r| r.id == id).ok_or_else(|| CliError::message(format!("unknown rule {id:?}")))?;
    let text = match args.format {
        ExplainFormat::Text => rule_docs::explain_text(rule),
        ExplainFormat::Markdown => rule_docs::rule_page(rule, &catalog),
    };
    print(&text)?;
    Ok(EXIT_CLEAN)
}

/// `plimsoll docs`: writes the rule reference's pages under `--out`.
pub fn docs(args: &DocsArgs) -> Result<u8, CliError> {
    let catalog = plimsoll_core::rules::builtin_rules().map_err(CliError::diagnostic)?;
    for (page, text) in rule_docs::reference_pages(&catalog) {
        let path = args.out.join(page);
        let written = path.parent().map_or(Ok(()), std::fs::create_dir_all).and_then(|()| std::fs::write(&path, text));
        written.map_err(|error| CliError::message(format!("cannot write {}: {error}", path.display())))?;
    }
    Ok(EXIT_CLEAN)
}

/// Writes to standard output; a closed pipe (`| head`) is no error.
fn print(text: &str) -> Result<(), CliError> {
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(error) if error.kind() != io::ErrorKind::BrokenPipe => Err(CliError::message(error.to_string())),
        _ => Ok(()),
    }
}
