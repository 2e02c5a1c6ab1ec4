"""`plimsoll lsp` driven over stdio by a real LSP client (pytest-lsp), compared with `plimsoll lint`.

Run by cli/tests/lsp.rs, which passes the binary in PLIMSOLL_BIN.
"""

import asyncio
import json
import os
import pathlib
import subprocess

import pytest
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, default_converter, register_lsp_features

BIN = os.environ["PLIMSOLL_BIN"]
TIMEOUT = 30

MANIFESTS = """\
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: app
      image: nginx:latest
      securityContext:
        allowPrivilegeEscalation: true
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
spec:
  template:
    spec:
      containers:
        - name: api
          image: registry.example.com/api:1.2.3
          securityContext:
            privileged: true
"""


def workspace(tmp_path: pathlib.Path, files: dict[str, str]) -> pathlib.Path:
    # `.git` stops the configuration search at the workspace, as in a repository.
    (tmp_path / ".git").mkdir()
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode())
    return tmp_path


def recording_client() -> LanguageClient:
    """pytest-lsp's test client, keeping every publishDiagnostics in order (its own keeps the last
    per document) and accepting capability registrations, as editors do."""
    client = LanguageClient(converter_factory=default_converter)
    client.published = []

    def publish(client: LanguageClient, params: types.PublishDiagnosticsParams):
        client.published.append(params)

    def register(client: LanguageClient, params: types.RegistrationParams):
        return None

    features = dict(DEFAULT_CLIENT_FEATURES)
    features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = publish
    features[types.CLIENT_REGISTER_CAPABILITY] = register
    register_lsp_features(client, features)
    return client


class Editor:
    """A started server with an initialized client, and what the tests do with them."""

    def __init__(self, client, root: pathlib.Path, result):
        self.client = client
        self.root = root
        self.result = result
        self.versions: dict[str, int] = {}
        self.published: list[types.PublishDiagnosticsParams] = []

    def uri(self, name: str) -> str:
        return (self.root / name).as_uri()

    def next_diagnostics(self, name: str, version: int | None = None):
        """A future: the diagnostics next published for `name` (for `version`, when given)."""
        uri = self.uri(name)
        since = len(self.client.published)

        async def wait():
            seen = since
            while True:
                for params in self.client.published[seen:]:
                    if params.uri == uri and (version is None or params.version == version):
                        return list(params.diagnostics)
                seen = len(self.client.published)
                await asyncio.sleep(0.005)

        return asyncio.ensure_future(asyncio.wait_for(wait(), TIMEOUT))

    async def open(self, name: str, text: str | None = None, language: str = "yaml") -> list[types.Diagnostic]:
        if text is None:
            text = (self.root / name).read_text()
        self.versions[name] = 1
        waiting = self.next_diagnostics(name, 1)
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(uri=self.uri(name), language_id=language, version=1, text=text)
            )
        )
        return await waiting

    async def change(self, name: str, edits: list[types.TextEdit]) -> list[types.Diagnostic]:
        """Sends edits (applied in order) and returns the diagnostics of the new version."""
        self.versions[name] += 1
        version = self.versions[name]
        waiting = self.next_diagnostics(name, version)
        changes = [types.TextDocumentContentChangePartial(range=e.range, text=e.new_text) for e in edits]
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=self.uri(name), version=version),
                content_changes=changes,
            )
        )
        return await waiting


async def start(root: pathlib.Path, encodings: list[str] | None = None, options: dict | None = None) -> Editor:
    client = await ClientServerConfig(server_command=[BIN, "lsp"], client_factory=recording_client).start()
    capabilities = client_capabilities("visual-studio-code")
    if encodings is not None:
        capabilities.general.position_encodings = [types.PositionEncodingKind(e) for e in encodings]
    params = types.InitializeParams(
        capabilities=capabilities,
        root_uri=root.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name="ws")],
        initialization_options={"debounceMs": 20, **(options or {})},
    )
    result = await client.initialize_session(params)
    return Editor(client, root, result)


async def stop(editor: Editor):
    await editor.client.shutdown_session()
    await editor.client.stop()


