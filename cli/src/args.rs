//! Command-line arguments (clap derive: these doc comments are the help text).

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum};
use plimsoll_core::config::{FailOn, ImageSettings, Profile, PssChoice, RuleSettings, Settings};
use plimsoll_core::{KubeVersion, PssLevel, PssVersion};
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
    // Boxed: the lint options are many times the size of the other commands'.
    Lint(Box<LintArgs>),
    /// List the built-in rules.
    Rules(RulesArgs),
    /// Show a rule's documentation: what it checks, why, and how to fix it.
    Explain(ExplainArgs),
    /// Run policy tests: the `test_*` rules of Rego files (as `opa test` does) and gator suites,
    /// e.g. `plimsoll test policies`. Prints a line per test and a total; exits 1 if any test fails.
    Test(TestArgs),
    /// Run a language server on standard input and output: editors show the findings as
    /// diagnostics while the manifest is typed (see docs/editors.md).
    Lsp,
    /// Write the rule reference (`docs/rules/`): a Markdown page per rule and an index.
    #[command(hide = true)]
    Docs(DocsArgs),
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

    /// Exit with status 1 when a finding at or above this severity is reported
    /// [default: error, or `fail_on` from the configuration file].
    #[arg(long, value_parser = fail_on_parser())]
    pub fail_on: Option<FailOn>,

    /// Turn on a rule that is off by default (ID, short name or category; repeatable).
    #[arg(long, value_name = "RULE")]
    pub enable: Vec<String>,

    /// Run only these rules (ID, short name or category; repeatable). `--enable`/`--disable` apply
    /// on top.
    #[arg(long, value_name = "RULE")]
    pub only: Vec<String>,

    /// Turn rules off (ID, short name or category; repeatable).
    #[arg(long, value_name = "RULE")]
    pub disable: Vec<String>,

    /// Allow images only from this registry or repository prefix (`ghcr.io`,
    /// `registry.local:5000`, `ghcr.io/acme`, `nginx`; repeatable). Turns on images/registry.
    #[arg(long, value_name = "PREFIX")]
    pub allowed_registry: Vec<String>,

    /// Trust this public key (PEM, as `cosign.pub`; ECDSA P-256/P-384, Ed25519 or RSA) for
    /// images/signature, which it turns on (repeatable; adds to the configuration's
    /// `images.trusted_keys`).
    #[arg(long, value_name = "PATH")]
    pub trusted_key: Vec<PathBuf>,

    /// Signature material for images/signature (repeatable; adds to `images.signatures`): a file
    /// of `cosign download signature` output, a `cosign save` directory, or a directory of those.
    #[arg(long, value_name = "PATH")]
    pub signatures: Vec<PathBuf>,

    /// Start from a named set of rules: `default`, `all`, `supply-chain` (the default rules
    /// and the image provenance rules; images/registry and images/signature still need their allow-list
    /// or keys), `availability` (the default rules and every availability/ rule) or `hardening`
    /// (the default rules and the service-account, networking, secret-reference and RBAC
    /// hardening rules). Replaces the configuration's `rules.profile`; not with `--only`.
    #[arg(long, value_name = "PROFILE", conflicts_with = "only", value_parser = profile_parser())]
    pub profile: Option<Profile>,

    /// When to use colour in human output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Pod Security Standards level the security-context rules check: `baseline` runs only the
    /// baseline rules, `restricted` runs them all.
    /// [default: restricted, or the configuration file's `pss.level`]
    #[arg(long, value_name = "LEVEL", value_parser = pss_level_parser())]
    pub pss_level: Option<PssLevel>,

    /// Pod Security Standards policy version whose checks apply: `v1.0` … `v1.37`, or `latest`.
    /// [default: latest, or the configuration file's `pss.version`]
    #[arg(long, value_name = "VERSION", value_parser = parse_pss_version)]
    pub pss_version: Option<PssVersion>,

    // --- CI integration: configuration, suppressions, baselines, output ---------------------
    /// Write the report to this file instead of standard output; a summary line still goes to
    /// standard error.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Read settings from this file instead of looking for `.plimsoll.yaml` in the working
    /// directory and its parents.
    #[arg(long, value_name = "PATH", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,

    /// Ignore any `.plimsoll.yaml`.
    #[arg(long)]
    pub no_config: bool,

    /// Declare that the files linted are the whole deployment: rules that report a missing
    /// object (a Service whose selector matches no pod, a ServiceAccount or ConfigMap that is not
    /// among the files) report only with it [default: the configuration file's `complete_input`]
    #[arg(long)]
    pub complete_input: bool,

    /// Do not let `plimsoll.io/ignore` annotations and `# plimsoll-ignore:` comments suppress
    /// findings (configuration exemptions still apply).
    #[arg(long)]
    pub no_inline_ignores: bool,

    /// Most YAML nodes one document may hold, aliases counted in full (default 2000000). A
    /// larger document is reported as unreadable.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub max_document_nodes: Option<u64>,

    /// List suppressed findings too, with how they were suppressed and why.
    #[arg(long)]
    pub show_suppressed: bool,

    /// Report only findings that this baseline file does not record.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Record the findings of this run in a baseline file (and treat them as known).
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,

    /// Print only the report: no progress bar, no summary or notes on standard error.
    #[arg(long, short = 'q')]
    pub quiet: bool,

    // --- Schemas and API versions ----------------------------------------------------------
    /// Kubernetes release the manifests target (`1.N`): API versions it no longer serves are
    /// errors, deprecated ones warnings. Schemas are Kubernetes 1.33's whatever the target.
    /// [default: 1.33, or the configuration file's `kube_version`]
    #[arg(long, value_name = "VERSION", value_parser = parse_kube_version)]
    pub kube_version: Option<KubeVersion>,

    /// Schemas for custom resources: a CustomResourceDefinition YAML file (every served version),
    /// a JSON schema file, or a directory of them (`<group>/<kind>_<version>.json`). Repeatable.
    /// CRDs among the linted files are used without this.
    #[arg(long, value_name = "PATH")]
    pub crd: Vec<PathBuf>,

    // --- Helm charts and Kustomize overlays -----------------------------------------------
    /// The helm binary that renders charts (folders holding `Chart.yaml`) [default: `helm` on
    /// PATH, or the configuration file's `helm`].
    #[arg(long, value_name = "PATH")]
    pub helm: Option<PathBuf>,

    /// The kustomize binary (or kubectl) that renders kustomizations (folders holding
    /// `kustomization.yaml`) [default: `kustomize` on PATH, else `kubectl`, or the configuration
    /// file's `kustomize`].
    #[arg(long, value_name = "PATH")]
    pub kustomize: Option<PathBuf>,

    /// A values file for the charts rendered without a configured value set (repeatable, in
    /// order, as `helm template --values`).
    #[arg(long, value_name = "FILE")]
    pub values: Vec<PathBuf>,

    /// `key=value` for the charts rendered without a configured value set (repeatable, as `helm
    /// template --set`).
    #[arg(long, value_name = "KEY=VALUE")]
    pub set: Vec<String>,

    /// Standard input (`-`) is `helm template` output of this chart: its findings point at the
    /// chart's templates.
    #[arg(long, value_name = "DIR")]
    pub chart: Option<PathBuf>,

    // --- Your own policies ----------------------------------------------------------------
    /// Also run your own Rego policies, written for conftest: a `.rego` file, or a directory
    /// searched recursively for them (repeatable). Rules `deny` and `violation` report errors,
    /// `warn` warnings (also `deny_<name>` and so on), in package `main` unless `--namespace`
    /// says otherwise. A rule is a set of messages, or of objects `{"msg": …, "path": …}` where
    /// the path (`"spec.containers[0].image"` or `["spec", "containers", 0, "image"]`) locates
    /// the finding; without one the finding points at the object's `metadata`. The object is
    /// `input`. Rego v1, or v0 for a module written in v0 syntax. The rule ID is the METADATA
    /// `custom.id` of the rule (or of its package), else `<package>/<rule>`.
    /// Gatekeeper ConstraintTemplates and Constraints in `.yaml`, `.yml` or `.json` files there
    /// are evaluated too; their findings carry the rule ID `<Kind>/<constraint name>`. A file
    /// named directly is read by what it holds: `.rego` as Rego, YAML or JSON as templates and
    /// constraints (it must hold one).
    #[arg(long, value_name = "PATH")]
    pub policy: Vec<PathBuf>,

    /// Data for your policies: JSON or YAML files, or directories of them (repeatable). Every
    /// document's keys are merged into `data` at the top level, as conftest does.
    #[arg(long, value_name = "PATH")]
    pub data: Vec<PathBuf>,

    /// How long, in milliseconds, the policies may evaluate one object: a policy that loops or
    /// builds values without end is stopped there, and the object gets a `plimsoll/evaluation`
    /// error [default: 5000, or the configuration file's `evaluation_budget_ms`]
    #[arg(long, value_name = "MS", value_parser = clap::value_parser!(u64).range(1..))]
    pub evaluation_budget_ms: Option<u64>,

    /// Run the rules of this package of your policies (repeatable) [default: main].
    #[arg(long, value_name = "PACKAGE", conflicts_with = "all_namespaces")]
    pub namespace: Vec<String>,

    /// Run the rules of every package of your policies.
    #[arg(long)]
    pub all_namespaces: bool,

    /// Run none of the built-in rules: only your policies (and the loader's YAML checks).
    #[arg(long)]
    pub no_builtin: bool,
}

