// The example webhook end to end, on real sockets: the server runs as its own Node process (or, where
// a test needs to reach inside, in this process) with a throwaway self-signed certificate made by
// openssl for 127.0.0.1, and real HTTPS requests on loopback, verified against that certificate,
// must be answered as a Kubernetes API server expects: allowed, denied with a message, allowed with
// warnings, the CLI's verdicts on schema errors, 400 for what is not an AdmissionReview, 415 for
// another content type, 413 beyond the API server's 3 MiB, 408 for clients too slow to send, 503
// with Retry-After when the queue is full, the failure policy on internal errors, health and
// readiness probes, a graceful drain on SIGTERM, and Prometheus metrics that count all of it.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { createRequire } from 'node:module';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { setTimeout as sleep } from 'node:timers/promises';
import { cliBinary, loadPackage, packageDir, selfSignedCertificate, startWebhook } from './support.mjs';

// The rules the served webhook runs (and the CLI, where a test compares them): two the reviews
// exercise, and the schema category, which the Node build carries.
const RULES = ['privileged', 'latest-tag', 'schema'];
import { deployment, review } from './reviews.mjs';

loadPackage(); // fails early, with a hint, when the package is not built
const require = createRequire(import.meta.url);
const serverScript = path.join(packageDir, 'examples/webhook/server.js');
const { createServer, DEFAULT_MAX_BODY_BYTES, LATENCY_BUCKETS } = require(serverScript);
/** The timeouts of the server under test: short, so that slow clients are cut off quickly. */
const HEADERS_TIMEOUT_MS = 1_000;
const REQUEST_TIMEOUT_MS = 2_000;

let dir;
let cert;
let key;
let ca;
let server;
let base;
const agent = new https.Agent({ keepAlive: true, maxSockets: 4 });

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'plimsoll-webhook-'));
  ({ cert, key } = selfSignedCertificate(dir));
  ca = readFileSync(cert);
  const config = path.join(dir, 'config.json');
  // Only the rules the reviews below break: a rule added to the default catalog changes no answer.
  writeFileSync(config, JSON.stringify({ failOn: 'error', failurePolicy: 'Fail', only: RULES }));
  server = await startWebhook([
    '--cert', cert, '--key', key, '--config', config, '--host', '127.0.0.1', '--port', '0', '--quiet',
    '--headers-timeout-ms', String(HEADERS_TIMEOUT_MS), '--request-timeout-ms', String(REQUEST_TIMEOUT_MS),
  ]);
  base = server.url;
  await untilReady(base);
});

after(async () => {
  agent.destroy();
  if (server && server.child.exitCode === null) {
    server.child.kill('SIGTERM');
    await once(server.child, 'exit');
  }
  rmSync(dir, { recursive: true, force: true });
});

/** One HTTPS request, certificate verified; resolves to {status, headers, body} (JSON parsed). */
function request(method, pathname, { body, headers = {}, chunked = false, to = base, via = agent } = {}) {
  return new Promise((resolve, reject) => {
    const url = new URL(pathname, to);
    const sendHeaders = { ...headers };
    if (body !== undefined && !chunked) sendHeaders['content-length'] = Buffer.byteLength(body);
    const req = https.request(url, { method, headers: sendHeaders, ca, agent: via, servername: 'localhost' }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => {
        const json = /^application\/json/.test(res.headers['content-type'] || '');
        resolve({ status: res.statusCode, headers: res.headers, body: json && text ? JSON.parse(text) : text });
      });
    });
    req.on('error', reject);
    if (body !== undefined && chunked) {
      // Written in pieces with no Content-Length: the limit must hold for streamed bodies too.
      for (let i = 0; i < body.length; i += 16 * 1024) req.write(body.slice(i, i + 16 * 1024));
    } else if (body !== undefined) {
      req.write(body);
    }
    req.end();
  });
}

const json = { 'content-type': 'application/json' };
const post = (body, options = {}) => request('POST', '/validate', { body, headers: json, ...options });

async function untilReady(url) {
  for (let i = 0; i < 200; i += 1) {
    const { status } = await request('GET', '/readyz', { to: url });
    if (status === 200) return;
    await sleep(50);
  }
  throw new Error(`${url} never became ready`);
}