def cli_findings(root: pathlib.Path, name: str) -> list[dict]:
    run = subprocess.run([BIN, "lint", "--format", "json", name], cwd=root, capture_output=True, text=True)
    assert run.returncode in (0, 1), run.stderr
    return json.loads(run.stdout)["findings"]


def starts(diagnostics) -> list[tuple[int, int, str]]:
    return sorted((d.range.start.line, d.range.start.character, d.code) for d in diagnostics)


def cli_starts(findings) -> list[tuple[int, int, str]]:
    # The JSON report's columns count characters: UTF-16 units on these ASCII lines.
    return sorted((f["line"] - 1, f["column"] - 1, f["rule"]) for f in findings)


def line_range(line: int, text: str = "") -> types.Range:
    return types.Range(start=types.Position(line=line, character=0), end=types.Position(line=line, character=len(text)))


def apply_edits(text: str, edits, encoding: str = "utf-16") -> str:
    """Applies LSP text edits (one document, non-overlapping) to `text`."""
    lines = text.splitlines(keepends=True)

    def offset(position: types.Position) -> int:
        before = sum(len(line) for line in lines[: position.line])
        line = lines[position.line] if position.line < len(lines) else ""
        units, index = 0, 0
        for index, ch in enumerate(line):
            if units >= position.character:
                return before + index
            units += len(ch.encode("utf-16-le")) // 2 if encoding == "utf-16" else len(ch.encode())
        return before + len(line)

    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        start, end = offset(edit.range.start), offset(edit.range.end)
        text = text[:start] + edit.new_text + text[end:]
    return text


@pytest.mark.asyncio
async def test_diagnostics_match_the_cli_report_and_follow_edits(tmp_path):
    root = workspace(tmp_path, {"app.yaml": MANIFESTS})
    editor = await start(root)
    try:
        assert editor.result.capabilities.position_encoding == types.PositionEncodingKind.Utf16
        diagnostics = await editor.open("app.yaml")
        findings = cli_findings(root, "app.yaml")
        assert len(findings) > 5
        assert starts(diagnostics) == cli_starts(findings)
        by_rule = {d.code: d for d in diagnostics}
        latest = by_rule["images/latest-tag"]
        # The range covers the offending value, as the report's span does.
        assert (latest.range.start.line, latest.range.start.character) == (7, 13)
        assert (latest.range.end.line, latest.range.end.character) == (7, 25)
        assert latest.source == "plimsoll"
        assert latest.severity == types.DiagnosticSeverity.Warning
        assert by_rule["security-context/privileged"].severity == types.DiagnosticSeverity.Error
        assert latest.code_description.href.endswith("/docs/rules/images/latest-tag.md")
        messages = {(f["rule"], f["message"]) for f in findings}
        assert {(d.code, d.message) for d in diagnostics} == messages

        # Typing a pinned tag: the latest-tag finding goes, the others stay where they were.
        edit = types.TextEdit(
            range=types.Range(start=types.Position(line=7, character=20), end=types.Position(line=7, character=26)),
            new_text="1.27.2",
        )
        after = await editor.change("app.yaml", [edit])
        assert "images/latest-tag" not in {d.code for d in after}
        assert starts(after) == [s for s in starts(diagnostics) if s[2] != "images/latest-tag"]

        # Hover on a flagged field explains the rule.
        privileged = by_rule["security-context/privileged"]
        hover = await editor.client.text_document_hover_async(
            types.HoverParams(text_document=types.TextDocumentIdentifier(uri=editor.uri("app.yaml")), position=privileged.range.start)
        )
        assert "security-context/privileged" in hover.contents.value
        assert "How to fix" in hover.contents.value
    finally:
        await stop(editor)


