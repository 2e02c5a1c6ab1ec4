//! Core's top-level modules depend on each other without cycles, so that data flows one way
//! through the tree (`load` → `k8s` → `report` → `rules` → `schema`/`signature` → `engine` →
//! `linter` → `config`/`admission`; the crate documentation describes each).
//!
//! Read from the source: every `crate::<module>` path outside comments and test code is an edge
//! from the file's top-level module to `<module>`. Paths through the crate root's re-exports
//! (`crate::Linter`) would hide an edge, so outside tests they are refused.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

type Graph = BTreeMap<String, BTreeSet<String>>;

#[test]
fn top_level_modules_have_no_import_cycle() {
    let graph = dependency_graph();
    assert!(graph.len() > 5, "too few modules found: {graph:?}");
    if let Some(cycle) = find_cycle(&graph) {
        panic!("import cycle between core's top-level modules: {}\nedges: {graph:#?}", cycle.join(" → "));
    }
}

#[test]
fn code_names_modules_not_root_re_exports() {
    let mut offenders = Vec::new();
    for file in source_files() {
        for (number, line) in code_lines(&file) {
            let root_item = line.match_indices("crate::").any(|(at, _)| {
                let rest = &line[at + "crate::".len()..];
                rest.starts_with(|c: char| c.is_ascii_uppercase() || c == '{')
            });
            if root_item {
                offenders.push(format!("{}:{number}: {}", file.display(), line.trim()));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "paths through the crate root hide a module's dependencies:\n{}",
        offenders.join("\n")
    );
}

/// The cycle check catches a real cycle: it is not vacuous.
#[test]
fn the_cycle_check_finds_a_cycle() {
    let mut graph = Graph::new();
    graph.entry("a".into()).or_default().insert("b".into());
    graph.entry("b".into()).or_default().insert("c".into());
    graph.entry("c".into()).or_default().insert("a".into());
    assert_eq!(find_cycle(&graph), Some(vec!["a".to_string(), "b".into(), "c".into(), "a".into()]));
    graph.entry("c".into()).or_default().remove("a");
    assert_eq!(find_cycle(&graph), None);
}

fn src_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file of the crate except `lib.rs` and test modules kept in files of their own.
fn source_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![src_dir()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).expect("source directory is readable") {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
                if name != "tests.rs" && path != src_dir().join("lib.rs") {
                    files.push(path);
                }
            }
        }
    }
    files.sort();
    files
}

/// The top-level module a file belongs to: `engine` for `src/engine/gatekeeper/mod.rs`.
fn top_level_module(file: &Path) -> String {
    let relative = file.strip_prefix(src_dir()).expect("file under src");
    let first = relative.components().next().expect("a component").as_os_str().to_string_lossy();
    first.trim_end_matches(".rs").to_string()
}

/// The file's lines (1-based numbers) up to its `#[cfg(test)]` module, comments removed.
fn code_lines(file: &Path) -> Vec<(usize, String)> {
    let text = std::fs::read_to_string(file).expect("source file is readable");
    let all: Vec<&str> = text.lines().collect();
    let mut lines = Vec::new();
    for (index, line) in all.iter().enumerate() {
        let test_module = all.get(index + 1).is_some_and(|next| next.trim_start().starts_with("mod "));
        if line.trim_start().starts_with("#[cfg(test)]") && test_module {
            break;
        }
        let code = match line.find("//") {
            Some(at) => &line[..at],
            None => line,
        };
        lines.push((index + 1, code.to_string()));
    }
    lines
}

fn dependency_graph() -> Graph {
    let mut graph = Graph::new();
    for file in source_files() {
        let from = top_level_module(&file);
        let edges = graph.entry(from.clone()).or_default();
        for (_, line) in code_lines(&file) {
            for (at, _) in line.match_indices("crate::") {
                let rest = &line[at + "crate::".len()..];
                let to: String =
                    rest.chars().take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_').collect();
                if !to.is_empty() && to != from {
                    edges.insert(to);
                }
            }
        }
    }
    graph
}

/// A cycle (first node repeated at the end), if the graph has one.
fn find_cycle(graph: &Graph) -> Option<Vec<String>> {
    fn visit(node: &str, graph: &Graph, path: &mut Vec<String>, done: &mut BTreeSet<String>) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|n| n == node) {
            let mut cycle = path[start..].to_vec();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph.keys().find_map(|node| visit(node, graph, &mut Vec::new(), &mut done))
}
