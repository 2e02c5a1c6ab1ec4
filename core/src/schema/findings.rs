//! The checker's results as report findings, and the checker as a linter builds it.
//!
//! The linter hands over what it knows (the selected rules, the schemas given to its builder, the
//! sources of a run, each rule's severity); this module builds the [`SchemaChecker`], finds the
//! CRDs among a run's sources, and turns [`SchemaFinding`]s into [`Finding`]s located through the
//! document's positions, like a Rego rule's violations.

use super::{kustomize, Enabled, KubeVersion, SchemaChecker, SchemaFinding, SchemaSet, SchemaSourceError};
use crate::finding::{Finding, Severity};
use crate::load::{self, Document};
use std::sync::Arc;

impl SchemaChecker {
    /// The checker the selected rules need (`None` when none of them is implemented here), with
    /// CRD texts (each must hold a CRD) and JSON schema files `(path, text)` added to its schemas.
    pub fn for_rules<'a>(
        rules: impl IntoIterator<Item = &'a str>,
        kube_version: KubeVersion,
        crd_texts: impl IntoIterator<Item = (&'a str, &'a str)>,
        json_schemas: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Option<SchemaChecker>, SchemaSourceError> {
        let enabled = Enabled::for_rules(rules);
        if !enabled.any() {
            return Ok(None);
        }
        let mut schemas = SchemaSet::default();
        for (name, text) in crd_texts {
            if schemas.add_crd_text(name, text)? == 0 {
                let message = "no CustomResourceDefinition with a schema in it".to_string();
                return Err(SchemaSourceError { source_name: name.to_string(), message });
            }
        }
        for (path, text) in json_schemas {
            schemas.add_json_schema(path, text)?;
        }
        Ok(Some(SchemaChecker { kube_version, schemas, enabled }))
    }

    /// A checker that also knows the CRDs among a run's `(name, text)` sources; `None` when
    /// there are none. Only texts that mention `CustomResourceDefinition` are read.
    pub fn with_crds_in<'a>(&self, sources: impl IntoIterator<Item = (&'a str, &'a str)>) -> Option<SchemaChecker> {
        if !self.enabled.validation {
            return None;
        }
        let loaded: Vec<load::LoadedFile> = sources
            .into_iter()
            .filter(|(_, text)| text.contains("CustomResourceDefinition"))
            .map(|(name, text)| load::load(name, text))
            .collect();
        self.with_crds(loaded.iter().flat_map(|file| file.documents.iter().map(|d| (&*d.file, &d.value))))
    }

    /// Findings for one object; `severity` gives an enabled rule's severity (`None`: not enabled).
    pub fn findings(&self, document: &Document, severity: impl Fn(&str) -> Option<Severity>) -> Vec<Finding> {
        self.check(&document.value)
            .into_iter()
            .filter_map(|found| {
                Some(Finding {
                    severity: severity(found.rule)?,
                    rule: found.rule.to_string(),
                    span: document.locate(&found.path).span,
                    message: found.message,
                    file: document.file.clone(),
                    path: Some(found.path),
                    object: Some(document.object_ref()),
                    template: document.template.clone(),
                    document: document.index,
                })
            })
            .collect()
    }

    /// Findings for a file named like a kustomization (`kustomization.yaml`): its documents are
    /// kustomizations even without apiVersion and kind, which the loader needs to keep a document.
    pub fn kustomization_file_findings(
        &self,
        file: &Arc<str>,
        text: &str,
        severity: impl Fn(&str) -> Option<Severity>,
    ) -> Vec<Finding> {
        if !self.enabled.kustomize || !kustomize::is_kustomization_file(file) {
            return Vec::new();
        }
        let mut findings = Vec::new();
        for raw in load::read_documents(text) {
            let Ok(Some((value, positions))) = raw.result else { continue };
            if load::is_kubernetes_object(&value) {
                continue;
            }
            for SchemaFinding { rule, message, path } in kustomize::check(&value) {
                let Some(severity) = severity(rule) else { continue };
                findings.push(Finding {
                    rule: rule.to_string(),
                    severity,
                    span: positions.locate(&path).span,
                    message,
                    file: file.clone(),
                    path: Some(path),
                    object: None,
                    template: raw.template.clone(),
                    document: raw.index,
                });
            }
        }
        findings
    }
}
