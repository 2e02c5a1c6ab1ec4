//! The loader spec, bullet by bullet: every test checks the value kubectl would see AND where it is
//! written (`line:column`, through [`PosNode::locate`] as rules use it).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::split::split_documents;
use super::*;
use crate::load::position::{PathSegment, PosChildren};
use serde_json::json;

/// The value and positions of every document of `text` that holds one.
fn documents(text: &str) -> Vec<(Value, PosNode)> {
    read_documents(text).into_iter().filter_map(|d| d.result.unwrap()).collect()
}

fn document(text: &str) -> (Value, PosNode) {
    let mut all = documents(text);
    assert_eq!(all.len(), 1, "one document expected in {text:?}");
    all.remove(0)
}

/// `line:column` where `path` is located; it must exist.
fn at(positions: &PosNode, path: &str) -> (u32, u32) {
    let located = positions.locate(&Path::parse(path).unwrap());
    assert!(located.exact, "{path} not found");
    (located.span.start.line, located.span.start.column)
}

/// The value at `path` and where it is written.
fn value_at(document: &(Value, PosNode), path: &str) -> (Value, (u32, u32)) {
    let mut value = &document.0;
    for segment in Path::parse(path).unwrap().segments() {
        value = match segment {
            PathSegment::Key(key) => &value[key.as_str()],
            PathSegment::Index(i) => &value[*i],
        };
    }
    (value.clone(), at(&document.1, path))
}

fn object(text: &str) -> Document {
    let loaded = load("test.yaml", text);
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
    assert_eq!(loaded.documents.len(), 1, "one object expected");
    loaded.documents.into_iter().next().unwrap()
}

fn object_at(document: &Document, path: &str) -> (u32, u32) {
    at(&document.positions, path)
}

#[test]
fn yaml_1_1_booleans_as_values() {
    let doc = document("a: yes\nb: No\nc: on\nd: OFF\ne: y\nf: n\ng: \"yes\"\nh: yEs\n");
    assert_eq!(value_at(&doc, "a"), (json!(true), (1, 4)));
    assert_eq!(value_at(&doc, "b"), (json!(false), (2, 4)));
    assert_eq!(value_at(&doc, "c"), (json!(true), (3, 4)));
    assert_eq!(value_at(&doc, "d"), (json!(false), (4, 4)));
    assert_eq!(value_at(&doc, "e"), (json!(true), (5, 4)));
    assert_eq!(value_at(&doc, "f"), (json!(false), (6, 4)));
    assert_eq!(value_at(&doc, "g"), (json!("yes"), (7, 4)), "quoted: a string");
    assert_eq!(value_at(&doc, "h"), (json!("yEs"), (8, 4)), "not a spelling go-yaml knows");
}

#[test]
fn yaml_1_1_booleans_as_keys() {
    let doc = document("y: 1\nno: 2\n\"on\": 3\n");
    assert_eq!(doc.0, json!({"true": 1, "false": 2, "on": 3}));
    assert_eq!(value_at(&doc, "true"), (json!(1), (1, 4)));
    assert_eq!(value_at(&doc, "false"), (json!(2), (2, 5)));
    assert_eq!(value_at(&doc, "on"), (json!(3), (3, 7)));
    let keys: Vec<_> = match &doc.1.children {
        PosChildren::Mapping(entries) => entries.iter().map(|e| (e.key.as_str(), e.key_span.start.column)).collect(),
        _ => panic!("a mapping"),
    };
    assert_eq!(keys, [("true", 1), ("false", 1), ("on", 1)]);
}

#[test]
fn octal_and_underscored_integers() {
    let doc = document("mode: 0644\nquoted: \"0644\"\ncount: 1_000\nhex: 0x1F\n");
    assert_eq!(value_at(&doc, "mode"), (json!(420), (1, 7)));
    assert_eq!(value_at(&doc, "quoted"), (json!("0644"), (2, 9)));
    assert_eq!(value_at(&doc, "count"), (json!(1000), (3, 8)));
    assert_eq!(value_at(&doc, "hex"), (json!(31), (4, 6)));
}

