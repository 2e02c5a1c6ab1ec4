//! plimsoll's output read by real consumers: JUnit XML by `junitparser` (PyPI), and the hooks of
//! `.pre-commit-hooks.yaml` run by `pre-commit` (PyPI) on real commits.
//!
//! These tools are not Rust crates: when one is missing the test says so and passes, unless
//! `PLIMSOLL_REQUIRE_TOOLS=1` (scripts/test.sh installs them and sets it, so CI runs them).

mod common;

use common::{available, plimsoll, root, skip_or_fail, write_files};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

// ---------------------------------------------------------------------------------------------
// JUnit XML, read back by junitparser.

fn junitparser_available() -> bool {
    available("python3", &["-c", "import junitparser"])
}

#[test]
fn junit_output_reads_back_with_junitparser() {
    if !junitparser_available() {
        return skip_or_fail("python3 with junitparser is not available (pip install junitparser)");
    }
    let dir = tempfile::tempdir().expect("temporary directory");
    let report = dir.path().join("report.xml");
    let report_arg = report.to_string_lossy().to_string();
    let args = ["lint", "--format", "junit", "--only", "privileged", "--only", "latest-tag", "--show-suppressed"];
    let run = plimsoll(&[&args[..], &["--output", &report_arg, "manifests.yaml", "suppressed.yaml"]].concat());
    assert_eq!(run.code, Some(1), "{}", run.transcript());
    let output = Command::new("python3")
        .arg(root().join("cli/tests/tools/read_junit.py"))
        .arg(&report)
        .output()
        .expect("python3 runs");
    assert!(output.status.success(), "junitparser failed: {}", String::from_utf8_lossy(&output.stderr));
    let read: Value = serde_json::from_slice(&output.stdout).expect("the reader prints JSON");

    // The totals the report states are the ones its test cases add up to.
    assert_eq!(read["stated"], read["counted"]);
    assert_eq!(read["counted"], serde_json::json!({"tests": 9, "failures": 5, "skipped": 2, "errors": 0}));
    let suites: Vec<&str> =
        read["suites"].as_array().expect("suites").iter().filter_map(|s| s["name"].as_str()).collect();
    assert_eq!(suites, ["manifests.yaml", "suppressed.yaml"]);

    // Each failure carries the finding's file:line:col, severity and message.
    let case = |suite: usize, class: &str, rule: &str| -> Value {
        read["suites"][suite]["cases"]
            .as_array()
            .expect("cases")
            .iter()
            .find(|c| c["classname"] == class && c["name"] == rule)
            .cloned()
            .unwrap_or_else(|| panic!("no test case {class} {rule}"))
    };
    let privileged = case(0, "Deployment/shop/web", "security-context/privileged");
    assert_eq!(privileged["results"][0]["kind"], "Failure");
    assert_eq!(privileged["results"][0]["type"], "error");
    assert_eq!(privileged["results"][0]["message"], "container \"proxy\" runs privileged");
    assert_eq!(
        privileged["results"][0]["text"],
        "manifests.yaml:20:25: error: container \"proxy\" runs privileged (spec.template.spec.containers[1].securityContext.privileged)"
    );
    let passed = case(0, "Pod/shop/debug", "security-context/privileged");
    assert_eq!(passed["results"], serde_json::json!([]));
    let skipped = case(1, "Pod/default/debug", "images/latest-tag");
    assert_eq!(skipped["results"][0]["kind"], "Skipped");
    assert_eq!(skipped["results"][0]["message"], "suppressed (comment: a throwaway debugging pod)");
}

// ---------------------------------------------------------------------------------------------
// pre-commit.

/// How to run pre-commit: its command, or the module through python3.
fn pre_commit() -> Option<Vec<String>> {
    if available("pre-commit", &["--version"]) {
        return Some(vec!["pre-commit".into()]);
    }
    available("python3", &["-m", "pre_commit", "--version"])
        .then(|| vec!["python3".into(), "-m".into(), "pre_commit".into()])
}

/// A scratch area for git and pre-commit: repositories, an empty git configuration and
/// pre-commit's cache, all inside one temporary directory.
struct Sandbox {
    dir: tempfile::TempDir,
    pre_commit: Vec<String>,
}

