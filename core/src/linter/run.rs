//! A run's inventory, for the rules that relate objects: the first pass over a run's sources or
//! their parts ([`summaries_of_parts`]: read every document, keep only its summary) and the [`RunInventory`] workers
//! hand to the engine (`data.plimsoll.inventory`), with what it tells about each linted object
//! (`data.plimsoll.facts.relations`) and the places a violation's `related` refs point at.

use super::{InventoryNeeds, Part};
use crate::engine::convert::{to_rego, SharedStrings};
use crate::k8s::inventory::{summarize, Entry, Inventory};
use crate::k8s::selector;
use crate::load::{self, Document};
use crate::report::finding::RelatedLocation;
use regorus::Value as RegoValue;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, PoisonError};

/// The summarised objects of one run, shared by its workers.
pub struct RunInventory {
    inventory: Inventory,
    /// `data.plimsoll.inventory` in the engine's value type, made once: workers share it (its
    /// values are reference counted atomically), so that a long run holds one copy, not one per
    /// thread beside a JSON one.
    rego: RegoValue,
}

impl std::fmt::Debug for RunInventory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RunInventory({} objects)", self.inventory.len())
    }
}

impl RunInventory {
    pub fn new(mut inventory: Inventory) -> Self {
        // Summary by summary, so that the run's summaries are never held twice over.
        let mut strings = SharedStrings::default();
        let (entries, objects, scale_targets) = inventory.take_engine_parts(|summary| strings.convert(summary));
        let rego = RegoValue::from(BTreeMap::from([
            (RegoValue::from("entries"), RegoValue::from(entries)),
            (RegoValue::from("objects"), to_rego(&objects)),
            (RegoValue::from("scale_targets"), to_rego(&scale_targets)),
        ]));
        RunInventory { inventory, rego }
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
        self.rego.clone()
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

/// [`summaries_of_parts`] of whole sources.
#[cfg(test)]
pub(super) fn summaries(sources: &[(&str, &str)], limits: load::Limits, needs: &InventoryNeeds) -> Vec<Entry> {
    let parts: Vec<Part<'_>> = sources.iter().map(|(name, text)| Part::whole(name, text)).collect();
    summaries_of_parts(&parts, limits, needs)
}

/// The summary of every object of the parts, in part and document order; each part numbers its
/// documents from its `first_document` and places them from its `start` in its source. Documents are read
/// in parallel (with the `parallel` feature), and so are the items of a long list, read in pieces
/// ([`load::ListPieces`]) when they can be; each is dropped once summarised.
///
/// Documents of kinds the rules read only where another object selects or names them
/// ([`InventoryNeeds::referenced`]) wait for a second step: once the referring objects are
/// summarised, such a document is read only when its text has one of the words they require
/// ([`Entry::references`]), or a backslash (an escape could hide the word). A document
/// without the word cannot be selected or named by them, so the inventory misses nothing the
/// rules would read.
///
/// Each summary is compacted ([`Entry::compact`]) as soon as it is made, short strings shared
/// across the run's summaries.
pub(super) fn summaries_of_parts(parts: &[Part<'_>], limits: load::Limits, needs: &InventoryNeeds) -> Vec<Entry> {
    let strings = Mutex::new(SharedStrings::default());
    let summarize = |file: &Arc<str>, index: usize, chunk: load::Chunk<'_>| {
        let mut entries = summarize_chunk(file, index, chunk, limits);
        // One lock per document: compacting is a small part of reading one.
        let mut strings = strings.lock().unwrap_or_else(PoisonError::into_inner);
        entries.iter_mut().for_each(|(_, entry)| entry.compact(|summary| strings.convert(summary)));
        entries
    };
    let firsts: Vec<SourceSummaries<'_>> = for_each(parts, |part| first_pass(part, needs, &summarize));
    let words = ReferenceWords::of(firsts.iter().flat_map(|s| &s.entries).map(|(_, e)| e), needs);
    let completed = for_each_owned(firsts, |source| source.complete(&words, &summarize));
    let mut entries = Vec::with_capacity(completed.iter().map(Vec::len).sum());
    completed.into_iter().for_each(|source| entries.extend(source));
    entries
}

/// Summarises one document of a source (numbered `index`), its summaries compacted.
type Summarize<'f> = dyn Fn(&Arc<str>, usize, load::Chunk<'_>) -> Vec<(usize, Entry)> + Sync + 'f;

/// What the first step made of one source: the summaries of its documents read at once, and the
/// documents that wait for the referring objects.
struct SourceSummaries<'t> {
    file: Arc<str>,
    entries: Vec<(usize, Entry)>,
    /// With the kind their `kind:` line names.
    waiting: Vec<(usize, load::Chunk<'t>, &'t str)>,
}

