//! gator test suites (`test.gatekeeper.sh` Suite): templates, constraints and cases with
//! expected violations.
//!
//! [`run_suite`] reads a `suite.yaml` and, through the caller's `read` function, the files it
//! names (paths relative to the suite; core itself never touches the filesystem). For each test
//! it compiles the template and reads the constraint once; for each case it builds a fresh
//! inventory from the case's inventory files, reviews the case's one object (or AdmissionReview)
//! and checks every assertion: `violations` (`yes`, `no` or a count; missing means `yes`) of the
//! violations whose `msg` the `message` regular expression finds, or of all of them.

use super::constraint::Constraint;
use super::review::{Inventory, Review};
use super::template::Template;
use super::{PolicySet, Violation};
use crate::load::{self, Document};
use serde_json::Value;

/// Reads a file named in a suite, relative to the suite's directory.
pub type ReadFile<'a> = &'a dyn Fn(&str) -> Result<String, String>;

/// The outcome of one case.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseOutcome {
    pub test: String,
    pub case: String,
    pub result: CaseResult,
}

#[derive(Debug, Clone, PartialEq)]
pub enum CaseResult {
    Pass,
    /// Why the case failed.
    Fail(String),
    Skip,
}

/// Runs every case of a suite. An error means the suite itself could not be read.
pub fn run_suite(text: &str, read: ReadFile<'_>) -> Result<Vec<CaseOutcome>, String> {
    let suite = load::parse_yaml_value(text).map_err(|p| format!("line {}: {}", p.span.start.line, p.message))?;
    let suite = suite.unwrap_or(Value::Null);
    let tests = match suite.get("tests") {
        Some(Value::Array(tests)) => tests.as_slice(),
        None | Some(Value::Null) => &[],
        Some(_) => return Err("tests is not a list".into()),
    };
    let skip_all = is_true(suite.get("skip"));
    let mut outcomes = Vec::new();
    for (i, test) in tests.iter().enumerate() {
        let name = text_of(test, "name").unwrap_or_else(|| format!("test {i}"));
        outcomes.extend(run_test(&name, test, skip_all, read));
    }
    Ok(outcomes)
}

fn run_test(name: &str, test: &Value, skip: bool, read: ReadFile<'_>) -> Vec<CaseOutcome> {
    let cases = test.get("cases").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    let outcome = |case: String, result| CaseOutcome { test: name.to_string(), case, result };
    let case_names: Vec<String> =
        cases.iter().enumerate().map(|(i, c)| text_of(c, "name").unwrap_or_else(|| format!("case {i}"))).collect();
    if skip || is_true(test.get("skip")) {
        return case_names.into_iter().map(|c| outcome(c, CaseResult::Skip)).collect();
    }
    if is_true(test.get("invalid")) {
        let reason = "`invalid` tests (constraints the parameter schema rejects) are not supported".to_string();
        return vec![outcome("(invalid constraint)".into(), CaseResult::Fail(reason))];
    }
    let policies = match test_policies(test, read) {
        Ok(policies) => policies,
        Err(reason) => return case_names.into_iter().map(|c| outcome(c, CaseResult::Fail(reason.clone()))).collect(),
    };
    cases
        .iter()
        .zip(case_names)
        .map(|(case, case_name)| {
            let result = if is_true(case.get("skip")) {
                CaseResult::Skip
            } else {
                match run_case(&policies, case, read) {
                    Ok(()) => CaseResult::Pass,
                    Err(reason) => CaseResult::Fail(reason),
                }
            };
            outcome(case_name, result)
        })
        .collect()
}

/// The test's template and constraint.
fn test_policies(test: &Value, read: ReadFile<'_>) -> Result<PolicySet, String> {
    let template_path = text_of(test, "template").ok_or("the test names no template")?;
    let constraint_path = text_of(test, "constraint").ok_or("the test names no constraint")?;
    let templates = read_documents(&template_path, read)?;
    let template = templates.iter().find(|d| super::is_template(&d.value));
    let template = template.ok_or_else(|| format!("{template_path} holds no ConstraintTemplate"))?;
    let template = Template::from_document(template).map_err(|e| e.to_string())?;
    let constraints = read_documents(&constraint_path, read)?;
    let [document] = constraints.as_slice() else {
        return Err(format!("{constraint_path} holds {} objects, not one constraint", constraints.len()));
    };
    let constraint = Constraint::from_document(document).map_err(|e| e.to_string())?;
    if constraint.kind != template.kind {
        return Err(format!("the constraint's kind {} is not the template's kind {}", constraint.kind, template.kind));
    }
    let mut set = PolicySet::default();
    set.add_template(template).map_err(|e| e.to_string())?;
    set.add_constraint(constraint, document).map_err(|e| e.to_string())?;
    Ok(set)
}