@pytest.mark.asyncio
async def test_code_actions_make_their_finding_go(tmp_path):
    root = workspace(tmp_path, {"app.yaml": MANIFESTS})
    editor = await start(root)
    try:
        text = MANIFESTS
        diagnostics = await editor.open("app.yaml")
        uri = editor.uri("app.yaml")

        async def actions_for(code: str):
            diagnostic = next(d for d in diagnostics if d.code == code)
            context = types.CodeActionContext(diagnostics=[diagnostic])
            params = types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri=uri), range=diagnostic.range, context=context
            )
            return await editor.client.text_document_code_action_async(params)

        for code, title in [
            ("images/latest-tag", "Ignore images/latest-tag on this line"),
            ("security-context/allow-privilege-escalation", "Set allowPrivilegeEscalation: false"),
            ("security-context/privileged", 'Ignore security-context/privileged for container "api"'),
        ]:
            actions = await actions_for(code)
            action = next((a for a in actions if a.title == title), None)
            assert action is not None, [a.title for a in actions]
            edits = action.edit.changes[uri]
            before = sorted(d.code for d in diagnostics)
            diagnostics = await editor.change("app.yaml", edits)
            text = apply_edits(text, edits)
            # That finding went, and nothing else changed (the text still reads).
            expected = list(before)
            expected.remove(code)
            assert sorted(d.code for d in diagnostics) == expected, text
        assert "# plimsoll-ignore: images/latest-tag --" in text
        assert "plimsoll.io/ignore.api: \"security-context/privileged\"" in text
        # The server's text and ours agree: the CLI finds what the editor shows.
        (root / "app.yaml").write_text(text)
        assert starts(diagnostics) == cli_starts(cli_findings(root, "app.yaml"))
    finally:
        await stop(editor)


@pytest.mark.asyncio
async def test_configuration_changes_the_rule_set_and_its_mistakes_show(tmp_path):
    root = workspace(tmp_path, {"app.yaml": MANIFESTS})
    editor = await start(root)
    try:
        diagnostics = await editor.open("app.yaml")
        assert "images/latest-tag" in {d.code for d in diagnostics}
        config = root / ".plimsoll.yaml"

        async def config_changed(text: str, name: str = "app.yaml"):
            config.write_text(text)
            waiting = editor.next_diagnostics(name)
            editor.client.workspace_did_change_watched_files(
                types.DidChangeWatchedFilesParams(
                    changes=[types.FileEvent(uri=config.as_uri(), type=types.FileChangeType.Changed)]
                )
            )
            return await waiting

        changed = await config_changed("rules:\n  disable: [latest-tag]\n  severity:\n    privileged: warning\n")
        assert "images/latest-tag" not in {d.code for d in changed}
        privileged = next(d for d in changed if d.code == "security-context/privileged")
        assert privileged.severity == types.DiagnosticSeverity.Warning
        assert starts(changed) == cli_starts(cli_findings(root, "app.yaml"))

        # A mistake in the file: a diagnostic on it, and linting goes on without it.
        waiting = editor.next_diagnostics(".plimsoll.yaml")
        broken = await config_changed("rules:\n  disabel: [latest-tag]\n")
        problems = await waiting
        assert len(problems) == 1 and problems[0].range.start.line == 1, problems
        assert "disabel" in problems[0].message
        assert "images/latest-tag" in {d.code for d in broken}

        # A user policy the configuration names.
        (root / "policy").mkdir()
        (root / "policy/registry.rego").write_text(
            'package main\n\nimport rego.v1\n\n# METADATA\n# custom:\n#   id: acme/registry\n'
            'deny contains {"msg": "not ours", "path": ["spec", "containers", 0, "image"]} if {\n'
            '\tinput.kind == "Pod"\n}\n'
        )
        waiting = editor.next_diagnostics(".plimsoll.yaml")
        with_policy = await config_changed("policies: [policy/]\n")
        assert await waiting == []
        policy = next(d for d in with_policy if d.code == "acme/registry")
        assert (policy.range.start.line, policy.range.start.character) == (7, 13)
        assert policy.code_description is None
    finally:
        await stop(editor)


NON_ASCII = """\
apiVersion: v1
kind: Pod
metadata:
  name: café
spec:
  containers:
    - {name: "😀-naïve", image: "nginx:latest"}
"""


