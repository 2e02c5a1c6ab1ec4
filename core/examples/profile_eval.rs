//! Times the phases of linting a corpus directory (development aid): load, convert, evaluate.
use std::time::Instant;
fn main() {
    let dir = std::env::args().nth(1).unwrap_or_default();
    let mut texts = Vec::new();
    for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
        if let Ok(t) = std::fs::read_to_string(entry.path()) { texts.push(t); }
    }
    let t0 = Instant::now();
    let loaded: Vec<_> = texts.iter().map(|t| plimsoll_core::load("x", t)).collect();
    let docs: Vec<_> = loaded.iter().flat_map(|l| l.documents.iter()).collect();
    println!("load: {:?} for {} docs", t0.elapsed(), docs.len());
    let linter = plimsoll_core::Linter::builder().build().map_err(|e| e.to_string()).unwrap_or_else(|e| panic!("{e}"));
    let mut worker = linter.worker();
    let t1 = Instant::now();
    let mut n = 0;
    for d in &docs { n += worker.lint_document(d).len(); }
    println!("eval: {:?} ({} findings)", t1.elapsed(), n);
}
