//! Schema validation (the `schema-validation` feature): the schemas a checker knows and checking
//! an object against them.
//!
//! An object's schema is looked up among the schemas the user added ([`SchemaSet`]: CRDs given to
//! the linter or found among the linted files, JSON schema files), then in the embedded bundle
//! ([`super::bundle`]); it is compiled on first use ([`super::compile`]) and the validator's errors
//! are explained as findings ([`super::report`]). Everything here needs the `jsonschema` crate and
//! the bundle, which is why the feature can leave it out (the wasm package does, for size).

use super::compile::{self, Compiled, Slot};
use super::{bundle, crd, key_path, report, SchemaChecker, SchemaFinding, SchemaSourceError, UNKNOWN_KIND};
use crate::load;
use serde_json::Value;
use std::sync::Arc;

/// Which API groups a user schema applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupMatch {
    /// Exactly this group (`""` is the core group).
    Exact(String),
    /// Groups whose first DNS label is this (kubeconform's `{kind}-{group}-{version}.json` names).
    FirstLabel(String),
    /// Any group (a file named only by kind and version).
    Any,
}

/// A schema the user added, compiled on first use.
#[derive(Debug)]
pub struct UserSchema {
    /// Where it came from, for messages.
    pub source: String,
    pub group: GroupMatch,
    pub version: String,
    /// The kind; compared ignoring case when it comes from a file name.
    pub kind: String,
    kind_from_file_name: bool,
    root: Value,
    /// CRD-derived schemas refer to bundled definitions (metadata); JSON schema files are used as given.
    uses_bundle: bool,
    compiled: Slot,
}

impl UserSchema {
    fn matches(&self, group: &str, version: &str, kind: &str) -> bool {
        let kind_matches =
            if self.kind_from_file_name { self.kind.eq_ignore_ascii_case(kind) } else { self.kind == kind };
        let group_matches = match &self.group {
            GroupMatch::Exact(g) => g == group,
            GroupMatch::FirstLabel(label) => {
                group.split('.').next() == Some(label.as_str()) || (group.is_empty() && label == "core")
            }
            GroupMatch::Any => true,
        };
        kind_matches && group_matches && self.version == version
    }

    fn compiled(&self) -> Result<Arc<Compiled>, String> {
        self.compiled
            .get_or_init(|| {
                let document = if self.uses_bundle {
                    compile::assemble(self.root.clone(), bundle::index()?)?
                } else {
                    self.root.clone()
                };
                compile::compile(document).map(Arc::new).map_err(|e| format!("{}: {e}", self.source))
            })
            .clone()
    }
}

/// Schemas added by the user, searched in the order they were added, before the bundled ones.
#[derive(Debug, Clone, Default)]
pub struct SchemaSet {
    entries: Vec<Arc<UserSchema>>,
}

