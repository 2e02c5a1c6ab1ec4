//! Validation errors as findings: which rule, what message, which field.
//!
//! Each validator error names an instance location (a JSON pointer into the object) and a schema
//! location (a JSON pointer into the compiled document, without `$ref` hops). The instance pointer
//! becomes the finding's [`Path`] (indexes where the object has lists); the schema location is read
//! back from the compiled document to say what was expected: the fields an object allows (for "did
//! you mean"), the types a field takes, whether an integer range is an `int32`/`int64` format.
//!
//! | error | rule | located at |
//! |---|---|---|
//! | additional property | `schema/unknown-field` | the unknown field |
//! | type | `schema/type` | the field |
//! | required | `schema/required` | the missing field's path (shown at its parent) |
//! | enum | `schema/enum` | the field |
//! | format, int32/int64 range | `schema/format` | the field |
//! | anything else (pattern, bounds, lengths, `oneOf` ambiguity) | `schema/constraint` | the field |
//!
//! A failed `oneOf`/`anyOf` is a type error when the value's type fits no alternative; otherwise
//! the errors of the alternative that fits the value's type best are reported.

use super::compile::Compiled;
use super::suggest;
pub use super::{SchemaFinding, CONSTRAINT, ENUM, FORMAT, REQUIRED, TYPE, UNKNOWN_FIELD};
use crate::load::position::Path;
use jsonschema::error::ValidationErrorKind;
use jsonschema::ValidationError;
use serde_json::Value;

/// Most nested `oneOf`/`anyOf` levels explained; deeper ones are reported as they are.
const MAX_NESTING: usize = 8;

/// Every finding for `instance`, which `compiled` rejects; `kind` names the object in messages.
pub fn explain(compiled: &Compiled, instance: &Value, kind: &str) -> Vec<SchemaFinding> {
    let mut out = Vec::new();
    let context = Context { compiled, instance, kind };
    for error in compiled.validator.iter_errors(instance) {
        context.describe(&error, 0, &mut out);
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|f| seen.insert((f.rule, f.path.clone(), f.message.clone())));
    out
}

struct Context<'a> {
    compiled: &'a Compiled,
    instance: &'a Value,
    kind: &'a str,
}

