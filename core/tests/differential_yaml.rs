//! The loader against kubectl's reading of YAML (the k8syaml oracle, built by
//! `testdata/loader/oracle/build-oracle.sh`) on generated documents.
//!
//! A structure-aware generator (seeded; `PLIMSOLL_YAML_DOCS` documents, 20,000 by default, from
//! `PLIMSOLL_YAML_SEED`, 1) writes documents that mix block and flow collections, anchors,
//! aliases and merge keys (`<<`, one mapping or a list of them), block scalars with every
//! chomping and indentation indicator, YAML 1.1 scalars (`yes`, `on`, `0o17`, `0x1F`, `1_000`,
//! `.inf`, sexagesimal `1:30`, timestamps, huge integers), quoted scalars with escapes, odd keys
//! (booleans, numbers, `null`, quoted, with spaces) and comments. The whole stream goes to the
//! oracle once; each document is read by [`read_documents`] alone, and the two must give equal
//! JSON values, or both an error. Prints and records `yaml differential: …`.
//!
//! The generator stays clear of what `testdata/loader/oracle/known-differences.txt` lists (tabs
//! as indentation, byte order marks, `?` inside flow collections, `:` right after an alias in a
//! flow mapping, nesting past 256 levels), and of mappings whose different keys become one JSON
//! key (`yes:` and `true:`), where the oracle's answer depends on Go's map order. It also avoids
//! two differences it found, where the loader is stricter than go-yaml on text no manifest
//! writer produces:
//! - a key or value kubectl cannot turn into JSON (a `null` key, an integer key past int64,
//!   `.inf`, `.nan`) inside an entry that a later merge key overwrites (go-yaml lets a merge
//!   replace the keys before it): kubectl never converts it, the loader rejects it as it reads it.
//!   Such keys appear in the root mapping only, such values only where no merge follows;
//! - a tag directly followed by `,` `]` or `}` in a flow collection: go-yaml takes those
//!   characters into the tag, YAML 1.2 ends the tag there.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod oracles;

use common::record_score;
use plimsoll_core::load::read_documents;
use serde_json::Value;
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// splitmix64: small, seedable, and the same everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a>(&mut self, values: &[&'a str]) -> &'a str {
        values[self.below(values.len())]
    }

    /// Mostly from `usual`, one time in fifty from `rare`.
    fn pick_mostly<'a>(&mut self, usual: &[&'a str], rare: &[&'a str]) -> &'a str {
        if self.chance(2) {
            self.pick(rare)
        } else {
            self.pick(usual)
        }
    }
}

/// Plain scalars, YAML 1.1 types and lookalikes included.
#[rustfmt::skip]
const PLAIN: &[&str] = &[
    "yes", "no", "on", "off", "y", "n", "Y", "N", "Yes", "NO", "On", "OFF", "true", "True", "TRUE", "false",
    "False", "tRUE", "null", "Null", "NULL", "~", "nULL", "0", "1", "-1", "+1", "007", "08", "09.5", "0o17", "0o8",
    "0x1F", "0X1f", "0xg", "0b101", "0b2", "1_000", "1__0", "_1", "1_", "0.5", ".5", "5.", "-.5", "1e3", "1E3",
    "1.0e+3", "1e-3", "6.02e23", "1e400", "-1e400", "190:20:30", "1:30", "-1:30", "1:60", "12:30:00.5", "1:2:3:4",
    "2001-12-14", "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10 -5", "2002-1-1", "1.2.3",
    "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
    "18446744073709551615", "18446744073709551616", "123456789012345678901234567890", "0.1e1", "1.", "+.5",
    "hello", "hello world", "a:b", "=", "<<", "http://example.com/a?b=c#d", "a#b", "a # comment", "-", "--", "-a",
    "!!str 1", "!!int \"3\"", "!!float 1", "!!bool yes", "!!null ''", "!!binary aGk=", "café", "日本", "100%",
    "a,b", "1,000", "!local x",
];