fn run_case(policies: &PolicySet, case: &Value, read: ReadFile<'_>) -> Result<(), String> {
    let object_path = text_of(case, "object").ok_or("the case names no object")?;
    let objects = read_documents(&object_path, read)?;
    let [object] = objects.as_slice() else {
        return Err(format!("{object_path} holds {} objects, not one", objects.len()));
    };
    let mut inventory = Inventory::default();
    let inventory_files = match case.get("inventory") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(files)) => files
            .iter()
            .map(|f| f.as_str().map(str::to_string))
            .collect::<Option<Vec<_>>>()
            .ok_or("inventory holds a non-string")?,
        Some(_) => return Err("inventory is not a list".into()),
    };
    for file in &inventory_files {
        for document in read_documents(file, read)? {
            inventory.add(&document.value);
        }
    }
    let review = Review::of_document(&object.value)
        .ok_or_else(|| format!("{object_path}: the AdmissionReview has no request"))?;
    let violations = policies.prepare(&inventory).review_prepared(&review);
    if let Some(failed) = violations.iter().find(|v| v.failed) {
        return Err(failed.message.clone());
    }
    let assertions = case.get("assertions").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    if assertions.is_empty() {
        return Err("the case has no assertions".into());
    }
    for (i, assertion) in assertions.iter().enumerate() {
        check_assertion(assertion, &violations).map_err(|why| format!("assertion {}: {why}", i + 1))?;
    }
    Ok(())
}

/// How many matching violations an assertion expects.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Expected {
    AtLeastOne,
    Exactly(u64),
}

fn check_assertion(assertion: &Value, violations: &[Violation]) -> Result<(), String> {
    // YAML 1.1 reads `yes`/`no` as booleans; gator's YAML 1.2 reader keeps them as strings.
    let expected = match assertion.get("violations") {
        None | Some(Value::Null) | Some(Value::Bool(true)) => Expected::AtLeastOne,
        Some(Value::Bool(false)) => Expected::Exactly(0),
        Some(Value::String(s)) if s == "yes" => Expected::AtLeastOne,
        Some(Value::String(s)) if s == "no" => Expected::Exactly(0),
        Some(Value::Number(n)) if n.as_u64().is_some() => Expected::Exactly(n.as_u64().unwrap_or_default()),
        Some(other) => return Err(format!("violations: {other} is not yes, no or a count")),
    };
    let pattern = match assertion.get("message") {
        None | Some(Value::Null) => None,
        Some(Value::String(pattern)) => Some(
            regex::Regex::new(pattern)
                .map_err(|e| format!("message {pattern:?} is not a valid regular expression: {e}"))?,
        ),
        Some(other) => return Err(format!("message: {other} is not a string")),
    };
    let matching = violations.iter().filter(|v| pattern.as_ref().is_none_or(|p| p.is_match(&v.message))).count() as u64;
    let holds = match expected {
        Expected::AtLeastOne => matching >= 1,
        Expected::Exactly(n) => matching == n,
    };
    if holds {
        return Ok(());
    }
    let wanted = match expected {
        Expected::AtLeastOne => "at least 1".to_string(),
        Expected::Exactly(n) => n.to_string(),
    };
    let filter = pattern.map(|p| format!(" matching {:?}", p.as_str())).unwrap_or_default();
    let messages: Vec<String> = violations.iter().map(|v| format!("{:?}", v.message)).collect();
    Err(format!("expected {wanted} violation(s){filter}, got {matching}; violations: [{}]", messages.join(", ")))
}

/// The documents of a file named by the suite; a file that cannot be read or parsed is an error.
fn read_documents(path: &str, read: ReadFile<'_>) -> Result<Vec<Document>, String> {
    let text = read(path).map_err(|e| format!("{path}: {e}"))?;
    let loaded = load::load(path, &text);
    if let Some(problem) = loaded.problems.iter().find(|p| p.kind == load::ProblemKind::Syntax) {
        return Err(format!("{path}:{}: {}", problem.span.start.line, problem.message));
    }
    Ok(loaded.documents)
}

fn text_of(value: &Value, key: &str) -> Option<String> {
    value.get(key).and_then(Value::as_str).map(str::to_string)
}

fn is_true(value: Option<&Value>) -> bool {
    matches!(value, Some(Value::Bool(true)))
}
