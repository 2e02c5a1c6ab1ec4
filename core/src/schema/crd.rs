//! CustomResourceDefinitions as schemas, and the preparation every CRD schema gets.
//!
//! [`schemas_from_crd`] reads a CRD object (`apiextensions.k8s.io/v1`, or the legacy `v1beta1`
//! with `spec.validation`) into one raw `openAPIV3Schema` per served version. [`prepare`] then turns
//! an `openAPIV3Schema` (from a CRD, or from the bundled catalog files, which were converted the
//! same way upstream) into a strict Draft 4 schema:
//!
//! - objects with `properties` reject unknown fields (`additionalProperties: false`), except where
//!   the CRD keeps unknown fields (`x-kubernetes-preserve-unknown-fields: true`), which the API
//!   server keeps too (the catalog's converter closed those as well; this undoes it);
//! - `format: int-or-string` and a bare `x-kubernetes-int-or-string: true` accept integers and
//!   strings; `nullable: true` accepts null (Draft 4 does not know `nullable`);
//! - at the top, `apiVersion` and `kind` are strings, `metadata` is Kubernetes' `ObjectMeta` (CRD
//!   schemas describe it as a bare object), and unknown top-level fields are rejected, as the API
//!   server's strict field validation does.
//!
//! Branches of `allOf`/`anyOf`/`oneOf`/`not` are left open: in structural schemas they only add
//! value checks to fields declared beside them, so closing them would reject those fields.

use serde_json::{json, Map, Value};

/// The `$ref` that stands for Kubernetes object metadata (a bundled definition).
pub const OBJECT_META_REF: &str = "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";

/// One served version of a CRD and its raw schema.
#[derive(Debug, Clone, PartialEq)]
pub struct CrdVersion {
    pub group: String,
    pub version: String,
    pub kind: String,
    pub schema: Value,
}

impl CrdVersion {
    pub fn api_version(&self) -> String {
        format!("{}/{}", self.group, self.version)
    }
}

/// Whether `value` is a CustomResourceDefinition object.
pub fn is_crd(value: &Value) -> bool {
    let api_version = value.get("apiVersion").and_then(Value::as_str).unwrap_or("");
    value.get("kind").and_then(Value::as_str) == Some("CustomResourceDefinition")
        && api_version.starts_with("apiextensions.k8s.io/")
}

/// The schema of every served version of a CRD object. Versions without a schema are skipped (their
/// objects stay unchecked); a CRD without group or kind is an error.
pub fn schemas_from_crd(crd: &Value) -> Result<Vec<CrdVersion>, String> {
    let spec = crd.get("spec").ok_or("the CustomResourceDefinition has no spec")?;
    let text = |value: Option<&Value>, what: &str| {
        value
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .ok_or(format!("the CustomResourceDefinition has no {what}"))
    };
    let group = text(spec.get("group"), "spec.group")?;
    let kind = text(spec.get("names").and_then(|n| n.get("kind")), "spec.names.kind")?;
    let legacy = spec.get("validation").and_then(|v| v.get("openAPIV3Schema"));
    let mut out = Vec::new();
    let versions = spec.get("versions").and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[]);
    for version in versions {
        if version.get("served").and_then(Value::as_bool) == Some(false) {
            continue;
        }
        let Some(name) = version.get("name").and_then(Value::as_str) else { continue };
        let schema = version.get("schema").and_then(|s| s.get("openAPIV3Schema")).or(legacy);
        if let Some(schema) = schema {
            out.push(CrdVersion {
                group: group.clone(),
                version: name.to_string(),
                kind: kind.clone(),
                schema: schema.clone(),
            });
        }
    }
    // v1beta1 CRDs may name a single version in spec.version.
    if versions.is_empty() {
        if let (Some(name), Some(schema)) = (spec.get("version").and_then(Value::as_str), legacy) {
            out.push(CrdVersion { group, version: name.to_string(), kind, schema: schema.clone() });
        }
    }
    Ok(out)
}

/// Keywords that constrain values; everything else (descriptions, defaults, CEL rules) is dropped.
const KEPT: &[&str] = &[
    "$ref",
    "type",
    "format",
    "enum",
    "required",
    "properties",
    "additionalProperties",
    "patternProperties",
    "items",
    "additionalItems",
    "allOf",
    "anyOf",
    "oneOf",
    "not",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
    "dependencies",
];

/// Most levels of nesting followed; deeper parts are kept as they are (bounded work on user input).
const MAX_DEPTH: usize = 200;

/// Turns a CRD's `openAPIV3Schema` into the strict schema of a top-level object (see the module
/// documentation).
pub fn prepare(schema: &Value) -> Value {
    let mut root = prepare_node(schema, true, 0);
    if let Value::Object(map) = &mut root {
        map.insert("type".into(), json!("object"));
        let properties = map.entry("properties").or_insert_with(|| json!({}));
        if let Value::Object(properties) = properties {
            properties.insert("apiVersion".into(), json!({"type": "string"}));
            properties.insert("kind".into(), json!({"type": "string"}));
            properties.insert("metadata".into(), json!({"$ref": OBJECT_META_REF}));
        }
        if !preserves_unknown_fields(schema) {
            map.insert("additionalProperties".into(), Value::Bool(false));
        }
    }
    root
}

fn preserves_unknown_fields(schema: &Value) -> bool {
    schema.get("x-kubernetes-preserve-unknown-fields").and_then(Value::as_bool) == Some(true)
}

