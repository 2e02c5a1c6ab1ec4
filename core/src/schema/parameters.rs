//! Gatekeeper constraint parameters checked against their template's schema.
//!
//! A ConstraintTemplate's `spec.crd.spec.validation.openAPIV3Schema` becomes the schema of
//! `spec.parameters` in the Constraint kind Gatekeeper generates, so the API server rejects a
//! Constraint whose parameters do not fit it (a string where the template wants a list, a missing
//! required parameter, a value outside an enum). [`ParameterSchema::problems`] finds those with the
//! same validator as schema validation: the template's schema is put at `spec.parameters` of a
//! schema for the whole Constraint, so each problem is located at its field in the Constraint.
//! Unknown parameters are not problems: the API server prunes them (or keeps them, for templates
//! that preserve unknown fields) rather than rejecting the Constraint.
//!
//! Without the `schema-validation` feature there is no validator, and parameters go unchecked.

use super::SchemaFinding;
use serde_json::Value;

/// A template's parameter schema, compiled on first use.
#[derive(Debug, Default)]
pub struct ParameterSchema {
    /// The template's `openAPIV3Schema`; `None` when it declares none (anything goes).
    #[cfg_attr(not(feature = "schema-validation"), allow(dead_code))]
    schema: Option<Value>,
    #[cfg(feature = "schema-validation")]
    compiled: std::sync::OnceLock<Result<super::compile::Compiled, String>>,
}

impl ParameterSchema {
    /// The parameter schema of a ConstraintTemplate object.
    pub fn of_template(template: &Value) -> ParameterSchema {
        let schema = template.pointer("/spec/crd/spec/validation/openAPIV3Schema").filter(|s| s.is_object()).cloned();
        ParameterSchema {
            schema,
            #[cfg(feature = "schema-validation")]
            compiled: std::sync::OnceLock::new(),
        }
    }

    /// What the API server would reject in `constraint`'s parameters, located in the Constraint
    /// (`spec.parameters.…`). An error when the template's schema itself cannot be compiled.
    #[cfg(feature = "schema-validation")]
    pub fn problems(&self, constraint: &Value) -> Result<Vec<SchemaFinding>, String> {
        let Some(schema) = &self.schema else { return Ok(Vec::new()) };
        let compiled = self.compiled.get_or_init(|| compile(schema)).as_ref().map_err(String::clone)?;
        if compiled.validator.is_valid(constraint) {
            return Ok(Vec::new());
        }
        let kind = constraint.get("kind").and_then(Value::as_str).unwrap_or("Constraint");
        let mut problems = super::report::explain(compiled, constraint, kind);
        problems.retain(|p| p.rule != super::UNKNOWN_FIELD && p.path.to_string().starts_with("spec.parameters"));
        Ok(problems)
    }

    /// Without a validator in the build, nothing is checked.
    #[cfg(not(feature = "schema-validation"))]
    pub fn problems(&self, _constraint: &Value) -> Result<Vec<SchemaFinding>, String> {
        Ok(Vec::new())
    }
}

/// The schema of a whole Constraint whose `spec.parameters` follow `parameters`; every other
/// field (metadata, `spec.match`, `spec.enforcementAction`) is left to the constraint reader.
#[cfg(feature = "schema-validation")]
fn compile(parameters: &Value) -> Result<super::compile::Compiled, String> {
    let constraint = serde_json::json!({
        "type": "object",
        "x-kubernetes-preserve-unknown-fields": true,
        "properties": {"spec": {
            "type": "object",
            "x-kubernetes-preserve-unknown-fields": true,
            "properties": {"parameters": parameters},
        }},
    });
    let document = super::compile::assemble(super::crd::prepare(&constraint), super::bundle::index()?)?;
    super::compile::compile(document).map_err(|e| format!("the template's parameter schema cannot be used: {e}"))
}

#[cfg(all(test, feature = "schema-validation"))]
mod tests {
    use super::*;
    use serde_json::json;

    fn template() -> Value {
        json!({"spec": {"crd": {"spec": {"validation": {"openAPIV3Schema": {
            "type": "object",
            "required": ["labels"],
            "properties": {
                "labels": {"type": "array", "items": {"type": "string"}},
                "mode": {"type": "string", "enum": ["audit", "enforce"]},
            },
        }}}}}})
    }

    fn constraint(parameters: Value) -> Value {
        json!({"apiVersion": "constraints.gatekeeper.sh/v1beta1", "kind": "K8sRequiredLabels",
               "metadata": {"name": "must-have-owner"},
               "spec": {"match": {"kinds": [{"kinds": ["Pod"]}]}, "parameters": parameters}})
    }

    fn problems(parameters: Value) -> Vec<(String, &'static str)> {
        let schema = ParameterSchema::of_template(&template());
        let found = schema.problems(&constraint(parameters)).unwrap_or_default();
        found.into_iter().map(|p| (p.path.to_string(), p.rule)).collect()
    }

    #[test]
    fn parameters_that_fit_pass_and_unknown_ones_are_not_problems() {
        assert_eq!(problems(json!({"labels": ["owner"], "mode": "audit"})), vec![]);
        assert_eq!(problems(json!({"labels": [], "extra": 1})), vec![]);
    }

    #[test]
    fn wrong_types_missing_and_out_of_enum_parameters_are_located() {
        assert_eq!(
            problems(json!({"labels": "owner"})),
            vec![("spec.parameters.labels".to_string(), super::super::TYPE)]
        );
        assert_eq!(
            problems(json!({"labels": [1]})),
            vec![("spec.parameters.labels[0]".to_string(), super::super::TYPE)]
        );
        assert_eq!(
            problems(json!({"labels": ["a"], "mode": "block"})),
            vec![("spec.parameters.mode".to_string(), super::super::ENUM)]
        );
        let missing = problems(json!({}));
        assert_eq!(missing.len(), 1);
        assert_eq!(missing[0].1, super::super::REQUIRED);
    }

    #[test]
    fn a_template_without_a_schema_takes_any_parameters() {
        let schema = ParameterSchema::of_template(&json!({"spec": {"crd": {"spec": {"names": {"kind": "K"}}}}}));
        assert_eq!(schema.problems(&constraint(json!({"anything": [1, "x"]}))).map(|p| p.len()), Ok(0));
    }
}
