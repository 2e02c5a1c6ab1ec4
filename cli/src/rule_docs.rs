//! A rule's documentation, rendered from its metadata ([`RuleMeta`]): the terminal text of
//! `plimsoll explain`, and the Markdown pages of the rule reference (`docs/rules/`), which
//! `plimsoll explain --format markdown` prints one at a time and the hidden `plimsoll docs`
//! command writes all at once. Everything a page says comes from the catalog, so the pages are
//! regenerated, never edited (a test compares the committed pages with this output).

use plimsoll_core::rules::parameters::{Parameter, ParameterType};
use plimsoll_core::rules::selector::{Profile, PROFILES};
use plimsoll_core::rules::{CompleteInput, RuleEngine, RuleMeta};
use plimsoll_core::Severity;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The command that regenerates the rule reference, as the pages and the staleness test name it.
pub const REGENERATE: &str = "cargo run -p plimsoll -- docs --out docs/rules";

/// `plimsoll explain RULE`: the rule's documentation for a terminal.
pub fn explain_text(rule: &RuleMeta) -> String {
    let default = if rule.enabled_by_default { "on by default" } else { "off by default" };
    let mut text = format!("{} — {}\nseverity: {}, {}\n", rule.id, rule.title, rule.severity, default);
    if let Some(setting) = &rule.enabled_by {
        text.push_str(&format!("runs when {} is set\n", setting_name(setting)));
    }
    if let (Some(check), Some(level)) = (&rule.pss_check, &rule.level) {
        let since = rule.since.as_deref().map(|v| format!(", since {v}")).unwrap_or_default();
        text.push_str(&format!("Pod Security Standards: check {check}, level {level}{since}\n"));
    }
    if let Some(needs) = rule.complete_input {
        text.push_str(&format!("{}\n", complete_input_note(needs)));
    }
    text.push_str(&format!("\n{}\n\nHow to fix:\n{}\n", rule.description, rule.remediation));
    if !rule.parameters.is_empty() {
        text.push_str(&format!("\nParameters (settings.{}):\n", rule.id));
        for line in parameter_lines(&rule.parameters, 1) {
            text.push_str(&format!("{}\n", line.replace('`', "")));
        }
    }
    if let Some(examples) = &rule.examples {
        text.push_str(&format!("\nReported:\n{}", indent(&examples.fail)));
        text.push_str(&format!("\nNot reported:\n{}", indent(&examples.pass)));
    }
    if !rule.related_resources.is_empty() {
        text.push_str("\nSee also:\n");
        for link in &rule.related_resources {
            text.push_str(&format!("  {link}\n"));
        }
    }
    text
}

/// What a rule that reports missing objects says without `--complete-input`.
fn complete_input_note(needs: CompleteInput) -> &'static str {
    match needs {
        CompleteInput::Required => {
            "needs complete input: it reports a missing object, so it says nothing unless the files are declared \
the whole deployment (--complete-input, or complete_input: true in .plimsoll.yaml)"
        }
        CompleteInput::Partly => {
            "partly needs complete input: a reference to an object that is not among the files is reported only \
when they are declared the whole deployment (--complete-input, or complete_input: true in .plimsoll.yaml)"
        }
    }
}

fn indent(text: &str) -> String {
    text.lines().map(|line| if line.is_empty() { "\n".to_string() } else { format!("  {line}\n") }).collect()
}

/// Every page of the rule reference, by path under `docs/rules/`: an index (`README.md`) and
/// `<category>/<name>.md` per rule.
pub fn reference_pages(catalog: &[RuleMeta]) -> BTreeMap<String, String> {
    let mut pages: BTreeMap<String, String> =
        catalog.iter().map(|rule| (format!("{}.md", rule.id), rule_page(rule, catalog))).collect();
    pages.insert("README.md".to_string(), index_page(catalog));
    pages
}

fn generated_note() -> String {
    format!("<!-- Generated from the rules' metadata by `{REGENERATE}`; edit the metadata, not this page. -->\n\n")
}

