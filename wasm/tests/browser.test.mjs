// The playground in a real browser: Debian's Chromium, driven by playwright-core, loads www/ from a
// static server on 127.0.0.1, gets a manifest pasted (through the clipboard) and another dropped
// as a file, and must list the same findings as the Node build, highlight the lines and the text
// they point at, show a rule's documentation on click, and pass the Pod Security settings into
// the linter's configuration. It saves a screenshot to test-results/playground.png.
//
// The browser must never reach beyond the page's own origin (the page works offline).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { loadPackage, packageDir, readText, serveStatic } from './support.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
// Without the background-networking switches Chromium keeps trying to reach Google's services.
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const { Linter } = loadPackage();
const pasted = 'testdata/examples/legacy-worker.yaml';
const dropped = 'wasm/tests/fixtures/unicode.yaml';

let server;
let browser;
let page;
const foreignRequests = [];
const pageErrors = [];

before(async () => {
  assert.ok(existsSync(path.join(packageDir, 'www/pkg/plimsoll_wasm.js')), 'www/pkg is missing: run wasm/build.sh');
  server = await serveStatic(path.join(packageDir, 'www'));
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url.replace(/\/$/, '') });
  page = await context.newPage();
  page.on('request', (request) => {
    if (!request.url().startsWith(server.url) && !request.url().startsWith('data:')) foreignRequests.push(request.url());
  });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(message.text());
  });
  await page.goto(server.url);
  await page.waitForSelector('body[data-state="ready"]', { timeout: 30_000 });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** What the Node build reports for `file`: the page must show exactly this. */
function expected(file, config) {
  const linter = new Linter(config);
  try {
    return linter.lint(readText(file), 'manifest.yaml').findings;
  } finally {
    linter.free();
  }
}

/** The findings list as shown. */
function shownFindings() {
  return page.$$eval('#findings .finding', (items) =>
    items.map((item) => ({
      rule: item.dataset.rule,
      line: Number(item.dataset.line),
      location: item.querySelector('.location').textContent,
      severity: item.querySelector('.severity').textContent,
      message: item.querySelector('.message').textContent,
      path: item.querySelector('.path')?.textContent,
    })),
  );
}

/** Lines the highlight layer and the gutter flag, with their colour class. */
function flaggedLines() {
  return page.evaluate(() => {
    const read = (selector) =>
      [...document.querySelectorAll(selector)].map((el) => ({
        line: Number(el.dataset.line),
        severity: [...el.classList].find((c) => c.startsWith('sev-')),
      }));
    return { text: read('#highlight .line.flagged'), gutter: read('#gutter .line-number.flagged') };
  });
}

/** Per line, the worst severity among `findings` starting there. */
function worstByLine(findings) {
  const rank = { info: 1, warning: 2, error: 3 };
  const lines = new Map();
  for (const f of findings) {
    const current = lines.get(f.line);
    if (!current || rank[f.severity] > rank[current]) lines.set(f.line, f.severity);
  }
  return [...lines].sort((a, b) => a[0] - b[0]).map(([line, severity]) => ({ line, severity: `sev-${severity}` }));
}

async function waitForFindings(count) {
  await page.waitForFunction((n) => document.querySelectorAll('#findings .finding').length === n, count);
}

test('a pasted manifest: findings listed with line numbers, lines and text highlighted', async () => {
  const want = expected(pasted);
  await page.evaluate((text) => navigator.clipboard.writeText(text), readText(pasted));
  await page.click('#source');
  await page.keyboard.press('Control+V');
  await waitForFindings(want.length);

  assert.equal(await page.inputValue('#source'), readText(pasted), 'the paste reached the editor');
  const shown = await shownFindings();
  assert.deepEqual(
    shown,
    want.map((f) => ({ rule: f.rule, line: f.line, location: `${f.line}:${f.column}`, severity: f.severity, message: f.message, path: f.path })),
  );
  assert.ok(shown.some((f) => f.rule === 'security-context/privileged' && f.line === 31 && f.severity === 'error'));

  const flagged = await flaggedLines();
  assert.deepEqual(flagged.text, worstByLine(want));
  assert.deepEqual(flagged.gutter, worstByLine(want));
  const marks = await page.$$eval('#highlight .line[data-line="31"] mark', (els) => els.map((el) => el.textContent));
  assert.deepEqual(marks, ['yes'], 'the privileged value is marked');
  // The counts follow the rule set (hard-coded counts went stale when rules were added).
  const count = (severity) => want.filter((f) => f.severity === severity).length;
  assert.ok(count('error') === 1 && count('warning') > 1, 'one error and several warnings to count');
  assert.equal(await page.textContent('#summary'), `1 error, ${count('warning')} warnings in 1 document.`);
});

