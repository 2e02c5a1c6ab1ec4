//! One stream against many files: the same documents as separate files, as one file, on standard
//! input and as the items of a `kind: List` give the same findings in the same order (with lines
//! counted in the stream); long inputs, read and linted block by block, included. And what the
//! loader says of inputs too big to read: an alias bomb, a document over the node limit.

mod common;
use common::{command, plimsoll_in, root, work_tree, write_files, Run};
use serde_json::Value;
use std::io::Write;
use std::path::Path;
use std::process::Stdio;

fn lint_stdin(dir: &Path, args: &[&str], input: String) -> Run {
    let mut child = command(dir, args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the plimsoll binary starts");
    let mut pipe = child.stdin.take().expect("stdin is piped");
    let writer = std::thread::spawn(move || pipe.write_all(input.as_bytes()));
    let output = child.wait_with_output().expect("the plimsoll binary runs");
    let _ = writer.join();
    Run {
        code: output.status.code(),
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    }
}

/// A finding as a stream shows it: `line` (and a line its message names) moved by `offset` lines,
/// the file name left out.
fn moved(finding: &Value, offset: i64) -> Value {
    let mut finding = finding.clone();
    let line = finding["line"].as_u64().expect("a line");
    finding["line"] = Value::from(line.saturating_add_signed(offset));
    let message = finding["message"].as_str().expect("a message").to_string();
    const FIRST: &str = "(first on line ";
    if let Some(at) = message.find(FIRST) {
        let (before, rest) = message.split_at(at + FIRST.len());
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        let first: u64 = digits.parse().expect("a line number");
        finding["message"] =
            Value::from(format!("{before}{}{}", first.saturating_add_signed(offset), &rest[digits.len()..]));
    }
    finding.as_object_mut().expect("an object").remove("file");
    finding
}

/// Joins files into one stream; gives the stream and, for each file, the line it starts on less one.
fn join(files: &[(String, String)]) -> (String, Vec<u64>) {
    let mut stream = String::new();
    let mut offsets = Vec::new();
    for (i, (_, text)) in files.iter().enumerate() {
        if i > 0 {
            stream.push_str("---\n");
        }
        offsets.push(stream.matches('\n').count() as u64);
        stream.push_str(text);
        if !text.ends_with('\n') {
            stream.push('\n');
        }
    }
    (stream, offsets)
}

/// Lints `files` as files, as one file and on standard input, and checks that the three reports
/// hold the same findings in the same order, and count the same documents.
fn check_stream_matches_files(files: &[(String, String)]) {
    let dir = work_tree();
    let named: Vec<(String, String)> =
        files.iter().map(|(name, text)| (format!("files/{name}"), text.clone())).collect();
    let borrowed: Vec<(&str, &str)> = named.iter().map(|(n, t)| (n.as_str(), t.as_str())).collect();
    write_files(dir.path(), &borrowed);
    let (stream, offsets) = join(files);
    std::fs::write(dir.path().join("stream.yaml"), &stream).expect("write the stream");

    let per_file = plimsoll_in(dir.path(), &["lint", "--format", "json", "files"]);
    let one_file = plimsoll_in(dir.path(), &["lint", "--format", "json", "stream.yaml"]);
    let stdin = lint_stdin(dir.path(), &["lint", "--format", "json", "-"], stream);
    let (per_file, one_file, stdin) = (per_file.json(), one_file.json(), stdin.json());

    let offset_of = |file: &str| {
        let index = named.iter().position(|(name, _)| name == file).expect("a known file");
        offsets[index]
    };
    let expected: Vec<Value> = per_file["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| moved(f, offset_of(f["file"].as_str().expect("a file")) as i64))
        .collect();
    assert!(!expected.is_empty(), "the inputs have findings to compare");
    for (report, file) in [(&one_file, "stream.yaml"), (&stdin, "<stdin>")] {
        let findings = report["findings"].as_array().expect("findings");
        assert!(findings.iter().all(|f| f["file"] == file), "every finding names {file}");
        let got: Vec<Value> = findings.iter().map(|f| moved(f, 0)).collect();
        assert_eq!(got.len(), expected.len(), "as many findings from {file} as from the files");
        for (i, (got, expected)) in got.iter().zip(&expected).enumerate() {
            assert_eq!(got, expected, "finding {i} from {file}");
        }
        let summary = &report["summary"];
        assert_eq!(summary["files"], 1);
        for key in ["documents", "findings", "errors", "warnings", "infos"] {
            assert_eq!(summary[key], per_file["summary"][key], "{key} of {file}");
        }
    }
}

#[test]
fn a_stream_reports_what_its_files_report() {
    let examples = root().join("testdata/examples");
    let mut names: Vec<_> = std::fs::read_dir(&examples)
        .expect("testdata/examples")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".yaml") && name != "expected.yaml")
        .collect();
    names.sort();
    let files: Vec<(String, String)> = names
        .into_iter()
        .map(|name| {
            let text = std::fs::read_to_string(examples.join(&name)).expect("an example");
            (name, text)
        })
        .collect();
    check_stream_matches_files(&files);
}

