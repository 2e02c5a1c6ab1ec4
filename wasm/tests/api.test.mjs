// The package's JavaScript surface: configuration, errors and their codes, rules(), version(),
// the UTF-16 positions editors use, admit(), and the published TypeScript types checked against
// real results by the TypeScript compiler.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { VALIDATION_RULES, cliBinary, cliCatalog, loadPackage, loadWebPackage, manifestFiles, packageDir, readText, root } from './support.mjs';
import { deployment, review } from './reviews.mjs';

const { Linter } = loadPackage();
const web = await loadWebPackage();

/** The error `fn` throws, which must be a JS Error with a code. */
function thrown(fn) {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof Error, `not an Error: ${error}`);
    assert.equal(typeof error.code, 'string');
    return error;
  }
  assert.fail('nothing was thrown');
}

test('configuration: unknown keys, bad values and unknown rules are coded errors', () => {
  assert.equal(thrown(() => new Linter({ disabel: ['privileged'] })).code, 'plimsoll::config');
  assert.match(thrown(() => new Linter({ disabel: [] })).message, /unknown field `disabel`/);
  assert.equal(thrown(() => new Linter({ failOn: 'sometimes' })).code, 'plimsoll::config');
  assert.equal(thrown(() => new Linter({ failurePolicy: 'fail' })).code, 'plimsoll::config');
  assert.equal(thrown(() => new Linter({ severity: { privileged: 'fatal' } })).code, 'plimsoll::config');
  assert.equal(thrown(() => new Linter({ settings: ['pss'] })).code, 'plimsoll::config');
  assert.equal(thrown(() => new Linter({ pss: { level: 'privileged' } })).code, 'plimsoll::config');
  assert.equal(thrown(() => new Linter({ pss: { levle: 'baseline' } })).code, 'plimsoll::config');
  const version = thrown(() => new Linter({ pss: { version: 'v1.99' } }));
  assert.equal(version.code, 'plimsoll::config');
  assert.match(version.message, /v1\.0 … v1\.37 or latest/);
  assert.equal(thrown(() => new Linter(['privileged'])).code, 'plimsoll::config');
  assert.equal(thrown(() => new Linter('privileged')).code, 'plimsoll::config');
  const unknown = thrown(() => new Linter({ only: ['no-such-rule'] }));
  assert.equal(unknown.code, 'plimsoll::unknown_rule');
  assert.match(unknown.message, /no-such-rule/);
});

test('configuration: every key is accepted, absent and null members mean the defaults', () => {
  const config = {
    only: ['privileged', 'latest-tag'],
    enable: [],
    disable: ['latest-tag'],
    severity: { privileged: 'warning' },
    failOn: 'warning',
    pss: { level: 'baseline', version: 'v1.30' },
    settings: { images: { allowed_registries: ['registry.example.com'] } },
    failurePolicy: 'Ignore',
  };
  const linter = new Linter(config);
  const enabled = linter.rules().filter((r) => r.enabled).map((r) => r.id);
  assert.deepEqual(enabled, ['security-context/privileged']);
  const report = linter.lint(readText('testdata/cli/privileged.yaml'), 'privileged.yaml');
  assert.ok(report.findings.length > 0);
  assert.ok(report.findings.every((f) => f.severity === 'warning'), 'severity override applies');
  assert.equal(report.failed, true, 'failOn warning');
  for (const empty of [undefined, null, {}, { only: null, enable: undefined }]) {
    assert.deepEqual(new Linter(empty).rules(), new Linter().rules());
  }
});