impl SourceSummaries<'_> {
    /// The source's summaries in document order, with those of the waiting documents the
    /// referring objects may select or name.
    fn complete(self, words: &ReferenceWords, summarize: &Summarize<'_>) -> Vec<Entry> {
        let file = &self.file;
        // Telling which documents are wanted reads each one's text: that too is spread over the
        // pool, or one long source would be one thread's work.
        let summarize_wanted = |(index, chunk, kind): (usize, load::Chunk<'_>, &str)| {
            if words.may_refer_to(kind, chunk.text) {
                summarize(file, index, chunk)
            } else {
                Vec::new()
            }
        };
        let mut entries = self.entries;
        entries.extend(flat_map_owned(self.waiting, summarize_wanted));
        entries.sort_by_key(|(index, _)| *index);
        entries.into_iter().map(|(_, entry)| entry).collect()
    }
}

/// The words referring objects require of the objects they select or name, by the kind of
/// those objects (a kind no rule reads where selected or named is absent).
struct ReferenceWords(HashMap<String, KindWords>);

/// What the objects of one kind must hold to be selected or named, by the namespace of the
/// referring objects: an object of another namespace cannot be.
#[derive(Default)]
struct KindWords {
    /// The words of every referring object.
    all: Words,
    /// Those of the referring objects with no namespace (which refer to any).
    unscoped: Words,
    /// Those of the referring objects of each namespace.
    by_namespace: HashMap<String, Words>,
}

/// One of these words, or anything.
enum Words {
    Any,
    Some(foldhash::HashSet<String>),
}

impl Default for Words {
    fn default() -> Self {
        Words::Some(foldhash::HashSet::default())
    }
}

impl Words {
    /// Adds what one referring object requires (`None`: it may select anything).
    fn add(&mut self, words: Option<&[String]>) {
        match (words, &mut *self) {
            (None, _) => *self = Words::Any,
            (Some(_), Words::Any) => {}
            (Some(words), Words::Some(set)) => set.extend(words.iter().cloned()),
        }
    }
}

