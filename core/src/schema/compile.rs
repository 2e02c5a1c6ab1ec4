//! One schema document per kind, assembled and compiled when the kind is first met, then cached.
//!
//! A kind's schema is its root (from the bundle, or a CRD's prepared `openAPIV3Schema`) plus the
//! bundled definitions its `$ref`s reach, transitively, as `definitions` of one document; the
//! validator compiles it as Draft 4 (whatever `$schema` says, as kubeconform does), asserting
//! formats, with the Kubernetes formats of `super::formats`. Compiled bundled kinds are kept in
//! the process-wide bundle index and shared by every linter; a kind is compiled once even when
//! several threads meet it at the same time.

use super::bundle::{self, BundledKind, Index, Origin};
use super::{crd, formats};
use serde_json::{Map, Value};
use std::sync::{Arc, OnceLock};

/// A compiled schema and the document it was compiled from (read to explain errors: the fields an
/// object allows, the types a field takes).
pub struct Compiled {
    pub validator: jsonschema::Validator,
    pub document: Value,
}

impl std::fmt::Debug for Compiled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Compiled")
    }
}

/// A compiled schema, or why there is none; computed once.
pub type Slot = OnceLock<Result<Arc<Compiled>, String>>;

/// Most definitions one kind may pull in (the largest built-in kind needs about 200).
const MAX_DEFINITIONS: usize = 5_000;
/// Most levels of nesting searched for `$ref`s.
const MAX_DEPTH: usize = 200;

/// The compiled schema of a bundled kind (compiled on first use; the kind keeps it).
pub fn bundled(kind: &BundledKind) -> Result<Arc<Compiled>, String> {
    kind.compiled.get_or_init(|| build_bundled(kind).map(Arc::new)).clone()
}

fn build_bundled(kind: &BundledKind) -> Result<Compiled, String> {
    let index = bundle::index()?;
    let key = kind.key();
    let missing = || format!("the bundle has no schema for {key}");
    let root = match kind.origin {
        Origin::Kubernetes => {
            let definition = index.bundle.kinds.get(key.as_str()).ok_or_else(missing)?;
            let raw = index.bundle.roots.get(definition.as_ref()).ok_or_else(missing)?;
            parse(raw.get())?
        }
        Origin::Crd => crd::prepare(&parse(index.bundle.crds.get(key.as_str()).ok_or_else(missing)?.get())?),
    };
    compile(assemble(root, index)?)
}

fn parse(text: &str) -> Result<Value, String> {
    serde_json::from_str(text).map_err(|e| format!("the embedded schema bundle is not readable: {e}"))
}

/// `root` with the bundled definitions it reaches added under `definitions` (those it defines
/// itself are kept).
pub fn assemble(mut root: Value, index: &Index) -> Result<Value, String> {
    let mut definitions = match root.get_mut("definitions").map(Value::take) {
        Some(Value::Object(own)) => own,
        _ => Map::new(),
    };
    let mut pending = Vec::new();
    collect_refs(&root, &mut pending, 0);
    for value in definitions.values() {
        collect_refs(value, &mut pending, 0);
    }
    while let Some(name) = pending.pop() {
        if definitions.contains_key(&name) {
            continue;
        }
        if definitions.len() >= MAX_DEFINITIONS {
            return Err("the schema references too many definitions".into());
        }
        let raw =
            index.definition(&name).ok_or_else(|| format!("the schema refers to an unknown definition {name:?}"))?;
        let value = parse(raw.get())?;
        collect_refs(&value, &mut pending, 0);
        definitions.insert(name, value);
    }
    if let Value::Object(map) = &mut root {
        if !definitions.is_empty() {
            map.insert("definitions".into(), Value::Object(definitions));
        }
    }
    Ok(root)
}

/// Names of the definitions `value` refers to as `#/definitions/<name>`.
fn collect_refs(value: &Value, out: &mut Vec<String>, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    match value {
        Value::Object(map) => {
            if let Some(name) = map.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/definitions/")) {
                out.push(name.to_string());
            }
            for child in map.values() {
                collect_refs(child, out, depth + 1);
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect_refs(item, out, depth + 1)),
        _ => {}
    }
}

/// Compiles a schema document as Draft 4 with format assertions. Patterns are first made valid
/// ECMA 262 regexes where they are not (see `ecma_patterns`).
pub fn compile(mut document: Value) -> Result<Compiled, String> {
    ecma_patterns(&mut document, 0);
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .should_validate_formats(true)
        .with_format("byte", formats::is_base64)
        .with_format("duration", formats::is_duration)
        .build(&document)
        .map_err(|e| format!("the schema cannot be compiled: {e}"))?;
    Ok(Compiled { validator, document })
}

