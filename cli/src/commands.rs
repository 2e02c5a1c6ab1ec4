//! The subcommands. Each returns the process exit code.

use crate::args::{ColorChoice, ExplainArgs, Format, LintArgs, RulesArgs, RulesFormat, TestArgs};
use crate::config_file::{self, LoadError};
use crate::policies;
use crate::progress::Progress;
use crate::render;
use crate::schemas;
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

/// `plimsoll lint`.
pub fn lint(args: &LintArgs) -> u8 {
    let loaded = match config_file::load(args.config.as_deref(), args.no_config) {
        Ok(loaded) => loaded,
        Err(error) => return config_error(error),
    };
    let file_settings = match &loaded {
        Some(loaded) => match loaded.config.settings() {
            Ok(settings) => settings,
            Err(errors) => return config_error(LoadError::Invalid(errors)),
        },
        None => Settings::default(),
    };
    // Command-line options override the configuration file.
    let settings = Settings::merge(file_settings, args.settings());
    let mut builder = match settings.builder() {
        Ok(builder) => builder,
        Err(error) => return fail(&miette::Report::new(error)),
    };
    let paths = ConfiguredPaths::new(loaded.as_ref(), args);
    builder = match schemas::add_crd_paths(builder, &paths.crds) {
        Ok(builder) => builder,
        Err(error) => {
            eprintln!("plimsoll: {error}");
            return EXIT_ERROR;
        }
    };
    builder = match add_supply_chain_files(builder, args, loaded.as_ref()) {
        Ok(builder) => builder,
        Err(message) => {
            eprintln!("plimsoll: {message}");
            return EXIT_ERROR;
        }
    };
    builder = match with_user_policies(args, &paths, builder) {
        Ok(builder) => builder,
        Err(code) => return code,
    };
    match crate::gatekeeper_cmd::load_policies(&args.policy) {
        Ok(Some(policies)) => builder = builder.gatekeeper(policies),
        Ok(None) => {}
        Err(code) => return code,
    }
    // Compiling the policies and reading the files are independent: done side by side.
    let (built, collected) = rayon::join(
        || builder.build(),
        || match &loaded {
            Some(loaded) => walk::collect_except(&args.paths, &|path| loaded.ignores(path)),
            None => walk::collect(&args.paths),
        },
    );
    let linter = match built {
        Ok(linter) => linter,
        Err(error) => return fail(&miette::Report::new(error)),
    };
    if !args.quiet {
        for note in linter.policy_notes() {
            eprintln!("plimsoll: note: {note}");
        }
    }
    for error in &collected.errors {
        eprintln!("plimsoll: {}: {}", error.path, error.message);
    }
    if collected.sources.is_empty() {
        return nothing_to_lint(args, &collected);
    }
    let progress = Progress::new(collected.sources.len(), args.quiet);
    let mut report = linter.lint_sources_with_progress(&collected.sources, &|| progress.tick());
    progress.finish();
    if let Err(code) = apply_baselines(args, &mut report) {
        return code;
    }
    let texts: HashMap<&str, &str> = collected.sources.iter().map(|s| (s.name.as_str(), s.text.as_str())).collect();
    if let Err(error) = write_report(args, &report, &texts, &linter) {
        if error.kind() != io::ErrorKind::BrokenPipe {
            eprintln!("plimsoll: cannot write the report: {error}");
            return EXIT_ERROR;
        }
    }
    if args.output.is_some() && !args.quiet {
        eprintln!("{}", render::human::summary_line(&report));
    }
    if !collected.errors.is_empty() {
        return EXIT_ERROR;
    }
    exit_code(&report, settings.fail_threshold())
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
) -> Result<LinterBuilder, u8> {
    let failed = |errors: Vec<crate::walk::PathError>| {
        policies::report(&errors);
        EXIT_ERROR
    };
    for module in policies::read_policies(&paths.policies).map_err(failed)? {
        builder = builder.policy(module.name, module.text);
    }
    for (name, document) in policies::read_data(&paths.data).map_err(failed)? {
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
fn nothing_to_lint(args: &LintArgs, collected: &walk::Collected) -> u8 {
    if !collected.errors.is_empty() {
        return EXIT_ERROR;
    }
    if collected.ignored > 0 {
        if !args.quiet {
            eprintln!("plimsoll: nothing to lint: the configuration's ignore_paths covers every file");
        }
        return EXIT_CLEAN;
    }
    let paths: Vec<String> = args.paths.iter().map(|p| p.display().to_string()).collect();
    eprintln!("plimsoll: no .yaml, .yml or .json files found in {}", paths.join(", "));
    EXIT_ERROR
}

fn config_error(error: LoadError) -> u8 {
    match error {
        LoadError::Read { name, message } => eprintln!("plimsoll: cannot read the configuration {name}: {message}"),
        LoadError::Invalid(errors) => {
            for error in errors.0 {
                eprintln!("{:?}", miette::Report::new(error));
            }
        }
    }
    EXIT_ERROR
}

/// `--write-baseline` records the findings and, unless `--baseline` names another file, treats
/// them as known; `--baseline` moves the findings it records to the suppressed list.
fn apply_baselines(args: &LintArgs, report: &mut Report) -> Result<(), u8> {
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

fn write_baseline(args: &LintArgs, path: &Path, report: &Report) -> Result<Baseline, u8> {
    let baseline = Baseline::from_report(report);
    if let Err(error) = std::fs::write(path, baseline.to_json()) {
        eprintln!("plimsoll: cannot write the baseline {}: {error}", path.display());
        return Err(EXIT_ERROR);
    }
    if !args.quiet {
        let noun = if baseline.len() == 1 { "finding" } else { "findings" };
        eprintln!("plimsoll: recorded {} {noun} in {}", baseline.len(), path.display());
    }
    Ok(baseline)
}

fn read_baseline(path: &Path) -> Result<Baseline, u8> {
    let text = std::fs::read_to_string(path).map_err(|error| {
        eprintln!("plimsoll: cannot read the baseline {}: {error}", path.display());
        EXIT_ERROR
    })?;
    Baseline::parse(&text).map_err(|error| {
        eprintln!("plimsoll: {}: {error}", path.display());
        EXIT_ERROR
    })
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
    match (report.max_severity(), threshold) {
        (Some(worst), Some(threshold)) if worst >= threshold => EXIT_FINDINGS,
        _ => EXIT_CLEAN,
    }
}

/// `plimsoll test`: finds the test files under the paths, runs each kind with its runner, prints
/// a line per test and the total. Exit 1 when a test fails, 2 when nothing could be run.
pub fn test(args: &TestArgs) -> u8 {
    let collected = crate::walk::collect_files(&args.paths, &|path| policies::is_rego(path) || is_suite(path));
    if !collected.errors.is_empty() {
        policies::report(&collected.errors);
        return EXIT_ERROR;
    }
    let data = match policies::read_data(&args.data) {
        Ok(data) => data,
        Err(errors) => {
            policies::report(&errors);
            return EXIT_ERROR;
        }
    };
    let (suites, rego): (Vec<Source>, Vec<Source>) =
        collected.sources.into_iter().partition(|source| is_suite(Path::new(&source.name)));
    let mut cases = Vec::new();
    for runner in [run_rego_tests(rego, &data), run_suites(suites)] {
        match runner {
            Ok(more) => cases.extend(more),
            Err(error) => return fail(&error),
        }
    }
    report_tests(&cases)
}

/// The `test_*` rules of the Rego files; the files' policies are loaded with them.
fn run_rego_tests(files: Vec<Source>, data: &[(String, serde_json::Value)]) -> Result<Vec<TestCase>, miette::Report> {
    let modules: Vec<_> = files
        .into_iter()
        .map(|s| plimsoll_core::engine::user_policy::PolicyModule { name: s.name, text: s.text })
        .collect();
    if modules.is_empty() {
        return Ok(Vec::new());
    }
    plimsoll_core::engine::rego_test::run(&modules, data).map_err(miette::Report::new)
}

/// Gatekeeper `suite.yaml` files (gator's format): one [`TestCase`] per case of each suite.
fn run_suites(suites: Vec<Source>) -> Result<Vec<TestCase>, miette::Report> {
    Ok(crate::gatekeeper_cmd::run_suites(&suites))
}

fn is_suite(path: &Path) -> bool {
    matches!(path.file_name().and_then(|n| n.to_str()), Some("suite.yaml" | "suite.yml"))
}

fn report_tests(cases: &[TestCase]) -> u8 {
    if cases.is_empty() {
        eprintln!("plimsoll: no tests found (Rego tests are rules named test_*)");
        return EXIT_ERROR;
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
    match print_or_fail(&text) {
        EXIT_CLEAN if failed > 0 => EXIT_FINDINGS,
        code => code,
    }
}

/// `plimsoll rules`.
pub fn rules(args: &RulesArgs) -> u8 {
    let catalog = match plimsoll_core::rules::builtin_rules() {
        Ok(catalog) => catalog,
        Err(error) => return fail(&miette::Report::new(error)),
    };
    let text = match args.format {
        RulesFormat::Json => serde_json::to_string_pretty(&catalog).unwrap_or_default() + "\n",
        RulesFormat::Text => rules_table(&catalog),
    };
    print_or_fail(&text)
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
pub fn explain(args: &ExplainArgs) -> u8 {
    let catalog = match plimsoll_core::rules::builtin_rules() {
        Ok(catalog) => catalog,
        Err(error) => return fail(&miette::Report::new(error)),
    };
    let id = match selector::resolve_one(&catalog, &args.rule) {
        Ok(id) => id,
        Err(error) => return fail(&miette::Report::new(BuildError::from(error))),
    };
    let Some(rule) = catalog.iter().find(|r| r.id == id) else { return EXIT_ERROR };
    print_or_fail(&explanation(rule))
}

fn explanation(rule: &RuleMeta) -> String {
    let default = if rule.enabled_by_default { "on by default" } else { "off by default" };
    let mut text = format!("{} — {}\nseverity: {}, {}\n", rule.id, rule.title, rule.severity, default);
    if let (Some(check), Some(level)) = (&rule.pss_check, &rule.level) {
        let since = rule.since.as_deref().map(|v| format!(", since {v}")).unwrap_or_default();
        text.push_str(&format!("Pod Security Standards: check {check}, level {level}{since}\n"));
    }
    text.push_str(&format!("\n{}\n\nHow to fix:\n{}\n", rule.description, rule.remediation));
    if !rule.related_resources.is_empty() {
        text.push_str("\nSee also:\n");
        for link in &rule.related_resources {
            text.push_str(&format!("  {link}\n"));
        }
    }
    text
}

fn print_or_fail(text: &str) -> u8 {
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(error) if error.kind() != io::ErrorKind::BrokenPipe => {
            eprintln!("plimsoll: {error}");
            EXIT_ERROR
        }
        _ => EXIT_CLEAN,
    }
}

fn fail(report: &miette::Report) -> u8 {
    eprintln!("{report:?}");
    EXIT_ERROR
}