/// `count` small documents: pods with findings (one suppressed by a comment), config maps carrying
/// `padding` bytes, a syntax error and a duplicate key now and then, a list, content after a
/// separator.
fn many_documents(count: usize, padding: usize) -> Vec<String> {
    let filler = "x".repeat(padding);
    (0..count)
        .map(|i| match i % 7 {
            0 => format!(
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p{i}\nspec:\n  containers:\n    - name: app\n      image: app:latest # plimsoll-ignore: latest-tag\n      securityContext:\n        privileged: true\n"
            ),
            1 => format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c{i}\ndata:\n  filler: {filler}\n"),
            2 => format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p{i}\n  name: again\nspec:\n  containers: [{{name: a, image: a}}]\n"),
            3 => format!("apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: broken{i}\n"),
            4 => format!(
                "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {{name: l{i}}}\n  spec:\n    hostNetwork: true\n    containers: [{{name: a, image: a:1}}]\n- apiVersion: v1\n  kind: Service\n  metadata: {{name: s{i}}}\n"
            ),
            _ => format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c{i}\ndata:\n  filler: {filler}\n"),
        })
        .collect()
}

#[test]
fn long_streams_read_in_blocks_report_what_their_files_report() {
    // 2,600 documents: standard input is read in three blocks; with 4 KB in three config maps of seven the
    // stream file is long enough to be linted block by block too.
    let documents = many_documents(2600, 4000);
    let files: Vec<(String, String)> = documents
        .chunks(100)
        .enumerate()
        .map(|(i, chunk)| {
            let text = chunk.join("--- # a comment on the separator line\n");
            (format!("part-{i:03}.yaml"), text)
        })
        .collect();
    assert!(files.iter().map(|(_, t)| t.len()).sum::<usize>() > 4 << 20, "long enough to be cut in blocks");
    check_stream_matches_files(&files);
}

#[test]
fn list_items_report_what_the_same_documents_report() {
    let documents = many_documents(60, 10);
    let objects: Vec<&String> =
        documents.iter().enumerate().filter(|(i, _)| matches!(i % 7, 0 | 1 | 5)).map(|(_, d)| d).collect();
    let mut list = String::from("apiVersion: v1\nkind: List\nitems:\n");
    for document in &objects {
        for (n, line) in document.lines().enumerate() {
            list.push_str(if n == 0 { "- " } else { "  " });
            list.push_str(line);
            list.push('\n');
        }
    }
    let stream = objects.iter().map(|d| d.as_str()).collect::<Vec<_>>().join("---\n");
    let dir = work_tree();
    write_files(dir.path(), &[("list.yaml", &list), ("stream.yaml", &stream)]);
    let what = |report: &Value| -> Vec<Value> {
        let findings = report["findings"].as_array().expect("findings");
        let keep = ["rule", "severity", "message", "path", "object"];
        findings.iter().map(|f| keep.iter().map(|k| (k.to_string(), f[*k].clone())).collect()).collect()
    };
    let listed = plimsoll_in(dir.path(), &["lint", "--format", "json", "list.yaml"]).json();
    let separate = plimsoll_in(dir.path(), &["lint", "--format", "json", "stream.yaml"]).json();
    assert!(!what(&listed).is_empty());
    assert_eq!(what(&listed), what(&separate));
    assert_eq!(listed["summary"]["documents"], objects.len());
    // The items' findings are located in the list, each under its item.
    let lines: Vec<u64> = listed["findings"].as_array().unwrap().iter().map(|f| f["line"].as_u64().unwrap()).collect();
    assert!(lines.windows(2).all(|w| w[0] <= w[1]), "in the list's order: {lines:?}");
}

