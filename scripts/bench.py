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
   kubeconform (schema validation, with the Kubernetes schemas plimsoll embeds) and kube-score;
5. lints a monorepo of `--overlays` Kustomize overlays (each a Deployment and a Service per app,
   `--apps` apps) and the same rendered output as plain files, and reports the CPU time per linted
   document of each and their ratio: what rendering costs plimsoll itself (discovery, the build's
   wrapper, reading the output, placing each finding in the overlay's files), the renderer's own
   time left out. The overlays are rendered once beforehand with kustomize (or kubectl) as
   plimsoll renders them; the timed run gets a stand-in renderer (`--kustomize`, a shell script
   that prints the saved output), and the stand-in's own CPU time, measured alone for as many
   builds, is subtracted; plimsoll's own CPU time (its threads only, read from /proc before it is
   reaped) is shown beside, which leaves the renderer's processes out without a subtraction.

    scripts/bench.py [--docs 10000] [--rounds 5] [--big-mb 100] [--no-peers] [--skip-big]
                     [--overlays 200] [--apps 5] [--only render] [--plimsoll target/release/plimsoll]
                     [--compare path/to/another/plimsoll] [--pgo]

`--compare` adds another binary's runs of part 1 (its files, one file, standard input and the
`kind: List`) to the same alternation, with their ratios to its own 1,000-file run: a before and
after measured side by side. `--pgo` measures the release build with profile-guided optimisation
(scripts/build-release.sh) instead of `cargo build --release`'s, and its raw parse baseline built
the same way, so that the ratios compare like with like.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
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
    parser.add_argument("--overlays", type=int, default=200, help="Kustomize overlays in the rendering case (0: none)")
    parser.add_argument("--apps", type=int, default=5, help="apps (a Deployment and a Service each) per overlay")
    parser.add_argument("--only", choices=["files", "big", "bomb", "peers", "render"], action="append",
                        help="run only these parts (repeatable; default: all)")
    parser.add_argument("--plimsoll", help="the plimsoll binary to measure (default: a release build of this tree)")
    parser.add_argument("--compare", help="another plimsoll binary whose part 1 runs alternate with this one's")
    parser.add_argument("--pgo", action="store_true",
                        help="measure the release build with profile-guided optimisation (scripts/build-release.sh), "
                             "its raw parse baseline built the same way")
    args = parser.parse_args()
    wanted = lambda part: args.only is None or part in args.only
    global INSTALL_TIMEOUT
    INSTALL_TIMEOUT = args.install_timeout

    os.makedirs(BENCH, exist_ok=True)
    corpus = os.path.join(BENCH, f"corpus-{args.docs}")
    stream = os.path.join(BENCH, f"stream-{args.docs}.yaml")
    listing = os.path.join(BENCH, f"list-{args.docs}.yaml")
    bomb = os.path.join(BENCH, "alias-bomb.yaml")
    corpus_parts = [part for part in ("files", "big", "bomb", "peers") if wanted(part)]
    if corpus_parts:
        generate(args.docs, corpus)
        docs = documents_of(corpus)
        write_stream(docs, stream)
        write_list(docs, listing)
        write_bomb(bomb)

    release = os.path.join(ROOT, "target", "release")
    raw_parse = os.path.join(release, "examples", "raw_parse")
    if args.pgo:
        subprocess.run([os.path.join(ROOT, "scripts", "build-release.sh")], check=True, cwd=ROOT)
        optimised = os.path.join(ROOT, "target", "pgo", "bin")
        raw_parse = os.path.join(optimised, "raw_parse")
        plimsoll = os.path.abspath(args.plimsoll) if args.plimsoll else os.path.join(optimised, "plimsoll")
    elif args.plimsoll and not wanted("files"):
        plimsoll = os.path.abspath(args.plimsoll)
    else:
        subprocess.run(["cargo", "build", "--release", "--locked", "-q", "-p", "plimsoll", "--bin", "plimsoll",
                        "--example", "raw_parse"], check=True, cwd=ROOT)
        plimsoll = os.path.abspath(args.plimsoll) if args.plimsoll else os.path.join(release, "plimsoll")
    env = {k: v for k, v in os.environ.items() if k != "RUST_BACKTRACE"}

    if corpus_parts:
        print(f"corpus: {len(docs)} documents, {len(os.listdir(corpus))} files in {corpus}; "
              f"{os.cpu_count()} cores; {args.rounds} rounds, medians (peak: the highest)")
    else:
        print(f"{os.cpu_count()} cores; {args.rounds} rounds, medians (peak: the highest)")
    if wanted("files"):
        files_part(args, corpus, docs, stream, listing, plimsoll, raw_parse, env)
    if wanted("big") and not args.skip_big:
        big_part(args, docs, stream, plimsoll, env)
    if wanted("bomb"):
        bomb_part(args, bomb, plimsoll, env)
    if wanted("peers") and not args.no_peers:
        print()
        peers(plimsoll, corpus, len(docs), args.rounds, env)
    if wanted("render") and args.overlays > 0:
        print()
        render_part(args, plimsoll, env)