/** A TLS connection to `url` (certificate verified), opened; raw HTTP is written on it. */
async function rawConnection(url) {
  const { hostname, port } = new URL(url);
  const socket = tls.connect({ host: hostname, port: Number(port), ca, servername: 'localhost' });
  await once(socket, 'secureConnect');
  return socket;
}

/**
 * Everything `socket` receives until the server closes it; resolves to {text, closedAfterMs}.
 * Rejects if it stays open longer than `limitMs`.
 */
function untilClosed(socket, limitMs) {
  const opened = performance.now();
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`connection still open after ${limitMs} ms; received ${JSON.stringify(text)}`));
    }, limitMs);
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => (text += chunk));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ text, closedAfterMs: performance.now() - opened });
    });
  });
}

/** Status, lower-cased headers and body of a raw HTTP/1.1 response. */
function parseResponse(text) {
  const [head, ...rest] = text.split('\r\n\r\n');
  const [statusLine, ...headerLines] = head.split('\r\n');
  const headers = Object.fromEntries(headerLines.map((line) => {
    const colon = line.indexOf(':');
    return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()];
  }));
  return { status: Number(statusLine.split(' ')[1]), headers, body: rest.join('\r\n\r\n') };
}

/** Starts `createServer(options)` in this process on 127.0.0.1; resolves to {server, url}. */
async function inProcess(options) {
  const local = createServer({ cert, key, ...options });
  local.listen(0, '127.0.0.1');
  await once(local, 'listening');
  return { server: local, url: `https://127.0.0.1:${local.address().port}/` };
}

const closeServer = (local) => new Promise((resolve) => local.drain(resolve, 2_000));

test('a clean Deployment is allowed, its uid echoed', async () => {
  const { status, headers, body } = await post(JSON.stringify(review(deployment(), { uid: 'uid-allowed' })));
  assert.equal(status, 200);
  assert.match(headers['content-type'], /^application\/json/);
  assert.deepEqual(body, { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: 'uid-allowed', allowed: true } });
});

test('a privileged Deployment is denied with rule, path and message', async () => {
  const { status, body } = await post(JSON.stringify(review(deployment({ privileged: true }), { uid: 'uid-denied' })));
  assert.equal(status, 200);
  const { response } = body;
  assert.equal(response.uid, 'uid-denied');
  assert.equal(response.allowed, false);
  assert.equal(response.status.code, 403);
  assert.match(
    response.status.message,
    /^2 policy violations:\n- security-context\/privileged at spec\.template\.spec\.containers\[0\]\.securityContext\.privileged: container "web" runs privileged\n/,
  );
});

test('warning findings come back as warnings on an allowed request', async () => {
  const { body } = await post(JSON.stringify(review(deployment({ image: 'nginx:latest' }))));
  assert.equal(body.response.allowed, true);
  assert.equal(body.response.warnings.length, 2);
  assert.match(body.response.warnings[0], /^images\/latest-tag at spec\.template\.spec\.containers\[0\]\.image: /);
});

test('deletions and subresource requests are allowed', async () => {
  const bad = deployment({ privileged: true });
  for (const options of [{ operation: 'DELETE' }, { operation: 'UPDATE', subResource: 'status' }]) {
    const { body } = await post(JSON.stringify(review(bad, options)));
    assert.equal(body.response.allowed, true, JSON.stringify(options));
  }
});