#[test]
fn an_alias_bomb_is_refused_as_excessive_aliasing() {
    let mut bomb = String::from("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: laughs}\ndata:\n");
    bomb.push_str("  a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    for (previous, name) in "abcdefgh".chars().zip("bcdefghi".chars()) {
        bomb.push_str(&format!("  {name}: &{name} [{}]\n", vec![format!("*{previous}"); 9].join(",")));
    }
    let dir = work_tree();
    write_files(dir.path(), &[("bomb.yaml", &bomb)]);
    let run = plimsoll_in(dir.path(), &["lint", "--format", "compact", "bomb.yaml"]);
    assert_eq!(run.code, Some(1), "{}", run.transcript());
    let lines: Vec<&str> = run.stdout.lines().collect();
    let [line] = lines[..] else { panic!("one finding expected:\n{}", run.transcript()) };
    assert!(line.starts_with("bomb.yaml:8:"), "{line}");
    assert!(line.contains("error[yaml/syntax] document contains excessive aliasing: "), "{line}");
    assert!(line.ends_with("come from aliases (kubectl refuses more than 99% at this size)"), "{line}");
}

#[test]
fn a_document_over_the_node_limit_is_reported_for_its_size_and_the_limit_can_be_raised() {
    let mut configmap = String::from("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n");
    for i in 0..600 {
        configmap.push_str(&format!("  key{i}: value{i}\n"));
    }
    let dir = work_tree();
    write_files(dir.path(), &[("big.yaml", &configmap)]);
    let expected = "error[yaml/syntax] document is too large: it holds more than 1000 YAML nodes \
                    (the max_document_nodes setting raises this limit)";
    let run = plimsoll_in(dir.path(), &["lint", "--format", "compact", "--max-document-nodes", "1000", "big.yaml"]);
    assert_eq!(run.code, Some(1), "{}", run.transcript());
    assert!(run.stdout.contains(expected), "{}", run.transcript());
    assert!(!run.stdout.contains("alias"), "{}", run.transcript());

    write_files(dir.path(), &[(".plimsoll.yaml", "max_document_nodes: 1000\n")]);
    let configured = plimsoll_in(dir.path(), &["lint", "--format", "compact", "big.yaml"]);
    assert!(configured.stdout.contains(expected), "{}", configured.transcript());
    let raised = plimsoll_in(dir.path(), &["lint", "--format", "compact", "--max-document-nodes", "2000", "big.yaml"]);
    assert_eq!(raised.code, Some(0), "{}", raised.transcript());

    write_files(dir.path(), &[(".plimsoll.yaml", "max_document_nodes: many\n")]);
    let invalid = plimsoll_in(dir.path(), &["lint", "big.yaml"]);
    assert_eq!(invalid.code, Some(2), "{}", invalid.transcript());
    assert!(invalid.stderr.contains("max_document_nodes must be a positive whole number"), "{}", invalid.transcript());
}