/// One rule's page of the rule reference (`plimsoll explain --format markdown RULE`).
pub fn rule_page(rule: &RuleMeta, catalog: &[RuleMeta]) -> String {
    let mut page = generated_note();
    let _ = writeln!(page, "# {}\n\n{}\n", rule.id, rule.title);
    page.push_str(&facts_table(rule, catalog));
    let _ = write!(page, "\n{}\n\n## How to fix\n\n{}\n", rule.description, rule.remediation);
    if let Some(examples) = &rule.examples {
        let _ = write!(page, "\n## Examples\n\n{}Reported:\n\n```yaml\n{}```\n", examples_setting(rule), examples.fail);
        let _ = write!(page, "\nNot reported:\n\n```yaml\n{}```\n", examples.pass);
    }
    page.push_str("\n## Settings\n\n");
    for line in settings(rule) {
        let _ = writeln!(page, "- {line}");
    }
    if !rule.parameters.is_empty() {
        let _ = write!(
            page,
            "\nParameters, under `settings: {{{}: ...}}` in `.plimsoll.yaml`; they are checked when the \
configuration is read:\n\n",
            rule.id
        );
        for line in parameter_lines(&rule.parameters, 0) {
            let _ = writeln!(page, "{line}");
        }
    }
    if !rule.related_resources.is_empty() {
        page.push_str("\n## See also\n\n");
        for link in &rule.related_resources {
            let _ = writeln!(page, "- <{link}>");
        }
    }
    page
}

/// The table at the top of a rule's page: ID, severity, default, profiles, Pod Security check,
/// implementation.
fn facts_table(rule: &RuleMeta, catalog: &[RuleMeta]) -> String {
    let mut table = String::from("| | |\n|---|---|\n");
    let short = rule.id.rsplit('/').next().unwrap_or(&rule.id);
    let unambiguous = catalog.iter().filter(|r| r.id.rsplit('/').next() == Some(short)).count() == 1;
    let short_name = if unambiguous { format!(" (short name `{short}`)") } else { String::new() };
    let _ = writeln!(table, "| ID | `{}`{short_name} |", rule.id);
    let _ = writeln!(table, "| Severity | {} |", rule.severity);
    let default = if rule.enabled_by_default { "on" } else { "off" };
    let _ = writeln!(table, "| Default | {default} |");
    let profiles: Vec<String> = PROFILES
        .iter()
        .filter(|(name, _)| name.parse::<Profile>().is_ok_and(|profile| profile.rules(catalog).contains(&rule.id)))
        .map(|(name, _)| format!("`{name}`"))
        .collect();
    let _ = writeln!(table, "| Profiles | {} |", profiles.join(", "));
    if let Some(setting) = &rule.enabled_by {
        let _ = writeln!(table, "| Runs when | `{}` is set |", setting_name(setting));
    }
    match rule.complete_input {
        Some(CompleteInput::Required) => {
            let _ = writeln!(table, "| Needs | `--complete-input` ([why](../../cross-object-rules.md)) |");
        }
        Some(CompleteInput::Partly) => {
            let _ = writeln!(
                table,
                "| Needs | `--complete-input` for missing objects ([why](../../cross-object-rules.md)) |"
            );
        }
        None => {}
    }
    if let (Some(check), Some(level)) = (&rule.pss_check, &rule.level) {
        let since = rule.since.as_deref().map(|v| format!(", since policy version {v}")).unwrap_or_default();
        let _ = writeln!(table, "| Pod Security Standards | check `{check}`, level {level}{since} |");
    }
    let source = match rule.engine {
        RuleEngine::Rego => format!("Rego: [`policies/{0}.rego`](../../../policies/{0}.rego)", rule.id),
        RuleEngine::Native => "Rust, in core's schema module".to_string(),
    };
    let _ = writeln!(table, "| Implemented in | {source} |");
    table
}