test('configuration: configFile is read as the CLI reads .plimsoll.yaml, keys override it', () => {
  const configFile = [
    'rules:',
    '  only: [privileged, latest-tag]',
    '  severity:',
    '    latest-tag: error',
    'fail_on: warning',
    'exemptions:',
    '  - rules: [privileged]',
    '    namespaces: [kube-*]',
    '    reason: node agents',
    '',
  ].join('\n');
  const dir = mkdtempSync(path.join(tmpdir(), 'plimsoll-config-'));
  try {
    const configPath = path.join(dir, '.plimsoll.yaml');
    writeFileSync(configPath, configFile);
    for (const file of [...manifestFiles('testdata/cli'), ...manifestFiles('testdata/examples')]) {
      const run = spawnSync(cliBinary(), ['lint', '--format', 'json', '--config', configPath, file], { cwd: root, encoding: 'utf8' });
      const expected = JSON.parse(run.stdout);
      const linter = new Linter({ configFile });
      const report = linter.lint(readText(file), file);
      linter.free();
      assert.deepEqual(report.findings.map((f) => [f.rule, f.severity, f.line, f.column]), expected.findings.map((f) => [f.rule, f.severity, f.line, f.column]), file);
      assert.equal(report.summary.suppressed, expected.summary.suppressed, `${file}: suppressed`);
      assert.equal(report.failed, run.status === 1, `${file}: verdict`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const overridden = new Linter({ configFile, disable: ['latest-tag'], failOn: 'never' });
  assert.deepEqual(overridden.rules().filter((r) => r.enabled).map((r) => r.id), ['security-context/privileged']);
  assert.equal(overridden.lint(readText('testdata/cli/privileged.yaml')).failed, false);
  const broken = thrown(() => new Linter({ configFile: 'rules:\n  enabel: [privileged]\n' }));
  assert.equal(broken.code, 'plimsoll::config');
  assert.match(broken.message, /\.plimsoll\.yaml:2:3/);
});

test('admit(): exemptions from configFile and ignore annotations allow what they cover', () => {
  const configFile = 'exemptions:\n  - rules: [privileged]\n    namespaces: [kube-system]\n';
  const linter = new Linter({ configFile, only: ['privileged'] });
  const denied = linter.admit(review(deployment({ privileged: true }), { namespace: 'shop' }));
  assert.equal(denied.response.allowed, false);
  const exempt = linter.admit(review(deployment({ privileged: true }), { namespace: 'kube-system' }));
  assert.equal(exempt.response.allowed, true, JSON.stringify(exempt.response));
  const annotated = deployment({ privileged: true });
  annotated.metadata.annotations = { 'plimsoll.io/ignore': 'privileged', 'plimsoll.io/ignore-reason': 'host agent' };
  assert.equal(linter.admit(review(annotated)).response.allowed, true);
  const strict = new Linter({ configFile: 'inline_ignores: false\n', only: ['privileged'] });
  assert.equal(strict.admit(review(annotated)).response.allowed, false, 'inline_ignores: false');
});

test('version() is the package version', () => {
  const pkg = JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
  assert.equal(new Linter().version(), pkg.version);
});

const CRD = [
  'apiVersion: apiextensions.k8s.io/v1',
  'kind: CustomResourceDefinition',
  'metadata: {name: crontabs.stable.example.com}',
  'spec:',
  '  group: stable.example.com',
  '  names: {kind: CronTab, plural: crontabs}',
  '  scope: Namespaced',
  '  versions:',
  '    - name: v1',
  '      served: true',
  '      storage: true',
  '      schema: {openAPIV3Schema: {type: object, properties: {spec: {type: object, properties: {replicas: {type: integer}}}}}}',
  '',
].join('\n');

test('the browser build, without schema validation: CRDs and validation rules are refused, kubeVersion still applies', () => {
  const refused = thrown(() => new web.Linter({ crds: [CRD] }));
  assert.equal(refused.code, 'plimsoll::not_in_build');
  assert.match(refused.message, /crds\[0\]: schema validation is not in this build/);
  assert.equal(thrown(() => new web.Linter({ only: ['schema/unknown-field'] })).code, 'plimsoll::not_in_build');
  assert.equal(thrown(() => new web.Linter({ enable: ['unknown-kind'] })).code, 'plimsoll::not_in_build');
  // Turning validation rules off, in a configuration file shared with the CLI or by key, is fine;
  // an exemption for them only must not become an exemption for every rule.
  const configFile = 'rules:\n  disable: [schema/unknown-kind]\n  severity: {schema/type: warning}\nexemptions:\n  - rules: [schema/unknown-field]\n    names: ['*']\n';
  const shared = new web.Linter({ configFile, disable: ['schema/format'], crds: [] });
  assert.ok(shared.lint(readText('testdata/cli/privileged.yaml')).findings.length > 0, 'the exemption covers no other rule');
  const ingress = 'apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata:\n  name: web\n';
  const rules = (kubeVersion) => new web.Linter({ kubeVersion, only: ['schema/removed-api', 'schema/deprecated-api'] }).lint(ingress).findings.map((f) => f.rule);
  assert.deepEqual(rules('1.13'), []);
  assert.deepEqual(rules('1.16'), ['schema/deprecated-api']);
  assert.deepEqual(rules('1.22'), ['schema/removed-api']);
});

test('the Node build validates schemas: validation rules run, CRDs are read', () => {
  const linter = new Linter({ only: VALIDATION_RULES, crds: [CRD] });
  const wrong = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: a, image: nginx:1.27, imagePullPolicyy: Always}]}\n';
  assert.deepEqual(linter.lint(wrong).findings.map((f) => [f.rule, f.path]), [['schema/unknown-field', 'spec.containers[0].imagePullPolicyy']]);
  const cronTab = (replicas) => `apiVersion: stable.example.com/v1\nkind: CronTab\nmetadata: {name: c}\nspec: {replicas: ${replicas}}\n`;
  assert.deepEqual(linter.lint(cronTab(3)).findings, []);
  assert.deepEqual(linter.lint(cronTab('three')).findings.map((f) => f.rule), ['schema/type']);
  // Without the CRD, the kind is unknown.
  assert.deepEqual(new Linter({ only: VALIDATION_RULES }).lint(cronTab(3)).findings.map((f) => f.rule), ['schema/unknown-kind']);
});