test('objects the CLI rejects for their schema are denied with the same rules', async (t) => {
  const unknownField = deployment();
  unknownField.spec.template.spec.containers[0].imagePullPolicyy = 'Always';
  const wrongType = deployment();
  wrongType.spec.replicas = 'three';
  const removedApi = { ...deployment(), apiVersion: 'extensions/v1beta1' };
  for (const [name, object] of [['unknown field', unknownField], ['wrong type', wrongType], ['removed API', removedApi]]) {
    await t.test(name, async () => {
      const file = path.join(dir, 'object.json');
      writeFileSync(file, JSON.stringify(object));
      const only = RULES.flatMap((rule) => ['--only', rule]);
      const run = spawnSync(cliBinary(), ['lint', '--format', 'json', ...only, file], { encoding: 'utf8' });
      assert.equal(run.status, 1, `the CLI fails the object:\n${run.stdout}${run.stderr}`);
      const errors = JSON.parse(run.stdout).findings.filter((f) => f.severity === 'error');
      assert.ok(errors.some((f) => f.rule.startsWith('schema/')), `a schema rule among ${errors.map((f) => f.rule)}`);
      const { body } = await post(JSON.stringify(review(object)));
      assert.equal(body.response.allowed, false);
      const denied = body.response.status.message.split('\n').slice(1).map((line) => line.replace(/^- (\S+) .*$/s, '$1'));
      assert.deepEqual(denied, errors.map((f) => f.rule));
    });
  }
});

test('what is not an AdmissionReview gets 400 and the server keeps serving', async () => {
  const bodies = [
    '{"apiVersion": "admission.k8s.io/v1", "kind": ',
    'null',
    '[]',
    '"AdmissionReview"',
    '{"apiVersion": "v1", "kind": "Pod"}',
    '{"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview"}',
    Buffer.from([0xff, 0xfe, 0x00, 0x7b, 0x80]).toString('latin1'),
    '',
  ];
  for (const text of bodies) {
    const { status, body } = await post(text);
    assert.equal(status, 400, JSON.stringify(text));
    assert.match(body.code, /^plimsoll::admission::(json|review)$/);
  }
  assert.equal((await post(JSON.stringify(review(deployment())))).body.response.allowed, true);
});

test('a content type other than JSON gets 415; JSON with parameters is accepted', async () => {
  const body = JSON.stringify(review(deployment()));
  for (const type of ['text/plain', 'application/json-patch+json', 'application/x-www-form-urlencoded', undefined]) {
    const headers = type ? { 'content-type': type } : {};
    const answer = await request('POST', '/validate', { body, headers });
    assert.equal(answer.status, 415, String(type));
    assert.match(answer.body.error, /Content-Type: application\/json/);
  }
  const answer = await request('POST', '/validate', { body, headers: { 'content-type': 'Application/JSON; charset=utf-8' } });
  assert.equal(answer.status, 200);
});

test('the body limit is the API server\'s 3 MiB: a review just under it is checked, over it gets 413', async () => {
  assert.equal(DEFAULT_MAX_BODY_BYTES, 3 * 1024 * 1024);
  const sized = (bytes) => {
    const object = deployment();
    object.metadata.annotations = { a: '' };
    object.metadata.annotations.a = 'x'.repeat(bytes - JSON.stringify(review(object)).length);
    const text = JSON.stringify(review(object));
    assert.equal(text.length, bytes);
    return text;
  };
  const under = await post(sized(DEFAULT_MAX_BODY_BYTES));
  assert.equal(under.status, 200);
  assert.equal(under.body.response.allowed, true);
  const over = sized(DEFAULT_MAX_BODY_BYTES + 1);
  assert.equal((await post(over)).status, 413);
  assert.equal((await post(over, { chunked: true })).status, 413, 'streamed without Content-Length');
  assert.equal((await post(JSON.stringify(review(deployment())))).body.response.allowed, true);
});

test('other methods and paths are refused; /healthz and /readyz answer', async () => {
  assert.equal((await request('GET', '/validate')).status, 405);
  assert.equal((await request('POST', '/elsewhere', { body: '{}', headers: json })).status, 404);
  assert.deepEqual((await request('GET', '/healthz')).body, { status: 'ok' });
  assert.deepEqual((await request('GET', '/readyz')).body, { status: 'ready' });
});

test('headers over Node\'s 16 KiB limit get 431, and the connection is closed', async () => {
  const socket = await rawConnection(base);
  const closed = untilClosed(socket, 5_000);
  socket.write(`POST /validate HTTP/1.1\r\nHost: localhost\r\nX-Padding: ${'a'.repeat(20 * 1024)}\r\n\r\n`);
  assert.equal(parseResponse((await closed).text).status, 431);
  assert.match((await request('GET', '/metrics')).body, /^plimsoll_webhook_http_requests_total\{code="431"\} 1$/m);
});