impl Sandbox {
    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// A command with the sandbox's environment: its own git configuration and identity, its
    /// own pre-commit cache, and the freshly built plimsoll first on PATH.
    fn command(&self, program: &str, args: &[&str], cwd: &Path) -> Command {
        let bin_dir = Path::new(env!("CARGO_BIN_EXE_plimsoll")).parent().expect("the binary's folder").to_path_buf();
        let path = std::env::join_paths(
            std::iter::once(bin_dir).chain(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())),
        )
        .expect("PATH");
        let mut command = Command::new(program);
        command
            .args(args)
            .current_dir(cwd)
            .env("PATH", path)
            .env("GIT_CONFIG_GLOBAL", self.path("gitconfig"))
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_NAME", "plimsoll test")
            .env("GIT_AUTHOR_EMAIL", "test@plimsoll.invalid")
            .env("GIT_COMMITTER_NAME", "plimsoll test")
            .env("GIT_COMMITTER_EMAIL", "test@plimsoll.invalid")
            .env("PRE_COMMIT_HOME", self.path("pre-commit-cache"))
            .env("NO_COLOR", "1")
            .env_remove("RUST_BACKTRACE");
        command
    }

    fn run(&self, program: &str, args: &[&str], cwd: &Path) -> Output {
        self.command(program, args, cwd).output().unwrap_or_else(|e| panic!("{program} {args:?}: {e}"))
    }

    /// Runs a command that must succeed.
    fn ok(&self, program: &str, args: &[&str], cwd: &Path) -> String {
        let output = self.run(program, args, cwd);
        assert!(output.status.success(), "{program} {args:?} failed:\n{}", text(&output));
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    fn git(&self, args: &[&str], cwd: &Path) -> String {
        self.ok("git", args, cwd)
    }
}

fn text(output: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}

/// A git repository holding this project's `.pre-commit-hooks.yaml` and hook script, as
/// pre-commit would clone it from GitHub, with `target/release/plimsoll` linking to the binary
/// under test: the `plimsoll` hook builds only when that binary is missing, so it runs offline.
fn hooks_repository(sandbox: &Sandbox) -> (PathBuf, String) {
    let hooks = sandbox.path("hooks");
    std::fs::create_dir_all(hooks.join("scripts")).expect("mkdir");
    std::fs::create_dir_all(hooks.join("target/release")).expect("mkdir");
    std::fs::copy(root().join(".pre-commit-hooks.yaml"), hooks.join(".pre-commit-hooks.yaml")).expect("copy hooks");
    std::fs::copy(root().join("scripts/pre-commit-hook.sh"), hooks.join("scripts/pre-commit-hook.sh"))
        .expect("copy script");
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_plimsoll"), hooks.join("target/release/plimsoll")).expect("symlink");
    sandbox.git(&["init", "-q", "-b", "main"], &hooks);
    sandbox.git(&["add", "-A"], &hooks);
    sandbox.git(&["commit", "-q", "-m", "hooks"], &hooks);
    let rev = sandbox.git(&["rev-parse", "HEAD"], &hooks).trim().to_string();
    (hooks, rev)
}

const PRIVILEGED_POD: &str = "\
apiVersion: v1
kind: Pod
metadata:
  name: agent
spec:
  containers:
    - name: agent
      image: nginx:1.27.2
      securityContext:
        privileged: true
";

