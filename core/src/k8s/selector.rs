//! Label selectors with the API server's semantics, for the rules that relate objects (a Service
//! to the pods it selects, a PodDisruptionBudget or NetworkPolicy to the pods it covers).
//!
//! Two shapes exist in the API. A [`Selector`] is read from either:
//! - a `LabelSelector` (`matchLabels` and `matchExpressions`, in PodDisruptionBudgets,
//!   NetworkPolicies, workloads, ServiceMonitors), read as `LabelSelectorAsSelector` does: a null
//!   or absent selector selects nothing, an empty one (`{}`) everything; `matchLabels` and every
//!   expression must all hold; `In` and `NotIn` need at least one value, `Exists` and
//!   `DoesNotExist` none; any other operator makes the selector invalid;
//! - a plain map (a Service's or ReplicationController's `spec.selector`), every pair of which must
//!   hold: the empty map selects everything, as `labels.SelectorFromSet` does.
//!
//! An invalid selector (a non-string value, an unknown operator, `In` without values) is
//! [`Selector::Invalid`]: it matches nothing, and rules that report a missing match must not read
//! that as "no match" (the API server rejects the object; schema rules say why).

use serde_json::Value;
use std::collections::BTreeMap;

/// Labels: key → value.
pub type Labels = BTreeMap<String, String>;

/// A label selector, ready to match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selector {
    /// Selects nothing (a null selector).
    Nothing,
    /// Every requirement must hold; none selects everything.
    All(Vec<Requirement>),
    /// Not a selector the API server accepts.
    Invalid,
}

/// One requirement on one label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Requirement {
    /// The label has one of these values (`matchLabels` gives one).
    In(String, Vec<String>),
    /// The label is absent or has none of these values.
    NotIn(String, Vec<String>),
    Exists(String),
    DoesNotExist(String),
}

impl Requirement {
    fn holds(&self, labels: &Labels) -> bool {
        match self {
            Requirement::In(key, values) => labels.get(key).is_some_and(|v| values.contains(v)),
            Requirement::NotIn(key, values) => labels.get(key).is_none_or(|v| !values.contains(v)),
            Requirement::Exists(key) => labels.contains_key(key),
            Requirement::DoesNotExist(key) => !labels.contains_key(key),
        }
    }
}

impl Selector {
    /// Reads a `LabelSelector` (`None` is an absent field).
    pub fn from_label_selector(value: Option<&Value>) -> Selector {
        let object = match value {
            None | Some(Value::Null) => return Selector::Nothing,
            Some(Value::Object(object)) => object,
            Some(_) => return Selector::Invalid,
        };
        let mut requirements = Vec::new();
        match object.get("matchLabels") {
            None | Some(Value::Null) => {}
            Some(labels) => match read_set(labels) {
                Some(set) => requirements.extend(set.into_iter().map(|(k, v)| Requirement::In(k, vec![v]))),
                None => return Selector::Invalid,
            },
        }
        match object.get("matchExpressions") {
            None | Some(Value::Null) => {}
            Some(Value::Array(expressions)) => {
                for expression in expressions {
                    match read_expression(expression) {
                        Some(requirement) => requirements.push(requirement),
                        None => return Selector::Invalid,
                    }
                }
            }
            Some(_) => return Selector::Invalid,
        }
        Selector::All(requirements)
    }

    /// Reads a plain selector map (a Service's `spec.selector`): absent or null selects nothing.
    pub fn from_map(value: Option<&Value>) -> Selector {
        match value {
            None | Some(Value::Null) => Selector::Nothing,
            Some(map) => match read_set(map) {
                Some(set) => Selector::All(set.into_iter().map(|(k, v)| Requirement::In(k, vec![v])).collect()),
                None => Selector::Invalid,
            },
        }
    }

    /// Whether the selector selects an object with these labels.
    pub fn matches(&self, labels: &Labels) -> bool {
        match self {
            Selector::All(requirements) => requirements.iter().all(|r| r.holds(labels)),
            Selector::Nothing | Selector::Invalid => false,
        }
    }

    /// Whether it selects everything (no requirement at all).
    pub fn is_everything(&self) -> bool {
        matches!(self, Selector::All(requirements) if requirements.is_empty())
    }