test('rules() is the CLI catalog (the browser build\'s without schema validation), plus whether each rule runs', () => {
  const catalog = cliCatalog();
  assert.deepEqual(
    catalog.map((r) => r.id).filter((id) => VALIDATION_RULES.includes(id)),
    VALIDATION_RULES,
    'the CLI has every validation rule',
  );
  const rules = new Linter({ disable: ['privileged'] }).rules();
  assert.deepEqual(rules.map(({ enabled, ...meta }) => meta), catalog);
  const browserRules = new web.Linter().rules();
  assert.deepEqual(browserRules.map(({ enabled, ...meta }) => meta), catalog.filter((r) => !VALIDATION_RULES.includes(r.id)));
  const privileged = rules.find((r) => r.id === 'security-context/privileged');
  assert.equal(privileged.enabled, false);
  assert.ok(rules.filter((r) => r.id !== privileged.id).every((r) => r.enabled === r.default));
});

test('positions: UTF-16 offsets index the JS string, columns count UTF-16 units', () => {
  const linter = new Linter();
  let checked = 0;
  for (const file of [...manifestFiles('testdata'), ...manifestFiles('wasm/tests/fixtures')]) {
    const text = readText(file);
    const bytes = Buffer.from(text, 'utf8');
    for (const finding of linter.lint(text, file).findings) {
      const { start, end } = finding.span;
      assert.equal(finding.line, start.line);
      assert.equal(finding.column, start.column);
      const bySlice = text.slice(start.utf16Offset, end.utf16Offset);
      assert.equal(bySlice, bytes.subarray(start.offset, end.offset).toString('utf8'), `${file}: ${finding.rule}`);
      for (const pos of [start, end]) {
        const before = text.slice(0, pos.utf16Offset);
        const lineStart = before.lastIndexOf('\n') + 1;
        const bom = lineStart === 0 && text.startsWith('\ufeff') ? 1 : 0;
        const onLine = text.slice(lineStart + bom, pos.utf16Offset);
        assert.equal(pos.line, before.split('\n').length, `${file}: line`);
        assert.equal(pos.utf16Column, onLine.length + 1, `${file}: UTF-16 column`);
        assert.equal(pos.column, [...onLine].length + 1, `${file}: character column`);
      }
      checked += 1;
    }
  }
  assert.ok(checked > 50);
});

