#!/usr/bin/env node
// plimsoll as a Kubernetes validating admission webhook: an HTTPS server (Node 20, no framework)
// that answers AdmissionReview POSTs with the Node build of the plimsoll-wasm package.
//
// Request flow: TLS (cert and key from files; SIGHUP reloads them) → route (`POST <path>`,
// `GET /healthz`) → body read with a size cap (413 beyond it) → `linter.admit(body)`, which checks
// the object with the same rules and verdicts as the CLI → 200 with the AdmissionReview response.
// A body that is not an AdmissionReview gets 400. An internal failure (the linter itself failing,
// which should never happen) is answered per the configured failure policy: denied by default
// (fail closed), or allowed with a warning when `failurePolicy` is `"Ignore"`; the linter is then
// rebuilt so that one failure cannot poison later requests.
//
// Usage:
//   node server.js --cert tls.crt --key tls.key [--config plimsoll.json] [--host 0.0.0.0]
//                  [--port 8443] [--path /validate] [--max-body-bytes 8388608] [--quiet]
// `--config` names a JSON file holding a LinterConfig (rules, failOn, settings, failurePolicy).
// The server prints `listening on https://<host>:<port>` once it accepts connections.

'use strict';

const fs = require('node:fs');
const https = require('node:https');
const { parseArgs } = require('node:util');
const { Linter } = require('plimsoll-wasm');

/**
 * A review carries the object and the old one, each at most etcd's default request size (1.5 MiB):
 * 8 MiB leaves room for the envelope and JSON escaping.
 */
const DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024;

/** Error codes `admit()` uses for requests that cannot be answered at all. */
const BAD_REQUEST_CODES = new Set(['plimsoll::admission::json', 'plimsoll::admission::review']);

/**
 * The request handler.
 * @param {object} options
 * @param {object} [options.config] LinterConfig for the linter.
 * @param {string} [options.path] Where AdmissionReviews are POSTed.
 * @param {number} [options.maxBodyBytes]
 * @param {(line: object) => void} [options.log] Receives one object per denial or failure.
 * @param {(config: object) => {admit: Function}} [options.makeLinter] Builds the linter (tests swap it).
 */
function createHandler({
  config = {},
  path = '/validate',
  maxBodyBytes = DEFAULT_MAX_BODY_BYTES,
  log = () => {},
  makeLinter = (c) => new Linter(c),
} = {}) {
  // Built once, up front: a bad configuration stops the server before it accepts anything.
  let linter = makeLinter(config);
  const failurePolicy = config.failurePolicy === 'Ignore' ? 'Ignore' : 'Fail';

  /** Answers one review; returns [status, body]. */
  function review(text) {
    try {
      const answer = linter.admit(text);
      if (!answer.response.allowed) log({ event: 'denied', uid: answer.response.uid, message: answer.response.status?.message });
      return [200, answer];
    } catch (error) {
      if (BAD_REQUEST_CODES.has(error?.code)) return [400, { error: error.message, code: error.code }];
      log({ event: 'internal-error', error: String(error?.stack || error) });
      linter = rebuilt(linter);
      const uid = uidOf(text);
      if (uid === undefined) return [500, { error: 'internal error' }];
      return [200, failureAnswer(uid, error, failurePolicy)];
    }
  }

  function rebuilt(current) {
    try {
      return makeLinter(config);
    } catch {
      return current;
    }
  }

  return function handle(request, response) {
    const url = new URL(request.url, 'https://webhook.invalid');
    if (url.pathname === '/healthz' && request.method === 'GET') return send(response, 200, { status: 'ok' });
    if (url.pathname !== path) return send(response, 404, { error: 'not found' });
    if (request.method !== 'POST') return send(response, 405, { error: 'use POST' }, { allow: 'POST' });
    if (!/^application\/json\b/i.test(request.headers['content-type'] || '')) {
      return send(response, 415, { error: 'expected Content-Type: application/json' });
    }
    readBody(request, maxBodyBytes, (error, body) => {
      if (error) return send(response, error.status, { error: error.message });
      const [status, answer] = review(body);
      send(response, status, answer);
    });
  };
}

