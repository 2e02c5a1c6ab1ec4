#!/usr/bin/env python3
"""Benchmark: `plimsoll lint` on many files, one stream, standard input and a `kind: List`, against a
plain YAML parse of the same documents; big inputs; and peer tools on the same corpus.

Generates the corpus with scripts/gen_corpus.py (10,000 documents in 1,000 files, seed 1) unless it
exists, derives the other inputs from it under target/bench/, builds the release binaries, then:

1. runs the same documents as 1,000 files, as one file, on standard input and as one `kind: List`
   (and the raw parse, and the default catalog without its schema rules), in alternation, ROUNDS
   times each, so that the machine's noise hits all of them alike; reports median wall time,
   documents per second, CPU time and peak memory (max RSS of the process), with ratios to the
   1,000-file run and to the raw parse;
2. lints a stream of about 100 MB (`--big-mb`) and reports documents per second and peak memory;
3. lints a 625-byte alias bomb and a ConfigMap of 1,000,000 keys, and shows what each reports;
4. runs the peers that can be installed (pinned versions, `go install` into target/peers/, never
   committed; each is skipped with a message when it cannot be had) on the same corpus, beside
   plimsoll running the matching rules: conftest with scripts/bench/peers/policy.rego (Rego
   equivalent to the default catalog's security-context, images, probes and resources checks),
   kubeconform (schema validation, with the Kubernetes schemas plimsoll embeds) and kube-score.

    scripts/bench.py [--docs 10000] [--rounds 5] [--big-mb 100] [--no-peers] [--skip-big]
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "target", "bench")
PEERS = os.path.join(ROOT, "target", "peers")
GO = shutil.which("go") or "/usr/local/go/bin/go"
# A peer that takes longer to build is left out of the run (it is tried again next time).
INSTALL_TIMEOUT = 1200

# Peers, pinned: name → (go install target, what it checks).
PEER_TOOLS = {
    "conftest": ("github.com/open-policy-agent/conftest@v0.71.1",
                 "Rego policies given to it (here: our equivalent of the four categories)"),
    "kubeconform": ("github.com/yannh/kubeconform/cmd/kubeconform@v0.8.0",
                    "JSON schema validation only (here: the schemas plimsoll embeds, Kubernetes 1.33)"),
    "kube-score": ("github.com/zegl/kube-score/cmd/kube-score@v1.20.0",
                   "its own fixed checks: security context, probes, resources, images, plus "
                   "network policies, pod disruption budgets, anti-affinity, service selectors"),
}
# Peers looked for but not installable from the Go module proxy: name → why.
UNAVAILABLE = {
    "polaris": "the Go module proxy serves no version of github.com/fairwindsops/polaris",
    "trivy": "`trivy config` downloads its checks bundle from an OCI registry at run time, "
             "which this machine cannot reach",
}


# The child's peak memory as `time` reports it: the rusage of a child forked from this (large)
# Python process counts Python's own pages until the exec, which floors small figures.
TIME = "/usr/bin/time" if os.path.exists("/usr/bin/time") else None


def run(cmd, env, stdin=None, ok=(0, 1)):
    """Runs cmd with stdout discarded; returns (wall seconds, peak RSS in MiB, CPU seconds)."""
    peak_file = os.path.join(BENCH, "peak.txt")
    wrapped = [TIME, "-f", "%M", "-o", peak_file, *cmd] if TIME else cmd
    start = time.perf_counter()
    with open(stdin, "rb") if stdin else open(os.devnull, "rb") as source:
        proc = subprocess.Popen(wrapped, stdin=source, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
        err = proc.stderr.read().decode()
        _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in ok:
        sys.exit(f"{' '.join(cmd)} failed ({code}):\n{err}")
    peak = usage.ru_maxrss / 1024
    if TIME:
        with open(peak_file) as fh:
            peak = int(fh.read().split()[-1]) / 1024
    return elapsed, peak, usage.ru_utime + usage.ru_stime


def first_output(cmd, env, stdin=None):
    """The first line of what cmd prints (stdout and stderr)."""
    with open(stdin, "rb") if stdin else open(os.devnull, "rb") as source:
        done = subprocess.run(cmd, stdin=source, capture_output=True, env=env)
    text = (done.stdout + done.stderr).decode(errors="replace").strip()
    return text.splitlines()[0] if text else ""


# ---------------------------------------------------------------------------------------------
# Inputs.

def generate(docs, out, files=None):
    if os.path.isdir(out) and any(name.endswith(".yaml") for name in os.listdir(out)):
        return
    cmd = [sys.executable, os.path.join(ROOT, "scripts", "gen_corpus.py"), "--docs", str(docs), "--seed", "1",
           "--out", out]
    if files:
        cmd += ["--files", str(files)]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)


def documents_of(corpus):
    """The documents of the corpus's files, in order, each as its text."""
    docs = []
    for name in sorted(os.listdir(corpus)):
        current = []
        with open(os.path.join(corpus, name), encoding="utf-8") as fh:
            for line in fh:
                if line.rstrip("\r\n") == "---":
                    if any(l.strip() and not l.lstrip().startswith("#") for l in current):
                        docs.append("".join(current))
                    current = []
                else:
                    current.append(line)
        if any(l.strip() and not l.lstrip().startswith("#") for l in current):
            docs.append("".join(current))
    return docs