#[derive(Debug, Args)]
pub struct TestArgs {
    /// Test files or directories, searched recursively: `.rego` files (tests and the policies
    /// they test, loaded together) and gator `suite.yaml` files. A file named directly is read by
    /// what it holds: Rego, a suite (`kind: Suite`, whatever its name), or a ConstraintTemplate,
    /// which runs the `suite.yaml` in its folder or the folder above that tests it.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,

    /// Data for the policies, as for `plimsoll lint --data` (repeatable).
    #[arg(long, value_name = "PATH")]
    pub data: Vec<PathBuf>,
}

impl LintArgs {
    /// The settings the command line gives, to lay over the configuration file's. Paths are
    /// read by the command apart from these, relative to the working directory.
    pub fn settings(&self) -> Settings {
        let names = |paths: &[PathBuf]| paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>();
        let pss_chosen = self.pss_level.is_some() || self.pss_version.is_some();
        Settings {
            rules: RuleSettings {
                profile: self.profile,
                only: (!self.only.is_empty()).then(|| self.only.clone()),
                enable: self.enable.clone(),
                disable: self.disable.clone(),
                severity: Default::default(),
            },
            fail_on: self.fail_on,
            pss: pss_chosen.then_some(PssChoice { level: self.pss_level, version: self.pss_version }),
            images: ImageSettings {
                allowed_registries: (!self.allowed_registry.is_empty()).then(|| self.allowed_registry.clone()),
                trusted_keys: names(&self.trusted_key),
                signatures: names(&self.signatures),
            },
            kube_version: self.kube_version,
            policies: names(&self.policy),
            data: names(&self.data),
            crds: names(&self.crd),
            exemptions: Vec::new(),
            inline_ignores: self.no_inline_ignores.then_some(false),
            complete_input: self.complete_input.then_some(true),
            max_document_nodes: self.max_document_nodes.and_then(|n| usize::try_from(n).ok()),
            settings: Default::default(),
            evaluation_budget_ms: self.evaluation_budget_ms,
        }
    }
}