test('slow clients are cut off: TLS handshake, headers and body each within their timeout', async () => {
  const slack = 2_500; // Node checks the timeouts once a second; the machine may be busy
  // Connects and never starts the TLS handshake.
  const silent = net.connect({ host: '127.0.0.1', port: Number(new URL(base).port) });
  const handshake = untilClosed(silent, HEADERS_TIMEOUT_MS + slack);
  // Trickles its headers, a byte every 100 ms.
  const slowHeaders = await rawConnection(base);
  const headers = untilClosed(slowHeaders, HEADERS_TIMEOUT_MS + slack);
  slowHeaders.write('POST /validate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nX-Padding: ');
  const trickleHeaders = setInterval(() => slowHeaders.writable && slowHeaders.write('a'), 100);
  // Sends its headers at once and trickles the body.
  const slowBody = await rawConnection(base);
  const bodyCut = untilClosed(slowBody, REQUEST_TIMEOUT_MS + slack);
  const text = JSON.stringify(review(deployment()));
  slowBody.write(`POST /validate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${text.length}\r\n\r\n`);
  let sent = 0;
  const trickleBody = setInterval(() => slowBody.writable && slowBody.write(text[sent++]), 100);
  try {
    // Meanwhile everyone else is served as usual.
    const started = performance.now();
    assert.equal((await post(text)).status, 200);
    assert.ok(performance.now() - started < 1_000, 'a review waited for the slow clients');
    const [h, b] = await Promise.all([headers, bodyCut, handshake]);
    assert.equal(parseResponse(h.text).status, 408, h.text);
    assert.equal(parseResponse(b.text).status, 408, b.text);
    assert.ok(b.closedAfterMs >= REQUEST_TIMEOUT_MS - 100, `body cut after ${b.closedAfterMs} ms`);
  } finally {
    clearInterval(trickleHeaders);
    clearInterval(trickleBody);
  }
  assert.equal((await post(text)).status, 200);
});

test('a full queue answers 503 with Retry-After at once, then serves again', async () => {
  const { server: local, url } = await inProcess({ maxQueue: 1 });
  await local.webhook.load();
  // An object with many containers takes the linter some milliseconds: while it checks one,
  // the other requests arrive and find the queue full.
  const heavy = deployment();
  const container = heavy.spec.template.spec.containers[0];
  heavy.spec.template.spec.containers = Array.from({ length: 60 }, (_, i) => ({ ...container, name: `c${i}` }));
  const text = JSON.stringify(review(heavy));
  const many = new https.Agent({ keepAlive: true, maxSockets: 12 });
  try {
    // Connections opened first, so that the requests arrive together.
    await Promise.all(Array.from({ length: 12 }, () => request('GET', '/healthz', { to: url, via: many })));
    const answers = await Promise.all(Array.from({ length: 12 }, () => post(text, { to: url, via: many })));
    const statuses = answers.map((a) => a.status);
    assert.deepEqual([...new Set(statuses)].sort(), [200, 503], `statuses ${statuses}`);
    for (const answer of answers.filter((a) => a.status === 503)) {
      assert.equal(answer.headers['retry-after'], '1');
      assert.match(answer.body.error, /queue full/);
    }
    const metrics = (await request('GET', '/metrics', { to: url, via: many })).body;
    assert.match(metrics, /^plimsoll_webhook_queue_full_total [1-9]\d*$/m);
    assert.match(metrics, /^plimsoll_webhook_queue_depth 0$/m);
    assert.equal((await post(text, { to: url, via: many })).status, 200);
  } finally {
    many.destroy();
    await closeServer(local);
  }
});

