//! The checker's results as report findings, and the checker as a linter builds it.
//!
//! The linter hands over what it knows (the selected rules, the schemas given to its builder, the
//! sources of a run, each rule's severity); this module builds the [`SchemaChecker`], finds the
//! CRDs among a run's sources, and turns [`SchemaFinding`]s into [`Finding`]s located through the
//! document's positions, like a Rego rule's violations.

use super::{kustomize, Enabled, KubeVersion, SchemaChecker, SchemaFinding, SchemaSourceError};
use crate::load::{self, Document};
use crate::report::finding::{Finding, Location, Severity};
use std::sync::Arc;

impl SchemaChecker {
    /// The checker the selected rules need (`None` when none of them is implemented here), with
    /// CRD texts (each must hold a CRD) and JSON schema files `(path, text)` added to its schemas
    /// (a build without schema validation takes none: the linter's builder says so).
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
        #[cfg(feature = "schema-validation")]
        let schemas = super::validation::user_schemas(crd_texts, json_schemas)?;
        #[cfg(not(feature = "schema-validation"))]
        let _ = (crd_texts, json_schemas);
        Ok(Some(SchemaChecker {
            kube_version,
            #[cfg(feature = "schema-validation")]
            schemas,
            enabled,
            required_metadata: Vec::new(),
        }))
    }

    /// Findings for one object; `severity` gives an enabled rule's severity (`None`: not enabled).
    pub fn findings(&self, document: &Document, severity: impl Fn(&str) -> Option<Severity>) -> Vec<Finding> {
        self.check(&document.value)
            .into_iter()
            .filter_map(|found| {
                let severity = severity(found.rule)?;
                Some(Finding::new(found.rule, severity, found.message, Location::in_object(document, Some(found.path))))
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
                let span = positions.locate(&path).span;
                let at = Location::in_text(file.clone(), span, raw.index, raw.template.clone()).with_path(path);
                findings.push(Finding::new(rule, severity, message, at));
            }
        }
        findings
    }
}