/// CRD patterns are Go (RE2) regexes, which the API server runs; the validator requires ECMA 262
/// ones. The one RE2 form found in practice, an inline `(?i)`, is rewritten as case-insensitive
/// classes (`(?i)warn` → `[wW][aA][rR][nN]`); a pattern that is still not ECMA 262 is dropped (the
/// value is then not checked against it) rather than making the whole schema unusable.
fn ecma_patterns(schema: &mut Value, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    match schema {
        Value::Object(map) => {
            if let Some(Value::String(pattern)) = map.get("pattern") {
                let rewritten = if pattern.contains("(?i)") { case_insensitive(pattern) } else { pattern.clone() };
                if is_ecma_regex(&rewritten) {
                    map.insert("pattern".into(), Value::String(rewritten));
                } else {
                    map.remove("pattern");
                }
            }
            for value in map.values_mut() {
                ecma_patterns(value, depth + 1);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| ecma_patterns(item, depth + 1)),
        _ => {}
    }
}

fn is_ecma_regex(pattern: &str) -> bool {
    static CHECK: OnceLock<Option<jsonschema::Validator>> = OnceLock::new();
    let check = CHECK.get_or_init(|| {
        let schema = serde_json::json!({"type": "string", "format": "regex"});
        jsonschema::options().with_draft(jsonschema::Draft::Draft7).should_validate_formats(true).build(&schema).ok()
    });
    check.as_ref().is_none_or(|v| v.is_valid(&Value::String(pattern.to_string())))
}

/// `pattern` without `(?i)` flags, every ASCII letter matching either case.
fn case_insensitive(pattern: &str) -> String {
    let text = pattern.replace("(?i)", "");
    let mut out = String::with_capacity(text.len() * 2);
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                out.push(c);
                out.extend(chars.next());
            }
            '[' => {
                let mut class = String::new();
                let mut escaped = false;
                for inner in chars.by_ref() {
                    if inner == ']' && !escaped && !class.is_empty() {
                        break;
                    }
                    escaped = inner == '\\' && !escaped;
                    class.push(inner);
                }
                out.push('[');
                out.push_str(&class);
                out.push_str(&other_case_members(&class));
                out.push(']');
            }
            c if c.is_ascii_alphabetic() => {
                out.extend(['[', c.to_ascii_lowercase(), c.to_ascii_uppercase(), ']']);
            }
            c => out.push(c),
        }
    }
    out
}

/// The letters and letter ranges of a character class's content, in the other case.
fn other_case_members(class: &str) -> String {
    let swap = |c: char| if c.is_ascii_lowercase() { c.to_ascii_uppercase() } else { c.to_ascii_lowercase() };
    let chars: Vec<char> = class.chars().collect();
    let mut extra = String::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        if c == '\\' {
            i += 2;
            continue;
        }
        let range_end = chars.get(i + 2).filter(|_| chars.get(i + 1) == Some(&'-'));
        match range_end {
            Some(&end) if c.is_ascii_alphabetic() && end.is_ascii_alphabetic() => {
                extra.extend([swap(c), '-', swap(end)]);
                i += 3;
            }
            _ => {
                if c.is_ascii_alphabetic() {
                    extra.push(swap(c));
                }
                i += 1;
            }
        }
    }
    extra
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn deployment() -> Arc<Compiled> {
        let index = bundle::index().ok();
        let kind = index.and_then(|i| i.find("apps/v1", "Deployment"));
        let compiled = kind.map(bundled);
        match compiled {
            Some(Ok(compiled)) => compiled,
            other => panic!("no Deployment schema: {other:?}"),
        }
    }

    #[test]
    fn a_bundled_kind_compiles_once_and_validates() {
        let compiled = deployment();
        assert!(Arc::ptr_eq(&compiled, &deployment()), "the compiled schema is cached");
        let valid = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "x"},
            "spec": {"selector": {"matchLabels": {"a": "b"}}, "template": {"spec": {"containers": [{"name": "c", "image": "i"}]}}}});
        assert!(compiled.validator.is_valid(&valid));
        let mut invalid = valid.clone();
        invalid["spec"]["template"]["spec"]["containers"][0]["livenesProbe"] = json!({});
        assert!(!compiled.validator.is_valid(&invalid));
    }

    #[test]
    fn go_patterns_become_ecma_patterns() {
        assert_eq!(case_insensitive("^(?i)(abort|warn)?$"), "^([aA][bB][oO][rR][tT]|[wW][aA][rR][nN])?$");
        assert_eq!(case_insensitive("(?i)[a-cx_]\\d"), "[a-cx_A-CX]\\d");
        let mut schema = json!({"properties": {"a": {"type": "string", "pattern": "^(?i)(abort|warn)?$"}, "b": {"pattern": "(?P<x>y)"}}});
        ecma_patterns(&mut schema, 0);
        let compiled = compile(schema).map(|c| c.validator.is_valid(&json!({"a": "WARN"})));
        assert_eq!(compiled.ok(), Some(true));
    }

    #[test]
    fn assembly_pulls_in_referenced_definitions_only() {
        let Ok(index) = bundle::index() else { panic!("bundle") };
        let root =
            json!({"properties": {"m": {"$ref": "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"}}});
        let assembled = assemble(root, index).unwrap_or_default();
        let names: Vec<&String> = assembled["definitions"].as_object().map(|m| m.keys().collect()).unwrap_or_default();
        assert!(names.iter().any(|n| n.ends_with("meta.v1.ObjectMeta")));
        assert!(names.iter().any(|n| n.ends_with("meta.v1.OwnerReference")));
        assert!(!names.iter().any(|n| n.ends_with("core.v1.PodSpec")));
        assert!(assemble(json!({"$ref": "#/definitions/nope"}), index).is_err());
    }
}