/// `documents` as the items of one `kind: List` (`- ` before each item's first line, two spaces
/// before the others), and for each item the line it starts on less one.
fn as_list(documents: &[String]) -> (String, Vec<u64>) {
    let mut list = String::from("apiVersion: v1\nkind: List\nitems:\n");
    let mut offsets = Vec::new();
    for document in documents {
        offsets.push(list.matches('\n').count() as u64);
        for (n, line) in document.lines().enumerate() {
            list.push_str(if n == 0 { "- " } else { "  " });
            list.push_str(line);
            list.push('\n');
        }
    }
    (list, offsets)
}

/// The findings of a report as a stream shows them (see [`moved`]), each item's document moved from
/// the stream's lines to the list's, two columns to the right.
fn findings_in_list(report: &Value, stream_offsets: &[u64], list_offsets: &[u64]) -> Vec<Value> {
    let findings = report["findings"].as_array().expect("findings");
    findings
        .iter()
        .map(|f| {
            let line = f["line"].as_u64().expect("a line");
            let document = stream_offsets.iter().rposition(|&offset| offset < line).expect("a document");
            let mut f = moved(f, list_offsets[document] as i64 - stream_offsets[document] as i64);
            f["column"] = Value::from(f["column"].as_u64().expect("a column") + 2);
            f
        })
        .collect()
}

#[test]
fn a_long_list_reports_its_items_as_separate_documents_report_them_at_the_same_places() {
    // 3,000 items: pods with findings (one suppressed by a comment on its line), a key set twice,
    // config maps.
    check_list_reports_as_documents(&list_documents(10), KindLine::First, true);
}

#[test]
fn a_list_over_4_mib_written_piece_by_piece_reports_what_its_documents_report() {
    // With config maps of 4 KB the list is over 4 MiB, long enough to be reported a few slices of
    // items at a time: the pieces together are the report of the same documents. Its `kind` line
    // first, or after the items as `kubectl get -o yaml` writes it.
    let documents = list_documents(4000);
    check_list_reports_as_documents(&documents, KindLine::First, true);
    check_list_reports_as_documents(&documents, KindLine::Last, false);
}

/// The 3,000 documents of the long-list tests, config maps padded with `padding` bytes.
fn list_documents(padding: usize) -> Vec<String> {
    let documents: Vec<String> = many_documents(4200, padding)
        .into_iter()
        .enumerate()
        .filter(|(i, _)| !matches!(i % 7, 3 | 4))
        .map(|(_, d)| d)
        .collect();
    assert_eq!(documents.len(), 3000);
    documents
}

/// Where a list's `kind` line is.
#[derive(Clone, Copy, PartialEq)]
enum KindLine {
    First,
    Last,
}

/// Lints `documents` as separate documents of one stream and as the items of a list (from a file,
/// and from standard input if `stdin`), and checks that the list's findings are the documents',
/// each at its place in the list, with the same counts.
fn check_list_reports_as_documents(documents: &[String], kind: KindLine, stdin: bool) {
    let named: Vec<(String, String)> = documents.iter().map(|d| (String::new(), d.clone())).collect();
    let (stream, stream_offsets) = join(&named);
    let (list, list_offsets) = match kind {
        KindLine::First => as_list(documents),
        KindLine::Last => as_list_kind_last(documents),
    };
    let dir = work_tree();
    write_files(dir.path(), &[("list.yaml", &list), ("stream.yaml", &stream)]);
    let separate = plimsoll_in(dir.path(), &["lint", "--format", "json", "stream.yaml"]).json();
    let expected = findings_in_list(&separate, &stream_offsets, &list_offsets);
    assert!(expected.iter().any(|f| f["rule"] == "yaml/duplicate-key"), "a key set twice is among them");
    let mut reports = vec![plimsoll_in(dir.path(), &["lint", "--format", "json", "list.yaml"]).json()];
    if stdin {
        reports.push(lint_stdin(dir.path(), &["lint", "--format", "json", "-"], list).json());
    }
    for report in &reports {
        let got: Vec<Value> = report["findings"].as_array().expect("findings").iter().map(|f| moved(f, 0)).collect();
        assert_eq!(got.len(), expected.len());
        for (i, (got, expected)) in got.iter().zip(&expected).enumerate() {
            assert_eq!(got, expected, "finding {i}");
        }
        assert_eq!(report["summary"]["files"], 1);
        for key in ["documents", "findings", "errors", "warnings", "infos", "suppressed"] {
            assert_eq!(report["summary"][key], separate["summary"][key], "{key}");
        }
    }
}

