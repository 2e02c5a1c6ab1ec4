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

/// [`to_rego`] for many documents that repeat the same short strings (a run's inventory: every
/// summary has the same keys, and kinds, namespaces and label values recur): each distinct string
/// of up to [`SHARED_STRING_BYTES`] bytes is made once and shared, instead of one allocation per
/// occurrence.
#[derive(Default)]
pub(crate) struct SharedStrings {
    made: foldhash::HashMap<String, RegoValue>,
}

/// The longest string [`SharedStrings`] shares: keys, kinds, names and label values are shorter;
/// longer strings rarely recur.
const SHARED_STRING_BYTES: usize = 64;

impl SharedStrings {
    pub(crate) fn convert(&mut self, value: &Value) -> RegoValue {
        match value {
            Value::String(s) => self.string(s),
            Value::Array(items) => RegoValue::from(items.iter().map(|item| self.convert(item)).collect::<Vec<_>>()),
            Value::Object(map) => {
                RegoValue::from(map.iter().map(|(k, v)| (self.string(k), self.convert(v))).collect::<BTreeMap<_, _>>())
            }
            other => to_rego(other),
        }
    }

    fn string(&mut self, text: &str) -> RegoValue {
        if text.len() > SHARED_STRING_BYTES {
            return RegoValue::from(text);
        }
        if let Some(made) = self.made.get(text) {
            return made.clone();
        }
        let made = RegoValue::from(text);
        self.made.insert(text.to_string(), made.clone());
        made
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_strings_convert_as_to_rego_does() {
        let document = serde_json::json!({"kind": "Deployment", "labels": {"app": "web", "tier": "web"}, "n": [1, -2, 0.5, null, true], "long": "x".repeat(100)});
        let mut shared = SharedStrings::default();
        assert_eq!(shared.convert(&document), to_rego(&document));
        assert_eq!(shared.convert(&document), to_rego(&document), "and again, from what it made before");
    }
}
