//! A run's inventory, for the rules that relate objects: the first pass over a run's sources
//! ([`summaries`]: read every document, keep only its summary) and the [`RunInventory`] workers
//! hand to the engine (`data.plimsoll.inventory`), with what it tells about each linted object
//! (`data.plimsoll.facts.relations`) and the places a violation's `related` refs point at.

use super::InventoryNeeds;
use crate::engine::convert::to_rego;
use crate::k8s::inventory::{summarize, Entry, Inventory};
use crate::load::{self, Document};
use crate::report::finding::RelatedLocation;
use regorus::Value as RegoValue;
use serde_json::Value;
use std::sync::Arc;

/// The summarised objects of one run, shared by its workers.
pub struct RunInventory {
    inventory: Inventory,
    /// `data.plimsoll.inventory`, as JSON: each worker converts its own copy.
    json: Value,
}

impl std::fmt::Debug for RunInventory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RunInventory({} objects)", self.inventory.len())
    }
}

impl RunInventory {
    pub fn new(inventory: Inventory) -> Self {
        let json = inventory.to_json();
        RunInventory { inventory, json }
    }

    /// The inventory of the objects of one loaded source.
    pub(super) fn of_documents(documents: &[Document]) -> Self {
        RunInventory::new(Inventory::from_documents(documents))
    }

    /// Number of objects summarised.
    pub fn len(&self) -> usize {
        self.inventory.len()
    }

    pub fn is_empty(&self) -> bool {
        self.inventory.is_empty()
    }

    /// `data.plimsoll.inventory` in the engine's value type.
    pub(super) fn rego(&self) -> RegoValue {
        to_rego(&self.json)
    }

    /// `data.plimsoll.facts.relations` of one object.
    pub(super) fn relations(&self, document: &Document) -> RegoValue {
        to_rego(&self.inventory.relations(document))
    }

    /// The related locations a violation names: `related` is one `{"ref": n, "path": "...",
    /// "message": "..."}` or a list of them; `ref` is an inventory entry's. Unknown refs are
    /// skipped; the message defaults to the object's kind, namespace and name.
    pub(super) fn related(&self, related: &RegoValue) -> Vec<RelatedLocation> {
        let items: Vec<&RegoValue> = match related {
            RegoValue::Array(items) => items.iter().collect(),
            RegoValue::Set(items) => items.iter().collect(),
            RegoValue::Object(_) => vec![related],
            _ => Vec::new(),
        };
        items.into_iter().filter_map(|item| self.related_location(item)).collect()
    }

    fn related_location(&self, item: &RegoValue) -> Option<RelatedLocation> {
        let reference = item["ref"].as_u64().ok()?;
        let entry: &Entry = self.inventory.entry(usize::try_from(reference).ok()?)?;
        let path = item["path"].as_string().ok().map(|p| p.to_string());
        let span = entry.place(path.as_deref())?;
        let message = match item["message"].as_string() {
            Ok(message) => message.to_string(),
            Err(_) => entry.describe(),
        };
        Some(RelatedLocation { file: entry.file.clone(), span, message })
    }
}

/// The kind a YAML document's text names on a top-level `kind:` line, when it names one plainly:
/// `None` when there is no such line, more than one, or a value that is not a plain word (a JSON
/// or flow-style document, a quoted or odd value), so that the document is read to be sure.
fn written_kind(text: &str) -> Option<&str> {
    let mut found = None;
    for line in text.lines() {
        let Some(rest) = line.strip_prefix("kind:") else { continue };
        if found.is_some() {
            return None;
        }
        let value = rest.split(" #").next().unwrap_or(rest).trim();
        found = Some(value);
    }
    found.filter(|kind| !kind.is_empty() && kind.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// The summary of every object of the sources, in source and document order. Documents are read
/// in parallel (with the `parallel` feature); each is dropped once summarised.
pub(super) fn summaries(sources: &[(&str, &str)], limits: load::Limits, needs: &InventoryNeeds) -> Vec<Entry> {
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        sources.par_iter().flat_map_iter(|(name, text)| summaries_of(name, text, limits, needs)).collect()
    }
    #[cfg(not(feature = "parallel"))]
    {
        sources.iter().flat_map(|(name, text)| summaries_of(name, text, limits, needs)).collect()
    }
}

/// The summaries of one source's objects, its documents read in parallel. A document whose kind
/// the text shows (a top-level `kind:` line) and no rule needs is not read at all.
fn summaries_of(name: &str, text: &str, limits: load::Limits, needs: &InventoryNeeds) -> Vec<Entry> {
    let file: Arc<str> = Arc::from(name);
    let chunks = load::split_documents_at(text, load::FILE_START);
    let summarize_chunk = |(index, chunk): (usize, load::Chunk<'_>)| -> Vec<Entry> {
        if !needs.wants(written_kind(chunk.text)) {
            return Vec::new();
        }
        let raw = load::read_chunk_within(index, chunk, limits);
        let Ok(Some((value, positions))) = raw.result else { return Vec::new() };
        let document = Document { file: file.clone(), index, item: None, template: raw.template, value, positions };
        load::into_objects(document).0.iter().map(summarize).collect()
    };
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        chunks.into_par_iter().enumerate().flat_map_iter(summarize_chunk).collect()
    }
    #[cfg(not(feature = "parallel"))]
    {
        chunks.into_iter().enumerate().flat_map(summarize_chunk).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kind_is_read_from_the_text_only_when_written_plainly() {
        assert_eq!(written_kind("apiVersion: v1\nkind: Service\nmetadata: {name: a}\n"), Some("Service"));
        assert_eq!(written_kind("kind: ConfigMap # note\n"), Some("ConfigMap"));
        // Not a plain top-level line, twice, quoted, or JSON: the document is read to be sure.
        assert_eq!(written_kind("spec:\n  kind: Service\n"), None);
        assert_eq!(written_kind("kind: Service\nkind: Secret\n"), None);
        assert_eq!(written_kind("kind: \"Service\"\n"), None);
        assert_eq!(written_kind("{\"kind\": \"Service\"}\n"), None);
    }

    #[test]
    fn documents_of_kinds_no_rule_reads_are_not_summarised() {
        let text = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\n---\n{\"apiVersion\": \"v1\", \"kind\": \"Secret\", \"metadata\": {\"name\": \"s\"}}\n---\napiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Pod, metadata: {name: p}}\n";
        let needs = InventoryNeeds::Kinds(["Service".to_string()].into());
        let kinds = |needs: &InventoryNeeds| -> Vec<String> {
            summaries(&[("run.yaml", text)], load::Limits::default(), needs).into_iter().map(|e| e.kind).collect()
        };
        // The JSON document and the list are read (their kind is not plain text), and kept.
        assert_eq!(kinds(&needs), ["Service", "Secret", "Pod"]);
        assert_eq!(kinds(&InventoryNeeds::Everything), ["Service", "ConfigMap", "Secret", "Pod"]);
        assert!(kinds(&InventoryNeeds::Nothing).is_empty());
    }
}