#[test]
fn pre_commit_rejects_a_privileged_manifest_and_accepts_a_clean_one() {
    if !available("git", &["--version"]) {
        return skip_or_fail("git is not available");
    }
    let Some(pre_commit) = pre_commit() else {
        return skip_or_fail("pre-commit is not available (pip install pre-commit)");
    };
    let sandbox = Sandbox { dir: tempfile::tempdir().expect("temporary directory"), pre_commit };
    std::fs::write(sandbox.path("gitconfig"), "").expect("write");
    let (hooks, rev) = hooks_repository(&sandbox);

    let project = sandbox.path("project");
    std::fs::create_dir(&project).expect("mkdir");
    sandbox.git(&["init", "-q", "-b", "main"], &project);
    let config = format!(
        "repos:\n  - repo: {}\n    rev: {rev}\n    hooks:\n      - id: plimsoll\n      - id: plimsoll-system\n",
        hooks.display()
    );
    // Only the privileged rule, so the clean manifest needs no probes or limits.
    write_files(
        &project,
        &[(".pre-commit-config.yaml", &config), (".plimsoll.yaml", "rules:\n  only: [privileged]\n")],
    );
    let (program, first) = sandbox.pre_commit.split_first().expect("a command");
    let install: Vec<&str> = first.iter().map(String::as_str).chain(["install"]).collect();
    sandbox.ok(program, &install, &project);

    // A privileged container: both hooks fail, the commit is refused, the finding is shown.
    write_files(&project, &[("deploy/pod.yaml", PRIVILEGED_POD)]);
    sandbox.git(&["add", "-A"], &project);
    let refused = sandbox.run("git", &["commit", "-m", "add the agent"], &project);
    let shown = text(&refused);
    assert!(!refused.status.success(), "the commit went through:\n{shown}");
    assert_eq!(shown.matches("container \"agent\" runs privileged").count(), 2, "both hooks report it:\n{shown}");
    assert!(shown.contains("deploy/pod.yaml:10:21"), "{shown}");
    assert!(shown.contains("security-context/privileged"), "{shown}");
    let log = sandbox.run("git", &["log", "--oneline"], &project);
    assert!(!log.status.success() || log.stdout.is_empty(), "nothing was committed");

    // Fixed: both hooks pass and the commit is made.
    write_files(&project, &[("deploy/pod.yaml", &PRIVILEGED_POD.replace("privileged: true", "privileged: false"))]);
    sandbox.git(&["add", "-A"], &project);
    let accepted = sandbox.run("git", &["commit", "-m", "add the agent, unprivileged"], &project);
    assert!(accepted.status.success(), "the clean commit was refused:\n{}", text(&accepted));
    assert_eq!(text(&accepted).matches("Passed").count(), 2, "{}", text(&accepted));
    assert_eq!(sandbox.git(&["log", "--format=%s"], &project), "add the agent, unprivileged\n");
}

/// Copies a folder's files (hidden ones too) under `to`.
fn copy_tree(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).expect("reads").flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// The platform repository example committed through the hook: the hook names every staged file,
/// templates and overlay files included; the chart and the overlays are rendered and their
/// findings shown in the files the commit touches, no template is read as YAML.
#[test]
fn pre_commit_renders_the_charts_and_overlays_of_a_platform_repository() {
    if !available("git", &["--version"]) {
        return skip_or_fail("git is not available");
    }
    if !available("helm", &["version"])
        || !(available("kubectl", &["version", "--client"]) || available("kustomize", &["version"]))
    {
        return skip_or_fail("helm and kustomize (or kubectl) are needed");
    }
    let Some(pre_commit) = pre_commit() else {
        return skip_or_fail("pre-commit is not available (pip install pre-commit)");
    };
    let sandbox = Sandbox { dir: tempfile::tempdir().expect("temporary directory"), pre_commit };
    std::fs::write(sandbox.path("gitconfig"), "").expect("write");
    let (hooks, rev) = hooks_repository(&sandbox);
    let project = sandbox.path("project");
    std::fs::create_dir(&project).expect("mkdir");
    sandbox.git(&["init", "-q", "-b", "main"], &project);
    copy_tree(&root().join("testdata/examples/platform-repo"), &project);
    let config = format!("repos:\n  - repo: {}\n    rev: {rev}\n    hooks:\n      - id: plimsoll\n", hooks.display());
    write_files(&project, &[(".pre-commit-config.yaml", &config)]);
    let (program, first) = sandbox.pre_commit.split_first().expect("a command");
    let install: Vec<&str> = first.iter().map(String::as_str).chain(["install"]).collect();
    sandbox.ok(program, &install, &project);
    sandbox.git(&["add", "-A"], &project);
    let refused = sandbox.run("git", &["commit", "-m", "platform"], &project);
    let shown = text(&refused);
    assert!(!refused.status.success(), "the commit went through:\n{shown}");
    for expected in [
        "kustomize/overlays/prod/debug-agent.yaml:11:25",
        "kustomize/overlays/staging/kustomization.yaml:8:5",
        "charts/web/templates/deployment.yaml:28:11",
        "manifests/backup.yaml:17:29",
    ] {
        assert!(shown.contains(expected), "{expected} is not shown:\n{shown}");
    }
    assert!(!shown.contains("yaml/syntax"), "{shown}");
    // The base is judged through its overlays only, and its probe findings are suppressed there.
    assert!(!shown.contains("livenessProbe"), "{shown}");
}
