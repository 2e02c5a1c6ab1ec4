//! Benchmark baseline: parse every YAML document of the given files into `serde_json::Value`s with
//! serde_yaml (no positions, no policies), on `--threads N` threads, and print the document count.
//! `scripts/bench.py` runs it beside `plimsoll lint` to report plimsoll's cost as a ratio.

use rayon::prelude::*;
use serde::Deserialize;
use std::path::PathBuf;

fn main() {
    let mut args = std::env::args().skip(1);
    let mut threads = 1;
    let mut roots = Vec::new();
    while let Some(arg) = args.next() {
        if arg == "--threads" {
            threads = args.next().and_then(|n| n.parse().ok()).unwrap_or(1);
        } else {
            roots.push(PathBuf::from(arg));
        }
    }
    let files: Vec<PathBuf> = roots
        .iter()
        .flat_map(|root| walkdir::WalkDir::new(root).sort_by_file_name())
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().map_err(|e| e.to_string());
    let documents: usize = match pool {
        Ok(pool) => pool.install(|| files.par_iter().map(parse_file).sum()),
        Err(error) => return eprintln!("{error}"),
    };
    println!("{documents}");
}

fn parse_file(path: &PathBuf) -> usize {
    let Ok(text) = std::fs::read_to_string(path) else { return 0 };
    serde_yaml::Deserializer::from_str(&text)
        .filter_map(|document| serde_json::Value::deserialize(document).ok())
        .filter(|value| !value.is_null())
        .count()
}