#[test]
fn merge_keys_apply_in_document_order() {
    let text = "\
base: &base
  a: 1
  b: 2
derived:
  a: 0
  <<: *base
  b: 3
";
    let doc = document(text);
    // The merge overrides the earlier `a`; the later `b` overrides the merge.
    assert_eq!(doc.0["derived"], json!({"a": 1, "b": 3}));
    assert_eq!(value_at(&doc, "derived.a"), (json!(1), (2, 6)), "merged: located in the anchored mapping");
    assert_eq!(value_at(&doc, "derived.b"), (json!(3), (7, 6)));
    let problems = &read_documents(text)[0].problems;
    assert!(problems.is_empty(), "overriding a merged key is no duplicate: {problems:?}");
}

#[test]
fn merge_of_a_list_lets_earlier_mappings_win() {
    let doc = document("x: &x {k: 1, a: 1}\ny: &y {k: 2, b: 2}\nz:\n  <<: [*x, *y]\n");
    assert_eq!(doc.0["z"], json!({"k": 1, "a": 1, "b": 2}));
    assert_eq!(value_at(&doc, "z.k"), (json!(1), (1, 11)));
    assert_eq!(value_at(&doc, "z.b"), (json!(2), (2, 17)));
}

#[test]
fn aliases_resolve_and_are_located_where_the_anchor_value_is_written() {
    let doc = document("image: &img nginx:1.25\nsidecar:\n  image: *img\nlabels: &l\n  app: web\ncopy: *l\n");
    assert_eq!(value_at(&doc, "image"), (json!("nginx:1.25"), (1, 13)), "after the anchor");
    assert_eq!(value_at(&doc, "sidecar.image"), (json!("nginx:1.25"), (1, 13)));
    assert_eq!(value_at(&doc, "copy.app"), (json!("web"), (5, 8)));
    assert_eq!(at(&doc.1, "copy"), (6, 1), "a mapping is located at its key");
}

#[test]
fn an_alias_to_a_scalar_works_as_a_key() {
    let doc = document("name: &n web\n*n : 1\nflag: &f y\n*f : 2\n");
    assert_eq!(doc.0, json!({"name": "web", "web": 1, "flag": true, "true": 2}));
    assert_eq!(value_at(&doc, "web"), (json!(1), (2, 6)));
}

#[test]
fn str_tag_forces_a_string() {
    let doc = document("a: !!str 0644\nb: !!str yes\nc: !!str\nd: !!int \"12\"\n");
    assert_eq!(value_at(&doc, "a"), (json!("0644"), (1, 10)), "located at the value, after the tag");
    assert_eq!(value_at(&doc, "b"), (json!("yes"), (2, 10)));
    assert_eq!(doc.0["c"], json!(""));
    assert_eq!(value_at(&doc, "d"), (json!(12), (4, 10)));
}

#[test]
fn multi_document_positions_are_file_relative() {
    let text = "a: 1\n---\n# comment\nb: 2\n--- # labelled\nc:\n  - 3\n";
    let all = read_documents(text);
    assert_eq!(all.iter().map(|d| d.index).collect::<Vec<_>>(), [0, 1, 2]);
    let docs = documents(text);
    assert_eq!(value_at(&docs[0], "a"), (json!(1), (1, 4)));
    assert_eq!(value_at(&docs[1], "b"), (json!(2), (4, 4)));
    assert_eq!(value_at(&docs[2], "c[0]"), (json!(3), (7, 5)));
    assert_eq!(docs[2].1.locate(&Path::parse("c[0]").unwrap()).span.start.offset, text.find('3').unwrap() as u32);
}

