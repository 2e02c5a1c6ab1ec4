// Parity: the wasm package gives exactly the CLI's verdicts.
//
// Every manifest under testdata/ (rule fixtures, examples, CLI fixtures, loader cases) and this
// package's own fixtures (non-ASCII text, a byte order mark) is linted by the CLI binary
// (`plimsoll lint --format json`, run from the repository root) and by the wasm build in this
// process, with the same configuration; the findings must be identical, member for member and in
// order (rule, severity, line, column, path, message, file, object, template), and so must the
// document counts and the fail/pass verdict (the CLI's exit code).
//
// This is the Node build, which carries schema validation (core's `schema-validation` feature):
// every rule of the CLI, none left out and none skipped. (The browser build leaves the validation
// rules out; api.test.mjs checks that it lacks exactly those.)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { cliBinary, cliCatalog, loadPackage, manifestFiles, readText, root } from './support.mjs';

const { Linter } = loadPackage();

/** The package's rule IDs, and the CLI's rules the package does not have (none). */
const packageRules = (() => {
  const linter = new Linter();
  try {
    return linter.rules().map((r) => r.id);
  } finally {
    linter.free();
  }
})();
const cliRules = cliCatalog().map((r) => r.id);
const leftOut = cliRules.filter((id) => !packageRules.includes(id));

/** Runs the CLI from the repository root; returns its exit code and parsed report. */
function cli(args) {
  const run = spawnSync(cliBinary(), ['lint', '--format', 'json', ...args], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    env: { ...process.env, NO_COLOR: '1' },
  });
  assert.ok(run.status === 0 || run.status === 1, `plimsoll ${args.join(' ')} failed (${run.status}):\n${run.stderr}`);
  return { status: run.status, report: JSON.parse(run.stdout) };
}

/** The members the JSON report defines, nothing else. */
function reported(finding) {
  const { rule, severity, message, file, line, column, path: fieldPath, object, template } = finding;
  return JSON.parse(JSON.stringify({ rule, severity, message, file, line, column, path: fieldPath, object, template }));
}

/**
 * Kinds that rules relating objects look up in a run (a Service a selector should match, the
 * ConfigMap a key comes from, the autoscaler of a workload, ...). A file that writes none of them
 * gives another file's objects nothing to relate to, so such files can share one CLI run.
 */
const RELATED_KINDS =
  /\bkind["']?\s*:\s*["']?(ConfigMap|Secret|Service|ServiceAccount|ServiceMonitor|Ingress|NetworkPolicy|PodDisruptionBudget|HorizontalPodAutoscaler)\b/;

/** The CLI's findings for `files`, each file its own run, as `Linter.lint` lints a text. */
function cliPerRun(files, cliArgs) {
  // Files whose objects cannot relate to another file's are linted in one run (starting the CLI
  // once per file for thousands of fixtures would take most of the test's time); the others alone.
  const alone = files.filter((file) => RELATED_KINDS.test(readText(file)));
  const together = files.filter((file) => !alone.includes(file));
  const reports = alone.map((file) => cli([...cliArgs, file]).report);
  if (together.length > 0) reports.push(cli([...cliArgs, ...together]).report);
  const order = new Map(files.map((file, i) => [file, i]));
  const findings = reports.flatMap((r) => r.findings);
  // One run reports file by file in the order given; restore the order of `files`.
  findings.sort((a, b) => order.get(a.file) - order.get(b.file));
  return { findings, summary: { documents: reports.reduce((sum, r) => sum + r.summary.documents, 0) } };
}

/**
 * Lints `files` with the CLI (`cliArgs`) and with the package (`config`) and compares. Each file
 * is its own run on both sides, as `Linter.lint` lints it: rules that relate objects see the
 * objects of that file only.
 */
function compare(files, cliArgs, config) {
  const expected = cliPerRun(files, cliArgs);
  const linter = new Linter(config);
  try {
    const actual = { findings: [], documents: 0 };
    for (const file of files) {
      const report = linter.lint(readText(file), file);
      actual.findings.push(...report.findings.map(reported));
      actual.documents += report.summary.documents;
    }
    assert.deepEqual(actual.findings, expected.findings.map(reported));
    assert.equal(actual.documents, expected.summary.documents, 'documents read');
    return expected.findings.length;
  } finally {
    linter.free();
  }
}

test('the package has every CLI rule, the schema validation rules included', () => {
  assert.deepEqual(leftOut, []);
  assert.deepEqual(packageRules.filter((id) => !cliRules.includes(id)), [], 'rules only the package has');
});

const everything = [...manifestFiles('testdata'), ...manifestFiles('wasm/tests/fixtures')];

test('every manifest under testdata/ gives the CLI findings with the default rules', () => {
  assert.ok(everything.length > 50, `only ${everything.length} manifests found`);
  const findings = compare(everything, ['--fail-on', 'never'], undefined);
  assert.ok(findings > 50, `only ${findings} findings: the comparison would prove little`);
});

test('rule fixtures give the CLI findings with only their own rule', async (t) => {
  const rulesDir = path.join(root, 'testdata/rules');
  for (const category of readdirSync(rulesDir).sort()) {
    for (const name of readdirSync(path.join(rulesDir, category)).sort()) {
      const id = `${category}/${name}`;
      await t.test(id, () => {
        compare(manifestFiles(`testdata/rules/${id}`), ['--fail-on', 'never', '--only', id], { only: [id] });
      });
    }
  }
});

test('rule selection matches the CLI flags', () => {
  const examples = manifestFiles('testdata/examples');
  compare(examples, ['--disable', 'latest-tag', '--disable', 'probes/readiness'], { disable: ['latest-tag', 'probes/readiness'] });
  compare(examples, ['--only', 'privileged', '--enable', 'memory-limits'], { only: ['privileged'], enable: ['memory-limits'] });
});

test('the fail verdict is the CLI exit code, for every fail-on level', async (t) => {
  const files = [...manifestFiles('testdata/cli'), ...manifestFiles('testdata/examples')];
  for (const failOn of ['error', 'warning', 'never']) {
    await t.test(failOn, () => {
      const linter = new Linter({ failOn });
      try {
        for (const file of files) {
          const { status } = cli(['--fail-on', failOn, file]);
          assert.equal(linter.lint(readText(file), file).failed, status === 1, `${file} with fail-on ${failOn}`);
        }
      } finally {
        linter.free();
      }
    });
  }
});