/// What the examples of a rule that needs a setting are checked with (the rule examples test uses
/// the same).
fn examples_setting(rule: &RuleMeta) -> &'static str {
    if rule.complete_input == Some(CompleteInput::Required) {
        return "With `--complete-input` (each example is the whole deployment):\n\n";
    }
    match rule.enabled_by.as_deref() {
        Some("images.allowed_registries") => "With `images.allowed_registries: [ghcr.io/acme]`:\n\n",
        Some("images.trusted_keys") => {
            "With the key and signatures of the supply-chain walkthrough (`testdata/examples/supply-chain`: \
`images.trusted_keys: [cosign.pub]`, `images.signatures: [signatures/]`), which signed this digest:\n\n"
        }
        Some(setting) if setting.starts_with("metadata/required-") => {
            "With the settings in the example's first line (`.plimsoll.yaml`):\n\n"
        }
        _ => "",
    }
}

/// A rule's parameters as a Markdown list: name, type, default and meaning; an object's fields
/// nested under it.
fn parameter_lines(parameters: &[Parameter], depth: usize) -> Vec<String> {
    let mut lines = Vec::new();
    for parameter in parameters {
        let mut facts = vec![type_name(&parameter.kind)];
        if parameter.required {
            facts.push("required".to_string());
        }
        if let Some(default) = &parameter.default {
            facts.push(format!("default `{default}`"));
        }
        if let ParameterType::Integer { minimum: Some(minimum) } = parameter.kind {
            facts.push(format!("at least {minimum}"));
        }
        let indent = "  ".repeat(depth);
        lines.push(format!("{indent}- `{}` ({}): {}", parameter.name, facts.join(", "), parameter.description));
        let mut kind = &parameter.kind;
        while let ParameterType::List { items } = kind {
            kind = items;
        }
        if let ParameterType::Object { fields } = kind {
            lines.extend(parameter_lines(fields, depth + 1));
        }
    }
    lines
}

fn type_name(kind: &ParameterType) -> String {
    match kind {
        ParameterType::Integer { .. } => "integer".into(),
        ParameterType::String => "string".into(),
        ParameterType::Boolean => "true or false".into(),
        ParameterType::Regex => "regular expression".into(),
        ParameterType::List { items } => format!("list of {}", plural(items)),
        ParameterType::Object { .. } => "mapping".into(),
    }
}

fn plural(kind: &ParameterType) -> String {
    match kind {
        ParameterType::Integer { .. } => "integers".into(),
        ParameterType::String => "strings".into(),
        ParameterType::Boolean => "booleans".into(),
        ParameterType::Regex => "regular expressions".into(),
        ParameterType::List { items } => format!("lists of {}", plural(items)),
        ParameterType::Object { .. } => "mappings".into(),
    }
}

/// The settings that change what the rule does, as `.plimsoll.yaml` keys and flags.
fn settings(rule: &RuleMeta) -> Vec<String> {
    let id = &rule.id;
    let mut lines = Vec::new();
    let on_off = match (&rule.enabled_by, rule.enabled_by_default) {
        (Some(setting), _) => format!(
            "It runs once `{}` is set (below); turn it off again with `--disable {id}` or \
`rules: {{disable: [{id}]}}`",
            setting_name(setting)
        ),
        (None, true) => format!("Turn it off with `--disable {id}` or `rules: {{disable: [{id}]}}`"),
        (None, false) => format!("Turn it on with `--enable {id}` or `rules: {{enable: [{id}]}}`"),
    };
    lines.push(format!("{on_off} in `.plimsoll.yaml` ([configuration](../../configuration.md))."));
    let other = if rule.severity == Severity::Error { "warning" } else { "error" };
    lines.push(format!(
        "Change its severity with `rules: {{severity: {{{id}: {other}}}}}` (`error`, `warning` or `info`)."
    ));
    lines.extend(enabling_setting(rule));
    if let Some(needs) = rule.complete_input {
        let what = match needs {
            CompleteInput::Required => "It reports only",
            CompleteInput::Partly => "It reports references to objects missing from the files only",
        };
        lines.push(format!(
            "{what} when the input is declared complete: `--complete-input` or `complete_input: true` \
([rules that relate objects](../../cross-object-rules.md))."
        ));
    }
    lines.extend(pss_setting(rule));
    lines.extend(schema_setting(&rule.id));
    lines.push(
        "Suppress single findings with annotations, `# plimsoll-ignore:` comments or `exemptions` \
([suppressions](../../suppressions.md))."
            .to_string(),
    );
    lines
}