impl Context<'_> {
    fn describe(&self, error: &ValidationError<'_>, nesting: usize, out: &mut Vec<SchemaFinding>) {
        let path = instance_path(error.instance_path().as_str(), self.instance);
        let schema_at = error.schema_path().as_str();
        let value = error.instance().as_ref();
        let finding = |rule, message: String, path: Path| SchemaFinding { rule, message, path };
        match error.kind() {
            ValidationErrorKind::AdditionalProperties { unexpected } => {
                let object = parent_pointer(schema_at, "additionalProperties");
                for field in unexpected {
                    let mut field_path = path.clone();
                    field_path.push_key(field.clone());
                    out.push(finding(UNKNOWN_FIELD, self.unknown_field(field, object), field_path));
                }
            }
            ValidationErrorKind::Required { property } => {
                let name = property.as_str().map_or_else(|| property.to_string(), str::to_string);
                let mut field_path = path.clone();
                field_path.push_key(name.clone());
                let owner = self.owner(parent_pointer(schema_at, "required"));
                out.push(finding(REQUIRED, format!("missing required field {name:?}{owner}"), field_path));
            }
            ValidationErrorKind::Type { .. } => {
                let expected = self.expected_types(schema_at).unwrap_or_else(|| type_kind_names(error.kind()));
                out.push(finding(TYPE, type_message(&expected, value), path));
            }
            ValidationErrorKind::Enum { options } => out.push(finding(ENUM, enum_message(value, options), path)),
            ValidationErrorKind::Format { format } => out.push(finding(FORMAT, format_message(value, format), path)),
            ValidationErrorKind::Minimum { .. } | ValidationErrorKind::Maximum { .. } => {
                match self.integer_format(schema_at) {
                    Some(format) => {
                        out.push(finding(FORMAT, format!("{} is out of the {format} range", preview(value)), path))
                    }
                    None => out.push(finding(CONSTRAINT, error.to_string(), path)),
                }
            }
            ValidationErrorKind::OneOfNotValid { context } | ValidationErrorKind::AnyOf { context } => {
                self.alternatives(context, &path, value, nesting, out);
            }
            ValidationErrorKind::Pattern { pattern } => {
                out.push(finding(CONSTRAINT, format!("{} does not match the pattern {pattern}", preview(value)), path));
            }
            ValidationErrorKind::OneOfMultipleValid { .. } => out.push(finding(
                CONSTRAINT,
                format!("{} matches more than one of the alternatives the schema allows (oneOf)", preview(value)),
                path,
            )),
            _ => out.push(finding(CONSTRAINT, error.to_string(), path)),
        }
    }

    /// `unknown field "x" in Container; did you mean "y"?`, or, for a field that belongs one level
    /// down, `did you mean "securityContext.runAsUser"?`.
    fn unknown_field(&self, field: &str, object: Option<&str>) -> String {
        let known = object
            .and_then(|pointer| self.schema(pointer))
            .and_then(|node| node.get("properties"))
            .and_then(Value::as_object);
        let suggestion = known.and_then(|fields| {
            let close = suggest::closest(field, fields.keys().map(String::as_str)).map(str::to_string);
            close.or_else(|| self.nested_home(field, fields))
        });
        let mut message = format!("unknown field {field:?}{}", self.owner(object));
        if let Some(suggestion) = suggestion {
            message.push_str(&format!("; did you mean {suggestion:?}?"));
        }
        message
    }

    /// `parent.field` when exactly one of the object's fields holds an object that has `field`.
    fn nested_home(&self, field: &str, fields: &serde_json::Map<String, Value>) -> Option<String> {
        let mut homes = fields.iter().filter(|(_, schema)| {
            self.resolve(schema).and_then(|s| s.get("properties")).is_some_and(|p| p.get(field).is_some())
        });
        match (homes.next(), homes.next()) {
            (Some((parent, _)), None) => Some(format!("{parent}.{field}")),
            _ => None,
        }
    }

    /// A schema with its `$ref` (or a single-`allOf` reference) followed, within the document.
    fn resolve<'s>(&'s self, schema: &'s Value) -> Option<&'s Value> {
        let mut node = schema;
        for _ in 0..8 {
            let reference = node.get("$ref").or_else(|| node.get("allOf")?.as_array()?.first()?.get("$ref"));
            match reference.and_then(Value::as_str).and_then(|r| r.strip_prefix('#')) {
                Some(pointer) => node = self.schema(pointer)?,
                None => return Some(node),
            }
        }
        None
    }

    /// ` in Container` when the schema location is a named definition (or the object itself).
    fn owner(&self, object: Option<&str>) -> String {
        match object {
            Some("") => format!(" in {}", self.kind),
            Some(pointer) => pointer
                .strip_prefix("/definitions/")
                .filter(|name| !name.contains('/'))
                .and_then(|name| name.rsplit('.').next())
                .map(|short| format!(" in {short}"))
                .unwrap_or_default(),
            None => String::new(),
        }
    }

    fn schema(&self, pointer: &str) -> Option<&Value> {
        self.compiled.document.pointer(pointer)
    }

    /// The non-null types the `type` keyword at `schema_at` allows.
    fn expected_types(&self, schema_at: &str) -> Option<Vec<String>> {
        let types = match self.schema(schema_at)? {
            Value::String(single) => vec![single.clone()],
            Value::Array(list) => list.iter().filter_map(Value::as_str).map(str::to_string).collect(),
            _ => return None,
        };
        Some(without_null(types))
    }

    /// `int32`/`int64` when the bound at `schema_at` comes from the field's integer format.
    fn integer_format(&self, schema_at: &str) -> Option<&str> {
        let keyword = schema_at.rsplit('/').next()?;
        let node = self.schema(parent_pointer(schema_at, keyword)?)?;
        node.get("format").and_then(Value::as_str).filter(|f| matches!(*f, "int32" | "int64"))
    }

    /// Explains a failed `oneOf`/`anyOf` from its alternatives' errors.
    fn alternatives(
        &self,
        branches: &[Vec<ValidationError<'static>>],
        path: &Path,
        value: &Value,
        nesting: usize,
        out: &mut Vec<SchemaFinding>,
    ) {
        let here = |e: &ValidationError<'_>| instance_path(e.instance_path().as_str(), self.instance) == *path;
        let type_mismatch = |branch: &[ValidationError<'static>]| {
            branch.iter().any(|e| matches!(e.kind(), ValidationErrorKind::Type { .. }) && here(e))
        };
        let fitting = branches.iter().filter(|b| !type_mismatch(b)).min_by_key(|b| b.len());
        match fitting {
            Some(branch) if nesting < MAX_NESTING && !branch.is_empty() => {
                for error in branch {
                    self.describe(error, nesting + 1, out);
                }
            }
            Some(_) => out.push(SchemaFinding {
                rule: CONSTRAINT,
                message: format!("{} matches none of the alternatives the schema allows", preview(value)),
                path: path.clone(),
            }),
            None => {
                let mut expected = Vec::new();
                for error in branches.iter().flatten().filter(|e| here(e)) {
                    if matches!(error.kind(), ValidationErrorKind::Type { .. }) {
                        let types = self
                            .expected_types(error.schema_path().as_str())
                            .unwrap_or_else(|| type_kind_names(error.kind()));
                        for t in types {
                            if !expected.contains(&t) {
                                expected.push(t);
                            }
                        }
                    }
                }
                out.push(SchemaFinding { rule: TYPE, message: type_message(&expected, value), path: path.clone() });
            }
        }
    }
}

/// The pointer of the schema that holds `keyword`, when `schema_at` ends with it.
fn parent_pointer<'a>(schema_at: &'a str, keyword: &str) -> Option<&'a str> {
    schema_at.strip_suffix(keyword).and_then(|rest| rest.strip_suffix('/')).or(if schema_at == keyword {
        Some("")
    } else {
        None
    })
}

