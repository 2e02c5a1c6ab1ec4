//! Suppressions and baselines through the linter, as every frontend gets them.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use plimsoll_core::config::Config;
use plimsoll_core::report::baseline::Baseline;
use plimsoll_core::report::suppress::SuppressionKind;
use plimsoll_core::{Linter, LinterBuilder, Report, Source};

fn lint_with(builder: LinterBuilder, text: &str) -> Report {
    let linter = builder.only(["privileged", "latest-tag"]).build().unwrap();
    Report::from_files(vec![linter.lint_source("pods.yaml", text)])
}

fn lint(text: &str) -> Report {
    lint_with(Linter::builder(), text)
}

/// `rule@line` of the reported findings, and `rule@line:kind:reason` of the suppressed ones.
fn outcome(report: &Report) -> (Vec<String>, Vec<String>) {
    let reported = report.findings.iter().map(|f| format!("{}@{}", f.rule, f.line())).collect();
    let suppressed = report
        .suppressed
        .iter()
        .map(|s| {
            let reason = s.suppression.reason.as_deref().unwrap_or("-");
            format!("{}@{}:{}:{reason}", s.finding.rule, s.finding.line(), s.suppression.kind.as_str())
        })
        .collect();
    (reported, suppressed)
}

/// Two containers: `a` privileged with a :latest image, `b` privileged.
fn pod(annotations: &str) -> String {
    format!(
        "apiVersion: v1
kind: Pod
metadata:
  name: agent
  namespace: kube-system
{annotations}spec:
  containers:
    - name: a
      image: nginx:latest
      securityContext:
        privileged: true
    - name: b
      image: nginx:1.27.2
      securityContext:
        privileged: true
"
    )
}

#[test]
fn without_suppressions_everything_is_reported() {
    let report = lint(&pod(""));
    let (reported, suppressed) = outcome(&report);
    assert_eq!(reported, ["images/latest-tag@9", "security-context/privileged@11", "security-context/privileged@15"]);
    assert!(suppressed.is_empty());
    assert_eq!(report.summary.suppressed, 0);
}

#[test]
fn object_annotation_with_reason() {
    let annotations = "  annotations:\n    plimsoll.io/ignore: \"privileged, images/latest-tag\"\n    plimsoll.io/ignore-reason: node agent\n";
    let report = lint(&pod(annotations));
    let (reported, suppressed) = outcome(&report);
    assert!(reported.is_empty(), "{reported:?}");
    assert_eq!(
        suppressed,
        [
            "images/latest-tag@12:annotation:node agent",
            "security-context/privileged@14:annotation:node agent",
            "security-context/privileged@18:annotation:node agent"
        ]
    );
    assert_eq!((report.summary.findings, report.summary.suppressed, report.summary.errors), (0, 3, 0));
}

#[test]
fn per_container_annotation() {
    let annotations = "  annotations:\n    plimsoll.io/ignore.b: security-context/privileged\n";
    let (reported, suppressed) = outcome(&lint(&pod(annotations)));
    assert_eq!(reported, ["images/latest-tag@11", "security-context/privileged@13"]);
    assert_eq!(suppressed, ["security-context/privileged@17:annotation:-"]);
}

#[test]
fn comment_on_the_line_or_above_it() {
    let text = pod("")
        .replace("image: nginx:latest", "image: nginx:latest # plimsoll-ignore: latest-tag -- pinned by the operator")
        .replacen(
            "        privileged: true\n    - name: b",
            "        # plimsoll-ignore: security-context -- needs the host\n        privileged: true\n    - name: b",
            1,
        );
    let (reported, suppressed) = outcome(&lint(&text));
    assert_eq!(reported, ["security-context/privileged@16"]);
    assert_eq!(
        suppressed,
        ["images/latest-tag@9:comment:pinned by the operator", "security-context/privileged@12:comment:needs the host"]
    );
}

#[test]
fn no_inline_ignores_disallows_annotations_and_comments() {
    let text = pod("  annotations:\n    plimsoll.io/ignore: privileged\n")
        .replace("image: nginx:latest", "image: nginx:latest # plimsoll-ignore: latest-tag");
    let report = lint_with(Linter::builder().inline_ignores(false), &text);
    let (reported, suppressed) = outcome(&report);
    assert_eq!(reported.len(), 3, "{reported:?}");
    assert!(suppressed.is_empty());
}

#[test]
fn configuration_exemptions_apply_even_without_inline_ignores() {
    let config = Config::parse(
        ".plimsoll.yaml",
        "inline_ignores: false\nexemptions:\n  - rules: [privileged]\n    namespaces: [kube-*]\n    containers: [b]\n    reason: b is the node agent\n",
    )
    .unwrap();
    let builder = config.settings().unwrap().builder().unwrap();
    let text = pod("  annotations:\n    plimsoll.io/ignore: latest-tag\n");
    let (reported, suppressed) = outcome(&lint_with(builder, &text));
    assert_eq!(reported, ["images/latest-tag@11", "security-context/privileged@13"]);
    assert_eq!(suppressed, ["security-context/privileged@17:exemption:b is the node agent"]);
}

