//! Command-line arguments (clap derive: these doc comments are the help text).

use clap::{Args, Parser, Subcommand, ValueEnum};
use plimsoll_core::KubeVersion;
use std::path::PathBuf;

/// Kubernetes manifest policy linter: Pod Security Standards, images, probes and resources,
/// located at file:line:column.
#[derive(Debug, Parser)]
#[command(name = "plimsoll", version, about, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint manifests (files, directories, or `-` for standard input).
    Lint(LintArgs),
    /// List the built-in rules.
    Rules(RulesArgs),
    /// Show a rule's documentation: what it checks, why, and how to fix it.
    Explain(ExplainArgs),
}

#[derive(Debug, Args)]
pub struct LintArgs {
    /// Files or directories to lint; `-` reads standard input. Directories are searched for
    /// `.yaml`, `.yml` and `.json` files, skipping hidden directories.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,

    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// Exit with status 1 when a finding at or above this severity is reported.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,

    /// Turn on a rule that is off by default (ID or short name; repeatable).
    #[arg(long, value_name = "RULE")]
    pub enable: Vec<String>,

    /// Run only these rules (ID or short name; repeatable). `--enable`/`--disable` apply on top.
    #[arg(long, value_name = "RULE")]
    pub only: Vec<String>,

    /// Turn a rule off (ID or short name; repeatable).
    #[arg(long, value_name = "RULE")]
    pub disable: Vec<String>,

    /// When to use colour in human output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Kubernetes release the manifests target (`1.N`): API versions it no longer serves are
    /// errors, deprecated ones warnings. Schemas are Kubernetes 1.33's whatever the target.
    #[arg(long, value_name = "VERSION", default_value = "1.33", value_parser = parse_kube_version)]
    pub kube_version: KubeVersion,

    /// Schemas for custom resources: a CustomResourceDefinition YAML file (every served version),
    /// a JSON schema file, or a directory of them (`<group>/<kind>_<version>.json`). Repeatable.
    /// CRDs among the linted files are used without this.
    #[arg(long, value_name = "PATH")]
    pub crd: Vec<PathBuf>,
}

fn parse_kube_version(text: &str) -> Result<KubeVersion, String> {
    text.parse().map_err(|e: plimsoll_core::schema::KubeVersionError| e.to_string())
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = RulesFormat::Text)]
    pub format: RulesFormat,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// Rule ID (`security-context/privileged`) or unambiguous short name (`privileged`).
    pub rule: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Source snippets with the offending field labelled.
    Human,
    /// One `file:line:col: severity[rule] message` line per finding.
    Compact,
    /// The JSON report (stable, versioned).
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}
