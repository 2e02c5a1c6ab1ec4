//! Baselines: today's findings recorded so that CI fails only on new ones.
//!
//! [`Baseline::from_report`] records each reported finding by what it is about, not where it is:
//! rule, file, object (kind, namespace, name), field path and message. Line numbers are left out
//! (also from the loader's messages, see [`stable_message`]),
//! so a baseline survives edits elsewhere in a file; identical findings are counted, so a second
//! copy of a known problem is still new. [`Baseline::apply`] moves the findings a baseline covers
//! from a report's findings to its suppressed list (kind `baseline`) and says how many recorded
//! findings no longer occur.
//!
//! The file is JSON, sorted so that it diffs well under version control:
//!
//! ```json
//! {"version": 1,
//!  "findings": [{"rule", "file", "object"?: {"kind", "namespace"?, "name"?}, "path"?, "message", "count"}]}
//! ```

use crate::report::finding::{Finding, Report};
use crate::report::suppress::{SuppressedFinding, Suppression, SuppressionKind};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The baseline format written by this version.
pub const FORMAT_VERSION: u32 = 1;

/// What identifies a finding across edits.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct FindingKey {
    pub rule: String,
    pub file: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object: Option<ObjectKey>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    pub message: String,
}

/// An object's identity: kind, namespace and name (the API version may change without the
/// object becoming another one).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ObjectKey {
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl FindingKey {
    pub fn of(finding: &Finding) -> FindingKey {
        FindingKey {
            rule: finding.rule.clone(),
            file: finding.file.to_string(),
            object: finding.object.as_ref().map(|o| ObjectKey {
                kind: o.kind.clone(),
                namespace: o.namespace.clone(),
                name: o.name.clone(),
            }),
            path: finding.path.as_ref().map(ToString::to_string),
            message: stable_message(finding),
        }
    }
}

/// A finding's message as identity: as written for rule findings; for the loader's findings,
/// which belong to no object and may quote line numbers ("first on line 17"), with every run of
/// digits replaced by `#`, so that they survive lines moving.
pub fn stable_message(finding: &Finding) -> String {
    if finding.object.is_some() {
        return finding.message.clone();
    }
    let mut message = String::with_capacity(finding.message.len());
    let mut in_number = false;
    for c in finding.message.chars() {
        if c.is_ascii_digit() {
            if !in_number {
                message.push('#');
            }
            in_number = true;
        } else {
            message.push(c);
            in_number = false;
        }
    }
    message
}

/// A set of known findings, with multiplicity.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Baseline {
    counts: BTreeMap<FindingKey, usize>,
}

/// A baseline file that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, miette::Diagnostic)]
#[error("{message}")]
#[diagnostic(code(plimsoll::baseline), help("write a new one with --write-baseline"))]
pub struct BaselineError {
    pub message: String,
}

/// What applying a baseline did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BaselineOutcome {
    /// Findings the baseline covered (now suppressed).
    pub matched: usize,
    /// Recorded findings that did not occur: fixed, or changed beyond recognition.
    pub stale: usize,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct BaselineFile {
    version: u32,
    findings: Vec<Entry>,
}

#[derive(Serialize, Deserialize)]
struct Entry {
    #[serde(flatten)]
    key: FindingKey,
    count: usize,
}

impl Baseline {
    /// Records the reported findings of `report` (not the suppressed ones).
    pub fn from_report(report: &Report) -> Baseline {
        let mut counts = BTreeMap::new();
        for finding in &report.findings {
            *counts.entry(FindingKey::of(finding)).or_insert(0) += 1;
        }
        Baseline { counts }
    }

    /// How many findings it records.
    pub fn len(&self) -> usize {
        self.counts.values().sum()
    }

    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }

    /// The baseline file's text.
    pub fn to_json(&self) -> String {
        let file = BaselineFile {
            version: FORMAT_VERSION,
            findings: self.counts.iter().map(|(key, &count)| Entry { key: key.clone(), count }).collect(),
        };
        let mut text = serde_json::to_string_pretty(&file).unwrap_or_default();
        text.push('\n');
        text
    }

    /// Reads a baseline file.
    pub fn parse(text: &str) -> Result<Baseline, BaselineError> {
        let file: BaselineFile = serde_json::from_str(text)
            .map_err(|e| BaselineError { message: format!("not a plimsoll baseline: {e}") })?;
        if file.version != FORMAT_VERSION {
            let message =
                format!("baseline format version {} is not supported (expected {FORMAT_VERSION})", file.version);
            return Err(BaselineError { message });
        }
        let mut counts = BTreeMap::new();
        for entry in file.findings {
            *counts.entry(entry.key).or_insert(0) += entry.count;
        }
        Ok(Baseline { counts })
    }

    /// Moves the findings this baseline covers to `report.suppressed`, in order: when a finding
    /// occurs more often than recorded, the first occurrences count as known and the rest as new.
    pub fn apply(&self, report: &mut Report) -> BaselineOutcome {
        let mut remaining = self.counts.clone();
        let mut kept = Vec::with_capacity(report.findings.len());
        let mut matched = 0;
        for finding in std::mem::take(&mut report.findings) {
            match remaining.get_mut(&FindingKey::of(&finding)) {
                Some(count) if *count > 0 => {
                    *count -= 1;
                    matched += 1;
                    let suppression = Suppression { kind: SuppressionKind::Baseline, reason: None };
                    report.suppressed.push(SuppressedFinding { finding, suppression });
                }
                _ => kept.push(finding),
            }
        }
        report.findings = kept;
        report.recount();
        BaselineOutcome { matched, stale: remaining.values().sum() }
    }
}
