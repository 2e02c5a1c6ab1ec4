//! `--format sarif`: a SARIF 2.1.0 log, for code scanning (GitHub, GitLab) and IDE viewers.
//!
//! One run. `tool.driver.rules` describes every built-in rule from its metadata — title, the
//! description with its why, the remediation as help (text and Markdown, with the rule's links)
//! and whether this run enabled it — followed by the loader's own rules. Each finding is a result
//! pointing at the offending field: `startLine`/`startColumn` where it starts and
//! `endLine`/`endColumn` where it ends (columns count characters: `columnKind` is
//! `unicodeCodePoints`), the object as a logical location, and a partial fingerprint,
//! `plimsoll/v1`, that hashes what the finding is about — rule, file, object and field path —
//! rather than where it is, so it stays the same when unrelated lines move. With
//! `--show-suppressed`, suppressed findings are results too, with a SARIF `suppressions` entry
//! (`inSource` for annotations and comments, `external` for exemptions and the baseline).
//!
//! The SARIF object model comes from the `serde-sarif` crate.

use super::Context;
use plimsoll_core::report::baseline::stable_message;
use plimsoll_core::report::suppress::{SuppressedFinding, SuppressionKind};
use plimsoll_core::{Finding, Report, RuleMeta, Severity};
use serde_json::json;
use serde_sarif::sarif::{
    ArtifactLocation, Location, LogicalLocation, Message, MultiformatMessageString, PhysicalLocation, PropertyBag,
    Region, ReportingConfiguration, ReportingDescriptor, Result as SarifResult, ResultLevel, Run, Sarif, Suppression,
    Tool, ToolComponent,
};
use std::collections::BTreeMap;
use std::io::{self, Write};

/// The schema SARIF 2.1.0 logs name (the OASIS standard's, with its errata).
const SCHEMA: &str = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The partial fingerprint's name; the version changes if what it hashes changes.
const FINGERPRINT: &str = "plimsoll/v1";

/// Rules that are not Rego policies: the loader's findings and evaluation failures.
const LOADER_RULES: &[(&str, &str, &str)] = &[
    ("yaml/syntax", "Unreadable YAML", "A document is not valid YAML or JSON, so it cannot be linted; the other documents still are."),
    (
        "yaml/duplicate-key",
        "Key set twice",
        "A mapping sets the same key twice: kubectl keeps the last value and strict field validation rejects the object.",
    ),
    (plimsoll_core::EvaluationError::RULE, "Policy evaluation failed", "A rule could not be evaluated against an object."),
];

pub fn render(report: &Report, context: &Context<'_>, out: &mut dyn Write) -> io::Result<()> {
    let mut stream = Stream::begin(context, out)?;
    stream.results(&report.findings, out)?;
    if context.show_suppressed {
        stream.suppressed(&report.suppressed, out)?;
    }
    stream.end(out)
}

/// The log written as the findings come: everything up to the results array, then the results,
/// then the rest. The opening and the end are the whole log's pretty printing with no results, cut
/// at the array; each result is printed alone and indented to its depth, so that the bytes are
/// those of the whole log printed at once.
pub struct Stream {
    index: BTreeMap<String, i64>,
    /// The results array's depth (the indentation of its closing bracket).
    depth: usize,
    /// What follows the results array.
    tail: String,
    written: usize,
}

impl Stream {
    /// Writes the log up to the results array's first item.
    pub fn begin(context: &Context<'_>, out: &mut dyn Write) -> io::Result<Stream> {
        let rules = descriptors(context);
        let index = rules.iter().enumerate().map(|(i, r)| (r.id.clone(), i as i64)).collect();
        let driver = ToolComponent::builder()
            .name("plimsoll")
            .version(env!("CARGO_PKG_VERSION"))
            .semantic_version(env!("CARGO_PKG_VERSION"))
            .rules(rules)
            .build();
        let run = Run::builder()
            .tool(Tool::builder().driver(driver).build())
            .results(Vec::new())
            .column_kind(json!("unicodeCodePoints"))
            .build();
        let log = Sarif::builder().schema(SCHEMA).version(json!("2.1.0")).runs(vec![run]).build();
        let text = serde_json::to_string_pretty(&log).map_err(io::Error::other)?;
        const EMPTY: &str = "\"results\": []";
        let at = text.find(EMPTY).ok_or_else(|| io::Error::other("SARIF log without results"))?;
        let depth = at - text[..at].rfind('\n').map_or(0, |i| i + 1);
        let (head, tail) = text.split_at(at + EMPTY.len() - 1);
        out.write_all(head.as_bytes())?;
        Ok(Stream { index, depth, tail: tail.to_string(), written: 0 })
    }