#[test]
fn pretty_printed_json() {
    let text = r#"{
  "apiVersion": "v1",
  "kind": "Pod",
  "spec": {
    "containers": [
      {"name": "app", "image": "nginx"}
    ]
  }
}
"#;
    let doc = object(text);
    assert_eq!(doc.value["spec"]["containers"][0]["image"], json!("nginx"));
    assert_eq!(object_at(&doc, "kind"), (3, 11), "a scalar: its value");
    assert_eq!(object_at(&doc, "spec"), (4, 3), "a mapping: its key");
    assert_eq!(object_at(&doc, "spec.containers"), (5, 5), "a sequence: its key");
    assert_eq!(object_at(&doc, "spec.containers[0]"), (6, 7), "an item: where it starts");
    assert_eq!(object_at(&doc, "spec.containers[0].image"), (6, 32));
}

#[test]
fn list_items_become_documents_with_their_positions() {
    let text = "\
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: a}
- apiVersion: v1
  kind: Secret
  metadata:
    name: b
- not: an object
";
    let loaded = load("list.yaml", text);
    assert!(loaded.problems.is_empty());
    assert_eq!(loaded.document_count, 3, "every item counts");
    let [a, b] = &loaded.documents[..] else { panic!("two objects expected") };
    assert_eq!((a.index, a.item, a.object_ref().kind.as_str()), (0, Some(0), "ConfigMap"));
    assert_eq!((b.index, b.item, b.object_ref().kind.as_str()), (0, Some(1), "Secret"));
    assert_eq!(a.positions.span.start.line, 4, "an item starts at its `- apiVersion`");
    assert_eq!(object_at(a, "metadata.name"), (6, 20));
    assert_eq!(object_at(b, "metadata.name"), (10, 11));
    assert_eq!(object_at(b, "kind"), (8, 9));
}

#[test]
fn helm_source_comments_name_the_next_document_only() {
    let text = "\
---
# Source: shop/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
---
apiVersion: v1
kind: Service
metadata: {name: web}
---
# Source: shop/templates/empty.yaml
---
apiVersion: v1
kind: ConfigMap
metadata: {name: web}
";
    let loaded = load("rendered.yaml", text);
    let templates: Vec<_> = loaded.documents.iter().map(|d| d.template.as_deref()).collect();
    assert_eq!(templates, [Some("shop/templates/deployment.yaml"), None, None]);
    assert_eq!(object_at(&loaded.documents[0], "kind"), (4, 7));
}

#[test]
fn crlf_line_endings() {
    let text = "apiVersion: v1\r\nkind: ConfigMap\r\nmetadata:\r\n  name: app\r\n\
                data:\r\n  script: |\r\n    echo hi\r\n    exit 0\r\n";
    let doc = object(text);
    assert_eq!(doc.value["data"]["script"], json!("echo hi\nexit 0\n"));
    assert_eq!(object_at(&doc, "metadata.name"), (4, 9));
    let name = doc.locate(&Path::parse("metadata.name").unwrap()).span;
    assert_eq!(name.start.offset as usize, text.find("app").unwrap());
    assert_eq!(name.end.offset as usize, text.find("app").unwrap() + 3, "the span ends before the CR");
    assert_eq!(object_at(&doc, "data.script"), (6, 11), "a block scalar: its `|`");
}

#[test]
fn columns_count_characters_and_offsets_count_bytes() {
    let text = "note: \"héllo wörld\" # ünïcode\nnext: value\nlist: [é, x]\n";
    let doc = document(text);
    let located = doc.1.locate(&Path::parse("note").unwrap()).span;
    assert_eq!((located.start.line, located.start.column, located.start.offset), (1, 7, 6));
    // `"héllo wörld"` is 13 characters and 15 bytes.
    assert_eq!((located.end.column, located.end.offset), (20, 21));
    let x = doc.1.locate(&Path::parse("list[1]").unwrap()).span.start;
    assert_eq!((x.line, x.column, x.offset as usize), (3, 11, text.rfind('x').unwrap()));
}

#[test]
fn byte_order_mark_shifts_offsets_not_columns() {
    let text = "\u{feff}apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n";
    let doc = object(text);
    let kind = doc.locate(&Path::parse("apiVersion").unwrap()).span.start;
    assert_eq!((kind.line, kind.column, kind.offset), (1, 13, 15));
    assert_eq!(doc.positions.span.start, Pos { line: 1, column: 1, offset: 3 });
}

