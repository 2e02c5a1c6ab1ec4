//! `--format junit`: JUnit XML, for CI systems that show test results.
//!
//! One `<testsuite>` per file and, in it, one `<testcase>` per object and rule: the test case is
//! named after the rule, its class name is the object (`Kind/namespace/name`), and it passes when
//! the rule found nothing. Each finding is a failure of its test case; the failure's type is the
//! severity, its message the finding's message, and its text lists every finding of that case as
//! `file:line:col: severity: message (path)`. Rules scoped to pod specs or to some kinds get test cases only on
//! objects they judge. Loader findings (`yaml/*`), which belong to no object, get test cases of
//! their own with the file as class name. With `--show-suppressed`, a test case whose findings are
//! all suppressed is reported as skipped, with the suppression as its message.

use super::{location, suppression_note, Context};
use plimsoll_core::report::suppress::SuppressedFinding;
use plimsoll_core::rules::RuleScope;
use plimsoll_core::{Finding, LintedObject, ObjectRef, Report};
use quick_junit::{NonSuccessKind, TestCase, TestCaseStatus, TestSuite};
use std::collections::HashMap;
use std::io::{self, Write};

/// The findings (reported and suppressed) of one test case.
#[derive(Default)]
struct Case<'a> {
    findings: Vec<&'a Finding>,
    suppressed: Vec<&'a SuppressedFinding>,
}

/// An object within a file: document index, API version, kind, namespace, name.
type ObjectKey<'a> = (usize, &'a str, &'a str, Option<&'a str>, Option<&'a str>);

/// A test case's key: file, object (none for loader findings), rule.
type CaseKey<'a> = (&'a str, Option<ObjectKey<'a>>, &'a str);

fn object_key(document: usize, object: &ObjectRef) -> ObjectKey<'_> {
    (document, &object.api_version, &object.kind, object.namespace.as_deref(), object.name.as_deref())
}

pub fn render(report: &Report, context: &Context<'_>, out: &mut dyn Write) -> io::Result<()> {
    let mut cases: HashMap<CaseKey<'_>, Case<'_>> = HashMap::new();
    for finding in &report.findings {
        cases.entry(key(finding)).or_default().findings.push(finding);
    }
    if context.show_suppressed {
        for suppressed in &report.suppressed {
            cases.entry(key(&suppressed.finding)).or_default().suppressed.push(suppressed);
        }
    }
    let mut junit = quick_junit::Report::new("plimsoll");
    for file in files(report) {
        junit.add_test_suite(suite(file, report, context, &mut cases));
    }
    let xml = junit.to_string().map_err(io::Error::other)?;
    writeln!(out, "{}", xml.trim_end())
}

/// A finding's test case: its object's, in the file the object was linted in (for a finding on
/// rendered output, the rendered stream; its description names the file to edit).
fn key(finding: &Finding) -> CaseKey<'_> {
    let file = finding.rendered.as_ref().map_or(&finding.file, |rendered| &rendered.stream);
    (file, finding.object.as_ref().map(|o| object_key(finding.document, o)), &finding.rule)
}

/// The files with objects or findings: those with objects in input order, then those with only
/// loader findings (a file that could not be read at all).
fn files(report: &Report) -> Vec<&str> {
    let mut files: Vec<&str> = Vec::new();
    let with_objects = report.objects.iter().map(|o| &*o.file);
    let with_findings = report.findings.iter().chain(report.suppressed.iter().map(|s| &s.finding)).map(|f| key(f).0);
    for file in with_objects.chain(with_findings) {
        if !files.contains(&file) {
            files.push(file);
        }
    }
    files
}

/// The test suite of one file: loader cases first, then each object's cases.
fn suite<'a>(
    file: &'a str,
    report: &'a Report,
    context: &Context<'a>,
    cases: &mut HashMap<CaseKey<'a>, Case<'a>>,
) -> TestSuite {
    let mut suite = TestSuite::new(file);
    let mut loader: Vec<CaseKey<'a>> =
        cases.keys().filter(|(f, object, _)| *f == file && object.is_none()).copied().collect();
    loader.sort();
    for key in loader {
        let case = cases.remove(&key).unwrap_or_default();
        suite.add_test_case(test_case(key.2, file, &case));
    }
    for object in report.objects.iter().filter(|o| &*o.file == file) {
        for rule in rules_for(object, context, cases) {
            let key = (file, Some(object_key(object.document, &object.object)), rule);
            let case = cases.remove(&key).unwrap_or_default();
            suite.add_test_case(test_case(rule, &class_name(&object.object), &case));
        }
    }
    suite
}

/// The rules that looked at an object: the enabled ones within their scope and kinds, and any other rule
/// with a finding on it (evaluation failures).
fn rules_for<'a>(
    object: &'a LintedObject,
    context: &Context<'a>,
    cases: &HashMap<CaseKey<'a>, Case<'a>>,
) -> Vec<&'a str> {
    let mut rules: Vec<&'a str> = context
        .enabled
        .iter()
        .copied()
        .filter(|id| {
            let Some(rule) = context.rules.iter().find(|r| r.id == *id) else { return true };
            let (api_version, kind) = (&object.object.api_version, &object.object.kind);
            (rule.scope == RuleScope::AllObjects || object.pod_spec) && rule.judges_kind(api_version, kind)
        })
        // The render rules judge charts and kustomizations, not the objects linted.
        .filter(|id| !id.starts_with("render/"))
        .collect();
    for (file, target, rule) in cases.keys() {
        let this = *file == &*object.file && *target == Some(object_key(object.document, &object.object));
        if this && !rules.contains(rule) {
            rules.push(rule);
        }
    }
    rules.sort_unstable();
    rules
}

/// `Kind/namespace/name`, or `Kind/name` without a namespace.
fn class_name(object: &ObjectRef) -> String {
    let name = object.name.as_deref().unwrap_or("(unnamed)");
    match &object.namespace {
        Some(namespace) => format!("{}/{namespace}/{name}", object.kind),
        None => format!("{}/{name}", object.kind),
    }
}

fn test_case(rule: &str, class: &str, case: &Case<'_>) -> TestCase {
    let status = if let Some(worst) = case.findings.iter().map(|f| f.severity).max() {
        let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
        let message = match case.findings.as_slice() {
            [one] => one.message.clone(),
            many => format!("{} findings; first: {}", many.len(), many[0].message),
        };
        status.set_type(worst.as_str()).set_message(message).set_description(describe(&case.findings));
        status
    } else if let Some(first) = case.suppressed.first() {
        let mut status = TestCaseStatus::skipped();
        status.set_message(format!("suppressed ({})", suppression_note(first)));
        status
    } else {
        TestCaseStatus::success()
    };
    let mut test_case = TestCase::new(rule, status);
    test_case.set_classname(class);
    test_case
}

/// `file:line:col: severity: message (path)`, one line per finding.
fn describe(findings: &[&Finding]) -> String {
    let lines: Vec<String> = findings
        .iter()
        .map(|f| {
            let path = f.path.as_ref().map(|p| format!(" ({p})")).unwrap_or_default();
            format!("{}: {}: {}{path}", location(f), f.severity, f.message)
        })
        .collect();
    lines.join("\n")
}