    /// Writes the findings' results.
    pub fn results(&mut self, findings: &[Finding], out: &mut dyn Write) -> io::Result<()> {
        for finding in findings {
            let result = result(finding, &self.index, None);
            self.write(&result, out)?;
        }
        Ok(())
    }

    /// Writes the suppressed findings' results.
    pub fn suppressed(&mut self, suppressed: &[SuppressedFinding], out: &mut dyn Write) -> io::Result<()> {
        for s in suppressed {
            let result = result(&s.finding, &self.index, Some(s));
            self.write(&result, out)?;
        }
        Ok(())
    }

    fn write(&mut self, result: &SarifResult, out: &mut dyn Write) -> io::Result<()> {
        let text = serde_json::to_string_pretty(result).map_err(io::Error::other)?;
        let indent = format!("\n{}", " ".repeat(self.depth + 2));
        out.write_all(if self.written == 0 { b"" } else { b"," })?;
        out.write_all(indent.as_bytes())?;
        out.write_all(text.replace('\n', &indent).as_bytes())?;
        self.written += 1;
        Ok(())
    }

    /// Closes the results array and writes the rest of the log.
    pub fn end(self, out: &mut dyn Write) -> io::Result<()> {
        if self.written > 0 {
            write!(out, "\n{}", " ".repeat(self.depth))?;
        }
        writeln!(out, "{}", self.tail)
    }
}

/// Rule descriptors: the catalog (sorted by ID), then the loader's rules.
fn descriptors(context: &Context<'_>) -> Vec<ReportingDescriptor> {
    let mut rules: Vec<ReportingDescriptor> =
        context.rules.iter().map(|rule| descriptor(rule, context.enabled.contains(&rule.id.as_str()))).collect();
    rules.extend(LOADER_RULES.iter().map(|(id, title, description)| {
        ReportingDescriptor::builder()
            .id(*id)
            .short_description(text(title))
            .full_description(text(description))
            .default_configuration(configuration(Severity::Error, true))
            .properties(tags(id))
            .build()
    }));
    rules
}

fn descriptor(rule: &RuleMeta, enabled: bool) -> ReportingDescriptor {
    let links: Vec<String> = rule.related_resources.iter().map(|link| format!("- <{link}>")).collect();
    let mut help_text = format!("{}\n", rule.remediation);
    let mut help_markdown = format!("**How to fix.** {}\n\n{}\n", rule.remediation, rule.description);
    if !links.is_empty() {
        help_text.push_str(&format!("\nSee also:\n{}\n", rule.related_resources.join("\n")));
        help_markdown.push_str(&format!("\nSee also:\n{}\n", links.join("\n")));
    }
    let help = MultiformatMessageString::builder().text(help_text).markdown(help_markdown).build();
    let builder = ReportingDescriptor::builder()
        .id(rule.id.clone())
        .short_description(text(&rule.title))
        .full_description(text(&rule.description))
        .help(help)
        .default_configuration(configuration(rule.severity, enabled))
        .properties(tags(&rule.id));
    match rule.related_resources.first() {
        Some(link) => builder.help_uri(link.clone()).build(),
        None => builder.build(),
    }
}

fn text(text: &str) -> MultiformatMessageString {
    MultiformatMessageString::builder().text(text).build()
}

fn configuration(severity: Severity, enabled: bool) -> ReportingConfiguration {
    ReportingConfiguration::builder().level(json!(level_name(severity))).enabled(enabled).build()
}

/// Tags: the rule's category, and `security` for the Pod Security rules.
fn tags(id: &str) -> PropertyBag {
    let category = id.split('/').next().unwrap_or(id).to_string();
    let mut tags = vec![category.clone()];
    if category == "security-context" {
        tags.push("security".into());
    }
    PropertyBag::builder().tags(tags).build()
}