/// Plain scalars kubectl rejects (or cannot turn into JSON), used rarely so that most documents
/// are valid.
#[rustfmt::skip]
const PLAIN_INVALID: &[&str] = &[
    ".inf", ".Inf", ".INF", "-.inf", "+.inf", ".nan", ".NaN", ".NAN", "a: b", "@a", "`a", "%a", "!a", "*", "&",
];

/// Keys whose JSON text no other generated key shares (each mapping uses at most one of these
/// beside its `k<n>` keys).
#[rustfmt::skip]
const ODD_KEYS: &[&str] = &[
    "yes", "on", "off", "no", "true", "1", "0x10", "0o17", "1.5", "1e3", ".inf", "1:30", "2001-12-14",
    "\"quoted key\"", "'single key'", "a b", "\"\"", "''", "\"k: v\"", "'#'", "-dash", "café", "\"\\u00e9\"",
    "!!str 5",
];

/// Keys kubectl cannot turn into JSON keys: only in the root mapping, which no merge replaces.
const ROOT_KEYS_INVALID: &[&str] = &["null", "~", "9223372036854775808"];

#[rustfmt::skip]
const DOUBLE_QUOTED: &[&str] = &[
    r#""plain""#, r#""a\nb""#, r#""tab\there""#, r#""\x41\u263A\U0001F600""#, r#""quote \" and \\""#, r#""""#,
    r#""\0\a\b\e\f\r\v""#, r#""\N\_\L\P""#, r##""#not a comment""##, r#""yes""#, r#""1""#, "\"line \\\n  continued\"",
    "\"multi\n  line\n\n  text\"", r#""\x7f\u00e9\u2028""#,
];

#[rustfmt::skip]
const DOUBLE_QUOTED_INVALID: &[&str] = &[r#""\/""#, r#""\z""#, r#""\u12""#, r#""\uD800""#, r#""\x4""#];

const SINGLE_QUOTED: &[&str] = &["'plain'", "'it''s'", "''", "'a\\nb'", "'yes'", "'multi\n  line'", "'#x'"];

#[rustfmt::skip]
const BLOCK_HEADERS: &[&str] = &["|", "|-", "|+", ">", ">-", ">+", "|2", "|1-", ">2+", "|-2", "| # c", ">+ # c"];

const BLOCK_HEADERS_INVALID: &[&str] = &["|9", "|0", "|++", "|x"];

#[rustfmt::skip]
const BLOCK_LINES: &[&str] = &["text", "more text", "  indented more", "", "#not a comment", "a: b", "- item", "  ", "x"];

/// Writes one document.
struct Writer<'r> {
    rng: &'r mut Rng,
    out: String,
    /// Anchors defined so far: (name, whether it names a mapping).
    anchors: Vec<(String, bool)>,
    next_anchor: usize,
    /// Set while writing entries a later merge key may overwrite: no values kubectl cannot convert.
    convertible_only: bool,
}