/// The rule reference's index: every rule by category, with severity and default.
fn index_page(catalog: &[RuleMeta]) -> String {
    let mut page = generated_note();
    page.push_str(
        "# Rule reference\n\nEvery built-in rule, one page each: what it checks and why, how to fix a finding, \
an example it reports and one it accepts, and the settings that affect it. `plimsoll rules` lists the same \
catalog and `plimsoll explain RULE` prints a rule's page in the terminal.\n\nRules are named \
`<category>/<name>`; wherever a rule is named (`--only`, `--disable`, `.plimsoll.yaml`, suppressions) its \
short name (`privileged`) works too when no other rule shares it.\n",
    );
    let mut category = "";
    for rule in catalog {
        let this = rule.id.split('/').next().unwrap_or_default();
        if this != category {
            category = this;
            let _ = write!(page, "\n## {category}\n\n| rule | severity | default | title |\n|---|---|---|---|\n");
        }
        let default = match (&rule.enabled_by, rule.enabled_by_default) {
            (Some(setting), _) => format!("with `{}`", setting_name(setting)),
            (None, true) if rule.complete_input == Some(CompleteInput::Required) => "with `--complete-input`".into(),
            (None, true) => "on".to_string(),
            (None, false) => "off".to_string(),
        };
        let _ = writeln!(page, "| [`{0}`]({0}.md) | {1} | {default} | {2} |", rule.id, rule.severity, rule.title);
    }
    page
}

/// An `enabled_by` path as the configuration file spells it: rules' own parameters live under
/// `settings:`, the sections with their own key (`images`, `pss`) at the top level.
fn setting_name(path: &str) -> String {
    if path.starts_with("images.") || path.starts_with("pss.") {
        path.to_string()
    } else {
        format!("settings.{path}")
    }
}

/// The setting without which the rule has nothing to check (`enabled_by`).
fn enabling_setting(rule: &RuleMeta) -> Option<String> {
    let line = match rule.enabled_by.as_deref()? {
        "images.allowed_registries" => "`images.allowed_registries` (or `--allowed-registry`, repeatable): the \
registries and repository prefixes images may come from ([supply chain](../../supply-chain.md))."
            .to_string(),
        "images.trusted_keys" => "`images.trusted_keys` (or `--trusted-key`) and `images.signatures` (or \
`--signatures`): the public keys to trust and the downloaded signatures ([supply chain](../../supply-chain.md))."
            .to_string(),
        other => format!("`{}`: the rule has nothing to check without it.", setting_name(other)),
    };
    Some(line)
}

/// The Pod Security Standards settings, for the rules that implement a check.
fn pss_setting(rule: &RuleMeta) -> Option<String> {
    let levels = if rule.level.as_deref()? == "baseline" { "`baseline` and `restricted`" } else { "`restricted`" };
    Some(format!(
        "`pss.level` (`--pss-level`): runs at {levels}; `pss.version` (`--pss-version`) selects the variant of the \
check that Pod Security admission applies at that policy version."
    ))
}

/// The schema settings: the target release for the API lifecycle rules, CRDs for validation.
fn schema_setting(id: &str) -> Option<String> {
    let line = if id == "schema/removed-api" || id == "schema/deprecated-api" {
        "`kube_version` (`--kube-version`): the Kubernetes release to judge API versions against \
([schema validation](../../schema-validation.md))."
    } else if id.starts_with("schema/") {
        "`crds` (`--crd`): schemas for custom resources ([schema validation](../../schema-validation.md))."
    } else {
        return None;
    };
    Some(line.to_string())
}