test('positions: non-ASCII text before a finding, and a byte order mark', () => {
  const linter = new Linter();
  const text = readText('wasm/tests/fixtures/unicode.yaml');
  const privileged = linter.lint(text, 'unicode.yaml').findings.find((f) => f.rule === 'security-context/privileged');
  // Line 11: `    - {name: "naïve-😀-app", …, securityContext: {privileged: true}}`; 😀 is two units.
  assert.deepEqual(
    { line: privileged.line, column: privileged.column, utf16Column: privileged.span.start.utf16Column },
    { line: 11, column: 75, utf16Column: 76 },
  );
  assert.equal(text.slice(privileged.span.start.utf16Offset, privileged.span.end.utf16Offset), 'true');
  assert.ok(privileged.span.start.offset > privileged.span.start.utf16Offset, 'bytes outnumber UTF-16 units');

  const json = readText('wasm/tests/fixtures/bom.json');
  assert.ok(json.startsWith('\ufeff'));
  const inJson = linter.lint(json, 'bom.json').findings.find((f) => f.rule === 'security-context/privileged');
  assert.equal(json.slice(inJson.span.start.utf16Offset, inJson.span.end.utf16Offset), 'true');
  // Before it: the mark (zero-width for columns, one unit of the string) and two "é" (two bytes,
  // one unit and one character each).
  assert.equal(inJson.span.start.utf16Column, inJson.column);
  assert.equal(inJson.span.start.utf16Offset, inJson.column);
  assert.equal(inJson.span.start.offset, inJson.column - 1 + 3 + 2);
});

test('lint(): the file name defaults, and the report carries the JSON report members', () => {
  const report = new Linter().lint('apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: a, image: nginx}]}\n');
  assert.deepEqual(Object.keys(report), ['version', 'findings', 'summary', 'failed']);
  assert.equal(report.version, 1);
  assert.equal(report.findings[0].file, '<input>');
  assert.equal(report.summary.documents, 1);
  const broken = new Linter().lint('a: [\n', 'broken.yaml');
  assert.equal(broken.findings[0].rule, 'yaml/syntax');
  assert.equal(broken.failed, true);
});

// The admission tests run the two rules their reviews break, so that a rule added to the default
// catalog leaves their answers alone.
const ADMISSION_RULES = ['privileged', 'latest-tag'];

test('admit(): allowed, denied with rule, path and message, warnings, uid echoed', () => {
  const linter = new Linter({ only: ADMISSION_RULES });
  const allowed = linter.admit(review(deployment()));
  assert.deepEqual(allowed, {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    response: { uid: 'e911857d-c318-11e8-bbad-025000000001', allowed: true },
  });

  const denied = linter.admit(review(deployment({ privileged: true }), { uid: 'u-2', operation: 'UPDATE' })).response;
  assert.equal(denied.uid, 'u-2');
  assert.equal(denied.allowed, false);
  assert.equal(denied.status.code, 403);
  assert.equal(
    denied.status.message,
    '2 policy violations:\n' +
      '- security-context/privileged at spec.template.spec.containers[0].securityContext.privileged: container "web" runs privileged\n' +
      '- security-context/privileged at spec.template.spec.containers[1].securityContext.privileged: container "sidecar" runs privileged',
  );

  const warned = linter.admit(review(deployment({ image: 'nginx' }))).response;
  assert.equal(warned.allowed, true);
  assert.deepEqual(warned.warnings, [
    'images/latest-tag at spec.template.spec.containers[0].image: container "web" uses image "nginx" without a tag (it means :latest)',
    'images/latest-tag at spec.template.spec.containers[1].image: container "sidecar" uses image "nginx" without a tag (it means :latest)',
  ]);
});

test('admit(): JSON text and objects give the same answer', () => {
  const linter = new Linter();
  for (const object of [deployment(), deployment({ privileged: true, image: 'nginx:latest' })]) {
    const request = review(object);
    assert.deepEqual(linter.admit(JSON.stringify(request)), linter.admit(request));
  }
});

test('admit(): deletions and subresources pass unchecked; failOn decides what denies', () => {
  const linter = new Linter();
  const bad = deployment({ privileged: true });
  assert.equal(linter.admit(review(bad, { operation: 'DELETE' })).response.allowed, true);
  assert.equal(linter.admit(review(bad, { operation: 'UPDATE', subResource: 'scale' })).response.allowed, true);
  assert.equal(linter.admit(review(bad, { operation: 'CONNECT' })).response.allowed, true);
  const never = new Linter({ failOn: 'never', only: ADMISSION_RULES }).admit(review(bad)).response;
  assert.equal(never.allowed, true);
  assert.equal(never.warnings.length, 2);
  const strict = new Linter({ failOn: 'warning', only: ADMISSION_RULES })
    .admit(review(deployment({ image: 'nginx' })))
    .response;
  assert.equal(strict.allowed, false);
});