/// A JSON pointer into `instance` as a [`Path`]: tokens that index a list become indexes.
pub fn instance_path(pointer: &str, instance: &Value) -> Path {
    let mut path = Path::default();
    let mut node = Some(instance);
    for token in pointer.split('/').skip(1) {
        let token = token.replace("~1", "/").replace("~0", "~");
        match (node, token.parse::<usize>()) {
            (Some(Value::Array(items)), Ok(index)) => {
                node = items.get(index);
                path.push_index(index);
            }
            (current, _) => {
                node = current.and_then(|n| n.get(token.as_str()));
                path.push_key(token);
            }
        }
    }
    path
}

fn without_null(types: Vec<String>) -> Vec<String> {
    if types.len() > 1 {
        types.into_iter().filter(|t| t != "null").collect()
    } else {
        types
    }
}

/// Type names from the error itself, when the schema location cannot be read.
fn type_kind_names(kind: &ValidationErrorKind) -> Vec<String> {
    use jsonschema::error::TypeKind;
    match kind {
        ValidationErrorKind::Type { kind: TypeKind::Single(single) } => vec![single.to_string()],
        ValidationErrorKind::Type { kind: TypeKind::Multiple(set) } => {
            without_null(set.iter().map(|t| t.to_string()).collect())
        }
        _ => Vec::new(),
    }
}

fn type_message(expected: &[String], value: &Value) -> String {
    let expected = join_or(expected);
    if value.is_null() {
        return format!("must not be null: expected {expected}");
    }
    format!("expected {expected}, found {}", preview(value))
}

/// `a`, `a or b`, `a, b or c`.
fn join_or(items: &[String]) -> String {
    match items {
        [] => "another type".to_string(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// A short description of a value for messages: strings quoted (and shortened), numbers and
/// booleans as written, collections by kind.
pub fn preview(value: &Value) -> String {
    match value {
        Value::String(text) => {
            let short: String = text.chars().take(60).collect();
            let ellipsis = if short.len() < text.len() { "…" } else { "" };
            format!("string {:?}", format!("{short}{ellipsis}"))
        }
        Value::Number(n) => format!("number {n}"),
        Value::Bool(b) => format!("boolean {b}"),
        Value::Null => "null".to_string(),
        Value::Array(_) => "a list".to_string(),
        Value::Object(_) => "an object".to_string(),
    }
}

fn enum_message(value: &Value, options: &Value) -> String {
    let allowed: Vec<&Value> = options.as_array().map(|o| o.iter().collect()).unwrap_or_default();
    let shown: Vec<String> = allowed.iter().take(12).map(|v| v.to_string()).collect();
    let more = if allowed.len() > shown.len() { ", …" } else { "" };
    let mut message = format!("{} is not one of {}{more}", preview(value), shown.join(", "));
    if let Some(text) = value.as_str() {
        if let Some(suggestion) = suggest::closest(text, allowed.iter().filter_map(|v| v.as_str())) {
            message.push_str(&format!("; did you mean {suggestion:?}?"));
        }
    }
    message
}

fn format_message(value: &Value, format: &str) -> String {
    let what = match format {
        "date-time" => "an RFC 3339 date-time (like 2025-01-31T12:00:00Z)",
        "byte" => "base64 text (standard alphabet, padded)",
        "duration" => "a duration (like 1h30m or PT1H30M)",
        other => return format!("{} is not a valid {other}", preview(value)),
    };
    format!("{} is not {what}", preview(value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn pointers_become_paths_with_indexes_where_lists_are() {
        let instance = json!({"spec": {"containers": [{"name": "a"}], "labels": {"0": "x", "a/b": "y"}}});
        assert_eq!(instance_path("/spec/containers/0/name", &instance).to_string(), "spec.containers[0].name");
        assert_eq!(instance_path("/spec/labels/0", &instance).to_string(), "spec.labels.0");
        assert_eq!(instance_path("/spec/labels/a~1b", &instance).to_string(), "spec.labels[\"a/b\"]");
        assert_eq!(instance_path("", &instance).to_string(), "");
    }

    #[test]
    fn messages_name_what_was_expected() {
        assert_eq!(type_message(&["integer".into()], &json!("asd")), "expected integer, found string \"asd\"");
        assert_eq!(
            type_message(&["string".into(), "integer".into()], &json!(true)),
            "expected string or integer, found boolean true"
        );
        assert_eq!(type_message(&["object".into()], &Value::Null), "must not be null: expected object");
        assert_eq!(
            enum_message(&json!("Alwyas"), &json!(["Always", "IfNotPresent", "Never"])),
            "string \"Alwyas\" is not one of \"Always\", \"IfNotPresent\", \"Never\"; did you mean \"Always\"?"
        );
        assert_eq!(
            parent_pointer("/definitions/x/additionalProperties", "additionalProperties"),
            Some("/definitions/x")
        );
        assert_eq!(parent_pointer("/additionalProperties", "additionalProperties"), Some(""));
    }
}
