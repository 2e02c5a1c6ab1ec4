// The plimsoll playground: lints the manifest in the editor with the wasm build of the linter, on
// every edit, and lists the findings.
//
// Flow: settings (Pod Security level and version, fail-on, rule toggles) → a `LinterConfig` →
// `new Linter(config)` (rebuilt only when settings change) → `lint(text)` on each edit → the
// findings list and the editor's highlights. Nothing is fetched but this page's own files.
//
// The Pod Security settings travel as the configuration's `pss: {level, version}`, which the
// linter hands to the Pod Security Standards rules; the page itself attaches no meaning to them.

import init, { Linter } from './pkg/plimsoll_wasm.js';
import { Editor } from './editor.js';
import { SAMPLE } from './sample.js';

/** Pod Security Standards policy versions selectable in the settings, newest first. */
const PSS_VERSIONS = ['latest', ...Array.from({ length: 38 }, (_, i) => `v1.${37 - i}`)];

const $ = (id) => document.getElementById(id);

const state = {
  /** @type {Linter | null} */
  linter: null,
  /** @type {import('./pkg/plimsoll_wasm.js').RuleInfo[]} */
  rules: [],
  /** Rules the user switched away from their default: id → enabled. */
  toggled: new Map(),
  pending: false,
};

const editor = new Editor({ source: $('source'), highlight: $('highlight'), gutter: $('gutter') });

/** The linter configuration the settings describe. */
function currentConfig() {
  const enable = [];
  const disable = [];
  for (const [id, enabled] of state.toggled) (enabled ? enable : disable).push(id);
  return {
    failOn: $('fail-on').value,
    enable,
    disable,
    pss: { level: $('pss-level').value, version: $('pss-version').value },
  };
}

/** Builds a linter for the current settings; on failure keeps none and says why. */
function rebuildLinter() {
  const config = currentConfig();
  document.body.dataset.config = JSON.stringify(config);
  state.linter?.free();
  state.linter = null;
  try {
    state.linter = new Linter(config);
    state.rules = state.linter.rules();
    renderRuleList();
  } catch (error) {
    showError(error);
    return;
  }
  scheduleLint();
}

/** Lints at most once per frame, however fast the user types. */
function scheduleLint() {
  if (state.pending) return;
  state.pending = true;
  requestAnimationFrame(() => {
    state.pending = false;
    lintNow();
  });
}

function lintNow() {
  if (!state.linter) return;
  let report;
  try {
    report = state.linter.lint(editor.text, 'manifest.yaml');
  } catch (error) {
    showError(error);
    return;
  }
  editor.render(report.findings);
  renderSummary(report);
  renderFindings(report.findings);
  document.body.dataset.state = 'ready';
}

function renderSummary(report) {
  const { summary } = report;
  const summaryElement = $('summary');
  summaryElement.className = `summary ${report.failed ? 'failed' : 'passed'}`;
  if (!editor.text.trim()) {
    summaryElement.textContent = 'Nothing to check yet.';
    return;
  }
  const count = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const documents = count(summary.documents, 'document');
  summaryElement.textContent = summary.findings === 0
    ? `No findings in ${documents}.`
    : `${count(summary.errors, 'error')}, ${count(summary.warnings, 'warning')} in ${documents}.`;
}

function renderFindings(findings) {
  $('findings').replaceChildren(...findings.map(findingItem));
}

function findingItem(finding) {
  const item = document.createElement('li');
  item.className = `finding sev-${finding.severity}`;
  item.dataset.rule = finding.rule;
  item.dataset.line = String(finding.line);

  const location = document.createElement('button');
  location.type = 'button';
  location.className = 'location';
  location.textContent = `${finding.line}:${finding.column}`;
  location.title = 'Show in the manifest';
  location.addEventListener('click', () => editor.reveal(finding));

  const severity = document.createElement('span');
  severity.className = 'severity';
  severity.textContent = finding.severity;

  const rule = document.createElement('button');
  rule.type = 'button';
  rule.className = 'rule';
  rule.textContent = finding.rule;
  rule.title = 'What this rule checks, and how to fix it';
  rule.addEventListener('click', () => showRule(finding.rule));

  const message = document.createElement('p');
  message.className = 'message';
  message.textContent = finding.message;

  item.append(location, severity, rule, message);
  if (finding.path) {
    const path = document.createElement('code');
    path.className = 'path';
    path.textContent = finding.path;
    item.append(path);
  }
  return item;
}