def files_part(args, corpus, docs, stream, listing, plimsoll, raw_parse, env):
    lint = [plimsoll, "lint", "--format", "json"]
    schema_off = [arg for rule in native_rules(plimsoll, env) for arg in ("--disable", rule)]
    print()
    print("1. The same documents as many files, one file, standard input and a kind: List")
    multi = f"lint, {len(os.listdir(corpus))} files"
    def lints(binary, prefix=""):
        lint = [binary, "lint", "--format", "json"]
        return {
            f"{prefix}{multi}": (lint + [corpus], None),
            f"{prefix}lint, one file": (lint + [stream], None),
            f"{prefix}lint, standard input": (lint + ["-"], stream),
            f"{prefix}lint, kind: List of {len(docs)} items": (lint + [listing], None),
        }
    commands = {
        "raw parse, 1 thread": ([raw_parse, "--threads", "1", corpus], None),
        "raw parse, 2 threads": ([raw_parse, "--threads", "2", corpus], None),
        **lints(plimsoll),
        "lint, files, schema rules off": (lint + schema_off + [corpus], None),
    }
    compared = lints(os.path.abspath(args.compare), "compared ") if args.compare else {}
    commands.update(compared)
    figures = table(alternate(commands, args.rounds, env), len(docs))
    raw_wall = figures["raw parse, 2 threads"][0]
    if compared:
        print(f"(compared: {args.compare})")
    print(f"{'':40} {'wall / files':>13} {'peak / files':>13} {'wall / raw parse (2 thr)':>25}")
    for name in commands:
        prefix = "compared " if name.startswith("compared ") else ""
        if name.startswith("lint") or prefix:
            base_wall, _, base_peak = figures[prefix + multi]
            wall, _, peak = figures[name]
            print(f"{name:40} {wall / base_wall:13.2f} {peak / base_peak:13.2f} {wall / raw_wall:25.2f}")


def big_part(args, docs, stream, plimsoll, env):
    lint = [plimsoll, "lint", "--format", "json"]
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


def bomb_part(args, bomb, plimsoll, env):
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


# ---------------------------------------------------------------------------------------------
# Rendered sources.

APP = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: app{i}
spec:
  replicas: 2
  selector:
    matchLabels:
      app: app{i}
  template:
    metadata:
      labels:
        app: app{i}
    spec:
      containers:
        - name: app
          image: registry.example.com/app{i}:1.{i}.0
          ports:
            - containerPort: 8080
---
apiVersion: v1
kind: Service
metadata:
  name: app{i}
spec:
  selector:
    app: app{i}
  ports:
    - port: 80
      targetPort: 8080
"""

# Prints the output saved for the overlay the wrapper kustomization names (its one resource).
STAND_IN = """#!/bin/sh
overlay=$(sed -n 's/^  - //p' "$2/kustomization.yaml")
exec cat "{saved}/$(basename "$overlay").yaml"
"""


def kustomize_command():
    """The renderer plimsoll would pick: kustomize, else kubectl's."""
    if shutil.which("kustomize"):
        return [shutil.which("kustomize"), "build"]
    if shutil.which("kubectl"):
        return [shutil.which("kubectl"), "kustomize"]
    return None


def wrapper_text(wrapper, overlay):
    """The kustomization plimsoll writes around an overlay to render it with origin annotations."""
    return (f"resources:\n  - {os.path.relpath(overlay, wrapper)}\n"
            "buildMetadata: [originAnnotations, transformerAnnotations]\n")


