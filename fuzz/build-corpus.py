#!/usr/bin/env python3
"""Builds each fuzz target's seed corpus from the repository's own test data.

Usage: fuzz/build-corpus.py [OUT]   (default: fuzz/corpus; one directory per target)

Seeds are written under content-hash names, so running it again adds nothing twice. Besides
testdata/ and policies/, the few hand-written seeds in fuzz/seeds/<target>/ are copied too: inputs
the repository's data lacks (quantities, image references, AdmissionReview requests).
"""
import hashlib
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_SEED = 64 * 1024  # bytes; larger files only slow every mutation down


def write(out: Path, target: str, data: bytes) -> None:
    if len(data) > MAX_SEED:
        return
    directory = out / target
    directory.mkdir(parents=True, exist_ok=True)
    (directory / hashlib.sha1(data).hexdigest()).write_bytes(data)


def files(base: str, *suffixes: str):
    for path in sorted((ROOT / base).rglob("*")):
        if path.is_file() and (not suffixes or path.name.endswith(suffixes)):
            yield path


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "fuzz" / "corpus"
    manifests = [p for p in files("testdata", ".yaml", ".yml", ".json") if not p.name.startswith(".plimsoll")]
    for path in manifests:
        data = path.read_bytes()
        write(out, "load", data)
        write(out, "lint", data)
        if "gatekeeper" in str(path) or data.find(b"ConstraintTemplate") >= 0:
            write(out, "gatekeeper", data)
        if path.suffix == ".json":
            write(out, "admit", data)
    for path in files("testdata", ".plimsoll.yaml"):
        write(out, "config", path.read_bytes())
    for path in list(files("testdata", ".rego")) + list(files("policies", ".rego")):
        write(out, "user_rego", path.read_bytes())
    # The signature target's first byte picks the reader: 0 a PEM key, 1 download lines, 2 a layout.
    for path in files("testdata", ".pub", ".pem"):
        write(out, "signature", b"\0" + path.read_bytes())
    for path in files("testdata", ".jsonl"):
        write(out, "signature", b"\1" + path.read_bytes())
    layouts = ROOT / "testdata" / "supply-chain" / "layouts"
    for layout in sorted(p for p in layouts.iterdir() if p.is_dir()) if layouts.is_dir() else []:
        packed = b"\2"
        for path in sorted(p for p in layout.rglob("*") if p.is_file()):
            packed += str(path.relative_to(layout)).encode() + b"\0" + path.read_bytes() + b"\0"
        write(out, "signature", packed)
    # Quantities and images as manifests write them.
    for path in manifests[:2000]:
        text = path.read_text(errors="replace")
        for line in text.splitlines():
            key, _, value = line.strip().lstrip("- ").partition(":")
            value = value.strip().strip("\"'")
            if key in ("cpu", "memory", "ephemeral-storage", "storage") and value:
                write(out, "quantity", value.encode())
            elif key == "image" and value:
                write(out, "image", value.encode())
    seeds = ROOT / "fuzz" / "seeds"
    for target in sorted(os.listdir(seeds)) if seeds.is_dir() else []:
        for path in files(f"fuzz/seeds/{target}"):
            write(out, target, path.read_bytes())
    for target in sorted(os.listdir(out)):
        print(f"{target}: {len(os.listdir(out / target))} seeds")


if __name__ == "__main__":
    main()