#[test]
fn human_output_of_a_long_list_shows_each_finding_and_related_place_at_its_line() {
    // A list of some 200 KB: an Ingress at its end names a port its Service, at its start, lacks,
    // so a related place is shown from far away in the same long text.
    let service = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector: {app: web}\n  ports:\n  - port: 80\n";
    let ingress = "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\nspec:\n  rules:\n  - http:\n      paths:\n      - path: /\n        pathType: Prefix\n        backend:\n          service:\n            name: web\n            port: {number: 8080}\n";
    let mut documents = vec![service.to_string()];
    documents.extend(list_documents(10).into_iter().take(1500));
    documents.push(ingress.to_string());
    let (list, _) = as_list(&documents);
    assert!(list.len() > 64 << 10, "long enough for the line index");
    let dir = work_tree();
    write_files(dir.path(), &[("list.yaml", &list)]);
    let report = plimsoll_in(dir.path(), &["lint", "--format", "json", "list.yaml"]).json();
    let human = plimsoll_in(dir.path(), &["lint", "--format", "human", "list.yaml"]);
    let lines: Vec<&str> = list.lines().collect();
    let shown: std::collections::HashSet<&str> = human.stdout.lines().map(str::trim).collect();
    let shown_at = |line: &Value, column: &Value, what: &str| {
        let (line, column) = (line.as_u64().expect("a line"), column.as_u64().expect("a column"));
        let header = format!("╭─[list.yaml:{line}:{column}]");
        assert!(shown.contains(header.as_str()), "{what} at {header}");
        let snippet = format!("{line} │ {}", lines[line as usize - 1].trim_end());
        assert!(shown.contains(snippet.trim()), "{what}'s line shown: {snippet}");
    };
    let findings = report["findings"].as_array().expect("findings");
    let mut places = 0;
    for finding in findings {
        shown_at(&finding["line"], &finding["column"], finding["rule"].as_str().unwrap_or_default());
        places += 1;
        for related in finding["related"].as_array().into_iter().flatten() {
            shown_at(&related["line"], &related["column"], "a related place");
            places += 1;
        }
    }
    assert!(places > findings.len(), "a finding has a related place: {}", human.transcript());
    assert_eq!(human.stdout.matches("╭─[").count(), places, "one snippet per place");
}

/// [`as_list`] with the list's `kind` line after its items, as `kubectl get -o yaml` writes it.
fn as_list_kind_last(documents: &[String]) -> (String, Vec<u64>) {
    let (list, offsets) = as_list(documents);
    let items = list.strip_prefix("apiVersion: v1\nkind: List\n").expect("as_list's header");
    let list = format!("apiVersion: v1\n{items}kind: List\nmetadata:\n  resourceVersion: \"\"\n");
    (list, offsets.into_iter().map(|offset| offset - 1).collect())
}

/// Each finding's rule, severity, message, path and object, in order.
fn what_is_found(report: &Value) -> Vec<Value> {
    let findings = report["findings"].as_array().expect("findings");
    let keep = ["rule", "severity", "message", "path", "object"];
    findings.iter().map(|f| keep.iter().map(|k| (k.to_string(), f[*k].clone())).collect()).collect()
}