#[test]
fn a_syntax_error_spares_the_other_documents() {
    let text = "\
apiVersion: v1
kind: ConfigMap
metadata: {name: a}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: b: c
---
apiVersion: v1
kind: ConfigMap
metadata: {name: c}
";
    let loaded = load("broken.yaml", text);
    let names: Vec<_> = loaded.documents.iter().map(|d| d.object_ref().name.unwrap()).collect();
    assert_eq!(names, ["a", "c"]);
    assert_eq!(loaded.documents[1].index, 2);
    assert_eq!(object_at(&loaded.documents[1], "metadata.name"), (12, 18));
    let [problem] = &loaded.problems[..] else { panic!("one problem expected: {:?}", loaded.problems) };
    assert_eq!((problem.kind, problem.document), (ProblemKind::Syntax, 1));
    assert_eq!((problem.span.start.line, problem.span.start.column), (8, 10), "at the second `:`");
    assert_eq!(loaded.document_count, 3);
}

#[test]
fn duplicate_keys_are_reported_at_the_second_key() {
    let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: first\n  name: second\n";
    let loaded = load("dup.yaml", text);
    assert_eq!(loaded.documents[0].value["metadata"]["name"], json!("second"), "the last one wins");
    assert_eq!(object_at(&loaded.documents[0], "metadata.name"), (5, 9));
    let [problem] = &loaded.problems[..] else { panic!("one problem expected") };
    assert_eq!(problem.kind, ProblemKind::DuplicateKey);
    assert_eq!((problem.span.start.line, problem.span.start.column), (5, 3));
    assert!(problem.message.contains("first on line 4"), "{}", problem.message);
}

#[test]
fn keys_equal_only_as_json_are_duplicates() {
    let problems = &read_documents("1: a\n\"1\": b\n")[0].problems;
    assert_eq!(problems.len(), 1);
    assert_eq!((problems[0].span.start.line, problems[0].span.start.column), (2, 1));
}

#[test]
fn content_after_a_separator_is_reported() {
    let loaded = load("sep.yaml", "a: 1\n--- b: 2\nc: 3\n");
    let [problem] = &loaded.problems[..] else { panic!("one problem expected") };
    assert_eq!(problem.kind, ProblemKind::Syntax);
    assert_eq!((problem.span.start.line, problem.span.start.column, problem.span.end.column), (2, 5, 9));
}

#[test]
fn documents_that_are_not_kubernetes_objects_are_skipped_silently() {
    let text = "replicaCount: 3\nimage: {repository: nginx}\n---\n- a\n- b\n---\njust a string\n---\n\
                apiVersion: v1\nkind: Namespace\nmetadata: {name: ns}\n";
    let loaded = load("values.yaml", text);
    assert!(loaded.problems.is_empty());
    assert_eq!(loaded.documents.len(), 1);
    assert_eq!((loaded.documents[0].index, loaded.document_count), (3, 4));
}

#[test]
fn bare_scalar_and_null_documents() {
    let docs = documents("hello\n---\n42\n---\n~\n---\n\u{feff}\n");
    let values: Vec<_> = docs.iter().map(|d| d.0.clone()).collect();
    assert_eq!(values, [json!("hello"), json!(42), Value::Null, Value::Null], "a byte order mark alone: null");
    assert_eq!(docs[1].1.span.start.line, 3);
    // An end marker before any document is an error for kubectl.
    let read = read_documents("a: 1\n---\n...\n");
    let error = read[1].result.as_ref().unwrap_err();
    assert_eq!((error.span.start.line, error.span.start.column), (3, 1));
}