test('internal failures answer per the failure policy, then the linter is rebuilt', async () => {
  let built = 0;
  const failing = () => {
    built += 1;
    return { admit: () => { throw new WebAssembly.RuntimeError('unreachable'); } };
  };
  const text = JSON.stringify(review(deployment(), { uid: 'uid-internal' }));
  for (const [failurePolicy, allowed] of [['Fail', false], ['Ignore', true]]) {
    const { server: local, url } = await inProcess({ config: { failurePolicy }, makeLinter: failing });
    try {
      await local.webhook.load();
      const answer = await post(text, { to: url, via: false });
      assert.equal(answer.status, 200);
      assert.equal(answer.body.response.uid, 'uid-internal');
      assert.equal(answer.body.response.allowed, allowed, failurePolicy);
      assert.match(JSON.stringify(answer.body.response), /could not check this object: unreachable/);
      assert.equal((await post('not json', { to: url, via: false })).status, 500, 'no uid to answer to');
      const metrics = (await request('GET', '/metrics', { to: url, via: false })).body;
      assert.match(metrics, /^plimsoll_webhook_evaluation_errors_total 2$/m);
    } finally {
      await closeServer(local);
    }
  }
  assert.equal(built, 6, 'each failure rebuilds the linter');
});

test('in worker threads: a failing linter is answered per the failure policy and rebuilt, a dead worker replaced', async () => {
  const linterModule = path.join(packageDir, 'tests/fixtures/webhook-linters.cjs');
  const via = false;
  const failing = await inProcess({ workers: 1, linterModule, config: { failurePolicy: 'Fail', misbehave: 'throw' } });
  try {
    await failing.server.webhook.load();
    const text = JSON.stringify(review(deployment(), { uid: 'uid-internal' }));
    // The thread's first linter fails, and so does the one built after it: each failure rebuilds.
    for (const number of [1, 2]) {
      const answer = await post(text, { to: failing.url, via });
      assert.equal(answer.status, 200);
      assert.equal(answer.body.response.uid, 'uid-internal');
      assert.equal(answer.body.response.allowed, false);
      assert.equal(answer.body.response.status.message, `plimsoll could not check this object: unreachable (linter ${number} of its thread)`);
    }
    assert.match((await request('GET', '/metrics', { to: failing.url, via })).body, /^plimsoll_webhook_evaluation_errors_total 2$/m);
  } finally {
    await closeServer(failing.server);
  }
  const exiting = await inProcess({ workers: 1, linterModule, config: { misbehave: 'exit' } });
  try {
    await exiting.server.webhook.load();
    // The worker dies under this review: its uid went with the body, so the answer is a 500, which
    // the API server handles per its own failurePolicy.
    const died = await post(JSON.stringify(review(deployment(), { uid: 'exit' })), { to: exiting.url, via });
    assert.equal(died.status, 500);
    const next = await post(JSON.stringify(review(deployment(), { uid: 'after' })), { to: exiting.url, via });
    assert.equal(next.status, 200, 'a new worker answers');
    assert.deepEqual(next.body.response, { uid: 'after', allowed: true });
    const metrics = (await request('GET', '/metrics', { to: exiting.url, via })).body;
    assert.match(metrics, /^plimsoll_webhook_evaluation_errors_total 1$/m);
    assert.match(metrics, /^plimsoll_webhook_linter_threads 1$/m);
  } finally {
    await closeServer(exiting.server);
  }
});

test('reviews from a connection that had a request refused wait behind the others', async () => {
  // One linter thread that holds the first review for half a second while the others arrive, and
  // tells in which order it checked each.
  const linterModule = path.join(packageDir, 'tests/fixtures/webhook-linters.cjs');
  // Waiting behind the others is bounded (250 ms by default); here not, so that a busy machine
  // cannot turn the order around.
  const options = { workers: 1, linterModule, config: { misbehave: 'order' }, deprioritizedMaxWaitMs: 60_000 };
  const { server: local, url } = await inProcess(options);
  await local.webhook.load();
  const hostile = new https.Agent({ keepAlive: true, maxSockets: 3 });
  const polite = new https.Agent({ keepAlive: true, maxSockets: 1 });
  const reviewText = (uid) => JSON.stringify(review(deployment(), { uid }));
  try {
    // Three connections that have sent a review as text/plain, and one that has not; all open before.
    const refused = await Promise.all([1, 2, 3].map(() =>
      request('POST', '/validate', { body: reviewText('wrong-type'), headers: { 'content-type': 'text/plain' }, to: url, via: hostile })));
    assert.deepEqual(refused.map((a) => a.status), [415, 415, 415]);
    assert.equal((await request('GET', '/healthz', { to: url, via: polite })).status, 200);
    const first = post(reviewText('first'), { to: url, via: false });
    await sleep(200);
    const suspects = [1, 2, 3].map((i) => post(reviewText(`after-refusal-${i}`), { to: url, via: hostile }));
    await sleep(100);
    const good = post(reviewText('good'), { to: url, via: polite });
    const answers = await Promise.all([first, ...suspects, good]);
    const order = Object.fromEntries(answers.map((a) => [a.body.response.uid, Number(a.body.response.warnings[0])]));
    assert.equal(order.first, 1, JSON.stringify(order));
    assert.equal(order.good, 2, JSON.stringify(order));
  } finally {
    hostile.destroy();
    polite.destroy();
    await closeServer(local);
  }
});