/**
 * Collects the request body as text, refusing bodies over `limit` bytes, announced or not.
 * Calls back once: `(error, text)`, where an error carries the HTTP status to answer with.
 */
function readBody(request, limit, callback) {
  const tooLarge = () => Object.assign(new Error(`request body over ${limit} bytes`), { status: 413 });
  if (Number(request.headers['content-length']) > limit) {
    request.resume();
    return callback(tooLarge());
  }
  const chunks = [];
  let size = 0;
  let done = false;
  request.on('data', (chunk) => {
    if (done) return;
    size += chunk.length;
    if (size > limit) {
      done = true;
      // Stop buffering and answer now; the rest is read and dropped (bounded by the server's
      // request timeout), which keeps the connection usable for the client's next request.
      chunks.length = 0;
      callback(tooLarge());
      return;
    }
    chunks.push(chunk);
  });
  request.on('end', () => {
    if (done) return;
    done = true;
    callback(null, Buffer.concat(chunks, size).toString('utf8'));
  });
  request.on('error', (error) => {
    if (done) return;
    done = true;
    callback(Object.assign(error, { status: 400 }));
  });
}

/** The request's uid, if the body is JSON that carries one. */
function uidOf(text) {
  try {
    const uid = JSON.parse(text)?.request?.uid;
    return typeof uid === 'string' && uid ? uid : undefined;
  } catch {
    return undefined;
  }
}

/** The answer to a request the linter failed on, per the failure policy. */
function failureAnswer(uid, error, failurePolicy) {
  const message = `plimsoll could not check this object: ${error?.message || error}`;
  const response =
    failurePolicy === 'Ignore'
      ? { uid, allowed: true, warnings: [`${message} (allowed: failure policy Ignore)`] }
      : { uid, allowed: false, status: { code: 500, reason: 'InternalError', message } };
  return { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response };
}

function send(response, status, body, headers = {}) {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}

/**
 * An HTTPS server answering AdmissionReviews; `options` are `createHandler`'s plus `cert` and
 * `key` (file paths).
 */
function createServer(options) {
  const tls = () => ({ cert: fs.readFileSync(options.cert), key: fs.readFileSync(options.key) });
  const server = https.createServer(
    { ...tls(), requestTimeout: 10_000, headersTimeout: 10_000, keepAliveTimeout: 30_000 },
    createHandler(options),
  );
  // Certificates rotate (cert-manager renews them in place): SIGHUP picks up the new files.
  server.reloadCertificates = () => server.setSecureContext(tls());
  return server;
}

function main() {
  const { values } = parseArgs({
    options: {
      cert: { type: 'string' },
      key: { type: 'string' },
      config: { type: 'string' },
      host: { type: 'string', default: '0.0.0.0' },
      port: { type: 'string', default: '8443' },
      path: { type: 'string', default: '/validate' },
      'max-body-bytes': { type: 'string', default: String(DEFAULT_MAX_BODY_BYTES) },
      quiet: { type: 'boolean', default: false },
    },
  });
  if (!values.cert || !values.key) {
    console.error('usage: server.js --cert FILE --key FILE [--config FILE] [--host H] [--port N] [--path P] [--max-body-bytes N] [--quiet]');
    process.exit(2);
  }
  const config = values.config ? JSON.parse(fs.readFileSync(values.config, 'utf8')) : {};
  const log = values.quiet ? () => {} : (line) => console.log(JSON.stringify({ time: new Date().toISOString(), ...line }));
  const server = createServer({
    cert: values.cert,
    key: values.key,
    config,
    path: values.path,
    maxBodyBytes: Number(values['max-body-bytes']),
    log,
  });
  server.listen(Number(values.port), values.host, () => {
    const { address, port } = server.address();
    const host = address.includes(':') ? `[${address}]` : address;
    console.log(`listening on https://${host}:${port}`);
  });
  process.on('SIGHUP', () => server.reloadCertificates());
  for (const signal of ['SIGTERM', 'SIGINT']) {
    process.on(signal, () => {
      server.close(() => process.exit(0));
      // Idle keep-alive connections would hold close() open.
      server.closeIdleConnections();
    });
  }
}

module.exports = { createHandler, createServer, DEFAULT_MAX_BODY_BYTES };

if (require.main === module) main();