def write_stream(docs, path):
    """The documents as one YAML stream."""
    if not os.path.exists(path):
        with open(path, "w", encoding="utf-8", newline="\n") as fh:
            fh.write("---\n".join(docs))


def write_list(docs, path):
    """The documents as the items of one `kind: List`, as `kubectl get -o yaml` writes it."""
    if os.path.exists(path):
        return
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write("apiVersion: v1\nkind: List\nitems:\n")
        for doc in docs:
            lines = doc.splitlines()
            fh.write("- " + lines[0] + "\n")
            for line in lines[1:]:
                fh.write(("  " + line if line else "") + "\n")


def write_bomb(path):
    """A 625-byte alias bomb: nine levels of nine aliases each, a billion strings if expanded."""
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: laughs\n  namespace: bench\ndata:\n"
    text += '  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    previous = "a"
    for name in "bcdefghi":
        text += f"  {name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]\n"
        previous = name
    text += "# " + "-" * (625 - len(text) - 3) + "\n"
    assert len(text) == 625, len(text)
    with open(path, "w") as fh:
        fh.write(text)


def write_configmap(path, keys=1_000_000):
    if os.path.exists(path):
        return
    with open(path, "w") as fh:
        fh.write("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: huge\n  namespace: bench\ndata:\n")
        for i in range(keys):
            fh.write(f"  key{i}: value{i}\n")


# ---------------------------------------------------------------------------------------------
# Reporting.

def table(samples, docs, header=True):
    """Prints a table of medians; returns {name: (wall, cpu, peak)}."""
    if header:
        print(f"{'command':40} {'wall s':>8} {'docs/s':>9} {'CPU s':>7} {'peak MiB':>9}")
    figures = {}
    for name, runs in samples.items():
        wall = statistics.median(r[0] for r in runs)
        cpu = statistics.median(r[2] for r in runs)
        peak = max(r[1] for r in runs)
        figures[name] = (wall, cpu, peak)
        count = docs[name] if isinstance(docs, dict) else docs
        print(f"{name:40} {wall:8.3f} {count / wall:9.0f} {cpu:7.3f} {peak:9.1f}")
    return figures