test('a keep-alive connection busy past the request timeout is never cut, every request on it answered', async () => {
  const agent1 = new https.Agent({ keepAlive: true, maxSockets: 1 });
  const text = JSON.stringify(review(deployment()));
  let sockets = 0;
  let answered = 0;
  try {
    // Node checks the request and headers timeouts every second on connections with a request
    // arriving; this one always has a review under way, one after another, for longer than both.
    for (const until = performance.now() + REQUEST_TIMEOUT_MS + 1_500; performance.now() < until;) {
      const answer = await new Promise((resolve, reject) => {
        const req = https.request(new URL('/validate', base), {
          method: 'POST', agent: agent1, ca, servername: 'localhost',
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) },
        }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode));
        });
        req.on('socket', (socket) => {
          if (!req.reusedSocket) sockets += 1;
          socket.setNoDelay(true);
        });
        req.on('error', reject);
        req.end(text);
      });
      assert.equal(answer, 200);
      answered += 1;
    }
  } finally {
    agent1.destroy();
  }
  assert.ok(answered > 20, `only ${answered} reviews answered`);
  assert.equal(sockets, 1, 'the server closed the connection');
});

test('readiness waits for the linter; liveness does not', async () => {
  const { server: local, url } = await inProcess({});
  try {
    assert.equal((await request('GET', '/healthz', { to: url, via: false })).status, 200);
    const starting = await request('GET', '/readyz', { to: url, via: false });
    assert.equal(starting.status, 503);
    assert.deepEqual(starting.body, { status: 'starting' });
    const early = await post(JSON.stringify(review(deployment())), { to: url, via: false });
    assert.equal(early.status, 503);
    assert.equal(early.headers['retry-after'], '1');
    await local.webhook.load();
    assert.equal((await request('GET', '/readyz', { to: url, via: false })).status, 200);
    assert.equal((await post(JSON.stringify(review(deployment())), { to: url, via: false })).status, 200);
  } finally {
    await closeServer(local);
  }
});

