#!/usr/bin/env python3
"""Latency and memory of `plimsoll lsp` while a manifest is edited (standard library only).

Opens a 500-line file of 20 Deployments (25 lines each, a `---` line before each), then sends N edits
(default 10,000), each an incremental change of one image tag in one of the documents (the
latest-tag finding appears and goes), and waits for the diagnostics of each new version before
sending the next. The server is started with `debounceMs: 0`, so each figure is the server's
own work per edit: linting the whole file again and publishing its diagnostics.

Prints the wall-clock latency per edit (median and 99th percentile, change sent → diagnostics
received), the server's CPU time per edit (user + system, from /proc), its resident memory after
every 1,000 edits (memory must stay flat while the same document is edited) and its peak.

With `--workspace N` the file is not alone in its folder: N more files (a Deployment and the
Service selecting it, 40 lines each) and one of CustomResourceDefinitions are beside it, and the
file is linted within them as `plimsoll lint` of the folder would lint it (their objects in the
run's inventory, their CRDs as schemas).

    cargo build --release -p plimsoll
    scripts/lsp-bench.py target/release/plimsoll [--edits 10000] [--workspace 200]
"""

import argparse
import json
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time

DOCUMENTS = 20

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-{i}
  namespace: shop
  labels:
    app: app-{i}
spec:
  replicas: 2
  selector:
    matchLabels:
      app: app-{i}
  template:
    metadata:
      labels:
        app: app-{i}
    spec:
      containers:
        - name: app
          image: registry.example.com/app-{i}:1.0.0
          ports:
            - containerPort: 8080
          resources:
            limits: {{memory: 128Mi}}
"""


SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: app-{i}
  namespace: shop
spec:
  selector:
    app: app-{i}
  ports:
    - port: 80
      targetPort: 8080
"""

CRD = """\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets{i}.example.com
spec:
  group: example.com
  names: {{kind: Widget{i}, plural: widgets{i}, singular: widget{i}}}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                size: {{type: integer, minimum: 1}}
                colour: {{type: string, enum: [red, green, blue]}}
                parts: {{type: array, items: {{type: object, properties: {{name: {{type: string}}}}}}}}
"""

CRDS = 10


def manifest() -> str:
    return "".join("---\n" + DEPLOYMENT.format(i=i) for i in range(DOCUMENTS))


def write_workspace(root: pathlib.Path, files: int):
    """`files` more manifests beside the edited one, and a file of CRDs."""
    for n in range(files):
        i = 1000 + n
        (root / f"other-{n:04}.yaml").write_text(DEPLOYMENT.format(i=i) + "---\n" + SERVICE.format(i=i))
    if files:
        (root / "crds.yaml").write_text("".join("---\n" + CRD.format(i=i) for i in range(CRDS)))


class Server:
    def __init__(self, binary: str):
        self.process = subprocess.Popen([binary, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.next_id = 0

    def send(self, message: dict):
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def receive(self) -> dict:
        length = 0
        while True:
            line = self.process.stdout.readline()
            if not line:
                raise RuntimeError("the server closed its output")
            if line in (b"\r\n", b"\n"):
                break
            name, _, value = line.decode().partition(":")
            if name.lower() == "content-length":
                length = int(value)
        return json.loads(self.process.stdout.read(length))

    def request(self, method: str, params) -> dict:
        self.next_id += 1
        self.send({"id": self.next_id, "method": method, "params": params})
        while True:
            message = self.receive()
            if message.get("id") == self.next_id and "method" not in message:
                return message

    def notify(self, method: str, params):
        self.send({"method": method, "params": params})

    def diagnostics(self, uri: str, version: int) -> list:
        while True:
            message = self.receive()
            params = message.get("params") or {}
            if message.get("method") == "textDocument/publishDiagnostics" and params.get("uri") == uri:
                if params.get("version") == version:
                    return params["diagnostics"]

    def cpu_seconds(self) -> float:
        fields = pathlib.Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def memory_mib(self, field: str = "VmRSS") -> float:
        for line in pathlib.Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
        return 0.0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("binary")
    parser.add_argument("--edits", type=int, default=10_000)
    parser.add_argument("--workspace", type=int, default=0, metavar="N", help="N more files in the folder")
    args = parser.parse_args()

    text = manifest()
    lines = text.splitlines()
    assert len(lines) == 500, len(lines)
    image_lines = [n for n, line in enumerate(lines) if "image: registry.example.com" in line]
    with tempfile.TemporaryDirectory() as root:
        (pathlib.Path(root) / ".git").mkdir()
        path = pathlib.Path(root) / "apps.yaml"
        path.write_text(text)
        write_workspace(pathlib.Path(root), args.workspace)
        uri = path.as_uri()
        server = Server(args.binary)
        server.request(
            "initialize",
            {
                "processId": os.getpid(),
                "rootUri": pathlib.Path(root).as_uri(),
                "capabilities": {},
                "initializationOptions": {"debounceMs": 0},
            },
        )
        server.notify("initialized", {})
        server.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}},
        )
        first = server.diagnostics(uri, 1)
        beside = f", {args.workspace} files and {CRDS} CRDs beside it" if args.workspace else ""
        print(f"{len(lines)} lines, {DOCUMENTS} documents{beside}, {len(first)} diagnostics on open")

        latencies, rss = [], []
        cpu_start = server.cpu_seconds()
        for edit in range(args.edits):
            line = image_lines[edit % len(image_lines)]
            tag = "latest" if (edit // len(image_lines)) % 2 == 0 else "1.0.0"
            old = lines[line]
            colon = old.rindex(":")
            lines[line] = old[: colon + 1] + tag
            change = {
                "range": {"start": {"line": line, "character": colon + 1}, "end": {"line": line, "character": len(old)}},
                "text": tag,
            }
            version = edit + 2
            started = time.perf_counter()
            server.notify(
                "textDocument/didChange",
                {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]},
            )
            diagnostics = server.diagnostics(uri, version)
            latencies.append(time.perf_counter() - started)
            latest = sum(1 for d in diagnostics if d.get("code") == "images/latest-tag")
            expected = sum(1 for l in lines if l.endswith(":latest"))
            if latest != expected:
                sys.exit(f"edit {edit}: {latest} latest-tag diagnostics, expected {expected}")
            if (edit + 1) % 1000 == 0:
                rss.append(server.memory_mib())
        cpu = server.cpu_seconds() - cpu_start
        peak = server.memory_mib("VmHWM")
        server.request("shutdown", None)
        server.notify("exit", None)
        server.process.wait(timeout=10)

    ms = sorted(latency * 1000 for latency in latencies)
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
    print(f"{args.edits} edits: latency median {statistics.median(ms):.2f} ms, p99 {p99:.2f} ms")
    print(f"server CPU time per edit: {cpu / args.edits * 1000:.2f} ms")
    print("RSS after each 1,000 edits (MiB): " + ", ".join(f"{value:.1f}" for value in rss))
    print(f"peak RSS: {peak:.1f} MiB")


if __name__ == "__main__":
    main()