impl SchemaSet {
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Adds every served version of every CustomResourceDefinition in a YAML or JSON text (other
    /// documents are ignored). Returns how many schemas were added.
    pub fn add_crd_text(&mut self, name: &str, text: &str) -> Result<usize, SchemaSourceError> {
        let error = |message: String| SchemaSourceError { source_name: name.to_string(), message };
        let loaded = crate::load::load(name, text);
        if let Some(problem) = loaded.problems.iter().find(|p| p.kind == crate::load::ProblemKind::Syntax) {
            return Err(error(format!("line {}: {}", problem.span.start.line, problem.message)));
        }
        let mut added = 0;
        for document in loaded.documents.iter().filter(|d| crd::is_crd(&d.value)) {
            added += self.add_crd_object(name, &document.value).map_err(error)?;
        }
        Ok(added)
    }

    /// Adds every served version of a CustomResourceDefinition object.
    pub fn add_crd_object(&mut self, name: &str, crd_object: &Value) -> Result<usize, String> {
        let versions = crd::schemas_from_crd(crd_object)?;
        let count = versions.len();
        for version in versions {
            self.entries.push(Arc::new(UserSchema {
                source: format!("{name} ({} {})", version.api_version(), version.kind),
                group: GroupMatch::Exact(version.group),
                version: version.version,
                kind: version.kind,
                kind_from_file_name: false,
                root: crd::prepare(&version.schema),
                uses_bundle: true,
                compiled: Slot::new(),
            }));
        }
        Ok(count)
    }

    /// Adds a JSON schema file, used as it is (Draft 4). Its kind and version come from its
    /// `x-kubernetes-group-version-kind`, else from `path` (relative to the schema directory):
    /// `<group>/<kind>_<version>.json`, `<kind>_<version>.json`, `<kind>-<group label>-<version>.json`
    /// or `<kind>-<version>.json` (core group).
    pub fn add_json_schema(&mut self, path: &str, text: &str) -> Result<(), SchemaSourceError> {
        let error = |message: String| SchemaSourceError { source_name: path.to_string(), message };
        let schema: Value = serde_json::from_str(text).map_err(|e| error(format!("not JSON: {e}")))?;
        let (group, version, kind, from_file_name) = match declared_kind(&schema) {
            Some((group, version, kind)) => (GroupMatch::Exact(group), version, kind, false),
            None => {
                let (group, version, kind) = kind_from_path(path).ok_or_else(|| {
                    error(
                        "cannot tell the kind: name it <group>/<kind>_<version>.json or <kind>-<group>-<version>.json"
                            .into(),
                    )
                })?;
                (group, version, kind, true)
            }
        };
        self.entries.push(Arc::new(UserSchema {
            source: path.to_string(),
            group,
            version,
            kind,
            kind_from_file_name: from_file_name,
            root: schema,
            uses_bundle: false,
            compiled: Slot::new(),
        }));
        Ok(())
    }

    /// This set's schemas after `first`'s.
    pub fn after(&self, first: &SchemaSet) -> SchemaSet {
        SchemaSet { entries: first.entries.iter().chain(&self.entries).cloned().collect() }
    }

    fn find(&self, api_version: &str, kind: &str) -> Option<&Arc<UserSchema>> {
        let (group, version) = split_api_version(api_version);
        self.entries.iter().find(|entry| entry.matches(group, version, kind))
    }
}

/// `apps/v1` → (`apps`, `v1`); `v1` → (``, `v1`).
fn split_api_version(api_version: &str) -> (&str, &str) {
    api_version.split_once('/').unwrap_or(("", api_version))
}

/// The single GVK a schema declares in `x-kubernetes-group-version-kind`.
fn declared_kind(schema: &Value) -> Option<(String, String, String)> {
    let gvks = schema.get("x-kubernetes-group-version-kind")?.as_array()?;
    let [gvk] = gvks.as_slice() else { return None };
    let text = |key: &str| gvk.get(key).and_then(Value::as_str).map(str::to_string);
    Some((text("group")?, text("version")?, text("kind")?))
}

pub(super) fn is_version(text: &str) -> bool {
    let Some(rest) = text.strip_prefix('v') else { return false };
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let tail = &rest[digits..];
    digits > 0
        && (tail.is_empty()
            || ["alpha", "beta"].iter().any(|stage| {
                tail.strip_prefix(stage).is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
            }))
}

/// The group, version and kind a schema file's path names (see [`SchemaSet::add_json_schema`]).
pub(super) fn kind_from_path(path: &str) -> Option<(GroupMatch, String, String)> {
    let mut components = path.rsplit(['/', '\\']);
    let stem = components.next()?.strip_suffix(".json")?;
    let parent = components.next();
    if let Some((kind, version)) = stem.rsplit_once('_').filter(|(k, v)| !k.is_empty() && is_version(v)) {
        let group = match parent {
            Some(dir) if dir.contains('.') => GroupMatch::Exact(dir.to_string()),
            _ => GroupMatch::Any,
        };
        return Some((group, version.to_string(), kind.to_string()));
    }
    let parts: Vec<&str> = stem.split('-').collect();
    match parts.as_slice() {
        [kind, version] if is_version(version) => {
            Some((GroupMatch::Exact(String::new()), version.to_string(), kind.to_string()))
        }
        [kind, label, version] if is_version(version) => {
            Some((GroupMatch::FirstLabel(label.to_string()), version.to_string(), kind.to_string()))
        }
        _ => None,
    }
}

/// The schema an object resolved to.
struct Resolved {
    compiled: Result<Arc<Compiled>, String>,
    /// The kind as the schema spells it, when the object spells it differently (case).
    kind_spelling: Option<String>,
}

impl SchemaChecker {
    /// Adds the validation findings for one object.
    pub(super) fn validate(
        &self,
        object: &Value,
        api_version: &str,
        kind: &str,
        removed_reported: bool,
        out: &mut Vec<SchemaFinding>,
    ) {
        let Some(resolved) = self.resolve(api_version, kind) else {
            if !removed_reported {
                out.push(SchemaFinding {
                    rule: UNKNOWN_KIND,
                    message: unknown_kind_message(api_version, kind),
                    path: key_path("kind"),
                });
            }
            return;
        };
        let compiled = match resolved.compiled {
            Ok(compiled) => compiled,
            Err(reason) => {
                let message = format!(
                    "the schema for {api_version} {kind} cannot be used, so its fields are not checked: {reason}"
                );
                out.push(SchemaFinding { rule: UNKNOWN_KIND, message, path: key_path("kind") });
                return;
            }
        };
        if let Some(spelling) = &resolved.kind_spelling {
            let message =
                format!("{api_version} has no kind {kind:?}; did you mean {spelling:?}? (kinds are case-sensitive)");
            out.push(SchemaFinding { rule: report::ENUM, message, path: key_path("kind") });
        }
        if compiled.validator.is_valid(object) {
            return;
        }
        let shown_kind = resolved.kind_spelling.as_deref().unwrap_or(kind);
        let kind_path = key_path("kind");
        out.extend(
            report::explain(&compiled, object, shown_kind)
                .into_iter()
                .filter(|f| resolved.kind_spelling.is_none() || f.path != kind_path),
        );
    }