#[test]
fn locate_returns_value_key_or_nearest_ancestor() {
    let text = "\
apiVersion: v1
kind: Pod
spec:
  containers:
  - name: app
    image: nginx
    securityContext:
      privileged: true
";
    let doc = object(text);
    assert_eq!(object_at(&doc, "spec.containers[0].image"), (6, 12), "a scalar: its value");
    assert_eq!(object_at(&doc, "spec.containers[0].securityContext"), (7, 5), "a mapping: its key");
    assert_eq!(object_at(&doc, "spec.containers"), (4, 3), "a sequence: its key");
    assert_eq!(object_at(&doc, "spec.containers[0]"), (5, 5), "an item: its `- name`");
    let missing = doc.locate(&Path::parse("spec.containers[0].resources.limits").unwrap());
    assert!(!missing.exact);
    assert_eq!((missing.span.start.line, missing.span.start.column), (5, 5), "the container item");
    let missing = doc.locate(&Path::parse("spec.containers[0].securityContext.runAsNonRoot").unwrap());
    assert_eq!((missing.span.start.line, missing.span.start.column), (7, 5), "the securityContext key");
    let missing = doc.locate(&Path::parse("spec.containers[3].image").unwrap());
    assert_eq!((missing.span.start.line, missing.span.start.column), (4, 3), "the containers key");
}

#[test]
fn kubectl_leniencies_keep_positions() {
    // A flow sequence continued at column 1 and a tab after `key:` are rewritten for saphyr.
    let doc = document("args: [\"--a\",\n\"--b\", x]\nkey:\tvalue\nq: \"it\\'s\"\n");
    assert_eq!(value_at(&doc, "args[1]"), (json!("--b"), (2, 1)));
    assert_eq!(value_at(&doc, "args[2]"), (json!("x"), (2, 8)));
    assert_eq!(value_at(&doc, "key"), (json!("value"), (3, 6)));
    assert_eq!(value_at(&doc, "q"), (json!("it's"), (4, 4)));
    let doc = document("d: \"one\ntwo\"\ne: [1, 2]\n");
    assert_eq!(value_at(&doc, "d"), (json!("one two"), (1, 4)));
    assert_eq!(value_at(&doc, "e[1]"), (json!(2), (3, 8)));
}

#[test]
fn scalar_spans_cover_the_value_as_written() {
    let text = "a: \"quoted\"  # comment\nb: |-\n  block\nc: !!str &x >\n  folded\n";
    let doc = document(text);
    let span = |path: &str| doc.1.locate(&Path::parse(path).unwrap()).span;
    assert_eq!((span("a").start.column, span("a").end.column), (4, 12), "the quotes, not the comment");
    assert_eq!((span("b").start.line, span("b").start.column), (2, 4), "a block scalar starts at `|`");
    assert_eq!((span("c").start.line, span("c").start.column), (4, 13), "after its properties, at `>`");
    assert_eq!(doc.0, json!({"a": "quoted", "b": "block", "c": "folded\n"}));
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let text = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let [read] = &read_documents(&text)[..] else { panic!("one document expected") };
    assert!(read.result.is_err());
    let text: String = (0..300).map(|depth| format!("{}k{depth}:\n", " ".repeat(depth))).collect();
    let error = read_documents(&text).remove(0).result.unwrap_err();
    assert!(error.message.contains("deeper"), "{}", error.message);
}

#[test]
fn alias_bombs_are_an_error_not_a_hang() {
    let mut text = String::from("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    for (previous, name) in "abcdefgh".chars().zip("bcdefghi".chars()) {
        let refs = vec![format!("*{previous}"); 9].join(",");
        text.push_str(&format!("{name}: &{name} [{refs}]\n"));
    }
    let started = std::time::Instant::now();
    let error = read_documents(&text).remove(0).result.unwrap_err();
    assert!(error.message.contains("alias"), "{}", error.message);
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
}

/// The numbers in a message, in order.
fn numbers(message: &str) -> Vec<usize> {
    message.split(|c: char| !c.is_ascii_digit()).filter_map(|n| n.parse().ok()).collect()
}

