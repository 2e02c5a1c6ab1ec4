#!/usr/bin/env python3
"""Benchmark: `plimsoll lint --format json` against a plain YAML parse of the same files.

Generates the corpus with ../shared/bench/gen_corpus.py (10,000 documents, seed 1) unless it exists,
builds the release binaries, then runs the commands in alternation, ROUNDS times each, so that the
machine's noise hits all of them alike. Reports median wall time, documents per second, peak
memory (max RSS of the process) and the ratio of plimsoll's time to the baseline's.

Schema validation is on by default; the same default catalog is also run with the rules implemented
in Rust (schema/*, kustomize/*) disabled, and the report gives what they add to the lint time, and
the size of the binary (which embeds the schema bundle).

    scripts/bench.py [--docs 10000] [--rounds 7]
"""

import json

import argparse
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(cmd, env):
    """Runs cmd with stdout discarded; returns (wall seconds, peak RSS in MiB, CPU seconds)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode()
    if proc.returncode not in (0, 1):
        sys.exit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err}")
    return elapsed, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()

    corpus = os.path.join(ROOT, "target", "bench", f"corpus-{args.docs}")
    if not os.path.isdir(corpus):
        generator = os.path.join(ROOT, "..", "shared", "bench", "gen_corpus.py")
        subprocess.run([sys.executable, generator, "--docs", str(args.docs), "--seed", "1", "--out", corpus],
                       check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["cargo", "build", "--release", "--locked", "-q", "-p", "plimsoll", "--bin", "plimsoll",
                    "--example", "raw_parse"], check=True, cwd=ROOT)
    release = os.path.join(ROOT, "target", "release")
    plimsoll = os.path.join(release, "plimsoll")
    env = {k: v for k, v in os.environ.items() if k != "RUST_BACKTRACE"}
    schema_off = [arg for rule in native_rules(plimsoll, env) for arg in ("--disable", rule)]
    commands = {
        "raw parse, 1 thread": [os.path.join(release, "examples", "raw_parse"), "--threads", "1", corpus],
        "raw parse, 2 threads": [os.path.join(release, "examples", "raw_parse"), "--threads", "2", corpus],
        "plimsoll lint --format json": [plimsoll, "lint", "--format", "json", corpus],
        "  ... schema rules off": [plimsoll, "lint", "--format", "json", *schema_off, corpus],
    }
    samples = {name: [] for name in commands}
    for _ in range(args.rounds):
        for name, cmd in commands.items():
            samples[name].append(run(cmd, env))

    print(f"corpus: {args.docs} documents in {corpus} ({os.cpu_count()} cores), {args.rounds} rounds, medians")
    # CPU time is reported beside wall time: on a shared machine it is the steadier of the two.
    print(f"{'command':32} {'wall s':>8} {'docs/s':>9} {'CPU s':>7} {'µs CPU/doc':>11} {'peak MiB':>9}")
    walls, cpus = {}, {}
    for name, runs in samples.items():
        walls[name] = statistics.median(r[0] for r in runs)
        cpus[name] = statistics.median(r[2] for r in runs)
        peak = max(r[1] for r in runs)
        print(f"{name:32} {walls[name]:8.3f} {args.docs / walls[name]:9.0f} {cpus[name]:7.3f} "
              f"{cpus[name] * 1e6 / args.docs:11.1f} {peak:9.1f}")
    lint = "plimsoll lint --format json"
    for base in ("raw parse, 1 thread", "raw parse, 2 threads"):
        print(f"ratio lint / {base}: wall {walls[lint] / walls[base]:.2f}, CPU {cpus[lint] / cpus[base]:.2f}")
    off = "  ... schema rules off"
    # On a shared machine the medians move with other jobs; the fastest round of each is the
    # steadier estimate of what the rules themselves cost.
    best_wall = {name: min(r[0] for r in runs) for name, runs in samples.items()}
    best_cpu = {name: min(r[2] for r in runs) for name, runs in samples.items()}
    print(f"schema validation adds: median wall {walls[lint] / walls[off] - 1:+.1%}, CPU {cpus[lint] / cpus[off] - 1:+.1%}; "
          f"best round wall {best_wall[lint] / best_wall[off] - 1:+.1%}, CPU {best_cpu[lint] / best_cpu[off] - 1:+.1%} "
          f"(default catalog with vs without the {len(schema_off) // 2} schema/kustomize rules)")
    print(f"binary size: {os.path.getsize(plimsoll) / 2**20:.1f} MiB (release, schema bundle "
          f"{os.path.getsize(os.path.join(ROOT, 'schemas', 'bundle.json.zlib')) / 1024:.0f} KiB of it)")


def native_rules(plimsoll, env):
    """IDs of the rules implemented in Rust (schema validation, API lifecycle, kustomizations)."""
    listing = subprocess.run([plimsoll, "rules", "--format", "json"], check=True, capture_output=True, env=env)
    return [rule["id"] for rule in json.loads(listing.stdout) if rule.get("engine") == "native"]


if __name__ == "__main__":
    main()