/** The rule's documentation, from its metadata. */
function showRule(id) {
  const rule = state.rules.find((r) => r.id === id);
  const doc = $('rule-doc');
  if (!rule) {
    // Loader findings (yaml/…) and evaluation failures have no rule file.
    $('rule-title').textContent = id;
    $('rule-meta').textContent = 'Reported by the manifest reader itself.';
    $('rule-description').replaceChildren();
    $('rule-remediation').replaceChildren(paragraph('Fix the YAML at the reported line.'));
    $('rule-links').replaceChildren();
    doc.hidden = false;
    return;
  }
  $('rule-title').textContent = `${rule.title}`;
  const facts = [rule.id, rule.severity, rule.default ? 'on by default' : 'off by default'];
  if (rule.pss_check) facts.push(`Pod Security check ${rule.pss_check} (${rule.level})`);
  $('rule-meta').textContent = facts.join(' · ');
  $('rule-description').replaceChildren(...paragraphs(rule.description));
  $('rule-remediation').replaceChildren(...paragraphs(rule.remediation));
  $('rule-links').replaceChildren(...rule.related_resources.map(linkItem));
  doc.hidden = false;
  doc.scrollIntoView({ block: 'nearest' });
}

/** Metadata text: blank lines separate paragraphs, `backticks` mark code. */
function paragraphs(text) {
  return text.split(/\n\s*\n/).map(paragraph);
}

function paragraph(text) {
  const p = document.createElement('p');
  text.split(/(`[^`]+`)/).forEach((part) => {
    if (part.startsWith('`') && part.endsWith('`') && part.length > 1) {
      const code = document.createElement('code');
      code.textContent = part.slice(1, -1);
      p.append(code);
    } else {
      p.append(part.replace(/\s*\n\s*/g, ' '));
    }
  });
  return p;
}

function linkItem(url) {
  const item = document.createElement('li');
  const link = document.createElement('a');
  link.href = url;
  link.textContent = url;
  link.rel = 'noreferrer';
  link.target = '_blank';
  item.append(link);
  return item;
}

/** Every rule with a switch; a change rebuilds the linter. */
function renderRuleList() {
  const items = state.rules.map((rule) => {
    const item = document.createElement('li');
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.checked = rule.enabled;
    box.id = `rule-${rule.id}`;
    box.addEventListener('change', () => {
      if (box.checked === rule.default) state.toggled.delete(rule.id);
      else state.toggled.set(rule.id, box.checked);
      rebuildLinter();
    });
    const label = document.createElement('label');
    label.htmlFor = box.id;
    label.textContent = ` ${rule.id} `;
    const more = document.createElement('button');
    more.type = 'button';
    more.className = 'rule';
    more.textContent = 'about';
    more.addEventListener('click', () => showRule(rule.id));
    item.append(box, label, more);
    return item;
  });
  $('rule-list').replaceChildren(...items);
  $('rules').querySelector('summary').textContent =
    `Rules (${state.rules.filter((r) => r.enabled).length} of ${state.rules.length} on)`;
}

function showError(error) {
  const code = error && error.code ? ` [${error.code}]` : '';
  $('summary').className = 'summary error';
  $('summary').textContent = `${error && error.message ? error.message : error}${code}`;
  document.body.dataset.state = 'error';
}

async function loadFile(file) {
  editor.text = await file.text();
  scheduleLint();
}

function wireControls() {
  $('pss-version').replaceChildren(...PSS_VERSIONS.map((v) => new Option(v, v)));
  for (const id of ['pss-level', 'pss-version', 'fail-on']) $(id).addEventListener('change', rebuildLinter);
  $('source').addEventListener('input', scheduleLint);
  $('sample').addEventListener('click', () => {
    editor.text = SAMPLE;
    scheduleLint();
  });
  $('clear').addEventListener('click', () => {
    editor.text = '';
    scheduleLint();
  });
  $('file').addEventListener('change', (event) => {
    const [file] = event.target.files;
    if (file) loadFile(file);
  });
  $('rule-close').addEventListener('click', () => {
    $('rule-doc').hidden = true;
  });
  const editorElement = $('editor');
  editorElement.addEventListener('dragover', (event) => {
    event.preventDefault();
    editorElement.classList.add('dropping');
  });
  editorElement.addEventListener('dragleave', () => editorElement.classList.remove('dropping'));
  editorElement.addEventListener('drop', (event) => {
    event.preventDefault();
    editorElement.classList.remove('dropping');
    const [file] = event.dataTransfer.files;
    if (file) loadFile(file);
  });
}

async function main() {
  wireControls();
  try {
    await init();
  } catch (error) {
    showError(error);
    return;
  }
  rebuildLinter();
  $('version').textContent = state.linter ? `v${state.linter.version()}` : '';
}

main();
