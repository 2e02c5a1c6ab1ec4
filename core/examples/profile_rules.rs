//! Times evaluation per rule on the workload documents of a corpus (development aid).
use std::time::Instant;
fn main() {
    let dir = std::env::args().nth(1).unwrap_or_default();
    let mut texts = Vec::new();
    for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
        if let Ok(t) = std::fs::read_to_string(entry.path()) { texts.push(t); }
    }
    let loaded: Vec<_> = texts.iter().map(|t| plimsoll_core::load("x", t)).collect();
    let docs: Vec<_> = loaded.iter().flat_map(|l| l.documents.iter()).filter(|d| plimsoll_core::kinds::carries_pod_spec(&d.value)).collect();
    let sets: Vec<Vec<&str>> = vec![vec![], vec!["privileged"], vec!["latest-tag"], vec!["readiness"], vec!["memory-limits"], vec!["privileged", "latest-tag", "readiness", "memory-limits"]];
    for only in sets {
        let linter = match plimsoll_core::Linter::builder().only(only.clone()).build() { Ok(l) => l, Err(e) => return eprintln!("{e}") };
        let mut worker = linter.worker();
        let t1 = Instant::now();
        for d in &docs { worker.lint_document(d); }
        println!("{:?}: {:.1} µs/doc over {} docs", only, t1.elapsed().as_secs_f64() * 1e6 / docs.len() as f64, docs.len());
    }
}