    /// The `key=value` pairs any selected object must carry (an `In` with one value): the
    /// candidates to look up in an index of labels.
    pub fn required_pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        let requirements = match self {
            Selector::All(requirements) => requirements.as_slice(),
            _ => &[],
        };
        requirements.iter().filter_map(|r| match r {
            Requirement::In(key, values) if values.len() == 1 => values.first().map(|v| (key.as_str(), v.as_str())),
            _ => None,
        })
    }
}

/// Whether `word` is a whole word as [`words_of`] cuts text: the characters of label keys and
/// values, names and DNS labels.
pub fn is_word(word: &str) -> bool {
    !word.is_empty() && word.bytes().all(is_word_byte)
}

fn is_word_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'/')
}

/// The words of a text: its longest runs of word characters. A label key or value, or a name, made
/// only of word characters is one of the words of any YAML or JSON text that writes it, unless
/// the text escapes it (a backslash).
pub fn words_of(text: &str) -> impl Iterator<Item = &str> {
    // Cut byte by byte: every byte of a non-ASCII character is a separator, as the character is.
    text.as_bytes()
        .split(|byte| !is_word_byte(*byte))
        .filter(|word| !word.is_empty())
        .filter_map(|word| std::str::from_utf8(word).ok())
}

impl Selector {
    /// Words one of which the text of every object this selector selects must contain (see
    /// [`words_of`]): the values of one required label, or its key. `None` when no word is
    /// certain (a selector of everything, only `NotIn` and `DoesNotExist`, labels that are not
    /// plain words); no words when it selects nothing.
    pub fn required_words(&self) -> Option<Vec<String>> {
        let requirements = match self {
            Selector::Nothing | Selector::Invalid => return Some(Vec::new()),
            Selector::All(requirements) => requirements,
        };
        requirements.iter().find_map(|requirement| match requirement {
            Requirement::In(_, values) if !values.is_empty() && values.iter().all(|v| is_word(v)) => {
                Some(values.clone())
            }
            Requirement::In(key, _) | Requirement::Exists(key) if is_word(key) => Some(vec![key.clone()]),
            _ => None,
        })
    }
}

/// Reads a map of string values; `None` when any value is not a string.
pub fn read_set(value: &Value) -> Option<Labels> {
    match value {
        Value::Object(map) => map.iter().map(|(k, v)| Some((k.clone(), v.as_str()?.to_string()))).collect(),
        Value::Null => Some(Labels::new()),
        _ => None,
    }
}

