//! Hostile input, bounded: every class of input an attacker (or a broken generator) can hand the
//! linter gets a finding or a clear error, in bounded time and memory. Each test generates its
//! files, runs the real binary on them and asserts what the user sees (the finding or error naming
//! the problem and where it is, the exit code) and ceilings on the run's wall time and peak
//! memory (read from the child's resource usage). The ceilings are loose on purpose: they catch
//! unbounded growth and hangs, not slowness, on a shared machine and in a debug build.
//! `scripts/bench-hostile.sh` prints the actual figures per class.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![cfg(unix)]

mod common;
use serde_json::Value;
use std::io::Read;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

/// What a run showed, and what it cost.
struct Measured {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    wall: Duration,
    peak_rss_mb: u64,
}

impl Measured {
    fn findings(&self) -> Vec<Value> {
        let report: Value = serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}); stderr: {}", self.stderr));
        report["findings"].as_array().cloned().unwrap_or_default()
    }

    /// The yaml/syntax finding of the run: (line, column, message).
    fn syntax_error(&self) -> (u64, u64, String) {
        let findings = self.findings();
        let found = findings.iter().find(|f| f["rule"] == "yaml/syntax");
        let f = found.unwrap_or_else(|| panic!("no yaml/syntax finding in {findings:?}"));
        assert_eq!(f["severity"], "error");
        (f["line"].as_u64().unwrap(), f["column"].as_u64().unwrap(), f["message"].as_str().unwrap().to_string())
    }

    fn within(&self, wall: Duration, rss_mb: u64) -> &Self {
        assert!(self.wall <= wall, "took {:?} (ceiling {wall:?})", self.wall);
        assert!(self.peak_rss_mb <= rss_mb, "peak memory {} MB (ceiling {rss_mb} MB)", self.peak_rss_mb);
        self
    }
}

/// `plimsoll lint --no-config -f json FILE` in `dir`, with the child's peak resident memory.
// The child is reaped by `wait4`, which also gives its own resource usage; clippy sees no `wait`.
#[allow(clippy::zombie_processes)]
fn lint(dir: &Path, file: &str) -> Measured {
    let started = Instant::now();
    let mut child = common::command(dir, &["lint", "--no-config", "-f", "json", file])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the plimsoll binary runs");
    let mut stdout_pipe = child.stdout.take().unwrap();
    let mut stderr_pipe = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        stdout_pipe.read_to_string(&mut text).unwrap();
        text
    });
    let mut stderr = String::new();
    stderr_pipe.read_to_string(&mut stderr).unwrap();
    let stdout = reader.join().unwrap();
    // wait4 reaps this child only and gives its own resource usage (not other tests' children).
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = child.id() as libc::pid_t;
    let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(reaped, pid, "wait4 failed");
    let wall = started.elapsed();
    let code = std::process::ExitStatus::from_raw(status).code();
    // ru_maxrss is in kilobytes on Linux.
    Measured { code, stdout, stderr, wall, peak_rss_mb: usage.ru_maxrss as u64 / 1024 }
}

const POD: &str =
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n";

/// Small inputs: a second or so in a debug build; the ceilings leave room for a loaded machine.
const SMALL_TIME: Duration = Duration::from_secs(60);
const SMALL_RSS_MB: u64 = 512;
/// Inputs of tens of megabytes: 15–30 s in a debug build on an idle machine.
const LARGE_TIME: Duration = Duration::from_secs(400);
const LARGE_RSS_MB: u64 = 1536;

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) {
    std::fs::write(dir.join(name), bytes).unwrap();
}

