//! Embeds every Rego file under `policies/` (the rule registry: one file per rule, plus `lib/`)
//! into the library, so that adding a rule touches no list in the code. The rules' unit tests
//! (`*_test.rego`) go into a list of their own: only the Rego test runner reads them, so a build
//! that never runs it (the wasm package) leaves their text out.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::{env, fs};

fn main() {
    let manifest_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    let policies = manifest_dir.join("..").join("policies");
    println!("cargo:rerun-if-changed={}", policies.display());
    let mut files = Vec::new();
    collect_rego(&policies, &mut files);
    files.sort();
    let (tests, modules): (Vec<PathBuf>, Vec<PathBuf>) =
        files.into_iter().partition(|file| file.to_string_lossy().ends_with("_test.rego"));
    let mut out = String::new();
    let lists = [
        ("Built-in rules and library modules", "BUILTIN_POLICY_FILES", &modules),
        ("The built-in rules' Rego unit tests (`*_test.rego`)", "BUILTIN_POLICY_TESTS", &tests),
    ];
    for (doc, name, files) in lists {
        let _ = writeln!(out, "/// {doc}: (path under `policies/`, source).\npub static {name}: &[(&str, &str)] = &[");
        for file in files {
            println!("cargo:rerun-if-changed={}", file.display());
            let relative = file.strip_prefix(&policies).unwrap_or(file);
            let relative = relative.to_string_lossy().replace('\\', "/");
            let _ = writeln!(out, "    ({relative:?}, include_str!({:?})),", file.display().to_string());
        }
        out.push_str("];\n");
    }
    let target = PathBuf::from(env::var("OUT_DIR").unwrap_or_default()).join("builtin_policies.rs");
    if let Err(error) = fs::write(&target, out) {
        println!("cargo:warning=cannot write {}: {error}", target.display());
        std::process::exit(1);
    }
}

fn collect_rego(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        println!("cargo:rerun-if-changed={}", path.display());
        if path.is_dir() {
            collect_rego(&path, files);
        } else if path.extension().is_some_and(|e| e == "rego") {
            files.push(path);
        }
    }
}
