//! Rule parameters: what a rule declares it reads from its settings, and the check of what users
//! wrote against it.
//!
//! A rule's settings live in the configuration's `settings:` mapping under its ID
//! (`settings: {availability/single-replica: {min: 3}}`) and reach Rego as
//! `data.plimsoll.config["<rule-id>"]`. A rule that reads them declares each parameter in its
//! metadata, `custom.parameters` for a Rego rule (a table for a rule in Rust), with a type:
//!
//! ```yaml
//! parameters:
//!   min:
//!     type: integer          # integer | string | boolean | regex | list | object
//!     minimum: 1             # integers only
//!     default: 2
//!     description: the smallest replica count accepted
//!   labels:
//!     type: list
//!     items:
//!       type: object
//!       fields:
//!         key: {type: string, required: true, description: ...}
//!         value: {type: regex, description: ...}
//! ```
//!
//! [`check`] compares a rule's settings with its declaration and returns each [`Problem`] with the
//! path of the offending value, which the configuration file turns into a line and column and the
//! linter builder into a setting name. A rule that declares no parameters takes its settings
//! unchecked (users' rules and rules written before the declaration existed).

use super::selector::suggest;
use crate::load::position::{Path, PathSegment};
use serde::Serialize;
use serde_json::{Map, Value};

/// One parameter (or object field) a rule reads.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Parameter {
    pub name: String,
    #[serde(flatten)]
    pub kind: ParameterType,
    /// What it means, for the rule's page and `explain`.
    pub description: String,
    /// The value used when it is not given (documentation only; the rule applies it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<Value>,
    /// Whether an object field must be given (object fields only).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub required: bool,
}

/// The type of a parameter's value.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum ParameterType {
    Integer {
        #[serde(skip_serializing_if = "Option::is_none")]
        minimum: Option<i64>,
    },
    String,
    Boolean,
    /// A regular expression (the syntax of Rust's `regex` crate, which Rego's `regex.match` shares).
    Regex,
    List {
        items: Box<ParameterType>,
    },
    Object {
        fields: Vec<Parameter>,
    },
}

/// A value in a rule's settings that does not fit the rule's declaration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where the value is, from the rule's settings (`labels[0].value`); empty for the whole.
    pub path: Path,
    pub message: String,
    /// Whether the key itself is wrong (an unknown parameter), rather than its value.
    pub about_key: bool,
}

/// Reads a `custom.parameters` mapping.
pub fn parse(value: &Value) -> Result<Vec<Parameter>, String> {
    let map = value.as_object().ok_or("custom.parameters must map parameter names to their declarations")?;
    map.iter().map(|(name, declaration)| parse_parameter(name, declaration)).collect()
}

fn parse_parameter(name: &str, declaration: &Value) -> Result<Parameter, String> {
    let error = |what: &str| format!("custom.parameters: {name}: {what}");
    let map = declaration.as_object().ok_or_else(|| error("must be a mapping with a type"))?;
    let description = map.get("description").and_then(Value::as_str).map(|d| d.trim().to_string());
    Ok(Parameter {
        name: name.to_string(),
        kind: parse_type(map).map_err(|e| error(&e))?,
        description: description.ok_or_else(|| error("needs a description"))?,
        default: map.get("default").cloned(),
        required: map.get("required").and_then(Value::as_bool).unwrap_or(false),
    })
}

fn parse_type(map: &Map<String, Value>) -> Result<ParameterType, String> {
    Ok(match map.get("type").and_then(Value::as_str) {
        Some("integer") => ParameterType::Integer { minimum: map.get("minimum").and_then(Value::as_i64) },
        Some("string") => ParameterType::String,
        Some("boolean") => ParameterType::Boolean,
        Some("regex") => ParameterType::Regex,
        Some("list") => {
            let items = map.get("items").and_then(Value::as_object).ok_or("a list needs items (a type)")?;
            ParameterType::List { items: Box::new(parse_type(items)?) }
        }
        Some("object") => {
            let fields = map.get("fields").ok_or("an object needs fields")?;
            ParameterType::Object { fields: parse(fields).map_err(|e| e.replace("custom.parameters: ", ""))? }
        }
        other => return Err(format!("unknown type {other:?} (integer, string, boolean, regex, list, object)")),
    })
}

/// Every problem of `settings`, a rule's settings, against the rule's `parameters`.
pub fn check(rule: &str, parameters: &[Parameter], settings: &Value) -> Vec<Problem> {
    let mut problems = Vec::new();
    let Some(map) = settings.as_object() else {
        let message =
            format!("the settings of {rule} must be a mapping of its parameters, found {}", describe(settings));
        return vec![Problem { path: Path::new(Vec::new()), message, about_key: false }];
    };
    check_fields(rule, parameters, map, &Path::new(Vec::new()), &mut problems);
    problems
}