#[test]
fn ten_thousand_levels_of_nesting_are_a_located_syntax_error() {
    let dir = tempfile::tempdir().unwrap();
    let head = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\n";
    write(dir.path(), "flow.yaml", format!("{head}data:\n  x: {}{}\n", "[".repeat(10_000), "]".repeat(10_000)));
    write(dir.path(), "map.yaml", format!("{head}x: {}1{}\n", "{a: ".repeat(10_000), "}".repeat(10_000)));
    let block: String = (1..=10_000).map(|depth| format!("{}a:\n", " ".repeat(depth))).collect();
    write(dir.path(), "block.yaml", format!("{head}x:\n{block}"));
    for (file, line, message) in
        [("flow.yaml", 5, "recursion limit"), ("map.yaml", 4, "recursion limit"), ("block.yaml", 260, "nests deeper")]
    {
        let run = lint(dir.path(), file);
        run.within(if file == "block.yaml" { LARGE_TIME } else { SMALL_TIME }, SMALL_RSS_MB);
        assert_eq!(run.code, Some(1), "{file}: {}", run.stderr);
        let (at_line, _, text) = run.syntax_error();
        assert_eq!(at_line, line, "{file}: {text}");
        assert!(text.contains(message), "{file}: {text}");
    }
}

#[test]
fn a_hundred_megabyte_file_is_linted_whole() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::with_capacity(105 << 20);
    let mut count = 0;
    while text.len() < 100 << 20 {
        text.push_str(&format!("---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{count}\ndata:\n  blob: "));
        text.push_str(&"x".repeat(10_000));
        text.push('\n');
        count += 1;
    }
    // One broken document at the very end: found, and located, after 100 MB.
    text.push_str("---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: [last}\n");
    let last_line = text.lines().count() as u64;
    write(dir.path(), "big.yaml", &text);
    drop(text);
    let run = lint(dir.path(), "big.yaml");
    run.within(LARGE_TIME, LARGE_RSS_MB);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["summary"]["documents"], count + 1);
    let (line, _, message) = run.syntax_error();
    assert_eq!(line, last_line, "{message}");
}

#[test]
fn one_fifty_megabyte_scalar_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: huge\ndata:\n  blob: {}\n  bad: *nowhere\n",
        "x".repeat(50 << 20)
    );
    write(dir.path(), "scalar.yaml", text);
    let run = lint(dir.path(), "scalar.yaml");
    run.within(LARGE_TIME, LARGE_RSS_MB);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    // The unknown alias after the scalar is found at its line: the whole scalar was read.
    let (line, column, message) = run.syntax_error();
    assert_eq!((line, column), (7, 8), "{message}");
}

#[test]
fn a_million_keys_are_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: keys\ndata:\n");
    for i in 0..1_000_000 {
        text.push_str(&format!("  k{i}: v\n"));
    }
    write(dir.path(), "keys.yaml", text);
    let run = lint(dir.path(), "keys.yaml");
    run.within(LARGE_TIME, LARGE_RSS_MB);
    // Either the object is read and linted, or the loader's node limit stops it with a located
    // error naming the limit.
    match run.code {
        Some(0) => assert!(run.findings().is_empty()),
        Some(1) => {
            let (line, _, message) = run.syntax_error();
            assert!(line > 5 && line <= 1_000_005, "{message} at line {line}");
            assert!(message.contains("nodes"), "{message}");
        }
        other => panic!("exit {other:?}: {}", run.stderr),
    }
}