#[test]
fn an_alias_bomb_is_refused_by_go_yamls_ratio_before_it_grows() {
    let mut text = String::from("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    for (previous, name) in "abcdefgh".chars().zip("bcdefghi".chars()) {
        let refs = vec![format!("*{previous}"); 9].join(",");
        text.push_str(&format!("{name}: &{name} [{refs}]\n"));
    }
    let error = read_documents(&text).remove(0).result.unwrap_err();
    assert!(error.message.starts_with("document contains excessive aliasing"), "{}", error.message);
    // Refused once 99% of the nodes come from aliases: a few thousand nodes, not 2,000,000.
    let [from_aliases, nodes, percent] = numbers(&error.message)[..] else { panic!("{}", error.message) };
    assert!(nodes < 10_000 && from_aliases * 100 > nodes * 99 && percent == 99, "{}", error.message);
    // Located at the alias that crossed the line: one of `d`'s, a thousand nodes in.
    assert_eq!(error.span.start.line, 4);
}

#[test]
fn aliases_in_proportion_to_the_text_are_fine() {
    // 200 anchored containers, each reused twice: a third of the nodes come from aliases.
    let mut text = String::from("defs:\n");
    for i in 0..200 {
        text.push_str(&format!("  - &c{i} {{name: c{i}, image: app:{i}, ports: [{i}]}}\n"));
    }
    text.push_str("uses:\n");
    for i in 0..200 {
        text.push_str(&format!("  - [*c{i}, *c{i}]\n"));
    }
    let (value, _) = document(&text);
    assert_eq!(value["uses"][199][1]["image"], json!("app:199"));
}

#[test]
fn a_large_document_without_aliases_is_refused_for_its_size_when_over_the_limit() {
    let text: String = (0..600).map(|i| format!("key{i}: value{i}\n")).collect();
    let limits = Limits { max_nodes: 1000 };
    let chunk = split::split_documents(&text).remove(0);
    let error = super::read_chunk_within(0, chunk, limits).result.unwrap_err();
    assert_eq!(
        error.message,
        "document is too large: it holds more than 1000 YAML nodes (the max_document_nodes setting raises this limit)"
    );
    assert!(!error.message.contains("alias"));
    // Within the default limit, the same document is read.
    assert_eq!(document(&text).0["key599"], json!("value599"));
}

#[test]
fn values_json_cannot_hold_are_errors_but_keys_are_fine() {
    let error = read_documents("a: .nan\n").remove(0).result.unwrap_err();
    assert_eq!((error.span.start.line, error.span.start.column), (1, 4));
    assert!(read_documents("a: -.inf\n").remove(0).result.is_err());
    assert!(read_documents("~: a\n").remove(0).result.is_err(), "a null key");
    assert!(read_documents("18446744073709551615: a\n").remove(0).result.is_err(), "a uint64 key");
    assert_eq!(document(".inf: a\n1.5: b\n").0, json!({".inf": "a", "1.5": "b"}));
}

#[test]
fn block_scalar_at_the_end_of_the_text_keeps_no_final_line_break() {
    assert_eq!(document("a: |\n  x").0, json!({"a": "x"}));
    assert_eq!(document("a: |\n  x\n").0, json!({"a": "x\n"}));
}

/// Found by fuzzing (the `load` target): at the end of a text without a final line break, a block
/// collection ended where its last line starts, before its own start, so a finding on a sequence
/// item spanned backwards.
#[test]
fn a_collection_on_the_last_line_of_a_text_without_a_final_line_break_ends_after_its_content() {
    for text in ["spec:\n  containers:\n  - image: nginx", "a:\n  b:\n    c: 1\n    d: [x, y]", "- - 1\n  - 2"] {
        let (_, positions) = document(text);
        let mut pending = vec![&positions];
        while let Some(node) = pending.pop() {
            let span = node.span;
            assert!(span.start.offset <= span.end.offset, "{text:?}: {span:?} ends before it starts");
            assert!(span.end.offset as usize <= text.len(), "{text:?}: {span:?} ends past the text");
            match &node.children {
                PosChildren::Scalar => {}
                PosChildren::Sequence(items) => {
                    for item in items {
                        assert!(item.span.end.offset <= span.end.offset, "{text:?}: {item:?} outside {span:?}");
                        pending.push(item);
                    }
                }
                PosChildren::Mapping(entries) => {
                    for entry in entries {
                        assert!(entry.value.span.end.offset <= span.end.offset, "{text:?}: {entry:?} outside {span:?}");
                        pending.push(&entry.value);
                    }
                }
            }
        }
    }
    let text = "spec:\n  containers:\n  - image: nginx";
    let (_, positions) = document(text);
    let item = positions.locate(&Path::parse("spec.containers[0]").unwrap()).span;
    assert_eq!((item.start.offset, item.end.offset), (text.find("image").unwrap() as u32, text.len() as u32));
}

