//! Deprecated and removed API versions (`schema/deprecated-api`, `schema/removed-api`).
//!
//! The table is data, `schemas/deprecations.yaml` (with its sources), embedded and read on first
//! use. For a target release (`--kube-version`), an API version is *removed* from the release it
//! stops being served in, and *deprecated* from the release that deprecated it until then.

use super::version::KubeVersion;
use crate::load::parse_yaml_value;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::OnceLock;

/// Rule IDs.
pub const REMOVED: &str = "schema/removed-api";
pub const DEPRECATED: &str = "schema/deprecated-api";

static TABLE_TEXT: &str = include_str!("../../../schemas/deprecations.yaml");

/// One API version's lifecycle for one kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lifecycle {
    pub api_version: String,
    pub kind: String,
    pub deprecated: KubeVersion,
    pub removed: Option<KubeVersion>,
    /// The apiVersion (and kind, when it changes) to use instead.
    pub replacement: Option<String>,
    /// What to do when there is no direct replacement.
    pub note: Option<String>,
}

/// Where an API version stands in the target release.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Deprecated,
    Removed,
}

impl Lifecycle {
    pub fn status(&self, target: KubeVersion) -> Option<Status> {
        match self.removed {
            Some(removed) if target >= removed => Some(Status::Removed),
            _ if target >= self.deprecated => Some(Status::Deprecated),
            _ => None,
        }
    }

    /// The finding for the target release: rule ID and message.
    pub fn finding(&self, target: KubeVersion) -> Option<(&'static str, String)> {
        let subject = format!("{} {}", self.api_version, self.kind);
        let advice = self.advice();
        match self.status(target)? {
            Status::Removed => {
                let removed = self.removed.map(|v| v.to_string()).unwrap_or_default();
                Some((REMOVED, format!("{subject} is no longer served since Kubernetes {removed}; {advice}")))
            }
            Status::Deprecated => {
                let until = self.removed.map(|v| format!(" and no longer served from {v}")).unwrap_or_default();
                Some((
                    DEPRECATED,
                    format!("{subject} is deprecated since Kubernetes {}{until}; {advice}", self.deprecated),
                ))
            }
        }
    }

    fn advice(&self) -> String {
        match (&self.replacement, &self.note) {
            (Some(replacement), _) => format!("use {replacement}"),
            (None, Some(note)) => note.clone(),
            (None, None) => "migrate to a served version".to_string(),
        }
    }
}

/// The lifecycle entry of an apiVersion and kind, if it is deprecated or removed at some release.
pub fn lookup(api_version: &str, kind: &str) -> Option<&'static Lifecycle> {
    static BY_KIND: OnceLock<HashMap<&'static str, Vec<&'static Lifecycle>>> = OnceLock::new();
    let by_kind = BY_KIND.get_or_init(|| {
        let mut map: HashMap<&'static str, Vec<&'static Lifecycle>> = HashMap::new();
        for entry in table() {
            map.entry(entry.kind.as_str()).or_default().push(entry);
        }
        map
    });
    by_kind.get(kind)?.iter().copied().find(|entry| entry.api_version == api_version)
}

/// The whole table, read once. A malformed table (caught by the tests) reads as empty.
pub fn table() -> &'static [Lifecycle] {
    static TABLE: OnceLock<Vec<Lifecycle>> = OnceLock::new();
    TABLE.get_or_init(|| parse_table(TABLE_TEXT).unwrap_or_default())
}

/// Reads `schemas/deprecations.yaml`.
pub fn parse_table(text: &str) -> Result<Vec<Lifecycle>, String> {
    let document = parse_yaml_value(text).map_err(|p| p.message)?.ok_or("the table is empty")?;
    let entries = document.get("apis").and_then(Value::as_array).ok_or("no `apis` list")?;
    let mut table = Vec::new();
    for entry in entries {
        let text = |key: &str| entry.get(key).and_then(Value::as_str).map(str::to_string);
        let version = |key: &str| text(key).map(|v| v.parse::<KubeVersion>().map_err(|e| e.to_string())).transpose();
        let api_version = text("apiVersion").ok_or("an entry has no apiVersion")?;
        let deprecated = version("deprecated")?.ok_or_else(|| format!("{api_version}: no deprecated release"))?;
        let removed = version("removed")?;
        let kinds = entry.get("kinds").and_then(Value::as_array).ok_or_else(|| format!("{api_version}: no kinds"))?;
        for kind in kinds.iter().filter_map(Value::as_str) {
            table.push(Lifecycle {
                api_version: api_version.clone(),
                kind: kind.to_string(),
                deprecated,
                removed,
                replacement: text("replacement"),
                note: text("note"),
            });
        }
    }
    Ok(table)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_reads() {
        let table = parse_table(TABLE_TEXT);
        assert!(table.as_ref().is_ok_and(|t| t.len() > 40), "{table:?}");
        for entry in table.unwrap_or_default() {
            assert!(entry.replacement.is_some() || entry.note.is_some(), "{entry:?}");
            assert!(entry.removed.is_none_or(|r| r > entry.deprecated), "{entry:?}");
        }
    }

    #[test]
    fn removed_and_deprecated_depend_on_the_target() {
        let Some(cronjob) = lookup("batch/v1beta1", "CronJob") else { panic!("batch/v1beta1 CronJob is listed") };
        assert_eq!(cronjob.status(KubeVersion::new(20)), None);
        assert_eq!(cronjob.status(KubeVersion::new(21)), Some(Status::Deprecated));
        assert_eq!(cronjob.status(KubeVersion::new(25)), Some(Status::Removed));
        let (rule, message) = cronjob.finding(KubeVersion::new(33)).unwrap_or_default();
        assert_eq!(rule, REMOVED);
        assert_eq!(message, "batch/v1beta1 CronJob is no longer served since Kubernetes 1.25; use batch/v1");
        let hpa =
            lookup("autoscaling/v2beta2", "HorizontalPodAutoscaler").and_then(|e| e.finding(KubeVersion::new(24)));
        assert_eq!(
            hpa.map(|(_, m)| m).as_deref(),
            Some("autoscaling/v2beta2 HorizontalPodAutoscaler is deprecated since Kubernetes 1.23 and no longer served from 1.26; use autoscaling/v2")
        );
        assert!(lookup("apps/v1", "Deployment").is_none());
    }
}