/// `--fail-on`: core's thresholds.
fn fail_on_parser() -> impl TypedValueParser<Value = FailOn> {
    PossibleValuesParser::new(["error", "warning", "info", "never"]).map(|name| name.parse().unwrap_or_default())
}

/// `--profile`: core's profiles.
fn profile_parser() -> impl TypedValueParser<Value = Profile> {
    PossibleValuesParser::new([
        PossibleValue::new("default").help("The rules that are on by default"),
        PossibleValue::new("all").help("Every built-in rule"),
        PossibleValue::new("supply-chain")
            .help("The default rules and the image provenance rules (digest pinning, registries, signatures)"),
        PossibleValue::new("availability")
            .help("The default rules and every availability/ rule (replicas, spreading, disruption budgets)"),
        PossibleValue::new("hardening").help(
            "The default rules and service-account/*, networking/*, secrets/env-secret-ref, rbac/secret-access, rbac/workload-create",
        ),
    ])
    .map(|name| name.parse().unwrap_or_default())
}

/// `--pss-level`: core's levels.
fn pss_level_parser() -> impl TypedValueParser<Value = PssLevel> {
    PossibleValuesParser::new([
        PossibleValue::new("baseline").help("Prevents known privilege escalations"),
        PossibleValue::new("restricted").help("Baseline plus hardening best practice"),
    ])
    .map(|name| name.parse().unwrap_or_default())
}

fn parse_pss_version(text: &str) -> Result<PssVersion, String> {
    text.parse().map_err(|e: plimsoll_core::k8s::pss::PssSettingError| e.to_string())
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
    /// Output format: text for a terminal, or the rule's Markdown page of the rule reference.
    #[arg(long, short = 'f', value_enum, default_value_t = ExplainFormat::Text)]
    pub format: ExplainFormat,
}

#[derive(Debug, Args)]
pub struct DocsArgs {
    /// The folder to write the pages to (created if missing; pages in it are overwritten).
    #[arg(long)]
    pub out: PathBuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExplainFormat {
    Text,
    Markdown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Source snippets with the offending field labelled.
    Human,
    /// One `file:line:col: severity[rule] message` line per finding.
    Compact,
    /// The JSON report (stable, versioned).
    Json,
    /// SARIF 2.1.0, for code scanning (GitHub, GitLab, IDEs).
    Sarif,
    /// JUnit XML: one test case per object and rule.
    Junit,
    /// GitHub Actions workflow commands: annotations on the pull request's files.
    Github,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}