    fn resolve(&self, api_version: &str, kind: &str) -> Option<Resolved> {
        if let Some(user) = self.schemas.find(api_version, kind) {
            return Some(Resolved { compiled: user.compiled(), kind_spelling: None });
        }
        let index = match bundle::index() {
            Ok(index) => index,
            Err(error) => return Some(Resolved { compiled: Err(error.to_string()), kind_spelling: None }),
        };
        if let Some(bundled) = index.find(api_version, kind) {
            return Some(Resolved { compiled: compile::bundled(bundled), kind_spelling: None });
        }
        let other_case = index.kinds_named_in_any_case(kind).find(|k| k.api_version == api_version)?;
        Some(Resolved { compiled: compile::bundled(other_case), kind_spelling: Some(other_case.kind.clone()) })
    }

    /// A checker that also knows the CRDs among `objects`, before its own schemas; `None` when
    /// there are none (or validation is off).
    pub fn with_crds<'a>(&self, objects: impl IntoIterator<Item = (&'a str, &'a Value)>) -> Option<SchemaChecker> {
        if !self.enabled.validation {
            return None;
        }
        let mut found = SchemaSet::default();
        for (name, object) in objects {
            if crd::is_crd(object) {
                // A malformed CRD is not a schema source; its own schema findings say what is wrong.
                let _ = found.add_crd_object(name, object);
            }
        }
        (!found.is_empty()).then(|| SchemaChecker { schemas: self.schemas.after(&found), ..self.clone() })
    }
}

/// "no schema for …", naming the apiVersions that serve a kind of that name, if any.
fn unknown_kind_message(api_version: &str, kind: &str) -> String {
    let mut message = format!("no schema for {api_version} {kind}, so its fields are not checked");
    let served: Vec<String> = bundle::index()
        .map(|index| index.kinds_named(kind).iter().map(|k| k.api_version.clone()).collect())
        .unwrap_or_default();
    match served.as_slice() {
        [] => message.push_str(" (for a custom resource, give its CRD with --crd)"),
        [one] => message.push_str(&format!("; {kind} is served as {one}")),
        many => message.push_str(&format!("; {kind} is served as {}", many.join(", "))),
    }
    message
}

/// The schemas given to a linter's builder: CRD texts (each must hold a CRD) and JSON schema files
/// `(path, text)`.
pub(super) fn user_schemas<'a>(
    crd_texts: impl IntoIterator<Item = (&'a str, &'a str)>,
    json_schemas: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<SchemaSet, SchemaSourceError> {
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
    Ok(schemas)
}

impl SchemaChecker {
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
}
