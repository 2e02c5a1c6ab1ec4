//! JSON documents to the policy engine's values: every object reaches Rego through [`to_rego`].

use regorus::Value as RegoValue;
use serde_json::Value;
use std::collections::BTreeMap;

/// Converts a document to the engine's value type without an intermediate copy.
pub(crate) fn to_rego(value: &Value) -> RegoValue {
    match value {
        Value::Null => RegoValue::Null,
        Value::Bool(b) => RegoValue::from(*b),
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                RegoValue::from(u)
            } else if let Some(i) = n.as_i64() {
                RegoValue::from(i)
            } else {
                RegoValue::from(n.as_f64().unwrap_or(0.0))
            }
        }
        Value::String(s) => RegoValue::from(s.as_str()),
        Value::Array(items) => RegoValue::from(items.iter().map(to_rego).collect::<Vec<_>>()),
        Value::Object(map) => RegoValue::from(
            map.iter().map(|(k, v)| (RegoValue::from(k.as_str()), to_rego(v))).collect::<BTreeMap<_, _>>(),
        ),
    }
}