@pytest.mark.asyncio
@pytest.mark.parametrize("encoding", ["utf-16", "utf-8"])
async def test_positions_in_the_negotiated_encoding(tmp_path, encoding):
    root = workspace(tmp_path, {"pod.yaml": NON_ASCII})
    editor = await start(root, encodings=[encoding] if encoding == "utf-8" else ["utf-16"])
    try:
        assert editor.result.capabilities.position_encoding == encoding
        diagnostics = await editor.open("pod.yaml")
        latest = next(d for d in diagnostics if d.code == "images/latest-tag")
        line = NON_ASCII.splitlines()[6]
        at = line.index('"nginx:latest"')
        units = (lambda s: len(s.encode("utf-16-le")) // 2) if encoding == "utf-16" else (lambda s: len(s.encode()))
        assert latest.range.start == types.Position(line=6, character=units(line[:at]))
        assert latest.range.end == types.Position(line=6, character=units(line[: at + len('"nginx:latest"')]))
        # The CLI's column counts characters: the same place.
        cli = next(f for f in cli_findings(root, "pod.yaml") if f["rule"] == "images/latest-tag")
        assert (cli["line"] - 1, cli["column"] - 1) == (6, at)

        # An edit after the emoji, positioned in the same encoding, lands where meant.
        tag = line.index("latest")
        edit = types.TextEdit(
            range=types.Range(
                start=types.Position(line=6, character=units(line[:tag])),
                end=types.Position(line=6, character=units(line[: tag + len("latest")])),
            ),
            new_text="1.27.2",
        )
        after = await editor.change("pod.yaml", [edit])
        assert "images/latest-tag" not in {d.code for d in after}
        assert "yaml/syntax" not in {d.code for d in after}
    finally:
        await stop(editor)


@pytest.mark.asyncio
async def test_crlf_and_a_byte_order_mark(tmp_path):
    text = "\ufeff" + MANIFESTS.replace("\n", "\r\n")
    root = workspace(tmp_path, {"app.yaml": text})
    editor = await start(root)
    try:
        diagnostics = await editor.open("app.yaml", text)
        findings = cli_findings(root, "app.yaml")
        # The mark is a character of the first line only (the CLI's columns do not count it).
        expected = sorted((l, c + (1 if l == 0 else 0), r) for l, c, r in cli_starts(findings))
        assert starts(diagnostics) == expected
    finally:
        await stop(editor)


@pytest.mark.asyncio
async def test_a_document_that_stops_parsing_keeps_the_others(tmp_path):
    root = workspace(tmp_path, {"app.yaml": MANIFESTS})
    editor = await start(root)
    try:
        diagnostics = await editor.open("app.yaml")
        first_document = [s for s in starts(diagnostics) if s[0] < 10]
        # Mid-typing in the second document: an unclosed flow sequence.
        broken = await editor.change(
            "app.yaml",
            [types.TextEdit(range=types.Range(start=types.Position(line=20, character=16), end=types.Position(line=20, character=16)), new_text="[")],
        )
        codes = [d.code for d in broken]
        assert "yaml/syntax" in codes
        syntax = next(d for d in broken if d.code == "yaml/syntax")
        assert syntax.range.start.line >= 11
        assert [s for s in starts(broken) if s[0] < 10] == first_document
        assert not any(s[0] >= 11 and s[2] != "yaml/syntax" for s in starts(broken))
    finally:
        await stop(editor)


@pytest.mark.asyncio
async def test_templates_and_other_files_are_not_syntax_errors(tmp_path):
    template = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}\n{{- if .Values.x }}\n"
    root = workspace(
        tmp_path,
        {
            "chart/Chart.yaml": "apiVersion: v2\nname: c\nversion: 0.1.0\n",
            "chart/templates/pod.yaml": "kind: Pod\n  bad: [\n",
            "other/compose.yaml": "services:\n  web:\n    image: nginx:latest\n",
            "other/broken.yaml": "services:\n  web: [\n",
            "loose.yaml": template,
        },
    )
    editor = await start(root)
    try:
        assert await editor.open("chart/templates/pod.yaml") == []
        assert await editor.open("other/compose.yaml") == []
        assert await editor.open("other/broken.yaml") == []
        assert await editor.open("loose.yaml") == []
    finally:
        await stop(editor)