def write_monorepo(overlays, apps, build):
    """`overlays` overlays of `apps` apps each over their own resources, each rendered once (in a
    wrapper beside plimsoll's, so that the origin paths read the same) into saved/ and plain/."""
    root = os.path.join(BENCH, f"monorepo-{overlays}x{apps}")
    repo, saved, plain = (os.path.join(root, part) for part in ("repo", "saved", "plain"))
    if os.path.isdir(plain):
        return repo, saved, plain
    for part in (repo, saved, plain + ".tmp"):
        os.makedirs(part, exist_ok=True)
    wrapper = os.path.join(tempfile.gettempdir(), f"plimsoll-kustomize-bench-{os.getpid()}")
    os.makedirs(wrapper, exist_ok=True)
    try:
        for o in range(overlays):
            name = f"team{o:04}"
            overlay = os.path.join(repo, "overlays", name)
            os.makedirs(overlay, exist_ok=True)
            with open(os.path.join(overlay, "apps.yaml"), "w") as fh:
                fh.write("---\n".join(APP.format(i=o * apps + a) for a in range(apps)))
            with open(os.path.join(overlay, "kustomization.yaml"), "w") as fh:
                fh.write(f"namespace: {name}\nnamePrefix: {name}-\nresources:\n  - apps.yaml\n"
                         f"labels:\n  - pairs:\n      team: {name}\n")
            with open(os.path.join(wrapper, "kustomization.yaml"), "w") as fh:
                fh.write(wrapper_text(wrapper, overlay))
            output = subprocess.run([*build, wrapper], check=True, capture_output=True).stdout
            for folder in (saved, plain + ".tmp"):
                with open(os.path.join(folder, name + ".yaml"), "wb") as fh:
                    fh.write(output)
    finally:
        shutil.rmtree(wrapper, ignore_errors=True)
    os.rename(plain + ".tmp", plain)
    return repo, saved, plain


def render_part(args, plimsoll, env):
    print(f"5. Rendering: {args.overlays} Kustomize overlays against the same output as plain files")
    build = kustomize_command()
    if build is None:
        print("  skipped (neither kustomize nor kubectl is installed)")
        return
    repo, saved, plain = write_monorepo(args.overlays, args.apps, build)
    stand_in = os.path.join(BENCH, "kustomize-stand-in")
    with open(stand_in, "w") as fh:
        fh.write(STAND_IN.format(saved=saved))
    os.chmod(stand_in, 0o755)
    # The stand-in alone, once per overlay, from one shell: its CPU time is the renderer's part.
    wrappers = os.path.join(BENCH, "stand-in-wrappers")
    os.makedirs(wrappers, exist_ok=True)
    overlays = sorted(os.listdir(os.path.join(repo, "overlays")))
    for name in overlays:
        os.makedirs(os.path.join(wrappers, name), exist_ok=True)
        with open(os.path.join(wrappers, name, "kustomization.yaml"), "w") as fh:
            fh.write(wrapper_text(os.path.join(wrappers, name), os.path.join(repo, "overlays", name)))
    alone = os.path.join(BENCH, "stand-in-alone.sh")
    with open(alone, "w") as fh:
        fh.write("#!/bin/sh\n" + "".join(f"{stand_in} build {os.path.join(wrappers, n)} >/dev/null\n"
                                         for n in overlays))
    os.chmod(alone, 0o755)
    docs = sum(text.count("\nkind: ") + text.startswith("kind: ")
               for text in (open(os.path.join(plain, n)).read() for n in os.listdir(plain)))
    lint = [plimsoll, "lint", "--no-config", "--format", "json"]
    commands = {
        f"lint, {len(overlays)} overlays rendered": (lint + ["--kustomize", stand_in, repo], None),
        "the stand-in renderer alone": ([alone], None),
        f"lint, the same output as {len(overlays)} files": (lint + [plain], None),
    }
    names = list(commands)
    figures = table(alternate(commands, args.rounds, env), docs)
    rendered_cpu = figures[names[0]][1] - figures[names[1]][1]
    plain_cpu = figures[names[2]][1]
    print(f"  {docs} documents; CPU per document, the renderer's time left out: rendered "
          f"{rendered_cpu / docs * 1e6:.0f} µs, plain files {plain_cpu / docs * 1e6:.0f} µs; "
          f"ratio rendered / plain {rendered_cpu / plain_cpu:.2f}")
    # The same without the subtraction: plimsoll's own threads only, read before it is reaped (its
    # children, the renderer's processes, are counted apart by the kernel).
    own = {names[0]: [], names[2]: []}
    for _ in range(args.rounds):
        for name in own:
            own[name].append(own_cpu(commands[name][0], env))
    rendered_own, plain_own = (statistics.median(own[name]) for name in own)
    print(f"  plimsoll's own CPU per document: rendered {rendered_own / docs * 1e6:.0f} µs, plain files "
          f"{plain_own / docs * 1e6:.0f} µs; ratio rendered / plain {rendered_own / plain_own:.2f}")


def own_cpu(cmd, env):
    """CPU seconds of cmd's own threads, without its children's: read from /proc/<pid>/stat once it
    has exited, before it is reaped."""
    with open(os.devnull, "rb") as source:
        proc = subprocess.Popen(cmd, stdin=source, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOWAIT)
    with open(f"/proc/{proc.pid}/stat") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    proc.wait()
    # utime and stime, fields 14 and 15 of stat(5), counted from the state (field 3).
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


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