test('metrics: requests by code, verdicts, a latency histogram and the queue, in Prometheus text format', async () => {
  const { server: local, url } = await inProcess({});
  await local.webhook.load();
  const via = false;
  try {
    await post(JSON.stringify(review(deployment())), { to: url, via });
    await post(JSON.stringify(review(deployment())), { to: url, via });
    await post(JSON.stringify(review(deployment({ privileged: true }))), { to: url, via });
    await post('{', { to: url, via });
    await request('POST', '/validate', { body: '{}', headers: { 'content-type': 'text/plain' }, to: url, via });
    const { status, headers, body } = await request('GET', '/metrics', { to: url, via });
    assert.equal(status, 200);
    assert.equal(headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8');
    const samples = new Map();
    const types = new Map();
    for (const line of body.trimEnd().split('\n')) {
      const comment = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+)$/.exec(line);
      if (comment) {
        if (comment[1] === 'TYPE') types.set(comment[2], comment[3]);
        continue;
      }
      const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{[a-zA-Z_]\w*="[^"]*"(?:,[a-zA-Z_]\w*="[^"]*")*\})?) (\S+)$/.exec(line);
      assert.ok(sample, `not a sample line: ${JSON.stringify(line)}`);
      assert.ok(!Number.isNaN(Number(sample[2])), line);
      samples.set(sample[1], Number(sample[2]));
    }
    const histogram = 'plimsoll_webhook_review_duration_seconds';
    assert.equal(types.get(histogram), 'histogram');
    assert.equal(types.get('plimsoll_webhook_http_requests_total'), 'counter');
    assert.equal(types.get('plimsoll_webhook_queue_depth'), 'gauge');
    assert.equal(samples.get('plimsoll_webhook_http_requests_total{code="200"}'), 3);
    assert.equal(samples.get('plimsoll_webhook_http_requests_total{code="400"}'), 1);
    assert.equal(samples.get('plimsoll_webhook_http_requests_total{code="415"}'), 1);
    assert.equal(samples.get('plimsoll_webhook_reviews_total{allowed="true"}'), 2);
    assert.equal(samples.get('plimsoll_webhook_denials_total'), 1);
    assert.equal(samples.get('plimsoll_webhook_queue_depth'), 0);
    assert.equal(samples.get('plimsoll_webhook_ready'), 1);
    assert.equal(samples.get(`${histogram}_count`), 3);
    assert.equal(samples.get(`${histogram}_bucket{le="+Inf"}`), 3);
    let previous = 0;
    for (const bound of LATENCY_BUCKETS) {
      const count = samples.get(`${histogram}_bucket{le="${bound}"}`);
      assert.ok(count >= previous, `buckets cumulative at ${bound}`);
      previous = count;
    }
    assert.ok(samples.get(`${histogram}_sum`) > 0);
    assert.ok(samples.get('process_resident_memory_bytes') > 10e6);
  } finally {
    await closeServer(local);
  }
});

test('SIGTERM drains: new connections refused, requests under way answered, then exit 0', async () => {
  const child = await startWebhook([
    '--cert', cert, '--key', key, '--host', '127.0.0.1', '--port', '0', '--quiet', '--headers-timeout-ms', '5000',
  ]);
  await untilReady(child.url);
  const text = JSON.stringify(review(deployment(), { uid: 'uid-in-flight' }));
  // A review half sent, a readiness probe whose headers are not finished, and an idle connection.
  const inFlight = await rawConnection(child.url);
  inFlight.write(`POST /validate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${text.length}\r\n\r\n`);
  inFlight.write(text.slice(0, 100));
  const probe = await rawConnection(child.url);
  probe.write('GET /readyz HTTP/1.1\r\nHost: localhost\r\n');
  const idle = await rawConnection(child.url);
  idle.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n');
  await once(idle, 'data');
  const idleClosed = untilClosed(idle, 5_000);
  const inFlightAnswer = untilClosed(inFlight, 10_000);
  const probeAnswer = untilClosed(probe, 10_000);
  await sleep(100);
  const exited = once(child.child, 'exit');

  child.child.kill('SIGTERM');
  const { port } = new URL(child.url);
  for (let i = 0; ; i += 1) {
    const refused = await new Promise((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port: Number(port) });
      socket.on('connect', () => {
        socket.destroy();
        resolve(false);
      });
      socket.on('error', (error) => resolve(error.code === 'ECONNREFUSED'));
    });
    if (refused) break;
    assert.ok(i < 100, 'new connections still accepted 5 s after SIGTERM');
    await sleep(50);
  }
  await idleClosed;
  probe.write('\r\n');
  inFlight.write(text.slice(100));
  const readiness = parseResponse((await probeAnswer).text);
  assert.equal(readiness.status, 503);
  assert.deepEqual(JSON.parse(readiness.body), { status: 'draining' });
  assert.equal(readiness.headers.connection, 'close');
  const answer = parseResponse((await inFlightAnswer).text);
  assert.equal(answer.status, 200);
  assert.deepEqual(JSON.parse(answer.body).response, { uid: 'uid-in-flight', allowed: true });
  assert.equal(answer.headers.connection, 'close');
  const [code, signal] = await exited;
  assert.equal(signal, null);
  assert.equal(code, 0);
});