@pytest.mark.asyncio
async def test_a_panicking_request_does_not_stop_the_server(tmp_path):
    root = workspace(tmp_path, {"app.yaml": MANIFESTS})
    editor = await start(root)
    try:
        diagnostics = await editor.open("app.yaml")
        with pytest.raises(Exception):
            await asyncio.wait_for(editor.client.protocol.send_request_async("plimsoll/panic", {}), TIMEOUT)
        # Still serving: an edit is linted again.
        after = await editor.change("app.yaml", [types.TextEdit(range=line_range(0), new_text="")])
        assert starts(after) == starts(diagnostics)
    finally:
        await stop(editor)


REPO = pathlib.Path(__file__).resolve().parents[3]
UNIQUE_SELECTOR = REPO / "testdata/conformance/gatekeeper-library/library/general/uniqueserviceselector"


def service(name: str) -> str:
    return f"apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\n  namespace: shop\nspec:\n  selector:\n    app: web\n"


def cli_findings_in_run(root: pathlib.Path, name: str, *options: str) -> list[dict]:
    """The findings of `name` when `plimsoll lint` reads the whole folder."""
    run = subprocess.run([BIN, "lint", "--format", "json", *options, "."], cwd=root, capture_output=True, text=True)
    assert run.returncode in (0, 1), run.stderr
    return [f for f in json.loads(run.stdout)["findings"] if f["file"] == name]


@pytest.mark.asyncio
async def test_the_inventory_holds_the_folders_unopened_files(tmp_path):
    root = workspace(
        tmp_path,
        {
            "policies/template.yaml": (UNIQUE_SELECTOR / "template.yaml").read_text(),
            "policies/constraint.yaml": (UNIQUE_SELECTOR / "samples/unique-service-selector/constraint.yaml").read_text(),
            "a.yaml": service("front"),
            "b.yaml": service("back"),
        },
    )
    editor = await start(root, options={"policies": ["policies"]})
    try:
        diagnostics = await editor.open("a.yaml")
        expected = cli_starts(cli_findings_in_run(root, "a.yaml", "--policy", "policies"))
        assert any("back" in d.message for d in diagnostics), diagnostics
        assert starts(diagnostics) == expected and expected
        # The open text replaces the saved one: another selector is unique again.
        changed = await editor.change("a.yaml", [types.TextEdit(range=line_range(7, "    app: web"), new_text="    app: api")])
        assert not any("back" in d.message for d in changed), changed
        # A saved change to the unopened file reaches the open one.
        (root / "b.yaml").write_text(service("back").replace("app: web", "app: api"))
        waiting = editor.next_diagnostics("a.yaml", 2)
        editor.client.workspace_did_change_watched_files(
            types.DidChangeWatchedFilesParams(
                changes=[types.FileEvent(uri=editor.uri("b.yaml"), type=types.FileChangeType.Changed)]
            )
        )
        assert any("back" in d.message for d in await waiting)
    finally:
        await stop(editor)


CRD = """\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names: {kind: Widget, plural: widgets, singular: widget}
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
                size: {type: integer}
"""

WIDGET = "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  size: large\n"


@pytest.mark.asyncio
async def test_a_crd_in_the_folder_gives_its_custom_resources_a_schema(tmp_path):
    root = workspace(tmp_path, {"crds/widget.yaml": CRD, "widget.yaml": WIDGET})
    editor = await start(root)
    try:
        diagnostics = await editor.open("widget.yaml")
        expected = cli_starts(cli_findings_in_run(root, "widget.yaml"))
        assert any(d.code.startswith("schema/") and d.range.start.line == 5 for d in diagnostics), diagnostics
        assert starts(diagnostics) == expected
    finally:
        await stop(editor)


INGRESS = """\
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop
  namespace: shop
spec:
  defaultBackend:
    service: {name: web, port: {number: 8080}}
"""

SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: {name}
  namespace: shop
spec:
  selector: {{app: web}}
  ports:
    - {{name: http, port: 80, targetPort: 8080}}