impl Writer<'_> {
    fn document(rng: &mut Rng) -> String {
        let mut writer =
            Writer { rng, out: String::new(), anchors: Vec::new(), next_anchor: 0, convertible_only: false };
        if writer.rng.chance(10) {
            writer.out.push_str("# leading comment\n");
        }
        writer.block_mapping(0, 0, false);
        writer.out
    }

    fn indent(&mut self, n: usize) {
        self.out.extend(std::iter::repeat_n(' ', n));
    }

    fn comment(&mut self) {
        if self.rng.chance(8) {
            self.out.push_str(" # note");
        }
    }

    /// Entries of a block mapping at `indent`; `inline` when the first key follows a `- ` already
    /// written.
    fn block_mapping(&mut self, indent: usize, depth: usize, inline: bool) {
        let entries = 1 + self.rng.below(5);
        let odd_at = if self.rng.chance(30) { Some(self.rng.below(entries)) } else { None };
        let merge_at = self.mergeable().and_then(|_| self.rng.chance(25).then(|| self.rng.below(entries)));
        for i in 0..entries {
            if i > 0 || !inline {
                if self.rng.chance(4) {
                    self.indent(indent);
                    self.out.push_str("# between entries\n");
                }
                self.indent(indent);
            }
            if merge_at == Some(i) {
                self.merge();
                continue;
            }
            let outer = self.convertible_only;
            self.convertible_only |= merge_at.is_some_and(|at| i < at);
            let key = match odd_at {
                Some(at) if at == i && depth == 0 => self.rng.pick_mostly(ODD_KEYS, ROOT_KEYS_INVALID).to_string(),
                Some(at) if at == i => self.rng.pick(ODD_KEYS).to_string(),
                _ => format!("k{i}"),
            };
            self.out.push_str(&key);
            self.out.push(':');
            self.value(indent, depth);
            self.convertible_only = outer;
        }
    }

    /// A plain scalar; now and then one kubectl rejects.
    fn plain(&mut self) -> String {
        let invalid: &[&str] = if self.convertible_only { &[] } else { PLAIN_INVALID };
        if !invalid.is_empty() && self.rng.chance(2) {
            self.rng.pick(invalid).to_string()
        } else {
            self.rng.pick(PLAIN).to_string()
        }
    }

    /// Some mapping anchor, if any was defined.
    fn mergeable(&mut self) -> Option<String> {
        let maps: Vec<&String> = self.anchors.iter().filter(|(_, is_map)| *is_map).map(|(name, _)| name).collect();
        (!maps.is_empty()).then(|| maps[self.rng.below(maps.len())].clone())
    }

    fn merge(&mut self) {
        let first = self.mergeable().unwrap();
        match self.rng.below(10) {
            0..=5 => self.out.push_str(&format!("<<: *{first}\n")),
            6..=7 => {
                let second = self.mergeable().unwrap();
                self.out.push_str(&format!("<<: [*{first}, *{second}]\n"));
            }
            8 => self.out.push_str("<<: {m1: 1, m2: two}\n"),
            _ => self.out.push_str(&format!("<<: {}\n", self.rng.pick(&["1", "[1, 2]", "null", "x"]))),
        }
    }

    /// A value after `key:` (the rest of the line and any lines below it).
    fn value(&mut self, indent: usize, depth: usize) {
        let nested = depth < 5;
        let choice = self.rng.below(if nested { 100 } else { 70 });
        // An anchor on this value, sometimes.
        let anchor = if self.rng.chance(12) {
            self.next_anchor += 1;
            Some(format!("a{}", self.next_anchor))
        } else {
            None
        };
        let anchor_text = anchor.as_ref().map(|a| format!(" &{a}")).unwrap_or_default();
        match choice {
            0..=29 => {
                self.out.push_str(&anchor_text);
                self.out.push(' ');
                let scalar = self.plain();
                self.out.push_str(&scalar);
                self.comment();
                self.out.push('\n');
                self.remember(anchor, false);
            }
            30..=39 => {
                self.out.push_str(&anchor_text);
                self.out.push(' ');
                let quoted = if self.rng.chance(60) {
                    self.rng.pick_mostly(DOUBLE_QUOTED, DOUBLE_QUOTED_INVALID)
                } else {
                    self.rng.pick(SINGLE_QUOTED)
                };
                self.out.push_str(&quoted.replace('\n', &format!("\n{}", " ".repeat(indent + 2))));
                self.comment();
                self.out.push('\n');
                self.remember(anchor, false);
            }
            40..=47 => {
                self.out.push_str(&anchor_text);
                self.out.push(' ');
                let header = self.rng.pick_mostly(BLOCK_HEADERS, BLOCK_HEADERS_INVALID).to_string();
                self.out.push_str(&header);
                self.out.push('\n');
                let body_indent = indent + 2;
                for _ in 0..1 + self.rng.below(4) {
                    let line = self.rng.pick(BLOCK_LINES);
                    if !line.is_empty() {
                        self.indent(body_indent);
                    }
                    self.out.push_str(line);
                    self.out.push('\n');
                }
                if self.rng.chance(30) {
                    self.out.push('\n');
                }
                self.remember(anchor, false);
            }
            48..=54 => {
                self.out.push_str(&anchor_text);
                self.out.push(' ');
                let is_map = self.rng.chance(50);
                let flow = self.flow(is_map, 0);
                self.out.push_str(&flow);
                self.comment();
                self.out.push('\n');
                self.remember(anchor, is_map);
            }
            55..=62 if !self.anchors.is_empty() => {
                let (name, _) = self.anchors[self.rng.below(self.anchors.len())].clone();
                self.out.push_str(&format!(" *{name}"));
                self.comment();
                self.out.push('\n');
            }
            55..=69 => {
                // Nothing: null.
                self.comment();
                self.out.push('\n');
            }
            70..=84 => {
                self.out.push_str(&anchor_text);
                self.comment();
                self.out.push('\n');
                self.block_mapping(indent + 2, depth + 1, false);
                self.remember(anchor, true);
            }
            _ => {
                self.out.push_str(&anchor_text);
                self.out.push('\n');
                // Sequences under a key may sit at the key's own indentation.
                let seq_indent = if self.rng.chance(50) { indent } else { indent + 2 };
                self.block_sequence(seq_indent, depth + 1);
                self.remember(anchor, false);
            }
        }
    }

    fn remember(&mut self, anchor: Option<String>, is_map: bool) {
        if let Some(name) = anchor {
            self.anchors.push((name, is_map));
        }
    }

    fn block_sequence(&mut self, indent: usize, depth: usize) {
        for _ in 0..1 + self.rng.below(4) {
            self.indent(indent);
            self.out.push('-');
            match self.rng.below(10) {
                0..=4 => {
                    self.out.push(' ');
                    let scalar = self.plain();
                    self.out.push_str(&scalar);
                    self.out.push('\n');
                }
                5..=6 if depth < 5 => {
                    self.out.push(' ');
                    self.block_mapping(indent + 2, depth + 1, true);
                }
                7 => {
                    self.out.push(' ');
                    let is_map = self.rng.chance(50);
                    let flow = self.flow(is_map, 0);
                    self.out.push_str(&flow);
                    self.out.push('\n');
                }
                8 if !self.anchors.is_empty() => {
                    let (name, _) = self.anchors[self.rng.below(self.anchors.len())].clone();
                    self.out.push_str(&format!(" *{name}\n"));
                }
                _ => {
                    let quoted = self.rng.pick(DOUBLE_QUOTED).replace('\n', " ");
                    self.out.push(' ');
                    self.out.push_str(&quoted);
                    self.out.push('\n');
                }
            }
        }
    }

    /// A flow collection on one line.
    fn flow(&mut self, is_map: bool, depth: usize) -> String {
        let items = self.rng.below(4);
        let mut parts = Vec::new();
        for i in 0..items {
            let value = match self.rng.below(10) {
                0..=5 => self.flow_scalar(),
                6 | 7 if depth < 3 => {
                    let inner_is_map = self.rng.chance(50);
                    self.flow(inner_is_map, depth + 1)
                }
                8 if !self.anchors.is_empty() => {
                    let (name, _) = self.anchors[self.rng.below(self.anchors.len())].clone();
                    // An alias needs a space before a following `:` or `,` in go-yaml and YAML 1.2 alike.
                    format!("*{name} ")
                }
                _ => self.rng.pick(DOUBLE_QUOTED).replace('\n', " "),
            };
            parts.push(if is_map { format!("f{i}: {value}") } else { value });
        }
        let (open, close) = if is_map { ("{", "}") } else { ("[", "]") };
        let trailing = if !parts.is_empty() && self.rng.chance(10) { "," } else { "" };
        format!("{open}{}{trailing}{close}", parts.join(", "))
    }

    /// Plain scalars that flow context allows unchanged.
    fn flow_scalar(&mut self) -> String {
        loop {
            let scalar = self.rng.pick(PLAIN);
            // A tag right before `,` `]` `}` takes them in go-yaml (URI characters); YAML 1.2 ends it there.
            if !scalar.contains([',', '[', ']', '{', '}', '#', ':', '!']) {
                return scalar.to_string();
            }
        }
    }
}