#[test]
fn a_json_list_reports_what_the_same_yaml_list_reports() {
    let pod = |i: usize| {
        serde_json::json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": format!("p{i}")},
            "spec": {"hostNetwork": true, "containers": [{"name": "a", "image": "a:latest"}]}})
    };
    let items: Vec<Value> = (0..500).map(pod).collect();
    let json = serde_json::json!({"apiVersion": "v1", "kind": "List", "items": items}).to_string();
    let yaml: Vec<String> = items.iter().map(serde_yaml_text).collect();
    let (yaml, _) = as_list(&yaml);
    let dir = work_tree();
    write_files(dir.path(), &[("list.json", &json), ("list.yaml", &yaml)]);
    let from_json = plimsoll_in(dir.path(), &["lint", "--format", "json", "list.json"]).json();
    let from_yaml = plimsoll_in(dir.path(), &["lint", "--format", "json", "list.yaml"]).json();
    assert_eq!(from_json["summary"]["documents"], 500);
    assert!(what_is_found(&from_json).len() >= 500);
    assert_eq!(what_is_found(&from_json), what_is_found(&from_yaml));
    // On the JSON text's one line, each item's findings come after the previous item's.
    let columns: Vec<u64> =
        from_json["findings"].as_array().unwrap().iter().map(|f| f["column"].as_u64().unwrap()).collect();
    assert!(columns.windows(2).all(|w| w[0] <= w[1]), "in the list's order");
}

/// A JSON value as a block YAML document (JSON is YAML; one key per line keeps the items readable).
fn serde_yaml_text(value: &Value) -> String {
    fn write(value: &Value, indent: usize, out: &mut String) {
        match value {
            Value::Object(map) => {
                for (key, value) in map {
                    out.push_str(&format!("{:indent$}{key}:", ""));
                    match value {
                        Value::Object(_) => {
                            out.push('\n');
                            write(value, indent + 2, out);
                        }
                        other => out.push_str(&format!(" {other}\n")),
                    }
                }
            }
            other => out.push_str(&format!("{:indent$}{other}\n", "")),
        }
    }
    let mut out = String::new();
    write(value, 0, &mut out);
    out
}

/// A Pod whose one container's image has the `:latest` tag (a finding).
fn latest_pod(name: &str) -> String {
    format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\nspec:\n  containers:\n  - name: a\n    image: a:latest\n")
}

