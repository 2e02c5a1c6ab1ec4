//! The terminal transcripts the README and the user guide show are what the binary prints: each
//! `$ plimsoll …` line of a `console` block in the pages below is run in the page's folder, and its
//! standard output must be the lines that follow it in the block. The files the guide's transcripts
//! lint are in `docs/examples/`; the policy the guide shows is the one committed there.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Pages with `console` blocks, and the folder (under the repository root) their commands run in.
const PAGES: &[(&str, &str)] = &[
    ("README.md", ""),
    ("docs/ci.md", ""),
    ("docs/report-format.md", ""),
    ("docs/suppressions.md", "docs/examples"),
    ("docs/policies.md", "docs/examples"),
    ("docs/schema-validation.md", "docs/examples"),
];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// `(command line, expected output)` for every `$ plimsoll` line of the page's console blocks.
fn transcripts(page: &str) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(root().join(page)).unwrap_or_else(|e| panic!("{page}: {e}"));
    let mut found = Vec::new();
    for block in text.split("```console\n").skip(1) {
        let block = block.split("\n```").next().unwrap_or_default();
        let mut current: Option<(String, String)> = None;
        for line in block.lines() {
            if let Some(command) = line.strip_prefix("$ ") {
                found.extend(current.take());
                current = Some((command.to_string(), String::new()));
            } else if let Some((_, output)) = current.as_mut() {
                output.push_str(line);
                output.push('\n');
            }
        }
        found.extend(current);
    }
    found
}

#[test]
fn shown_transcripts_are_what_the_binary_prints() {
    let mut wrong = Vec::new();
    let mut count = 0;
    for (page, folder) in PAGES {
        for (command, expected) in transcripts(page) {
            let args: Vec<&str> = command.split_whitespace().collect();
            assert_eq!(args.first(), Some(&"plimsoll"), "{page}: {command}");
            let output = Command::new(env!("CARGO_BIN_EXE_plimsoll"))
                .args(&args[1..])
                .current_dir(root().join(folder))
                .env_remove("COLUMNS")
                .env_remove("NO_COLOR")
                .env_remove("RUST_BACKTRACE")
                .output()
                .expect("plimsoll runs");
            // Human output puts its summary on standard output; the page shows both as a terminal would.
            let printed = String::from_utf8_lossy(&output.stdout);
            let printed = if printed.ends_with('\n') { printed.to_string() } else { format!("{printed}\n") };
            if printed != expected {
                wrong.push(format!("{page}: `{command}` printed:\n{printed}\nthe page shows:\n{expected}"));
            }
            count += 1;
        }
    }
    assert!(count >= PAGES.len(), "every page shows a transcript");
    assert!(wrong.is_empty(), "{}", wrong.join("\n---\n"));
}

#[test]
fn the_policy_the_guide_shows_is_the_one_it_runs() {
    let guide = std::fs::read_to_string(root().join("docs/policies.md")).expect("the guide");
    let shown = guide.split("```rego\n").nth(1).and_then(|b| b.split("```").next()).expect("a Rego block");
    let committed = std::fs::read_to_string(root().join("docs/examples/policy/registry.rego")).expect("the policy");
    assert_eq!(shown, committed);
}

/// Every Markdown file of the documentation: the README, CONTRIBUTING.md and `docs/`.
fn markdown_files() -> Vec<PathBuf> {
    let mut files = vec![root().join("README.md"), root().join("CONTRIBUTING.md")];
    let mut pending = vec![root().join("docs")];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(&folder).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "md") {
                files.push(path);
            }
        }
    }
    files
}

#[test]
fn links_between_pages_resolve() {
    let mut broken = Vec::new();
    let files = markdown_files();
    assert!(files.len() > 40, "the guide and the rule reference are there");
    for file in files {
        let text = std::fs::read_to_string(&file).expect("a text file");
        for target in text.split("](").skip(1).filter_map(|rest| rest.split(')').next()) {
            let local = target.split('#').next().unwrap_or_default();
            if local.is_empty() || local.contains("://") || local.starts_with('<') {
                continue;
            }
            let folder = file.parent().expect("in a folder");
            if !folder.join(local).exists() {
                broken.push(format!("{}: {target}", file.strip_prefix(root()).unwrap_or(&file).display()));
            }
        }
    }
    assert!(broken.is_empty(), "links to files that do not exist:\n{}", broken.join("\n"));
}