"""


@pytest.mark.asyncio
async def test_related_locations_point_into_the_other_files(tmp_path):
    both = INGRESS.replace("name: shop", "name: both").replace("name: web", "name: api") + "---\n" + SERVICE.format(name="api")
    root = workspace(tmp_path, {"ingress.yaml": INGRESS, "service.yaml": SERVICE.format(name="web"), "both.yaml": both})
    editor = await start(root)
    try:
        for name in ["ingress.yaml", "both.yaml"]:
            diagnostics = await editor.open(name)
            cli = cli_findings_in_run(root, name)
            assert starts(diagnostics) == cli_starts(cli)
            # Every related location of the report, in the same file at the same place.
            expected = sorted(
                (f["rule"], r["file"], r["line"] - 1, r["column"] - 1, r["message"]) for f in cli for r in f.get("related", [])
            )
            assert expected, cli
            shown = []
            for diagnostic in diagnostics:
                for info in diagnostic.related_information or []:
                    path = pathlib.Path(info.location.uri.removeprefix("file://"))
                    at = info.location.range.start
                    shown.append((diagnostic.code, str(path.relative_to(root)), at.line, at.character, info.message))
            assert set(expected) <= set(shown), (expected, shown)
        reference = next(e for e in expected if e[0] == "references/ingress-service")
        assert reference[1] == "both.yaml" and reference[2] >= 9
    finally:
        await stop(editor)


POD_TO_FIX = """\
apiVersion: v1
kind: Pod
metadata:
  name: web
  labels: {app: web}
spec:
  containers:
    - name: app
      image: nginx:latest
      securityContext:
        capabilities:
          drop: [NET_RAW]
    - name: side
      image: busybox:1.36
      securityContext:
        allowPrivilegeEscalation: true
        runAsNonRoot: false
