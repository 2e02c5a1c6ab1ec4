//! Times schema validation per document on a corpus directory, apart from loading and the Rego
//! rules (development aid): `cargo run --release -p plimsoll-core --example profile_schema -- DIR`.
//! The first round includes compiling the kinds the corpus holds.
use plimsoll_core::schema::SchemaChecker;
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
    let docs: Vec<_> = loaded.iter().flat_map(|l| l.documents.iter()).collect();
    let Ok(catalog) = plimsoll_core::rules::builtin_rules() else { return eprintln!("no catalog") };
    let rules = catalog.iter().map(|r| r.id.as_str()).filter(|id| id.starts_with("schema/"));
    let Ok(Some(checker)) = SchemaChecker::for_rules(rules, Default::default(), std::iter::empty(), std::iter::empty())
    else {
        return eprintln!("no schema checker");
    };
    for round in 0..3 {
        let start = Instant::now();
        let findings: usize = docs.iter().map(|d| checker.check(&d.value).len()).sum();
        let elapsed = start.elapsed();
        let per_doc = elapsed.as_secs_f64() * 1e6 / docs.len().max(1) as f64;
        println!("round {round}: {elapsed:?} for {} documents ({per_doc:.1} µs/doc), {findings} findings", docs.len());
    }
}