/// Builds the oracle with its own script; `None` when it reports Go missing (exit 2), which fails
/// under `CI=true`.
fn k8syaml() -> Option<PathBuf> {
    let script = oracles::repo_root().join("testdata/loader/oracle/build-oracle.sh");
    let output = Command::new("bash").arg(&script).stderr(Stdio::inherit()).output().unwrap();
    match output.status.code() {
        Some(0) => Some(PathBuf::from(String::from_utf8(output.stdout).unwrap().trim())),
        Some(2) if std::env::var("CI").as_deref() != Ok("true") => {
            println!("the k8syaml oracle is unavailable (Go missing): skipped the YAML differential test");
            None
        }
        _ => panic!("the k8syaml oracle could not be built ({})", script.display()),
    }
}

/// What one document turned into: its JSON, or the error.
fn ours(text: &str) -> Vec<Result<Value, String>> {
    read_documents(text)
        .into_iter()
        .filter_map(|document| match document.result {
            Ok(None) => None,
            Ok(Some((value, _))) => Some(Ok(value)),
            Err(problem) => Some(Err(problem.message)),
        })
        .collect()
}

fn theirs(line: &str) -> Option<Value> {
    let value: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("bad oracle line {line:?}: {e}"));
    match &value {
        Value::Object(map) if map.len() == 1 && map.get("error").is_some_and(Value::is_string) => None,
        _ => Some(value),
    }
}

