//! The rule reference in `docs/rules/` is generated from the rules' metadata; this test
//! regenerates it and fails when a committed page differs, is missing, or belongs to no rule.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

const REGENERATE: &str = "cargo run -p plimsoll -- docs --out docs/rules";

fn docs_rules() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/rules")
}

/// Every `.md` file under `dir`, by path relative to it (with `/`).
fn pages(dir: &Path) -> BTreeMap<String, String> {
    let mut found = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(&folder).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "md") {
                let relative = path.strip_prefix(dir).expect("under dir").to_string_lossy().replace('\\', "/");
                found.insert(relative, std::fs::read_to_string(&path).expect("a text file"));
            }
        }
    }
    found
}

fn plimsoll(args: &[&str]) -> (Option<i32>, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_plimsoll")).args(args).output().expect("plimsoll runs");
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    (output.status.code(), text(&output.stdout), text(&output.stderr))
}

#[test]
fn committed_rule_pages_are_up_to_date() {
    let out = tempfile::tempdir().expect("a temporary directory");
    let (code, _, stderr) = plimsoll(&["docs", "--out", &out.path().display().to_string()]);
    assert_eq!(code, Some(0), "{stderr}");
    let generated = pages(out.path());
    assert!(generated.contains_key("README.md") && generated.contains_key("security-context/privileged.md"));
    let committed = pages(&docs_rules());
    let mut problems = Vec::new();
    for (page, text) in &generated {
        match committed.get(page) {
            None => problems.push(format!("docs/rules/{page} is missing")),
            Some(old) if old != text => problems.push(format!("docs/rules/{page} is stale")),
            Some(_) => {}
        }
    }
    problems.extend(
        committed
            .keys()
            .filter(|page| !generated.contains_key(*page))
            .map(|page| format!("docs/rules/{page} belongs to no rule (remove it)")),
    );
    assert!(problems.is_empty(), "{}\nregenerate the pages with `{REGENERATE}`", problems.join("\n"));
}

#[test]
fn explain_prints_a_rules_page_as_markdown() {
    let (code, page, stderr) = plimsoll(&["explain", "--format", "markdown", "privileged"]);
    assert_eq!(code, Some(0), "{stderr}");
    let committed = std::fs::read_to_string(docs_rules().join("security-context/privileged.md")).expect("the page");
    assert_eq!(page, committed, "regenerate the pages with `{REGENERATE}`");
    assert!(page.contains("```yaml\n") && page.contains("privileged: true"), "the page shows the examples");
}