#[test]
fn exemptions_match_kind_and_name_globs() {
    let config =
        Config::parse("c.yaml", "exemptions:\n  - kinds: [Pod]\n    names: [\"age?t\"]\n  - kinds: [Deployment]\n")
            .unwrap();
    let (reported, suppressed) = outcome(&lint_with(config.settings().unwrap().builder().unwrap(), &pod("")));
    assert!(reported.is_empty());
    assert_eq!(suppressed.len(), 3);
    let config = Config::parse("c.yaml", "exemptions:\n  - names: [other]\n").unwrap();
    let (reported, _) = outcome(&lint_with(config.settings().unwrap().builder().unwrap(), &pod("")));
    assert_eq!(reported.len(), 3);
}

#[test]
fn loader_findings_can_be_ignored_by_comment() {
    let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: 1\n  # plimsoll-ignore: yaml/duplicate-key -- generated\n  a: 2\n";
    let report = lint(text);
    let (reported, suppressed) = outcome(&report);
    assert!(reported.is_empty(), "{reported:?}");
    assert_eq!(suppressed, ["yaml/duplicate-key@8:comment:generated"]);
}

#[test]
fn json_lists_suppressed_findings_only_when_asked() {
    let report = lint(&pod("  annotations:\n    plimsoll.io/ignore: latest-tag\n"));
    let plain: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
    assert_eq!(plain["summary"]["suppressed"], 1);
    assert!(plain.get("suppressed").is_none());
    let listed: serde_json::Value = serde_json::from_str(&report.to_json_with_suppressed()).unwrap();
    assert_eq!(listed["suppressed"][0]["rule"], "images/latest-tag");
    assert_eq!(listed["suppressed"][0]["suppression"], serde_json::json!({"kind": "annotation"}));
    // Without suppressions the summary is exactly the normative one.
    let clean: serde_json::Value = serde_json::from_str(&lint(&pod("")).to_json()).unwrap();
    assert!(clean["summary"].get("suppressed").is_none());
}

#[test]
fn baseline_round_trip_survives_unrelated_edits() {
    let linter = Linter::builder().only(["privileged", "latest-tag"]).build().unwrap();
    let lint = |text: &str| linter.lint_sources(&[Source { name: "pods.yaml".into(), text: text.into() }]);
    let today = lint(&pod(""));
    let baseline = Baseline::parse(&Baseline::from_report(&today).to_json()).unwrap();
    assert_eq!(baseline.len(), 3);

    // Lines shift (a label and a comment above), a value elsewhere changes: all still known.
    let edited = pod("  labels:\n    team: platform\n").replace("kind: Pod\n", "kind: Pod\n# owned by platform\n");
    let mut report = lint(&edited);
    let applied = baseline.apply(&mut report);
    assert!(report.findings.is_empty(), "{:?}", report.findings);
    assert_eq!((applied.matched, applied.stale, report.summary.suppressed), (3, 0, 3));
    assert!(report.suppressed.iter().all(|s| s.suppression.kind == SuppressionKind::Baseline));

    // A new violation is reported; a fixed one leaves a stale entry.
    let worse = pod("").replace("image: nginx:1.27.2", "image: nginx:latest").replacen(
        "privileged: true",
        "privileged: false",
        1,
    );
    let mut report = lint(&worse);
    let applied = baseline.apply(&mut report);
    let (reported, _) = outcome(&report);
    assert_eq!(reported, ["images/latest-tag@13"]);
    assert_eq!((applied.matched, applied.stale), (2, 1));
    assert_eq!(report.summary.findings, 1);
}

#[test]
fn baseline_counts_duplicates() {
    let linter = Linter::builder().only(["latest-tag"]).build().unwrap();
    let two = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - {name: a, image: nginx}\n";
    let once = linter.lint_sources(&[Source { name: "p.yaml".into(), text: two.into() }]);
    let baseline = Baseline::from_report(&once);
    // The same object twice in one file: the second copy's finding is new.
    let doubled = format!("{two}---\n{two}");
    let mut report = linter.lint_sources(&[Source { name: "p.yaml".into(), text: doubled }]);
    let applied = baseline.apply(&mut report);
    assert_eq!((applied.matched, report.findings.len()), (1, 1));
    assert_eq!(report.findings[0].line(), 13);
}

#[test]
fn bad_baselines_are_errors() {
    assert!(Baseline::parse("{").is_err());
    assert!(Baseline::parse("{\"version\": 2, \"findings\": []}").unwrap_err().message.contains("version 2"));
    assert!(Baseline::parse("{\"version\": 1, \"findings\": []}").unwrap().is_empty());
}