#[test]
fn generated_documents() {
    let Some(oracle) = k8syaml() else { return };
    let count = oracles::env_number("PLIMSOLL_YAML_DOCS", 20_000) as usize;
    let seed = oracles::env_number("PLIMSOLL_YAML_SEED", 1);
    let mut rng = Rng(seed);
    let documents: Vec<String> = (0..count).map(|_| Writer::document(&mut rng)).collect();
    let stream = documents.join("---\n");
    // Kept for reproducing a disagreement: `k8syaml < yaml-differential.yaml`.
    let _ = std::fs::write(std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("yaml-differential.yaml"), &stream);
    let output = oracles::run(&oracle, &[], stream.into_bytes());
    let expected: Vec<Option<Value>> = output.lines().map(theirs).collect();
    assert_eq!(expected.len(), count, "the oracle read a different number of documents");

    let mut disagreements = Vec::new();
    let mut errors = 0;
    for (text, expected) in documents.iter().zip(&expected) {
        errors += usize::from(expected.is_none());
        let got = ours(text);
        let agree = match (got.as_slice(), expected) {
            ([Ok(ours)], Some(theirs)) => ours == theirs,
            ([Err(_)], None) => true,
            _ => false,
        };
        if !agree {
            disagreements.push(format!(
                "---\n{text}  kubectl: {}\n  plimsoll: {}",
                expected.as_ref().map_or("error".into(), |v| oracles::shorten(&v.to_string(), 400)),
                oracles::shorten(&format!("{got:?}"), 400)
            ));
        }
    }
    record_score(&format!(
        "yaml differential: {}/{count} generated documents agree ({errors} errors for both; seed {seed})",
        count - disagreements.len()
    ));
    assert!(
        disagreements.is_empty(),
        "{} documents read differently from kubectl:\n{}",
        disagreements.len(),
        disagreements.iter().take(15).cloned().collect::<Vec<_>>().join("\n")
    );
    assert!(errors < count / 2, "{errors} of {count} documents are errors: the generator makes too few valid ones");
}