test('admit(): requests that cannot be answered are coded errors', () => {
  const linter = new Linter({ only: ADMISSION_RULES });
  assert.equal(thrown(() => linter.admit('{"apiVersion":')).code, 'plimsoll::admission::json');
  assert.equal(thrown(() => linter.admit('[]')).code, 'plimsoll::admission::json');
  const v1beta1 = { ...review(deployment()), apiVersion: 'admission.k8s.io/v1beta1' };
  assert.equal(thrown(() => linter.admit(v1beta1)).code, 'plimsoll::admission::review');
  const noUid = review(deployment(), { uid: '' });
  assert.equal(thrown(() => linter.admit(noUid)).code, 'plimsoll::admission::review');
  const noObject = review(null);
  assert.equal(thrown(() => linter.admit(noObject)).code, 'plimsoll::admission::review');
  // The linter is still usable afterwards.
  assert.equal(linter.admit(review(deployment())).response.allowed, true);
});

test('TypeScript: the published types compile and describe real results exactly', () => {
  const linter = new Linter({ failOn: 'warning' });
  const files = ['testdata/examples/helm-rendered.yaml', 'testdata/cli/syntax-error.yaml', 'wasm/tests/fixtures/unicode.yaml'];
  const reports = files.map((file) => linter.lint(readText(file), file));
  const responses = [
    linter.admit(review(deployment())),
    linter.admit(review(deployment({ privileged: true, image: 'nginx' }))),
  ];
  // Object literals checked with `satisfies` get excess-property checks: a member the types lack,
  // a missing required member or a wrong type fails compilation.
  const literal = (value) => JSON.stringify(value, null, 2);
  const entry = path.join(packageDir, 'pkg/node/plimsoll_wasm');
  const source = `
import { Linter } from ${JSON.stringify(entry)};
import type { LintReport, RuleInfo, AdmissionReviewResponse, LinterConfig, PlimsollError } from ${JSON.stringify(entry)};

const config: LinterConfig = { only: ["privileged"], enable: [], disable: [], severity: { privileged: "warning" },
  failOn: "never", pss: { level: "baseline", version: "latest" }, settings: { images: {} }, failurePolicy: "Ignore" };
const linter = new Linter(config);
const supplyChain: LinterConfig = { profile: "supply-chain", trustedKeys: ["-----BEGIN PUBLIC KEY-----", { name: "cosign.pub", pem: "" }],
  signatures: ["{}", { text: "{}" }, { name: "sigs.jsonl", text: "{}" }, { name: "saved", layout: { "index.json": "{}" } }] };
const defaults = new Linter();
const report: LintReport = linter.lint("kind: Pod", "pod.yaml");
const unnamed: LintReport = defaults.lint("kind: Pod");
const rules: RuleInfo[] = linter.rules();
const answer: AdmissionReviewResponse = linter.admit("{}");
const version: string = linter.version();
function code(error: unknown): string { return (error as PlimsollError).code; }

const reports = ${literal(reports)} satisfies LintReport[];
const catalog = ${literal(linter.rules())} satisfies RuleInfo[];
const responses = ${literal(responses)} satisfies AdmissionReviewResponse[];
export { report, unnamed, rules, answer, version, code, reports, catalog, responses, supplyChain };
`;
  const dir = mkdtempSync(path.join(tmpdir(), 'plimsoll-types-'));
  try {
    const file = path.join(dir, 'check.ts');
    writeFileSync(file, source);
    const tsc = path.join(packageDir, 'node_modules/typescript/bin/tsc');
    const run = spawnSync(
      process.execPath,
      [tsc, '--noEmit', '--strict', '--target', 'es2022', '--module', 'preserve', '--moduleResolution', 'bundler',
        '--lib', 'es2022,esnext.disposable', file],
      { encoding: 'utf8', cwd: root },
    );
    assert.equal(run.status, 0, `tsc:\n${run.stdout}${run.stderr}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
