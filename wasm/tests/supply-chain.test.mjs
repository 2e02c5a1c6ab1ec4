// images/signature in the wasm build: trusted keys and signature material handed in as strings
// verify exactly as the CLI verifies them from files. Each images/signature rule fixture is linted
// by both, with the same keys and material (its `# plimsoll-args:` line), and the findings must
// agree; then the configuration's errors.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { cliBinary, loadPackage, readText, root } from './support.mjs';

const { Linter } = loadPackage();
const fixtureDir = 'testdata/rules/images/signature';

/** Every file under a layout directory, by its `/` path relative to the layout. */
function layoutFiles(dir) {
  const files = {};
  const walk = (current) => {
    for (const name of readdirSync(current).sort()) {
      const full = path.join(current, name);
      if (statSync(full).isDirectory()) walk(full);
      else files[path.relative(dir, full).split(path.sep).join('/')] = readFileSync(full, 'utf8');
    }
  };
  walk(dir);
  return files;
}

/** What the CLI reads for `--signatures relative`: a file, a layout, or a directory of those. */
function signatures(relative) {
  const full = path.join(root, relative);
  if (!statSync(full).isDirectory()) return [{ name: relative, text: readFileSync(full, 'utf8') }];
  if (readdirSync(full).includes('index.json')) return [{ name: relative, layout: layoutFiles(full) }];
  return readdirSync(full)
    .sort()
    .filter((name) => !name.startsWith('.'))
    .filter((name) => statSync(path.join(full, name)).isDirectory() || /\.jsonl?$/.test(name))
    .flatMap((name) => signatures(`${relative}/${name}`));
}

/** The wasm configuration equivalent to a fixture's CLI arguments. */
function configFor(args) {
  const config = { only: ['images/signature'], trustedKeys: [], signatures: [] };
  for (let i = 0; i < args.length; i += 2) {
    if (args[i] === '--trusted-key') config.trustedKeys.push({ name: args[i + 1], pem: readText(args[i + 1]) });
    else if (args[i] === '--signatures') config.signatures.push(...signatures(args[i + 1]));
    else throw new Error(`unexpected argument ${args[i]}`);
  }
  return config;
}

const comparable = (findings) => findings.map(({ rule, message, line, column, path }) => ({ rule, message, line, column, path }));

test('images/signature: every rule fixture gives the CLI findings', () => {
  const fixtures = readdirSync(path.join(root, fixtureDir)).filter((name) => name.endsWith('.yaml')).sort();
  assert.ok(fixtures.length >= 10, `only ${fixtures.length} fixtures`);
  let failing = 0;
  for (const name of fixtures) {
    const file = `${fixtureDir}/${name}`;
    const text = readText(file);
    const args = (text.split('\n')[0].match(/^# plimsoll-args:(.*)$/)?.[1] ?? '').trim().split(/\s+/).filter(Boolean);
    const cli = spawnSync(path.resolve(cliBinary()), ['lint', '--only', 'images/signature', '--format', 'json', ...args, file], { cwd: root, encoding: 'utf8' });
    assert.equal(cli.stderr, '', `${file}: CLI stderr`);
    const expected = JSON.parse(cli.stdout).findings;
    const report = new Linter(configFor(args)).lint(text, file);
    assert.deepEqual(comparable(report.findings), comparable(expected), file);
    assert.equal(report.findings.length > 0, name.startsWith('fail'), `${file}: pass/fail`);
    failing += report.findings.length;
  }
  assert.ok(failing >= 9, `only ${failing} findings over the fail fixtures`);
});

test('images/signature: the verdicts say why, and a good signature passes', () => {
  const env = Object.fromEntries(readText('testdata/supply-chain/images.env').split('\n').filter((l) => l.includes('=') && !l.startsWith('#')).map((l) => l.split('=')));
  const linter = new Linter({
    only: ['images/signature'],
    trustedKeys: [readText('testdata/supply-chain/keys/trusted-p256.pub')],
    signatures: [readText('testdata/supply-chain/signatures/app.jsonl'), ...signatures('testdata/supply-chain/layouts/replay')],
  });
  const pod = (image) => `apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - {name: app, image: "${image}"}\n`;
  const message = (image) => linter.lint(pod(image)).findings.map((f) => f.message)[0];
  assert.equal(message(`ghcr.io/acme/app@${env.APP}`), undefined);
  assert.match(message('ghcr.io/acme/app:1.0'), /not pinned by a sha256 digest/);
  assert.match(message(`ghcr.io/evil/app@${env.APP}`), /by trusted key trustedKeys\[0\], but its payload names another repository, ghcr\.io\/acme\/app/);
  assert.match(message(`ghcr.io/acme/app@${env.REPLAY}`), /payload names another digest/);
  assert.match(message(`ghcr.io/acme/unsigned@${env.UNSIGNED}`), /no signature found for its digest/);
});

test('images/signature: malformed keys and material are coded errors naming the place', () => {
  const thrown = (config) => {
    try {
      new Linter(config);
    } catch (error) {
      return error;
    }
    assert.fail('nothing was thrown');
  };
  const key = readText('testdata/supply-chain/keys/trusted-p256.pub');
  const badKey = thrown({ trustedKeys: [{ name: 'cosign.pub', pem: 'not a key' }] });
  assert.equal(badKey.code, 'plimsoll::setting');
  assert.match(badKey.message, /cosign\.pub: not a PEM file/);
  const badLine = thrown({ trustedKeys: [key], signatures: [{ name: 'sigs.jsonl', text: '\n{"Base64Signature": ' }] });
  assert.equal(badLine.code, 'plimsoll::setting');
  assert.match(badLine.message, /sigs\.jsonl:2: not JSON/);
  const noIndex = thrown({ trustedKeys: [key], signatures: [{ name: 'layout', layout: {} }] });
  assert.match(noIndex.message, /layout: no index\.json/);
  const noKey = thrown({ signatures: [readText('testdata/supply-chain/signatures/app.jsonl')] });
  assert.match(noKey.message, /no trusted key/);
  assert.equal(thrown({ trustedKeys: [{ pem: key, nmae: 'x' }] }).code, 'plimsoll::config');
  assert.equal(thrown({ profile: 'strict' }).code, 'plimsoll::config');
  const fileNames = thrown({ configFile: 'images:\n  trusted_keys: [cosign.pub]\n' });
  assert.equal(fileNames.code, 'plimsoll::config');
  assert.match(fileNames.message, /pass their texts as trustedKeys and signatures/);
});

test('profile: supply-chain turns on digest pinning, as --profile does', () => {
  const enabled = (config) => new Linter(config).rules().filter((r) => r.enabled).map((r) => r.id);
  assert.ok(!enabled({}).includes('images/digest'));
  assert.ok(enabled({ profile: 'supply-chain' }).includes('images/digest'));
  const cli = spawnSync(path.resolve(cliBinary()), ['lint', '--profile', 'supply-chain', '--format', 'json', 'testdata/cli/clean.yaml'], { cwd: root, encoding: 'utf8' });
  const wasm = new Linter({ profile: 'supply-chain' }).lint(readText('testdata/cli/clean.yaml'), 'testdata/cli/clean.yaml');
  assert.deepEqual(comparable(wasm.findings), comparable(JSON.parse(cli.stdout).findings));
  assert.ok(wasm.findings.some((f) => f.rule === 'images/digest'));
});