"""


def cli_keys(root: pathlib.Path, name: str, text: str) -> list[tuple]:
    (root / name).write_text(text)
    return [(f["rule"], json.dumps(f.get("object")), f.get("path")) for f in cli_findings_in_run(root, name)]


async def all_actions(editor: Editor, name: str, diagnostics):
    """(diagnostic, action) for every action offered on every diagnostic."""
    offered = []
    for diagnostic in diagnostics:
        params = types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=editor.uri(name)),
            range=diagnostic.range,
            context=types.CodeActionContext(diagnostics=[diagnostic]),
        )
        for action in await editor.client.text_document_code_action_async(params) or []:
            if action.diagnostics and action.diagnostics[0].code == diagnostic.code:
                offered.append((diagnostic, action))
    return offered


@pytest.mark.asyncio
async def test_every_action_offered_makes_its_finding_go_in_the_cli_report(tmp_path):
    root = workspace(tmp_path, {"pod.yaml": POD_TO_FIX})
    editor = await start(root)
    try:
        diagnostics = await editor.open("pod.yaml")
        before = cli_keys(root, "pod.yaml", POD_TO_FIX)
        offered = await all_actions(editor, "pod.yaml", diagnostics)
        titles = {action.title for _, action in offered}
        for fix in ["Set allowPrivilegeEscalation: false", "Set runAsNonRoot: true", "Drop ALL capabilities"]:
            assert fix in titles, titles
        # Checked independently: each edit, applied alone, removes its finding from the CLI's report
        # and leaves the text readable.
        for diagnostic, action in offered:
            fixed = apply_edits(POD_TO_FIX, action.edit.changes[editor.uri("pod.yaml")])
            after = cli_keys(root, "pod.yaml", fixed)
            gone = [key for key in before if key[0] == diagnostic.code and key not in after]
            assert gone, (action.title, fixed)
            assert not any(key[0].startswith("yaml/") for key in after), (action.title, fixed)
    finally:
        await stop(editor)


@pytest.mark.asyncio
async def test_actions_that_would_not_work_are_not_offered(tmp_path):
    # Inline suppressions turned off: an ignore comment or annotation would change nothing.
    root = workspace(tmp_path, {"pod.yaml": POD_TO_FIX, ".plimsoll.yaml": "inline_ignores: false\n"})
    editor = await start(root)
    try:
        diagnostics = await editor.open("pod.yaml")
        offered = await all_actions(editor, "pod.yaml", diagnostics)
        # The quick fixes are offered (on both containers), the suppressions are not.
        titles = sorted({action.title for _, action in offered})
        assert titles == ["Drop ALL capabilities", "Set allowPrivilegeEscalation: false", "Set runAsNonRoot: true"], titles
        assert len(offered) > len(titles)
    finally:
        await stop(editor)


@pytest.mark.asyncio
async def test_changes_wait_for_a_pause_and_a_save_lints_at_once(tmp_path):
    root = workspace(tmp_path, {"app.yaml": MANIFESTS})
    # A pause longer than the test: only the save can lint the changes.
    editor = await start(root, options={"debounceMs": 600_000})
    try:
        await editor.open("app.yaml")
        text = MANIFESTS
        for tag in ["1", "1.2", "1.27.2"]:
            old = text.splitlines()[7]
            edit = types.TextEdit(range=line_range(7, old), new_text=f"      image: nginx:{tag}")
            text = apply_edits(text, [edit])
            editor.versions["app.yaml"] += 1
            editor.client.text_document_did_change(
                types.DidChangeTextDocumentParams(
                    text_document=types.VersionedTextDocumentIdentifier(uri=editor.uri("app.yaml"), version=editor.versions["app.yaml"]),
                    content_changes=[types.TextDocumentContentChangePartial(range=edit.range, text=edit.new_text)],
                )
            )
        (root / "app.yaml").write_text(text)
        waiting = editor.next_diagnostics("app.yaml", 4)
        editor.client.text_document_did_save(
            types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=editor.uri("app.yaml")))
        )
        saved = await waiting
        assert "images/latest-tag" not in {d.code for d in saved}
        assert starts(saved) == cli_starts(cli_findings(root, "app.yaml"))
        versions = [p.version for p in editor.client.published if p.uri == editor.uri("app.yaml")]
        assert versions == [1, 4], versions
    finally:
        await stop(editor)


@pytest.mark.asyncio
async def test_json_documents(tmp_path):
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "web"},
        "spec": {"containers": [{"name": "app", "image": "nginx:latest"}]},
    }
    text = json.dumps(pod, indent=2) + "\n"
    root = workspace(tmp_path, {"pod.json": text})
    editor = await start(root)
    try:
        diagnostics = await editor.open("pod.json", language="json")
        assert "images/latest-tag" in {d.code for d in diagnostics}
        assert starts(diagnostics) == cli_starts(cli_findings(root, "pod.json"))
        # Comments and block YAML cannot be written into JSON: no edit is offered.
        offered = await all_actions(editor, "pod.json", diagnostics)
        assert offered == []
    finally:
        await stop(editor)


@pytest.mark.asyncio
async def test_each_workspace_folder_has_its_own_configuration(tmp_path):
    for name in ("strict", "relaxed"):
        (tmp_path / name).mkdir()
    strict = workspace(tmp_path / "strict", {"app.yaml": MANIFESTS + "---\n" + WIDGET})
    # The CRD is in a hidden folder, which reading the folder skips: only the configuration brings it.
    relaxed = workspace(
        tmp_path / "relaxed",
        {
            "app.yaml": MANIFESTS + "---\n" + WIDGET,
            ".schemas/widget.yaml": CRD,
            ".plimsoll.yaml": "rules:\n  disable: [latest-tag]\ncrds: [.schemas/widget.yaml]\n",
        },
    )
    client = await ClientServerConfig(server_command=[BIN, "lsp"], client_factory=recording_client).start()
    params = types.InitializeParams(
        capabilities=client_capabilities("visual-studio-code"),
        workspace_folders=[types.WorkspaceFolder(uri=r.as_uri(), name=r.name) for r in (strict, relaxed)],
        initialization_options={"debounceMs": 20},
    )
    result = await client.initialize_session(params)
    try:
        for root in (strict, relaxed):
            editor = Editor(client, root, result)
            diagnostics = await editor.open("app.yaml")
            assert starts(diagnostics) == cli_starts(cli_findings(root, "app.yaml")), root.name
            codes = {d.code for d in diagnostics}
            # The Widget is checked against the CRD only where the configuration names it.
            assert ("images/latest-tag" in codes) == (root == strict), codes
            assert ("schema/unknown-kind" in codes) == (root == strict), codes
            assert any(d.code == "schema/type" and d.range.start.line == 30 for d in diagnostics) == (root == relaxed)
    finally:
        await client.shutdown_session()
        await client.stop()
