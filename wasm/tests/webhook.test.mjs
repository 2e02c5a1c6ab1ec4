// The example webhook end to end: the server runs as its own Node process with a throwaway
// self-signed certificate (made by openssl for 127.0.0.1), and real HTTPS requests on loopback,
// verified against that certificate, must be answered as a Kubernetes API server expects:
// allowed, denied with a message, allowed with warnings, 400 for what is not an AdmissionReview,
// 413 for a body over the limit. Internal failures are checked in-process with a linter that
// throws, against both failure policies.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadPackage, packageDir, selfSignedCertificate, startWebhook } from './support.mjs';
import { deployment, review } from './reviews.mjs';

loadPackage(); // fails early, with a hint, when the package is not built
const require = createRequire(import.meta.url);
const serverScript = path.join(packageDir, 'examples/webhook/server.js');
const MAX_BODY = 64 * 1024;

let dir;
let server;
let base;
let ca;
const agent = new https.Agent({ keepAlive: true, maxSockets: 4 });

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'plimsoll-webhook-'));
  const { cert, key } = selfSignedCertificate(dir);
  ca = readFileSync(cert);
  const config = path.join(dir, 'config.json');
  // Only the rules the reviews below break: a rule added to the default catalog changes no answer.
  writeFileSync(config, JSON.stringify({ failOn: 'error', failurePolicy: 'Fail', only: ['privileged', 'latest-tag'] }));
  server = await startWebhook([
    '--cert', cert, '--key', key, '--config', config, '--host', '127.0.0.1', '--port', '0',
    '--max-body-bytes', String(MAX_BODY), '--quiet',
  ]);
  base = server.url;
});

after(async () => {
  agent.destroy();
  if (server) {
    server.child.kill('SIGTERM');
    await once(server.child, 'exit');
  }
  rmSync(dir, { recursive: true, force: true });
});

/** One HTTPS request to the server, certificate verified; resolves to {status, headers, body}. */
function request(method, pathname, { body, headers = {}, chunked = false } = {}) {
  return new Promise((resolve, reject) => {
    const url = new URL(pathname, base);
    const sendHeaders = { ...headers };
    if (body !== undefined && !chunked) sendHeaders['content-length'] = Buffer.byteLength(body);
    const req = https.request(url, { method, headers: sendHeaders, ca, agent, servername: 'localhost' }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: text ? JSON.parse(text) : undefined }));
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

test('a malformed body gets 400', async () => {
  for (const text of ['{"apiVersion": "admission.k8s.io/v1", "kind": ', 'null', '{"apiVersion": "v1", "kind": "Pod"}']) {
    const { status, body } = await post(text);
    assert.equal(status, 400, text);
    assert.match(body.code, /^plimsoll::admission::(json|review)$/);
  }
});

test('a body over the limit gets 413, announced or streamed, and the server keeps serving', async () => {
  const big = JSON.stringify(review(deployment({ image: `nginx:${'1'.repeat(MAX_BODY)}` })));
  assert.equal((await post(big)).status, 413);
  assert.equal((await post(big, { chunked: true })).status, 413);
  assert.equal((await post(JSON.stringify(review(deployment())))).body.response.allowed, true);
});

test('other methods, paths and content types are refused; /healthz answers', async () => {
  assert.equal((await request('GET', '/validate')).status, 405);
  assert.equal((await request('POST', '/elsewhere', { body: '{}', headers: json })).status, 404);
  assert.equal((await request('POST', '/validate', { body: '{}', headers: { 'content-type': 'text/plain' } })).status, 415);
  assert.deepEqual((await request('GET', '/healthz')).body, { status: 'ok' });
});

test('internal failures answer per the failure policy, then the linter is rebuilt', async () => {
  const { createHandler } = require(serverScript);
  let built = 0;
  const failing = () => {
    built += 1;
    return { admit: () => { throw new WebAssembly.RuntimeError('unreachable'); } };
  };
  const text = JSON.stringify(review(deployment(), { uid: 'uid-internal' }));
  for (const [failurePolicy, allowed] of [['Fail', false], ['Ignore', true]]) {
    const handle = createHandler({ config: { failurePolicy }, makeLinter: failing });
    const answer = await invoke(handle, text);
    assert.equal(answer.status, 200);
    assert.equal(answer.body.response.uid, 'uid-internal');
    assert.equal(answer.body.response.allowed, allowed, failurePolicy);
    assert.match(JSON.stringify(answer.body.response), /could not check this object: unreachable/);
  }
  assert.equal(built, 4, 'each failure rebuilds the linter');
  const handle = createHandler({ makeLinter: failing });
  assert.equal((await invoke(handle, 'not json')).status, 500, 'no uid to answer to');
});

/** Runs a handler on a fake request/response pair. */
async function invoke(handle, body) {
  const { Readable } = await import('node:stream');
  const request = Object.assign(Readable.from([Buffer.from(body)]), {
    url: '/validate',
    method: 'POST',
    headers: { 'content-type': 'application/json' },
  });
  return new Promise((resolve) => {
    const response = {
      writeHead(status) {
        this.status = status;
      },
      end(text) {
        resolve({ status: this.status, body: JSON.parse(text) });
      },
    };
    handle(request, response);
  });
}
