//! Times evaluation of each built-in rule alone, and of the default set, on the objects with a
//! pod spec in a corpus directory (development aid: `cargo run --release --example profile_rules DIR`).
//! `profile_rules DIR RULE` runs one set only (a rule ID, `none` or `default`), for instruction
//! counts: `valgrind --tool=callgrind --toggle-collect='*Worker::lint_document*' …`.
use std::time::Instant;

fn main() {
    let dir = std::env::args().nth(1).unwrap_or_default();
    let texts: Vec<String> = std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| std::fs::read_to_string(entry.path()).ok())
        .collect();
    let loaded: Vec<_> = texts.iter().map(|t| plimsoll_core::load("x", t)).collect();
    let docs: Vec<_> = loaded
        .iter()
        .flat_map(|l| l.documents.iter())
        .filter(|d| plimsoll_core::k8s::kinds::carries_pod_spec(&d.value))
        .collect();
    let catalog = plimsoll_core::rules::builtin_rules().unwrap_or_default();
    let mut sets: Vec<Vec<String>> = vec![vec![]];
    sets.extend(catalog.iter().map(|r| vec![r.id.clone()]));
    sets.push(catalog.iter().filter(|r| r.enabled_by_default).map(|r| r.id.clone()).collect());
    if let Some(chosen) = std::env::args().nth(2) {
        let default = sets.last().cloned().unwrap_or_default();
        sets = match chosen.as_str() {
            "none" => vec![vec![]],
            "default" => vec![default],
            rule => vec![vec![rule.to_string()]],
        };
    }
    for only in sets {
        let linter = match plimsoll_core::Linter::builder().only(only.clone()).build() {
            Ok(linter) => linter,
            Err(error) => return eprintln!("{error}"),
        };
        let mut worker = linter.worker();
        let start = Instant::now();
        for document in &docs {
            worker.lint_document(document);
        }
        let label = if only.len() > 3 { format!("default set ({} rules)", only.len()) } else { only.join(",") };
        let micros = start.elapsed().as_secs_f64() * 1e6 / docs.len() as f64;
        println!("{micros:8.1} µs/object  {label} [{}]", linter.evaluation_mode());
    }
}