fn level_name(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn level(severity: Severity) -> ResultLevel {
    match severity {
        Severity::Error => ResultLevel::Error,
        Severity::Warning => ResultLevel::Warning,
        Severity::Info => ResultLevel::Note,
    }
}

fn result(finding: &Finding, index: &BTreeMap<String, i64>, suppressed: Option<&SuppressedFinding>) -> SarifResult {
    let fingerprints = BTreeMap::from([(FINGERPRINT.to_string(), fingerprint(finding))]);
    let mut properties = BTreeMap::new();
    if let Some(path) = &finding.path {
        properties.insert("path".to_string(), json!(path.to_string()));
    }
    if let Some(template) = &finding.template {
        properties.insert("template".to_string(), json!(template.to_string()));
    }
    let mut result = SarifResult::builder()
        .rule_id(finding.rule.clone())
        .level(level(finding.severity))
        .message(Message::builder().text(finding.message.clone()).build())
        .locations(vec![location(finding)])
        .partial_fingerprints(fingerprints)
        .build();
    result.rule_index = index.get(finding.rule.as_str()).copied();
    if !finding.related.is_empty() {
        result.related_locations = Some(finding.related.iter().enumerate().map(related_location).collect());
    }
    if let Some(rendered) = &finding.rendered {
        properties.insert("rendered".to_string(), json!(rendered));
    }
    result.suppressions = suppressed.map(|s| vec![suppression(s)]);
    if !properties.is_empty() {
        result.properties = Some(PropertyBag::builder().additional_properties(properties).build());
    }
    result
}

fn location(finding: &Finding) -> Location {
    let (start, end) = (finding.span.start, finding.span.end);
    let region = if (end.line, end.column) > (start.line, start.column) {
        Region::builder()
            .start_line(i64::from(start.line))
            .start_column(i64::from(start.column))
            .end_line(i64::from(end.line))
            .end_column(i64::from(end.column))
            .build()
    } else {
        Region::builder().start_line(i64::from(start.line)).start_column(i64::from(start.column)).build()
    };
    let artifact = ArtifactLocation::builder().uri(uri(&finding.file)).build();
    let physical = PhysicalLocation::builder().artifact_location(artifact).region(region).build();
    let builder = Location::builder().physical_location(physical);
    match &finding.object {
        Some(object) => {
            let name = object.name.clone().unwrap_or_default();
            let qualified = match &object.namespace {
                Some(namespace) => format!("{}/{namespace}/{name}", object.kind),
                None => format!("{}/{name}", object.kind),
            };
            let logical = LogicalLocation::builder().name(name).fully_qualified_name(qualified).kind("object").build();
            builder.logical_locations(vec![logical]).build()
        }
        None => builder.build(),
    }
}

/// Another place the finding concerns (a values-file key, a template line).
fn related_location((id, related): (usize, &plimsoll_core::RelatedLocation)) -> Location {
    let start = related.span.start;
    let region = Region::builder().start_line(i64::from(start.line)).start_column(i64::from(start.column)).build();
    let artifact = ArtifactLocation::builder().uri(uri(&related.file)).build();
    let physical = PhysicalLocation::builder().artifact_location(artifact).region(region).build();
    let mut location = Location::builder()
        .physical_location(physical)
        .message(Message::builder().text(related.message.clone()).build())
        .build();
    location.id = Some(id as i64);
    location
}

fn suppression(suppressed: &SuppressedFinding) -> Suppression {
    let kind = match suppressed.suppression.kind {
        SuppressionKind::Annotation | SuppressionKind::Comment => "inSource",
        SuppressionKind::Exemption | SuppressionKind::Baseline => "external",
    };
    Suppression::builder()
        .kind(json!(kind))
        .status(json!("accepted"))
        .justification(super::suppression_note(suppressed))
        .build()
}

/// A relative URI reference for a file name: `/`-separated, with characters outside the
/// unreserved set and `/` percent-encoded (`<stdin>` → `%3Cstdin%3E`).
fn uri(file: &str) -> String {
    let mut uri = String::new();
    for byte in file.replace('\\', "/").bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            uri.push(byte as char);
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    uri
}

/// What a finding is about, hashed: rule, file, object (kind, namespace, name) and field path;
/// for loader findings, which have no object, the message instead, without its line numbers
/// ([`stable_message`]). FNV-1a, 64 bits, as hex: stable across platforms and releases, unlike
/// the standard library's hasher.
pub fn fingerprint(finding: &Finding) -> String {
    let mut parts = vec![finding.rule.as_str(), &finding.file];
    let path = finding.path.as_ref().map(ToString::to_string);
    let message = stable_message(finding);
    match &finding.object {
        Some(object) => {
            parts.push(&object.kind);
            parts.push(object.namespace.as_deref().unwrap_or(""));
            parts.push(object.name.as_deref().unwrap_or(""));
            parts.push(path.as_deref().unwrap_or(""));
        }
        None => parts.push(&message),
    }
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        // A separator that cannot occur in the parts keeps ("ab", "c") apart from ("a", "bc").
        for byte in part.bytes().chain([0xff]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(uri("deploy/app.yaml"), "deploy/app.yaml");
        assert_eq!(uri("<stdin>"), "%3Cstdin%3E");
        assert_eq!(uri("my dir/ä.yaml"), "my%20dir/%C3%A4.yaml");
    }
}
