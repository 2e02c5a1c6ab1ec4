//! The subcommands. Each returns the process exit code.

use crate::args::{ColorChoice, ExplainArgs, FailOn, Format, LintArgs, RulesArgs, RulesFormat};
use crate::render;
use crate::schemas;
use crate::walk;
use plimsoll_core::{Linter, Report, RuleMeta, Severity};
use std::collections::HashMap;
use std::io::{self, IsTerminal, Write};

pub const EXIT_CLEAN: u8 = 0;
pub const EXIT_FINDINGS: u8 = 1;
pub const EXIT_ERROR: u8 = 2;

/// `plimsoll lint`.
pub fn lint(args: &LintArgs) -> u8 {
    let mut builder = Linter::builder();
    if !args.only.is_empty() {
        builder = builder.only(args.only.iter().cloned());
    }
    for rule in &args.enable {
        builder = builder.enable(rule);
    }
    for rule in &args.disable {
        builder = builder.disable(rule);
    }
    builder = builder.kube_version(args.kube_version);
    builder = match schemas::add_crd_paths(builder, &args.crd) {
        Ok(builder) => builder,
        Err(error) => {
            eprintln!("plimsoll: {error}");
            return EXIT_ERROR;
        }
    };
    let linter = match builder.build() {
        Ok(linter) => linter,
        Err(error) => return fail(&miette::Report::new(error)),
    };
    let collected = walk::collect(&args.paths);
    for error in &collected.errors {
        eprintln!("plimsoll: {}: {}", error.path, error.message);
    }
    if collected.sources.is_empty() {
        if collected.errors.is_empty() {
            let paths: Vec<String> = args.paths.iter().map(|p| p.display().to_string()).collect();
            eprintln!("plimsoll: no .yaml, .yml or .json files found in {}", paths.join(", "));
        }
        return EXIT_ERROR;
    }
    let report = linter.lint_sources(&collected.sources);
    let texts: HashMap<&str, &str> = collected.sources.iter().map(|s| (s.name.as_str(), s.text.as_str())).collect();
    if let Err(error) = write_report(args, &report, &texts, linter.catalog()) {
        if error.kind() != io::ErrorKind::BrokenPipe {
            eprintln!("plimsoll: cannot write the report: {error}");
            return EXIT_ERROR;
        }
    }
    if !collected.errors.is_empty() {
        return EXIT_ERROR;
    }
    exit_code(&report, args.fail_on)
}

fn write_report(args: &LintArgs, report: &Report, texts: &HashMap<&str, &str>, rules: &[RuleMeta]) -> io::Result<()> {
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    match args.format {
        Format::Json => render::json::render(report, &mut out)?,
        Format::Compact => render::compact::render(report, &mut out)?,
        Format::Human => {
            let style = render::human::Style { color: use_color(args.color), width: terminal_width() };
            render::human::render(report, texts, rules, &style, &mut out)?;
        }
    }
    out.flush()
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

fn exit_code(report: &Report, fail_on: FailOn) -> u8 {
    let threshold = match fail_on {
        FailOn::Error => Severity::Error,
        FailOn::Warning => Severity::Warning,
        FailOn::Info => Severity::Info,
        FailOn::Never => return EXIT_CLEAN,
    };
    match report.max_severity() {
        Some(worst) if worst >= threshold => EXIT_FINDINGS,
        _ => EXIT_CLEAN,
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
    let id = match plimsoll_core::linter::resolve_rule_name(&catalog, &args.rule) {
        Ok(id) => id,
        Err(error) => return fail(&miette::Report::new(error)),
    };
    let Some(rule) = catalog.iter().find(|r| r.id == id) else { return EXIT_ERROR };
    print_or_fail(&explanation(rule))
}

fn explanation(rule: &RuleMeta) -> String {
    let default = if rule.enabled_by_default { "on by default" } else { "off by default" };
    let mut text = format!("{} — {}\nseverity: {}, {}\n", rule.id, rule.title, rule.severity, default);
    if let (Some(check), Some(level)) = (&rule.pss_check, &rule.level) {
        text.push_str(&format!("Pod Security Standards: check {check}, level {level}\n"));
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