#[test]
fn binary_and_non_utf8_files_are_refused_naming_the_byte() {
    let dir = tempfile::tempdir().unwrap();
    let mut binary: Vec<u8> = (0..1 << 20).map(|i: u32| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    binary[0] = 0xff;
    write(dir.path(), "binary.yaml", &binary);
    // "web" with its "e" as Latin-1 writes it: a byte that is not UTF-8.
    let mut latin1 = POD.as_bytes().to_vec();
    latin1[POD.find("web").unwrap() + 1] = 0xe9;
    write(dir.path(), "latin1.yaml", latin1);
    for (file, offset) in [("binary.yaml", 0), ("latin1.yaml", POD.find("web").unwrap() + 1)] {
        let run = lint(dir.path(), file);
        run.within(SMALL_TIME, SMALL_RSS_MB);
        assert_eq!(run.code, Some(2), "{file}: {}", run.stderr);
        assert!(run.stderr.contains(&format!("{file}: not valid UTF-8 (byte offset {offset})")), "{}", run.stderr);
    }
}

#[test]
fn nul_bytes_tabs_and_byte_order_marks_inside_are_located_syntax_errors() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "nul.yaml", POD.replace("nginx", "ngi\0nx"));
    write(dir.path(), "tabs.yaml", POD.replace("  name: web", "\tname: web"));
    write(dir.path(), "bom.yaml", format!("{POD}---\n{}", POD.replace("kind: Pod", "kind: \u{feff}Pod")));
    for (file, line, column, message) in [
        ("nul.yaml", 8, 15, "control characters are not allowed"),
        ("tabs.yaml", 4, 2, "tabs"),
        ("bom.yaml", 11, 7, "byte order mark"),
    ] {
        let run = lint(dir.path(), file);
        run.within(SMALL_TIME, SMALL_RSS_MB);
        assert_eq!(run.code, Some(1), "{file}: {}", run.stderr);
        let (at_line, at_column, text) = run.syntax_error();
        assert_eq!((at_line, at_column), (line, column), "{file}: {text}");
        assert!(text.contains(message), "{file}: {text}");
    }
}

#[test]
fn invalid_surrogates_in_json_are_a_located_syntax_error() {
    let dir = tempfile::tempdir().unwrap();
    let json = r#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","labels":{"a":"\ud800"}},"spec":{}}"#;
    write(dir.path(), "surrogate.json", json);
    let run = lint(dir.path(), "surrogate.json");
    run.within(SMALL_TIME, SMALL_RSS_MB);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let (line, column, message) = run.syntax_error();
    assert_eq!(line, 1, "{message}");
    assert!(column as usize >= json.find("\\ud800").unwrap(), "{message} at column {column}");
    assert!(message.contains("Unicode"), "{message}");
}

#[test]
fn huge_numbers_are_judged_not_overflowed() {
    let dir = tempfile::tempdir().unwrap();
    let pod = POD.replace("  name: web\n", &format!("  name: web\n  generation: 1{}\n", "0".repeat(5_000)))
        + &format!("    resources: {{limits: {{cpu: 1e400, memory: {}}}}}\n", "9".repeat(2_000));
    write(dir.path(), "numbers.yaml", pod);
    let run = lint(dir.path(), "numbers.yaml");
    run.within(SMALL_TIME, SMALL_RSS_MB);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let findings = run.findings();
    let generation = findings.iter().find(|f| f["path"] == "metadata.generation");
    let generation = generation.unwrap_or_else(|| panic!("no finding on metadata.generation: {findings:?}"));
    assert_eq!((generation["rule"].as_str(), generation["line"].as_u64()), (Some("schema/type"), Some(5)));
}

#[test]
fn an_alias_bomb_is_stopped() {
    let dir = tempfile::tempdir().unwrap();
    let mut bomb =
        String::from("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\na: &a [x,x,x,x,x,x,x,x,x,x]\n");
    let mut previous = 'a';
    for name in "bcdefghi".chars() {
        bomb.push_str(&format!("{name}: &{name} [{}]\n", vec![format!("*{previous}"); 10].join(",")));
        previous = name;
    }
    bomb.push_str("data: {z: *i}\n");
    write(dir.path(), "bomb.yaml", bomb);
    let run = lint(dir.path(), "bomb.yaml");
    // A billion nodes if expanded: the ceilings hold whatever limit the loader sets on expansion.
    run.within(SMALL_TIME, 2048);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let (line, _, message) = run.syntax_error();
    assert!((5..=13).contains(&line), "{message} at line {line}");
    assert!(message.contains("alias") || message.contains("expan"), "{message}");
}