/// Found by fuzzing (the `load` target): a lone `\r` ends a line for the YAML parser but did not
/// for the positions, so a key after one was located before its own start.
#[test]
fn a_lone_carriage_return_ends_a_line_for_positions_as_for_the_parser() {
    let loaded = load("cr.yaml", "{n \",n\r\"");
    for problem in &loaded.problems {
        assert!(problem.span.start.offset <= problem.span.end.offset, "{problem:?} ends before it starts");
    }
    let text = "a: 1\rb: 2\r\nc: 3\n";
    let (value, positions) = document(text);
    assert_eq!(value, json!({"a": 1, "b": 2, "c": 3}));
    let b = positions.locate(&Path::parse("b").unwrap()).span.start;
    assert_eq!((b.line, b.column, b.offset), (2, 4, text.find('2').unwrap() as u32));
    let c = positions.locate(&Path::parse("c").unwrap()).span.start;
    assert_eq!((c.line, c.column, c.offset), (3, 4, text.find('3').unwrap() as u32));
}

/// What [`read_chunk_items`] makes of a one-document `text`: the items it streamed (objects only,
/// with their index), and whether the document was read item by item.
/// The problems are those handed over with the items, then the list's own.
fn streamed(text: &str, limits: Limits) -> (Vec<(usize, Value, PosNode)>, Result<(usize, Vec<Problem>), RawDocument>) {
    let chunk = split_documents(text).remove(0);
    let mut items = Vec::new();
    let mut item_problems = Vec::new();
    let mut sink = |item: ListItem| {
        item_problems.extend(item.problems);
        if is_kubernetes_object(&item.value) {
            items.push((item.index, item.value, item.positions));
        }
    };
    match read_chunk_items(0, chunk, limits, &mut sink) {
        ListRead::Items { count, problems, .. } => {
            item_problems.extend(problems);
            (items, Ok((count, item_problems)))
        }
        ListRead::Document(raw) => (items, Err(raw)),
    }
}

/// Checks that reading `text` item by item gives what reading it whole gives (items, positions,
/// problems, counts); returns whether it was read item by item.
fn streams_as_read_whole(text: &str, limits: Limits) -> bool {
    let whole = read_chunk_within(0, split_documents(text).remove(0), limits);
    let (items, read) = streamed(text, limits);
    match read {
        Ok((count, mut problems)) => {
            let mut expected = whole.problems.clone();
            for problems in [&mut problems, &mut expected] {
                problems.sort_by_key(|p| p.span.start.offset);
            }
            assert_eq!(problems, expected, "problems of {text:?}");
            let Ok(Some((value, positions))) = whole.result else { panic!("{text:?} reads whole") };
            let document = Document { file: Arc::from("f"), index: 0, item: None, template: None, value, positions };
            let (objects, whole_count) = into_objects(document);
            assert_eq!(count, whole_count, "items of {text:?}");
            let whole: Vec<(usize, Value, PosNode)> =
                objects.into_iter().map(|d| (d.item.unwrap(), d.value, d.positions)).collect();
            assert_eq!(items, whole, "items of {text:?}");
            true
        }
        Err(raw) => {
            assert_eq!(format!("{raw:?}"), format!("{whole:?}"), "{text:?} read as a document");
            false
        }
    }
}