impl ReferenceWords {
    fn of<'e>(entries: impl Iterator<Item = &'e Entry>, needs: &InventoryNeeds) -> ReferenceWords {
        let mut by_kind: HashMap<String, KindWords> = HashMap::new();
        for entry in entries {
            for need in needs.references_by(&entry.kind) {
                if need.when.as_deref().is_some_and(|field| !entry.sets(field)) {
                    continue;
                }
                let references = entry.references();
                let named = references.as_ref().and_then(|r| r.kind.as_deref());
                let words = references.as_ref().map(|r| r.words.as_slice());
                let kinds = need.referenced.iter().filter(|kind| named.is_none_or(|named| named == kind.as_str()));
                for kind in kinds {
                    let kind_words = by_kind.entry(kind.clone()).or_default();
                    kind_words.all.add(words);
                    match &entry.namespace {
                        Some(namespace) => kind_words.by_namespace.entry(namespace.clone()).or_default().add(words),
                        None => kind_words.unscoped.add(words),
                    }
                }
            }
        }
        ReferenceWords(by_kind)
    }

    /// Whether a document whose plain `kind:` line reads `kind` may be selected or named: its
    /// text holds a word a referring object requires, and when its namespace can be read from
    /// the start of the text ([`load::written_namespace`]), one of a referring object of that
    /// namespace or of none.
    fn may_refer_to(&self, kind: &str, text: &str) -> bool {
        // A kind no referrer selects or names is not read.
        let Some(words) = self.0.get(kind) else { return false };
        let all = match &words.all {
            Words::Any => return true,
            Words::Some(all) if all.is_empty() => return false,
            Words::Some(all) => all,
        };
        if text.contains('\\') {
            return true;
        }
        if words.by_namespace.is_empty() {
            return selector::words_of(text).any(|word| all.contains(word));
        }
        let held: Vec<&str> = selector::words_of(text).filter(|word| all.contains(*word)).collect();
        if held.is_empty() {
            return false;
        }
        let Some(Some(namespace)) = load::written_namespace(text) else {
            // No namespace (chosen at apply time) is the namespace of every referring object.
            return true;
        };
        let holds = |words: &Words| match words {
            Words::Any => true,
            Words::Some(set) => held.iter().any(|word| set.contains(*word)),
        };
        holds(&words.unscoped) || words.by_namespace.get(&namespace).is_some_and(holds)
    }
}

/// Summarises the documents of one source that are wanted at once (their kind is not plainly
/// written, or the rules read every object of it), and keeps those of referenced kinds waiting.
fn first_pass<'t>(part: &Part<'t>, needs: &InventoryNeeds, summarize: &Summarize<'_>) -> SourceSummaries<'t> {
    let file: Arc<str> = Arc::from(part.name);
    let mut waiting = Vec::new();
    let mut wanted = Vec::new();
    let chunks = load::split_documents_at(part.text, part.start).into_iter();
    for (index, chunk) in (part.first_document..).zip(chunks) {
        // The kind is searched for once per document: this runs on every document of a run.
        let kind = load::written_kind(chunk.text);
        if needs.wants(kind) {
            wanted.push((index, chunk));
        } else if let Some(kind) = kind.filter(|&kind| needs.referenced(Some(kind))) {
            waiting.push((index, chunk, kind));
        }
    }
    let entries = flat_map_owned(wanted, |(index, chunk)| summarize(&file, index, chunk));
    SourceSummaries { file, entries, waiting }
}

/// The summaries of one document's objects (a list's items), numbered with the document. A list
/// is read item by item, each item summarised and dropped as soon as it is read, so that a long
/// list never sits whole in memory.
fn summarize_chunk(file: &Arc<str>, index: usize, chunk: load::Chunk<'_>, limits: load::Limits) -> Vec<(usize, Entry)> {
    let raw = if load::may_be_list(chunk.text) {
        if let Some(entries) = summarize_list_in_pieces(file, index, &chunk, limits) {
            return entries;
        }
        let mut entries = Vec::new();
        let template: Option<Arc<str>> = chunk.template.map(Arc::from);
        let mut sink = |item: load::ListItem| {
            if load::is_kubernetes_object(&item.value) {
                let (value, positions) = (item.value, item.positions);
                let template = template.clone();
                let object = Document { file: file.clone(), index, item: Some(item.index), template, value, positions };
                entries.push((index, summarize(&object)));
            }
        };
        match load::read_chunk_items(index, chunk, limits, &mut sink) {
            load::ListRead::Items { .. } => return entries,
            load::ListRead::Document(raw) => raw,
        }
    } else {
        load::read_chunk_within(index, chunk, limits)
    };
    let Ok(Some((value, positions))) = raw.result else { return Vec::new() };
    let document = Document { file: file.clone(), index, item: None, template: raw.template, value, positions };
    load::into_objects(document).0.iter().map(|object| (index, summarize(object))).collect()
}