#[test]
fn a_list_with_a_broken_item_is_one_syntax_error_and_the_documents_around_it_are_linted() {
    // As kubectl reads it: the list is one YAML document, and a document that does not parse is
    // refused whole.
    let broken = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: [broken\n".to_string();
    let (list, offsets) = as_list(&[latest_pod("in-list-1"), broken, latest_pod("in-list-2")]);
    let stream = format!("{}---\n{list}---\n{}", latest_pod("before"), latest_pod("after"));
    let list_start = latest_pod("before").lines().count() as u64 + 1;
    let dir = work_tree();
    write_files(dir.path(), &[("stream.yaml", &stream)]);
    let report = plimsoll_in(dir.path(), &["lint", "--format", "json", "stream.yaml"]).json();
    let findings = report["findings"].as_array().expect("findings");
    let syntax: Vec<&Value> = findings.iter().filter(|f| f["rule"] == "yaml/syntax").collect();
    assert_eq!(syntax.len(), 1, "{syntax:?}");
    let line = syntax[0]["line"].as_u64().unwrap();
    let (broken_from, broken_to) = (list_start + offsets[1] + 1, list_start + offsets[2]);
    assert!(
        (broken_from..=broken_to + 1).contains(&line),
        "at the broken item (lines {broken_from}-{broken_to}): {line}"
    );
    let names: std::collections::BTreeSet<&str> =
        findings.iter().filter_map(|f| f["object"]["name"].as_str()).collect();
    assert_eq!(names.into_iter().collect::<Vec<_>>(), ["after", "before"], "the list's items are not linted");
    assert_eq!(report["summary"]["documents"], 3);
}

#[test]
fn a_list_over_4_mib_that_breaks_near_its_end_keeps_the_findings_written_before() {
    // Its first pieces are written before the broken item is read: every item before it is
    // reported, then the syntax error the list reads as; the items after it are not linted.
    let filler = "x".repeat(4000);
    let config_map =
        |i: usize| format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c{i}\ndata:\n  filler: {filler}\n");
    let mut documents: Vec<String> =
        (0..2400).map(|i| if i % 2 == 0 { latest_pod(&format!("p{i}")) } else { config_map(i) }).collect();
    documents.push("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: [broken\n".to_string());
    documents.push(latest_pod("after"));
    let (list, offsets) = as_list(&documents);
    assert!(list.len() > 4 << 20);
    let dir = work_tree();
    write_files(dir.path(), &[("list.yaml", &list)]);
    let report = plimsoll_in(dir.path(), &["lint", "--format", "json", "list.yaml"]).json();
    let findings = report["findings"].as_array().expect("findings");
    let syntax: Vec<&Value> = findings.iter().filter(|f| f["rule"] == "yaml/syntax").collect();
    assert_eq!(syntax.len(), 1, "{syntax:?}");
    assert_eq!(findings.last(), Some(syntax[0]), "the error ends the report");
    let line = syntax[0]["line"].as_u64().expect("a line");
    assert!(line > offsets[2400], "at the broken item: {line}");
    let names: std::collections::BTreeSet<&str> =
        findings.iter().filter_map(|f| f["object"]["name"].as_str()).collect();
    assert!(!names.contains("after"), "not linted: the item after the broken one");
    assert_eq!(names.len(), 1200, "every pod before the broken item is reported: {names:?}");
    let lines: Vec<u64> = findings.iter().map(|f| f["line"].as_u64().expect("a line")).collect();
    assert!(lines.windows(2).all(|w| w[0] <= w[1]), "in the list's order");
}

/// A list long enough to be read in pieces is held to the node limit as a whole, as when read
/// item by item: over it, the list is one error about its size and none of its items is linted.
#[test]
fn a_long_list_over_the_node_limit_is_one_error_about_its_size() {
    let pods: Vec<String> = (0..3000).map(|i| latest_pod(&format!("p{i}"))).collect();
    let (list, _) = as_list(&pods);
    assert!(list.len() > 256 << 10, "read in pieces");
    let dir = work_tree();
    write_files(dir.path(), &[("list.yaml", &list)]);
    let lint = |limit: &str| {
        plimsoll_in(dir.path(), &["lint", "--format", "json", "--max-document-nodes", limit, "list.yaml"])
    };
    let over = lint("30000").json();
    let findings = over["findings"].as_array().expect("findings");
    let [finding] = &findings[..] else { panic!("one finding expected: {findings:?}") };
    assert_eq!(finding["rule"], "yaml/syntax");
    assert!(finding["message"].as_str().is_some_and(|m| m.starts_with("document is too large")), "{finding}");
    let within = lint("200000").json();
    let latest = within["findings"].as_array().expect("findings").iter().filter(|f| f["rule"] == "images/latest-tag");
    assert_eq!(latest.count(), 3000);
}

#[test]
fn an_anchor_in_one_item_used_in_another_reads_as_written_out() {
    let first = "apiVersion: v1\nkind: Pod\nmetadata: {name: one}\nspec:\n  containers: &containers\n  - name: a\n    image: a:latest\n    securityContext: {privileged: true}\n";
    let second = "apiVersion: v1\nkind: Pod\nmetadata: {name: two}\nspec:\n  containers: *containers\n";
    let written_out = "apiVersion: v1\nkind: Pod\nmetadata: {name: two}\nspec:\n  containers:\n  - name: a\n    image: a:latest\n    securityContext: {privileged: true}\n";
    // Alone, and in the middle of a list long enough to be read in pieces, which the alias sends
    // back to reading the list whole from the slice it is in.
    let pods: Vec<String> = (0..3000).map(|i| latest_pod(&format!("p{i}"))).collect();
    for padding in [&pods[..0], &pods[..]] {
        let mut items = padding.to_vec();
        items.splice(padding.len() / 2..padding.len() / 2, [first.to_string(), second.to_string()]);
        let (list, _) = as_list(&items);
        assert!(padding.is_empty() || list.len() > 256 << 10, "read in pieces");
        let mut written = items.clone();
        written[padding.len() / 2 + 1] = written_out.to_string();
        let stream = written.join("---\n");
        check_anchored_list(&list, &stream, items.len());
    }
}

/// Lints `list` and `stream` (the same documents with the list's aliases written out) and checks
/// that they report the same.
fn check_anchored_list(list: &str, stream: &str, documents: usize) {
    let dir = work_tree();
    write_files(dir.path(), &[("list.yaml", list), ("stream.yaml", stream)]);
    let listed = plimsoll_in(dir.path(), &["lint", "--format", "json", "list.yaml"]).json();
    let separate = plimsoll_in(dir.path(), &["lint", "--format", "json", "stream.yaml"]).json();
    // The alias's findings point where its anchor is written (in the first item), so they come in
    // another order than the written-out document's: compare them sorted.
    let sorted = |report: &Value| {
        let mut found: Vec<String> = what_is_found(report).iter().map(Value::to_string).collect();
        found.sort();
        found
    };
    let found = what_is_found(&listed);
    assert!(found.iter().any(|f| f["object"]["name"] == "two" && f["rule"] == "security-context/privileged"));
    assert_eq!(sorted(&listed), sorted(&separate));
    assert_eq!(listed["summary"]["documents"], documents);
}

/// A stream on standard input long enough to be read in several blocks, whose pods read keys of
/// ConfigMaps written blocks earlier: the cross-object findings, and the lines their related
/// locations give, are those of the same stream as a file, and point at each ConfigMap's `data`.
#[test]
fn a_long_stream_on_standard_input_relates_objects_across_its_blocks() {
    let count = 300;
    let config_map =
        |i: usize| format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{i}\ndata:\n  present: x\n");
    let pod = |i: usize| {
        format!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p-{i}\nspec:\n  containers:\n    - name: app\n      image: app:1.0\n      env:\n        - name: V\n          valueFrom:\n            configMapKeyRef: {{name: cm-{i}, key: absent}}\n"
        )
    };
    let documents: Vec<String> = (0..count).map(config_map).chain((0..count).map(pod)).collect();
    let stream = documents.join("---\n");
    // Line of each ConfigMap's `data:`: six lines a ConfigMap, plus its separator line.
    let data_line = |i: usize| (i * 7 + 5) as u64;
    let dir = work_tree();
    std::fs::write(dir.path().join("stream.yaml"), &stream).expect("write the stream");
    let file = plimsoll_in(dir.path(), &["lint", "--format", "json", "stream.yaml"]).json();
    let stdin = lint_stdin(dir.path(), &["lint", "--format", "json", "-"], stream).json();

    let related_of = |report: &Value| -> Vec<(u64, u64)> {
        let findings = report["findings"].as_array().expect("findings");
        let key_findings = findings.iter().filter(|f| f["rule"] == "references/config-key");
        key_findings
            .map(|f| (f["line"].as_u64().expect("a line"), f["related"][0]["line"].as_u64().expect("a related line")))
            .collect()
    };
    let from_stdin = related_of(&stdin);
    assert_eq!(from_stdin.len(), count, "every pod reads a key its ConfigMap lacks");
    for (i, (_, related)) in from_stdin.iter().enumerate() {
        assert_eq!(*related, data_line(i), "pod p-{i}'s ConfigMap is written at line {}", data_line(i));
    }
    assert_eq!(from_stdin, related_of(&file), "standard input and the file place the findings alike");
    let without_file = |report: &Value| -> Vec<Value> {
        let findings = report["findings"].as_array().expect("findings");
        let strip_related = |mut finding: Value| {
            for related in finding["related"].as_array_mut().into_iter().flatten() {
                related.as_object_mut().expect("a related location").remove("file");
            }
            finding
        };
        findings.iter().map(|f| strip_related(moved(f, 0))).collect()
    };
    assert!(without_file(&stdin) == without_file(&file), "the same findings on standard input as in the file");
    assert_eq!(stdin["summary"]["documents"], (2 * count) as u64);
}