def alternate(commands, rounds, env):
    samples = {name: [] for name in commands}
    for _ in range(rounds):
        for name, (cmd, stdin) in commands.items():
            samples[name].append(run(cmd, env, stdin))
    return samples


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--big-mb", type=int, default=100)
    parser.add_argument("--skip-big", action="store_true", help="leave out the 100 MB stream and the 1M-key ConfigMap")
    parser.add_argument("--no-peers", action="store_true")
    parser.add_argument("--install-timeout", type=int, default=1200,
                        help="seconds a peer's go install may take before the peer is left out")
    args = parser.parse_args()
    global INSTALL_TIMEOUT
    INSTALL_TIMEOUT = args.install_timeout

    os.makedirs(BENCH, exist_ok=True)
    corpus = os.path.join(BENCH, f"corpus-{args.docs}")
    generate(args.docs, corpus)
    docs = documents_of(corpus)
    stream = os.path.join(BENCH, f"stream-{args.docs}.yaml")
    listing = os.path.join(BENCH, f"list-{args.docs}.yaml")
    write_stream(docs, stream)
    write_list(docs, listing)
    bomb = os.path.join(BENCH, "alias-bomb.yaml")
    write_bomb(bomb)

    subprocess.run(["cargo", "build", "--release", "--locked", "-q", "-p", "plimsoll", "--bin", "plimsoll",
                    "--example", "raw_parse"], check=True, cwd=ROOT)
    release = os.path.join(ROOT, "target", "release")
    plimsoll = os.path.join(release, "plimsoll")
    raw_parse = os.path.join(release, "examples", "raw_parse")
    env = {k: v for k, v in os.environ.items() if k != "RUST_BACKTRACE"}
    schema_off = [arg for rule in native_rules(plimsoll, env) for arg in ("--disable", rule)]
    lint = [plimsoll, "lint", "--format", "json"]

    print(f"corpus: {len(docs)} documents, {len(os.listdir(corpus))} files in {corpus}; "
          f"{os.cpu_count()} cores; {args.rounds} rounds, medians (peak: the highest)")
    print()
    print("1. The same documents as many files, one file, standard input and a kind: List")
    multi = f"lint, {len(os.listdir(corpus))} files"
    commands = {
        "raw parse, 1 thread": ([raw_parse, "--threads", "1", corpus], None),
        "raw parse, 2 threads": ([raw_parse, "--threads", "2", corpus], None),
        multi: (lint + [corpus], None),
        "lint, one file": (lint + [stream], None),
        "lint, standard input": (lint + ["-"], stream),
        f"lint, kind: List of {len(docs)} items": (lint + [listing], None),
        "lint, files, schema rules off": (lint + schema_off + [corpus], None),
    }
    figures = table(alternate(commands, args.rounds, env), len(docs))
    base_wall, base_cpu, base_peak = figures[multi]
    raw_wall = figures["raw parse, 2 threads"][0]
    print(f"{'':40} {'wall / files':>13} {'peak / files':>13} {'wall / raw parse (2 thr)':>25}")
    for name in commands:
        if name.startswith("lint"):
            wall, _, peak = figures[name]
            print(f"{name:40} {wall / base_wall:13.2f} {peak / base_peak:13.2f} {wall / raw_wall:25.2f}")

    if not args.skip_big:
        print()
        print(f"2. Big inputs")
        big_docs = max(1, int(args.big_mb * 2**20 * len(docs) / os.path.getsize(stream)))
        big_dir = os.path.join(BENCH, f"big-{big_docs}")
        generate(big_docs, big_dir, files=1)
        big = os.path.join(big_dir, os.listdir(big_dir)[0])
        size = os.path.getsize(big) / 2**20
        big_commands = {f"lint, one {size:.0f} MiB file": (lint + [big], None),
                        f"lint, {size:.0f} MiB on standard input": (lint + ["-"], big)}
        table(alternate(big_commands, max(1, args.rounds // 2), env), big_docs)
        configmap = os.path.join(BENCH, "configmap-1m.yaml")
        write_configmap(configmap)
        print(f"  1,000,000-key ConfigMap: {first_output([plimsoll, 'lint', '--format', 'compact', configmap], env)}")
        cm = run([plimsoll, "lint", "--format", "compact", configmap], env)
        print(f"    {cm[0]:.2f} s, peak {cm[1]:.0f} MiB")
        raised = [plimsoll, "lint", "--format", "compact", "--max-document-nodes", "3000000", configmap]
        cm = run(raised, env)
        print(f"    with --max-document-nodes 3000000: read and linted in {cm[0]:.2f} s, peak {cm[1]:.0f} MiB")

    print()
    print("3. Alias bomb (625 bytes)")
    tiny = os.path.join(BENCH, "tiny.yaml")
    with open(tiny, "w") as fh:
        fh.write("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: tiny\n  namespace: bench\n")
    print(f"  reports: {first_output([plimsoll, 'lint', '--format', 'compact', bomb], env)}")
    samples = alternate({"lint, alias bomb": ([plimsoll, "lint", "--format", "compact", bomb], None),
                         "lint, a one-object file (start-up)": ([plimsoll, "lint", "--format", "compact", tiny], None)},
                        max(5, args.rounds * 2), env)
    table(samples, 1)

    if not args.no_peers:
        print()
        peers(plimsoll, corpus, len(docs), args.rounds, env)


def native_rules(plimsoll, env):
    """IDs of the rules implemented in Rust (schema validation, API lifecycle, kustomizations)."""
    listing = subprocess.run([plimsoll, "rules", "--format", "json"], check=True, capture_output=True, env=env)
    return [rule["id"] for rule in json.loads(listing.stdout) if rule.get("engine") == "native"]


# ---------------------------------------------------------------------------------------------
# Peers.

def install(name):
    """The peer's binary under target/peers/bin, installed with `go install` if missing; None if it
    cannot be had."""
    target, _ = PEER_TOOLS[name]
    binary = os.path.join(PEERS, "bin", name)
    stamp = binary + ".version"
    if os.path.exists(binary) and os.path.exists(stamp) and open(stamp).read() == target:
        return binary
    if not os.path.exists(GO):
        print(f"  {name}: skipped (no Go toolchain to install {target})")
        return None
    env = dict(os.environ, GOBIN=os.path.join(PEERS, "bin"), GOFLAGS="-mod=mod")
    print(f"  {name}: installing {target} ...", flush=True)
    try:
        done = subprocess.run([GO, "install", target], env=env, capture_output=True, text=True,
                              timeout=INSTALL_TIMEOUT)
    except subprocess.TimeoutExpired:
        print(f"  {name}: skipped (go install {target} took more than {INSTALL_TIMEOUT} s)")
        return None
    if done.returncode != 0 or not os.path.exists(binary):
        print(f"  {name}: skipped (go install {target} failed: {done.stderr.strip().splitlines()[-1:]})")
        return None
    with open(stamp, "w") as fh:
        fh.write(target)
    return binary


def kubeconform_schemas():
    """The Kubernetes schemas plimsoll embeds, laid out as kubeconform reads local schemas: one file
    per kind referring to a shared `_definitions.json`."""
    out = os.path.join(PEERS, "kubeconform-schemas")
    if os.path.isdir(out):
        return out
    with open(os.path.join(ROOT, "schemas", "bundle.json.zlib"), "rb") as fh:
        bundle = json.loads(zlib.decompress(fh.read()))
    os.makedirs(out + ".tmp", exist_ok=True)
    with open(os.path.join(out + ".tmp", "_definitions.json"), "w") as fh:
        json.dump({"definitions": bundle["definitions"]}, fh)
    for key, definition in bundle["kinds"].items():
        group_version, kind = key.split(" ")
        group, _, version = group_version.rpartition("/")
        suffix = f"-{group.split('.')[0]}-{version}" if group else f"-{version}"
        with open(os.path.join(out + ".tmp", f"{kind.lower()}{suffix}.json"), "w") as fh:
            json.dump({"$ref": f"_definitions.json#/definitions/{definition}"}, fh)
    os.rename(out + ".tmp", out)
    return out


def peers(plimsoll, corpus, count, rounds, env):
    print("4. Peers on the same corpus (documents/s by median wall time; peak: the highest)")
    for name, why in UNAVAILABLE.items():
        print(f"  {name}: skipped ({why})")
    pairs = []
    conftest = install("conftest")
    policy = os.path.join(ROOT, "scripts", "bench", "peers")
    categories = ["--only", "security-context", "--only", "images", "--only", "probes", "--only", "resources"]
    if conftest:
        pairs.append(("conftest test (4 categories, Rego)", [conftest, "test", "--no-color", "-p", policy, corpus],
                      "plimsoll, same 4 categories", [plimsoll, "lint", "--format", "json", *categories, corpus]))
    kubeconform = install("kubeconform")
    if kubeconform:
        location = os.path.join(kubeconform_schemas(), "{{.ResourceKind}}{{.KindSuffix}}.json")
        pairs.append(("kubeconform (schemas only)",
                      [kubeconform, "-schema-location", location, "-ignore-missing-schemas", "-summary", corpus],
                      "plimsoll, schema rules only",
                      [plimsoll, "lint", "--format", "json", "--only", "schema", corpus]))
    kube_score = install("kube-score")
    if kube_score:
        files = [os.path.join(corpus, name) for name in sorted(os.listdir(corpus))]
        pairs.append(("kube-score score", [kube_score, "score", "--output-format", "ci", *files],
                      "plimsoll, default catalog", [plimsoll, "lint", "--format", "json", corpus]))
    if not pairs:
        return
    commands = {}
    for peer, peer_cmd, ours, our_cmd in pairs:
        commands[peer] = (peer_cmd, None)
        commands[ours] = (our_cmd, None)
    samples = {name: [] for name in commands}
    for _ in range(rounds):
        for name, (cmd, _) in commands.items():
            samples[name].append(run(cmd, env, ok=(0, 1, 2)))
    figures = table(samples, count)
    print()
    print(f"{'peer':40} {'plimsoll ahead by (wall)':>25} {'peak MiB, peer / plimsoll':>27}")
    for peer, _, ours, _ in pairs:
        (pw, _, pp), (ow, _, op) = figures[peer], figures[ours]
        print(f"{peer:40} {pw / ow:24.1f}× {pp:13.0f} / {op:.0f}")
    print()
    for name, (_, what) in PEER_TOOLS.items():
        print(f"  {name} checks: {what}")


if __name__ == "__main__":
    main()