/// The summaries of a long list's items, read in pieces in parallel; `None` when the list is
/// short or cannot be read so, and is to be read whole.
fn summarize_list_in_pieces(
    file: &Arc<str>,
    index: usize,
    chunk: &load::Chunk<'_>,
    limits: load::Limits,
) -> Option<Vec<(usize, Entry)>> {
    let (pieces, skeleton_nodes) = load::ListPieces::cut(chunk, limits)?;
    let template: Option<Arc<str>> = chunk.template.map(Arc::from);
    let items: Vec<usize> = (0..pieces.len()).collect();
    let read = for_each(&items, |&item| {
        let read = pieces.read_item(item, limits)?;
        let summary = load::is_kubernetes_object(&read.value).then(|| {
            let (value, positions, template) = (read.value, read.positions, template.clone());
            summarize(&Document { file: file.clone(), index, item: Some(item), template, value, positions })
        });
        Some((read.nodes, summary))
    });
    let read: Vec<(usize, Option<Entry>)> = read.into_iter().collect::<Option<_>>()?;
    load::ListPieces::within(skeleton_nodes, read.iter().map(|(nodes, _)| *nodes), limits)
        .then(|| read.into_iter().filter_map(|(_, summary)| summary.map(|entry| (index, entry))).collect())
}

/// `f` applied to every item, in parallel with the `parallel` feature, results in item order.
fn for_each_owned<T: Send, R: Send>(items: Vec<T>, f: impl Fn(T) -> R + Sync + Send) -> Vec<R> {
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        items.into_par_iter().map(f).collect()
    }
    #[cfg(not(feature = "parallel"))]
    {
        items.into_iter().map(f).collect()
    }
}

/// The items `f` makes of every item, in parallel with the `parallel` feature, in item order:
/// gathered into one vector as they come, not first one vector per item.
fn flat_map_owned<T: Send, R: Send>(items: Vec<T>, f: impl Fn(T) -> Vec<R> + Sync + Send) -> Vec<R> {
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        items.into_par_iter().flat_map_iter(f).collect()
    }
    #[cfg(not(feature = "parallel"))]
    {
        items.into_iter().flat_map(f).collect()
    }
}