#[test]
fn list_items_read_one_by_one_are_those_of_the_whole_list() {
    let block = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: a}\n- apiVersion: v1\n  kind: Secret\n  metadata:\n    name: b\n- not: an object\n- plain scalar\n-\n";
    let streamed_cases = [
        block.to_string(),
        // As `kubectl get -o yaml` writes it: `kind` after the items, items indented or not.
        "apiVersion: v1\nitems:\n  - apiVersion: v1\n    kind: Pod\n    metadata:\n      name: p\nkind: List\nmetadata:\n  resourceVersion: \"\"\n".into(),
        "{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\"}},{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"s\"}}]}".into(),
        "{\n  \"kind\": \"List\",\n  \"items\": [\n    {\n      \"apiVersion\": \"v1\",\n      \"kind\": \"Pod\"\n    }\n  ]\n}\n".into(),
        // An anchor in one item used by the next, a merge, a key set twice inside an item.
        "kind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata:\n    labels: &labels {app: a}\n- apiVersion: v1\n  kind: Service\n  metadata:\n    labels: *labels\n    <<: {name: s}\n    name: t\n    name: u\n".into(),
        // Keep-chomped block scalars at an item's end, CRLF, non-ASCII, no final line break.
        "kind: PodList\r\nitems:\r\n- apiVersion: v1\r\n  kind: ConfigMap\r\n  data:\r\n    a: |+\r\n      é ü\r\n\r\n- apiVersion: v1\r\n  kind: ConfigMap\r\n  data: {b: \"ß\"}".into(),
        "# Source: chart/templates/list.yaml\nkind: List\nitems:\n- {apiVersion: v1, kind: Pod}\n- apiVersion: v1\n  kind: List\n  items: [{apiVersion: v1, kind: Pod}]\n".into(),
    ];
    for text in &streamed_cases {
        assert!(streams_as_read_whole(text, Limits::default()), "{text:?} is read item by item");
    }
    let whole_cases = [
        // No list: the items are read and given back whole.
        "apiVersion: v1\nkind: ConfigMap\nitems:\n- a\n- b\n",
        "apiVersion: v1\nkind: List\nitems: []\n",
        "apiVersion: v1\nkind: List\nitems:\n",
        "apiVersion: v1\nkind: List\nitems:\n- a\nitems:\n- b\n",
        // An anchored list of items may be copied by an alias: read whole.
        "apiVersion: v1\nkind: List\nitems: &all\n- {apiVersion: v1, kind: Pod}\ncopy: *all\n",
        // Errors, and what only go-yaml's leniencies read.
        "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: [\n- apiVersion: v1\n  kind: Pod\n",
        "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: \"it\\'s\"\n",
        "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: \"a\\/b\"}\n",
    ];
    for text in whole_cases {
        assert!(!streams_as_read_whole(text, Limits::default()), "{text:?} is read whole");
    }
    // The node limit counts the whole list, as when it is read whole.
    assert!(!streams_as_read_whole(block, Limits { max_nodes: 12 }));
    assert!(streams_as_read_whole(block, Limits { max_nodes: 200 }));
}

#[test]
fn list_items_are_handed_over_while_the_list_is_read() {
    // A syntax error at the end of a long list: every item before it has been handed over by the
    // time the error is met (so none waits for the list's end), and the list then reads as
    // the error, as when it is read whole.
    let item = "- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: c}\n";
    let text = format!("apiVersion: v1\nkind: List\nitems:\n{}- {{broken\n", item.repeat(1000));
    let mut handed = 0usize;
    let mut sink = |item: ListItem| {
        assert_eq!((item.index, &item.value["kind"]), (handed, &json!("ConfigMap")), "in order");
        handed += 1;
    };
    let read = read_chunk_items(0, split_documents(&text).remove(0), Limits::default(), &mut sink);
    assert_eq!(handed, 1000);
    let ListRead::Document(raw) = read else { panic!("a broken list is no list") };
    let problem = raw.result.unwrap_err();
    assert_eq!(
        (problem.kind, problem.span.start.line),
        (ProblemKind::Syntax, 3005),
        "where the mapping should close: {problem:?}"
    );
}
