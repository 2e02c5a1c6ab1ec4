// The npm package: `npm pack` makes a tarball holding both builds and their types (and nothing
// else of the repository), which installs offline into a fresh project where `require` picks the
// Node build and `import 'plimsoll-wasm/web'` the browser build, both working; versions agree.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { packageDir, root } from './support.mjs';

const npm = (args, cwd) => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

test('npm pack → install offline → require and import both builds', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'plimsoll-pack-'));
  try {
    const [packed] = JSON.parse(npm(['pack', '--json', '--pack-destination', dir], packageDir));
    const files = packed.files.map((f) => f.path).sort();
    for (const build of ['node', 'web']) {
      for (const file of ['plimsoll_wasm.js', 'plimsoll_wasm.d.ts', 'plimsoll_wasm_bg.wasm']) {
        assert.ok(files.includes(`pkg/${build}/${file}`), `${build}/${file} missing from ${files}`);
      }
    }
    assert.deepEqual(files.filter((f) => !f.startsWith('pkg/')), ['README.md', 'package.json']);

    const consumer = path.join(dir, 'consumer');
    mkdirSync(consumer);
    writeFileSync(path.join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
    npm(['install', '--offline', '--no-audit', '--no-fund', path.join(dir, packed.filename)], consumer);

    const script = `
      const { Linter } = require('plimsoll-wasm');
      const pod = 'apiVersion: v1\\nkind: Pod\\nmetadata: {name: p}\\nspec: {containers: [{name: a, image: nginx, securityContext: {privileged: true}}]}\\n';
      const node = new Linter().lint(pod, 'pod.yaml').findings.map((f) => f.rule);
      import('plimsoll-wasm/web').then((web) => {
        const bytes = require('fs').readFileSync(require.resolve('plimsoll-wasm/package.json').replace('package.json', 'pkg/web/plimsoll_wasm_bg.wasm'));
        web.initSync({ module: bytes });
        const browser = new web.Linter().lint(pod, 'pod.yaml').findings.map((f) => f.rule);
        console.log(JSON.stringify({ node, browser, version: new web.Linter().version() }));
      });`;
    const out = JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: consumer, encoding: 'utf8' }));
    assert.ok(out.node.includes('security-context/privileged'), out.node);
    assert.deepEqual(out.browser, out.node);

    const cargoVersion = /\[workspace\.package\][^[]*?version = "([^"]+)"/.exec(readFileSync(path.join(root, 'Cargo.toml'), 'utf8'))[1];
    assert.equal(packed.version, cargoVersion, 'package.json and the crate versions agree');
    assert.equal(out.version, cargoVersion);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