/// `f` applied to every item, in parallel with the `parallel` feature, results in item order.
fn for_each<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync + Send) -> Vec<R> {
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        items.par_iter().map(f).collect()
    }
    #[cfg(not(feature = "parallel"))]
    {
        items.iter().map(f).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::linter::builder::{KindNeeds, ReferenceNeed};
    use std::collections::BTreeSet;

    fn reference_need(referrers: &[&str], referenced: &[&str], when: Option<&str>) -> ReferenceNeed {
        ReferenceNeed {
            referrers: referrers.iter().map(|k| k.to_string()).collect(),
            referenced: referenced.iter().map(|k| k.to_string()).collect(),
            when: when.map(str::to_string),
        }
    }

    #[test]
    fn documents_of_kinds_no_rule_reads_are_not_summarised() {
        let text = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\n---\n{\"apiVersion\": \"v1\", \"kind\": \"Secret\", \"metadata\": {\"name\": \"s\"}}\n---\napiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Pod, metadata: {name: p}}\n";
        let needs = InventoryNeeds::Kinds(KindNeeds { read: ["Service".to_string()].into(), ..KindNeeds::default() });
        let kinds = |needs: &InventoryNeeds| -> Vec<String> {
            summaries(&[("run.yaml", text)], load::Limits::default(), needs).into_iter().map(|e| e.kind).collect()
        };
        // The JSON document and the list are read (their kind is not plain text), and kept.
        assert_eq!(kinds(&needs), ["Service", "Secret", "Pod"]);
        assert_eq!(kinds(&InventoryNeeds::Everything), ["Service", "ConfigMap", "Secret", "Pod"]);
        assert!(kinds(&InventoryNeeds::Nothing).is_empty());
    }

    /// The engine's inventory, made summary by summary, is the conversion of the whole JSON one.
    #[test]
    fn the_inventory_made_in_parts_is_the_json_one_converted() {
        let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: a}\nspec:\n  replicas: 2\n  template:\n    metadata:\n      labels: {app: web}\n---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: web, namespace: a}\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  minReplicas: 1\n  maxReplicas: 3\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: a}\ndata: {a: b}\n";
        let inventory = || {
            let entries = summaries(&[("run.yaml", text)], load::Limits::default(), &InventoryNeeds::Everything);
            Inventory::new(entries)
        };
        let whole = to_rego(&inventory().to_json());
        assert_eq!(RunInventory::new(inventory()).rego(), whole);
        assert_eq!(whole["scale_targets"]["Deployment"]["web"], RegoValue::from(vec![RegoValue::from(1u64)]));
    }

    /// A list is summarised item by item as it is read: the summaries are those of the list read
    /// whole, places included (a list that does not read as one is read whole, as before).
    #[test]
    fn a_list_read_item_by_item_is_summarised_as_when_read_whole() {
        let lists = [
            "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata: {name: web, namespace: a}\n  spec:\n    selector: {app: web}\n    ports: [{port: 80}]\n- not an object\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: settings\n  data: {a: b}\n",
            "apiVersion: v1\nitems:\n  - apiVersion: apps/v1\n    kind: Deployment\n    metadata: {name: d}\n    spec:\n      template:\n        metadata:\n          labels: &l {app: d}\n  - apiVersion: v1\n    kind: Service\n    metadata: {name: s}\n    spec: {selector: *l}\nkind: List\n",
            "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata: {name: [broken\n",
        ];
        // Long lists are read in pieces, in parallel.
        let items = "- apiVersion: v1\n  kind: Service\n  metadata: {name: web, namespace: a}\n  spec:\n    selector: {app: web}\n    ports: [{port: 80}]\n- apiVersion: apps/v1\n  kind: Deployment\n  metadata:\n    name: d\n  spec:\n    template:\n      metadata:\n        labels: {app: web}\n";
        let long =
            format!("apiVersion: v1\nkind: List\nitems:\n{}", items.repeat(load::LIST_PIECES_BYTES / items.len() + 1));
        let long_broken = format!("{long}- {{broken\n");
        let indented: String = long.lines().skip(3).map(|line| format!("  {line}\n")).collect();
        let long_indented = format!("apiVersion: v1\nitems:\n{indented}kind: List\n");
        for long in [&long, &long_indented] {
            let chunk = load::split_documents_at(long, load::FILE_START).remove(0);
            assert!(summarize_list_in_pieces(&Arc::from("list.yaml"), 0, &chunk, load::Limits::default()).is_some());
        }
        let lists = lists.iter().copied().chain([long.as_str(), long_broken.as_str(), long_indented.as_str()]);
        for text in lists {
            let streamed = summaries(&[("list.yaml", text)], load::Limits::default(), &InventoryNeeds::Everything);
            let raw = load::read_chunk_within(
                0,
                load::split_documents_at(text, load::FILE_START).remove(0),
                load::Limits::default(),
            );
            let whole: Vec<Entry> = match raw.result {
                Ok(Some((value, positions))) => {
                    let file: Arc<str> = Arc::from("list.yaml");
                    let document = Document { file, index: 0, item: None, template: None, value, positions };
                    // The first pass compacts what it summarises.
                    let mut strings = SharedStrings::default();
                    let compacted = |object| {
                        let mut entry = summarize(object);
                        entry.compact(|summary| strings.convert(summary));
                        entry
                    };
                    load::into_objects(document).0.iter().map(compacted).collect()
                }
                _ => Vec::new(),
            };
            assert_eq!(format!("{streamed:?}"), format!("{whole:?}"), "{text}");
        }
    }

    /// Workloads are summarised for a budget rule only where a budget's selector may select
    /// them; everything a budget selects is kept, in document order.
    #[test]
    fn referenced_kinds_are_summarised_only_where_a_referring_object_may_select_them() {
        let needs = InventoryNeeds::Kinds(KindNeeds {
            read: ["HorizontalPodAutoscaler".to_string()].into(),
            references: vec![reference_need(&["PodDisruptionBudget"], &["Deployment"], None)],
        });
        let deployment = |name: &str, app: &str| {
            format!("apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {name}}}\nspec:\n  template:\n    metadata:\n      labels: {{app: {app}}}\n")
        };
        let budget = |selector: &str| {
            format!("apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {{name: b}}\nspec:\n  selector: {selector}\n")
        };
        let run = |budget: String| {
            let text = [deployment("one", "web"), deployment("two", "api"), deployment("three", "\"w\\x65b\""), budget]
                .join("---\n");
            let names: Vec<String> = summaries(&[("run.yaml", &text)], load::Limits::default(), &needs)
                .into_iter()
                .map(|e| e.name)
                .collect();
            names
        };
        // `web` is selected; `api` cannot be; the third writes its label with an escape.
        assert_eq!(run(budget("{matchLabels: {app: web}}")), ["one", "three", "b"]);
        assert_eq!(
            run(budget("{matchExpressions: [{key: app, operator: In, values: [api, db]}]}")),
            ["two", "three", "b"]
        );
        // A selector of everything (or of label absence) may select any workload.
        assert_eq!(run(budget("{}")), ["one", "two", "three", "b"]);
        assert_eq!(
            run(budget("{matchExpressions: [{key: tier, operator: DoesNotExist}]}")),
            ["one", "two", "three", "b"]
        );
        // A budget that selects nothing needs no workload.
        assert_eq!(run(budget("null")), ["b"]);
    }

    /// An autoscaler names the kind and name of its target: only that object is summarised.
    #[test]
    fn a_named_object_is_summarised_only_when_of_the_kind_named() {
        let needs = InventoryNeeds::Kinds(KindNeeds {
            read: BTreeSet::new(),
            references: vec![reference_need(&["HorizontalPodAutoscaler"], &["DaemonSet", "Job"], None)],
        });
        let object =
            |kind: &str, name: &str| format!("apiVersion: apps/v1\nkind: {kind}\nmetadata: {{name: {name}}}\n");
        let autoscaler = "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\nspec:\n  scaleTargetRef: {kind: DaemonSet, name: web}\n";
        let text =
            [object("Job", "web"), object("DaemonSet", "api"), object("DaemonSet", "web"), autoscaler.to_string()]
                .join("---\n");
        let summarised: Vec<(String, String)> = summaries(&[("run.yaml", &text)], load::Limits::default(), &needs)
            .into_iter()
            .map(|e| (e.kind, e.name))
            .collect();
        let expected =
            [("DaemonSet", "web"), ("HorizontalPodAutoscaler", "h")].map(|(k, n)| (k.to_string(), n.to_string()));
        assert_eq!(summarised, expected);
    }

    /// Each rule reads only the kinds it lists where its own objects select or name them, and
    /// only for those of them that set its `inventory_referenced_when` field: a budget's words
    /// do not make the autoscaler rule's kinds read, nor does a budget without `minAvailable`.
    #[test]
    fn each_rule_reads_only_its_referenced_kinds_and_only_for_objects_that_set_its_field() {
        let needs = InventoryNeeds::Kinds(KindNeeds {
            read: BTreeSet::new(),
            references: vec![
                reference_need(&["PodDisruptionBudget"], &["Deployment"], Some("spec.minAvailable")),
                reference_need(&["HorizontalPodAutoscaler"], &["DaemonSet"], None),
            ],
        });
        let workload = |kind: &str, name: &str| {
            format!("apiVersion: apps/v1\nkind: {kind}\nmetadata: {{name: {name}}}\nspec:\n  template:\n    metadata:\n      labels: {{app: web}}\n")
        };
        let budget = |field: &str| {
            format!("apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {{name: b}}\nspec:\n  {field}: 1\n  selector: {{matchLabels: {{app: web}}}}\n")
        };
        let autoscaler = "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\nspec:\n  scaleTargetRef: {kind: Deployment, name: d}\n";
        let run = |budget: String| -> Vec<String> {
            let text =
                [workload("Deployment", "d"), workload("DaemonSet", "s"), budget, autoscaler.to_string()].join("---\n");
            summaries(&[("run.yaml", &text)], load::Limits::default(), &needs).into_iter().map(|e| e.name).collect()
        };
        // The budget selects both workloads' labels, but its rule reads Deployments only; the
        // autoscaler names a Deployment, which its rule does not read.
        assert_eq!(run(budget("minAvailable")), ["d", "b", "h"]);
        assert_eq!(run(budget("maxUnavailable")), ["b", "h"]);
    }

    /// `inventory_referenced_when` names a field the summary records: otherwise every referring
    /// object would read as not setting it, and the objects the rule reads would be missed.
    #[test]
    fn the_fields_built_in_rules_need_of_referring_objects_are_recorded_by_the_summary() {
        let rules = crate::rules::builtin_rules().expect("built-in rules");
        let conditioned: Vec<_> = rules.iter().filter(|rule| rule.inventory_referenced_when.is_some()).collect();
        assert!(!conditioned.is_empty());
        for rule in conditioned {
            let field = rule.inventory_referenced_when.as_deref().unwrap_or_default();
            for kind in &rule.kinds {
                let api_version = match kind.as_str() {
                    "PodDisruptionBudget" => "policy/v1",
                    "HorizontalPodAutoscaler" => "autoscaling/v2",
                    _ => "v1",
                };
                let (parent, key) = field.rsplit_once('.').unwrap_or(("", field));
                let nested = parent
                    .split('.')
                    .filter(|p| !p.is_empty())
                    .rev()
                    .fold(format!("{{{key}: 1}}"), |inner, p| format!("{{{p}: {inner}}}"));
                let text = format!(
                    "{{apiVersion: {api_version}, kind: {kind}, metadata: {{name: x}}, {}}}",
                    &nested[1..nested.len() - 1]
                );
                let entries = summaries(&[("run.yaml", &text)], load::Limits::default(), &InventoryNeeds::Everything);
                assert!(entries[0].sets(field), "{}: the summary of a {kind} does not record {field}", rule.id);
            }
        }
    }

    /// A budget selects only in its own namespace: a workload that certainly is in another one
    /// is not read, one without a namespace (or whose namespace is not plainly at its start) is.
    #[test]
    fn objects_of_another_namespace_than_every_referring_object_are_not_summarised() {
        let needs = InventoryNeeds::Kinds(KindNeeds {
            read: BTreeSet::new(),
            references: vec![reference_need(&["PodDisruptionBudget"], &["Deployment"], None)],
        });
        let deployment = |name: &str, metadata: &str| {
            format!("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n{metadata}spec:\n  template:\n    metadata:\n      labels: {{app: web}}\n")
        };
        let budget = |namespace: &str| {
            format!("apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {{name: b, namespace: {namespace}}}\nspec:\n  selector: {{matchLabels: {{app: web}}}}\n")
        };
        let text = [
            deployment("same", "  namespace: shop\n"),
            deployment("other", "  namespace: tools\n"),
            deployment("none", ""),
            deployment("anchored", "  namespace: &n tools\n"),
            budget("shop"),
        ]
        .join("---\n");
        let names: Vec<String> =
            summaries(&[("run.yaml", &text)], load::Limits::default(), &needs).into_iter().map(|e| e.name).collect();
        assert_eq!(names, ["same", "none", "anchored", "b"]);
    }
}