fn check_fields(rule: &str, fields: &[Parameter], map: &Map<String, Value>, at: &Path, out: &mut Vec<Problem>) {
    for (name, value) in map {
        let path = child(at, PathSegment::Key(name.clone()));
        match fields.iter().find(|field| field.name == *name) {
            Some(field) => check_value(rule, &field.kind, value, &path, out),
            None => {
                let known: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
                let hint = match suggest(name, known.iter().copied()) {
                    Some(close) => format!("; did you mean {close:?}?"),
                    None => format!(" (it takes {})", known.join(", ")),
                };
                let what = if at.segments().is_empty() { "parameter" } else { "field" };
                out.push(Problem { path, message: format!("{rule} has no {what} {name:?}{hint}"), about_key: true });
            }
        }
    }
    for field in fields.iter().filter(|field| field.required && !map.contains_key(&field.name)) {
        let message = format!("{} is required here", field.name);
        out.push(Problem { path: at.clone(), message, about_key: false });
    }
}

fn check_value(rule: &str, kind: &ParameterType, value: &Value, at: &Path, out: &mut Vec<Problem>) {
    let mut wrong = |expected: &str| {
        let message = format!("expected {expected}, found {}", describe(value));
        out.push(Problem { path: at.clone(), message, about_key: false })
    };
    match (kind, value) {
        (ParameterType::Integer { minimum }, Value::Number(number)) => match number.as_i64() {
            Some(n) if minimum.is_some_and(|min| n < min) => out.push(Problem {
                path: at.clone(),
                message: format!("{n} is below the minimum, {}", minimum.unwrap_or_default()),
                about_key: false,
            }),
            Some(_) => {}
            None => wrong("an integer"),
        },
        (ParameterType::Integer { .. }, _) => wrong("an integer"),
        (ParameterType::String, Value::String(_)) | (ParameterType::Boolean, Value::Bool(_)) => {}
        (ParameterType::String, _) => wrong("a string"),
        (ParameterType::Boolean, _) => wrong("true or false"),
        (ParameterType::Regex, Value::String(pattern)) => {
            if let Err(error) = compile_regex(pattern) {
                let message = format!("{pattern:?} is not a valid regular expression: {error}");
                out.push(Problem { path: at.clone(), message, about_key: false });
            }
        }
        (ParameterType::Regex, _) => wrong("a regular expression (a string)"),
        (ParameterType::List { items }, Value::Array(values)) => {
            for (index, item) in values.iter().enumerate() {
                check_value(rule, items, item, &child(at, PathSegment::Index(index)), out);
            }
        }
        (ParameterType::List { .. }, _) => wrong("a list"),
        (ParameterType::Object { fields }, Value::Object(map)) => check_fields(rule, fields, map, at, out),
        (ParameterType::Object { .. }, _) => wrong("a mapping"),
    }
}

/// Compiles a parameter's regular expression; the error is its first line, without the pattern
/// echoed back.
pub fn compile_regex(pattern: &str) -> Result<regex::Regex, String> {
    regex::Regex::new(pattern).map_err(|error| {
        let text = error.to_string();
        text.lines()
            .filter(|line| line.starts_with("error:"))
            .map(|l| l.trim_start_matches("error:").trim())
            .next()
            .map_or(text.clone(), str::to_string)
    })
}

fn child(at: &Path, segment: PathSegment) -> Path {
    let mut segments = at.segments().to_vec();
    segments.push(segment);
    Path::new(segments)
}

fn describe(value: &Value) -> String {
    match value {
        Value::Null => "nothing".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => format!("{s:?}"),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "a mapping".into(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use serde_json::json;

    fn declaration() -> Vec<Parameter> {
        parse(&json!({
            "min": {"type": "integer", "minimum": 1, "default": 2, "description": "fewest"},
            "labels": {"type": "list", "description": "labels", "items": {"type": "object", "fields": {
                "key": {"type": "string", "required": true, "description": "key"},
                "value": {"type": "regex", "description": "value"},
            }}},
        }))
        .unwrap()
    }

    fn messages(settings: Value) -> Vec<String> {
        check("x/y", &declaration(), &settings).into_iter().map(|p| format!("{}: {}", p.path, p.message)).collect()
    }

    #[test]
    fn fitting_settings_have_no_problem() {
        assert!(
            messages(json!({"min": 3, "labels": [{"key": "team", "value": "^[a-z]+$"}, {"key": "tier"}]})).is_empty()
        );
    }

    #[test]
    fn wrong_types_bad_regexes_and_near_misses_are_named() {
        let found = messages(json!({"min": "3", "mn": 1, "labels": [{"value": "("}, {"key": 1, "vlaue": "x"}]}));
        assert_eq!(
            found,
            vec![
                "labels[0].value: \"(\" is not a valid regular expression: unclosed group",
                "labels[0]: key is required here",
                "labels[1].key: expected a string, found 1",
                "labels[1].vlaue: x/y has no field \"vlaue\"; did you mean \"value\"?",
                "min: expected an integer, found \"3\"",
                "mn: x/y has no parameter \"mn\"; did you mean \"min\"?",
            ]
        );
        assert_eq!(messages(json!({"min": 0})), vec!["min: 0 is below the minimum, 1"]);
        assert_eq!(
            messages(json!([1])),
            vec![": the settings of x/y must be a mapping of its parameters, found a list"]
        );
    }

    #[test]
    fn declarations_need_types_and_descriptions() {
        assert!(parse(&json!({"min": {"type": "number", "description": "d"}})).is_err());
        assert!(parse(&json!({"min": {"type": "integer"}})).is_err());
        assert!(parse(&json!({"l": {"type": "list", "description": "d"}})).is_err());
    }
}