fn read_expression(expression: &Value) -> Option<Requirement> {
    let key = expression.get("key")?.as_str()?.to_string();
    let values: Vec<String> = match expression.get("values") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(values)) => values.iter().map(|v| v.as_str().map(str::to_string)).collect::<Option<_>>()?,
        Some(_) => return None,
    };
    match expression.get("operator")?.as_str()? {
        "In" if !values.is_empty() => Some(Requirement::In(key, values)),
        "NotIn" if !values.is_empty() => Some(Requirement::NotIn(key, values)),
        "Exists" if values.is_empty() => Some(Requirement::Exists(key)),
        "DoesNotExist" if values.is_empty() => Some(Requirement::DoesNotExist(key)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_the_runs_of_label_characters() {
        let text = "labels: {app.kubernetes.io/name: \"web-1\", tier: 'db'} # x_y\n";
        let words: Vec<&str> = words_of(text).collect();
        assert_eq!(words, ["labels", "app.kubernetes.io/name", "web-1", "tier", "db", "x_y"]);
        assert!(is_word("web-1") && !is_word("") && !is_word("a b") && !is_word("caf\u{e9}"));
    }

    #[test]
    fn a_selector_requires_the_words_of_one_of_its_labels() {
        let words = |selector: Value| Selector::from_label_selector(Some(&selector)).required_words();
        assert_eq!(words(json!({"matchLabels": {"app": "web"}})), Some(vec!["web".to_string()]));
        let expression = json!({"matchExpressions": [{"key": "tier", "operator": "In", "values": ["a", "b"]}]});
        assert_eq!(words(expression), Some(vec!["a".to_string(), "b".to_string()]));
        // A value that is not a plain word: its key must be written.
        assert_eq!(words(json!({"matchLabels": {"app": "we b"}})), Some(vec!["app".to_string()]));
        let exists = json!({"matchExpressions": [{"key": "gpu", "operator": "Exists"}]});
        assert_eq!(words(exists), Some(vec!["gpu".to_string()]));
        // Nothing certain: everything, or only absence.
        assert_eq!(words(json!({})), None);
        assert_eq!(words(json!({"matchExpressions": [{"key": "a", "operator": "NotIn", "values": ["b"]}]})), None);
        // Selects nothing: no word is needed.
        assert_eq!(Selector::from_label_selector(None).required_words(), Some(Vec::new()));
    }
    use serde_json::json;

    fn labels(pairs: &[(&str, &str)]) -> Labels {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    fn label_selector(value: Value) -> Selector {
        Selector::from_label_selector(Some(&value))
    }

    #[test]
    fn null_selects_nothing_and_empty_selects_everything() {
        let pod = labels(&[("app", "web")]);
        assert!(!Selector::from_label_selector(None).matches(&pod));
        assert!(!label_selector(Value::Null).matches(&pod));
        assert!(label_selector(json!({})).matches(&pod));
        assert!(label_selector(json!({})).matches(&Labels::new()));
        assert!(label_selector(json!({"matchLabels": {}, "matchExpressions": []})).is_everything());
        // A Service's selector map: absent selects nothing, `{}` everything.
        assert!(!Selector::from_map(None).matches(&pod));
        assert!(Selector::from_map(Some(&json!({}))).matches(&pod));
    }

    #[test]
    fn match_labels_and_expressions_must_all_hold() {
        let selector = label_selector(json!({
            "matchLabels": {"app": "web"},
            "matchExpressions": [{"key": "tier", "operator": "In", "values": ["front", "edge"]}],
        }));
        assert!(selector.matches(&labels(&[("app", "web"), ("tier", "edge")])));
        assert!(!selector.matches(&labels(&[("app", "web"), ("tier", "back")])));
        assert!(!selector.matches(&labels(&[("app", "web")])));
        assert!(!selector.matches(&labels(&[("app", "api"), ("tier", "front")])));
        assert_eq!(selector.required_pairs().collect::<Vec<_>>(), [("app", "web")]);
    }

    #[test]
    fn not_in_and_does_not_exist_hold_when_the_label_is_absent() {
        let not_in =
            label_selector(json!({"matchExpressions": [{"key": "env", "operator": "NotIn", "values": ["dev"]}]}));
        assert!(not_in.matches(&labels(&[("app", "web")])));
        assert!(not_in.matches(&labels(&[("env", "prod")])));
        assert!(!not_in.matches(&labels(&[("env", "dev")])));
        let absent = label_selector(json!({"matchExpressions": [{"key": "canary", "operator": "DoesNotExist"}]}));
        assert!(absent.matches(&labels(&[("app", "web")])));
        assert!(!absent.matches(&labels(&[("canary", "")])));
        let exists = label_selector(json!({"matchExpressions": [{"key": "canary", "operator": "Exists"}]}));
        assert!(exists.matches(&labels(&[("canary", "")])));
        assert!(!exists.matches(&labels(&[("app", "web")])));
    }

    #[test]
    fn selectors_the_api_server_rejects_are_invalid_and_match_nothing() {
        for invalid in [
            json!({"matchExpressions": [{"key": "a", "operator": "In", "values": []}]}),
            json!({"matchExpressions": [{"key": "a", "operator": "In"}]}),
            json!({"matchExpressions": [{"key": "a", "operator": "Exists", "values": ["x"]}]}),
            json!({"matchExpressions": [{"key": "a", "operator": "Equals", "values": ["x"]}]}),
            json!({"matchExpressions": [{"operator": "Exists"}]}),
            json!({"matchLabels": {"a": 1}}),
            json!({"matchLabels": ["a"]}),
            json!("app=web"),
        ] {
            let selector = label_selector(invalid.clone());
            assert_eq!(selector, Selector::Invalid, "{invalid}");
            assert!(!selector.matches(&labels(&[("a", "x")])), "{invalid}");
        }
        assert_eq!(Selector::from_map(Some(&json!({"app": true}))), Selector::Invalid);
    }
}