/// Prepares one schema node; `closable` is false inside `allOf`/`anyOf`/`oneOf`/`not` branches.
fn prepare_node(schema: &Value, closable: bool, depth: usize) -> Value {
    let Value::Object(source) = schema else { return schema.clone() };
    if depth > MAX_DEPTH {
        return schema.clone();
    }
    let nullable = source.get("nullable").and_then(Value::as_bool) == Some(true);
    if source.get("format").and_then(Value::as_str) == Some("int-or-string") {
        return with_null(json!({"type": ["integer", "string"]}), nullable);
    }
    let mut out = Map::new();
    for (key, value) in source {
        if !KEPT.contains(&key.as_str()) {
            continue;
        }
        let prepared = match key.as_str() {
            "properties" | "patternProperties" => map_values(value, |v| prepare_node(v, true, depth + 1)),
            "additionalProperties" | "items" | "additionalItems" if value.is_object() => {
                prepare_node(value, true, depth + 1)
            }
            "items" => list_values(value, |v| prepare_node(v, true, depth + 1)),
            "allOf" | "anyOf" | "oneOf" => list_values(value, |v| prepare_node(v, false, depth + 1)),
            "not" => prepare_node(value, false, depth + 1),
            _ => value.clone(),
        };
        out.insert(key.clone(), prepared);
    }
    let int_or_string = source.get("x-kubernetes-int-or-string").and_then(Value::as_bool) == Some(true);
    if int_or_string && !["type", "anyOf", "oneOf"].iter().any(|k| out.contains_key(*k)) {
        out.insert("type".into(), json!(["integer", "string"]));
    }
    if source.get("x-kubernetes-embedded-resource").and_then(Value::as_bool) == Some(true) {
        allow_embedded_object_fields(&mut out);
    }
    if preserves_unknown_fields(schema) {
        if out.get("additionalProperties") == Some(&Value::Bool(false)) {
            out.remove("additionalProperties");
        }
    } else if closable && out.contains_key("properties") && !out.contains_key("additionalProperties") {
        out.insert("additionalProperties".into(), Value::Bool(false));
    }
    with_null(Value::Object(out), nullable)
}

/// An embedded object (`x-kubernetes-embedded-resource`) always has apiVersion, kind and metadata.
fn allow_embedded_object_fields(schema: &mut Map<String, Value>) {
    if let Some(Value::Object(properties)) = schema.get_mut("properties") {
        for (field, default) in [
            ("apiVersion", json!({"type": "string"})),
            ("kind", json!({"type": "string"})),
            ("metadata", json!({"type": "object"})),
        ] {
            properties.entry(field).or_insert(default);
        }
    }
}

/// Adds `null` to a schema's `type`, when the schema allows null.
fn with_null(mut schema: Value, nullable: bool) -> Value {
    if !nullable {
        return schema;
    }
    if let Some(types) = schema.get_mut("type") {
        match types {
            Value::String(single) if single != "null" => *types = json!([single.clone(), "null"]),
            Value::Array(list) if !list.contains(&json!("null")) => list.push(json!("null")),
            _ => {}
        }
    }
    schema
}

fn map_values(value: &Value, f: impl Fn(&Value) -> Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(map.iter().map(|(k, v)| (k.clone(), f(v))).collect()),
        other => other.clone(),
    }
}

fn list_values(value: &Value, f: impl Fn(&Value) -> Value) -> Value {
    match value {
        Value::Array(items) => Value::Array(items.iter().map(f).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_served_version_with_a_schema() {
        let crd = json!({
            "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "spec": {"group": "example.com", "names": {"kind": "Widget"}, "versions": [
                {"name": "v1", "served": true, "schema": {"openAPIV3Schema": {"type": "object"}}},
                {"name": "v1beta1", "served": false, "schema": {"openAPIV3Schema": {"type": "object"}}},
                {"name": "v2", "served": true}
            ]}
        });
        let versions = schemas_from_crd(&crd).unwrap_or_default();
        let names: Vec<&str> = versions.iter().map(|v| v.version.as_str()).collect();
        assert_eq!(names, ["v1"]);
        assert_eq!(versions[0].api_version(), "example.com/v1");
    }

    #[test]
    fn legacy_crds_share_one_schema() {
        let crd = json!({
            "apiVersion": "apiextensions.k8s.io/v1beta1", "kind": "CustomResourceDefinition",
            "spec": {"group": "example.com", "version": "v1", "names": {"kind": "Widget"},
                     "validation": {"openAPIV3Schema": {"type": "object"}}}
        });
        assert_eq!(schemas_from_crd(&crd).map(|v| v.len()), Ok(1));
        assert!(schemas_from_crd(&json!({"spec": {"names": {"kind": "W"}}})).is_err());
    }

    #[test]
    fn preparation_closes_objects_but_keeps_preserved_ones_open() {
        let schema = json!({
            "type": "object",
            "description": "dropped",
            "properties": {
                "spec": {"type": "object", "properties": {
                    "port": {"format": "int-or-string"},
                    "raw": {"type": "object", "x-kubernetes-preserve-unknown-fields": true,
                            "properties": {"a": {"type": "string"}}, "additionalProperties": false},
                    "maybe": {"type": "string", "nullable": true},
                    "either": {"anyOf": [{"properties": {"x": {"type": "string"}}}]}
                }}
            }
        });
        let prepared = prepare(&schema);
        let spec = &prepared["properties"]["spec"];
        assert_eq!(prepared["additionalProperties"], json!(false));
        assert_eq!(prepared["properties"]["metadata"]["$ref"], OBJECT_META_REF);
        assert!(prepared.get("description").is_none());
        assert_eq!(spec["additionalProperties"], json!(false));
        assert_eq!(spec["properties"]["port"]["type"], json!(["integer", "string"]));
        assert!(spec["properties"]["raw"].get("additionalProperties").is_none());
        assert_eq!(spec["properties"]["maybe"]["type"], json!(["string", "null"]));
        assert!(spec["properties"]["either"]["anyOf"][0].get("additionalProperties").is_none());
    }
}