test('clicking a rule shows its documentation; clicking a location selects the text', async () => {
  await page.click('#findings .finding[data-rule="security-context/privileged"] .rule');
  await page.waitForSelector('#rule-doc:not([hidden])');
  assert.equal(await page.textContent('#rule-title'), 'Privileged containers');
  assert.match(await page.textContent('#rule-meta'), /security-context\/privileged · error · on by default/);
  assert.match(await page.textContent('#rule-remediation'), /securityContext\.privileged/);

  await page.click('#findings .finding[data-rule="security-context/privileged"] .location');
  const selected = await page.$eval('#source', (el) => el.value.slice(el.selectionStart, el.selectionEnd));
  assert.equal(selected, 'yes');
  await page.screenshot({ path: screenshotPath('playground.png') });
});

test('a dropped file with non-ASCII text: marks land on the offending text', async () => {
  const text = readText(dropped);
  await page.evaluate((content) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([content], 'unicode.yaml', { type: 'text/yaml' }));
    const editor = document.getElementById('editor');
    editor.dispatchEvent(new DragEvent('dragover', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    editor.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }, text);
  const want = expected(dropped);
  await page.waitForFunction((t) => document.getElementById('source').value === t, text);
  await waitForFindings(want.length);
  assert.deepEqual((await shownFindings()).map((f) => `${f.location} ${f.rule}`), want.map((f) => `${f.line}:${f.column} ${f.rule}`));
  const marks = await page.$$eval('#highlight .line[data-line="11"] mark', (els) =>
    els.map((el) => ({ text: el.textContent, severity: el.className })),
  );
  // Line 11 holds a whole container item (where its missing probe and limit are reported), and
  // inside it the image and the privileged flag, each marked in its own colour.
  const item = '{name: "naïve-😀-app", image: "nginx", securityContext: {privileged: true}}';
  assert.equal(marks.map((m) => m.text).join(''), item);
  assert.deepEqual(marks.filter((m) => m.text === '"nginx"' || m.text === 'true'), [
    { text: '"nginx"', severity: 'sev-warning' },
    { text: 'true', severity: 'sev-error' },
  ]);
  assert.deepEqual((await flaggedLines()).text, worstByLine(want));
});

test('settings: Pod Security level and version, fail-on and rule switches reach the configuration', async () => {
  await page.selectOption('#pss-level', 'baseline');
  await page.selectOption('#pss-version', 'v1.30');
  await page.selectOption('#fail-on', 'warning');
  await page.click('#rules summary');
  await page.uncheck('input[id="rule-images/latest-tag"]');
  const config = JSON.parse(await page.getAttribute('body', 'data-config'));
  assert.deepEqual(config, {
    failOn: 'warning',
    enable: [],
    disable: ['images/latest-tag'],
    pss: { level: 'baseline', version: 'v1.30' },
  });
  const want = expected(dropped, config);
  await waitForFindings(want.length);
  assert.ok(!(await shownFindings()).some((f) => f.rule === 'images/latest-tag'));
  assert.equal(await page.getAttribute('body', 'data-state'), 'ready');
  assert.match(await page.getAttribute('#summary', 'class'), /failed/);
  await page.screenshot({ path: screenshotPath('playground-settings.png') });
});

test('the page stays on its own origin and logs no errors', () => {
  assert.deepEqual(foreignRequests, []);
  assert.deepEqual(pageErrors, []);
});

function screenshotPath(name) {
  const dir = path.join(packageDir, 'test-results');
  mkdirSync(dir, { recursive: true });
  return path.join(dir, name);
}
