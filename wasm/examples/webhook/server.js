#!/usr/bin/env node
// plimsoll as a Kubernetes validating admission webhook: an HTTPS server (Node 20, no framework)
// that answers AdmissionReview POSTs with the Node build of the plimsoll-wasm package, which has
// the CLI's rules and verdicts, schema validation included.
//
// Request flow: TLS (cert and key from files; SIGHUP reloads them; a handshake must finish within
// the headers timeout) → headers (within the headers timeout) → route: `POST <path>` for reviews,
// `GET /healthz` (liveness), `GET /readyz` (readiness), `GET /metrics` (Prometheus) → for a review:
// content type (415 unless JSON) → queue room (503 when full) → body read with a size cap (413
// beyond it, once it has arrived; the whole request must arrive within the request timeout, else
// 408) → the review
// queue → `linter.admit(body)` → 200 with the AdmissionReview response, or 400 when the body is
// not an AdmissionReview.
//
// The linter is synchronous: while it checks one object nothing else runs. Reviews whose bodies
// have arrived therefore wait in a queue that is worked off one review per event-loop turn, so that
// sockets, timeouts and health probes are served between two reviews. The queue is bounded:
// beyond `maxQueue` reviews waiting or being checked, a review is answered 503 with `Retry-After`
// at once instead of waiting longer than the API server would (its webhook timeout).
//
// An internal failure (the linter itself failing, which should never happen) is answered per the
// configured failure policy: denied by default (fail closed), or allowed with a warning when
// `failurePolicy` is `"Ignore"`; the linter is then rebuilt so that one failure cannot poison later
// requests.
//
// Lifecycle: the server listens first and builds the linter next (compiling every policy and
// loading the schemas takes a moment), so `/healthz` answers at once and `/readyz` only once the
// linter is built. On SIGTERM (or SIGINT) it drains: `/readyz` answers 503, the listening socket
// closes (new connections are refused), idle connections are closed, and every request already
// under way on an open connection is still answered, with `Connection: close`. The process exits
// once the last one is answered, or after the drain timeout.
//
// Usage:
//   node server.js --cert tls.crt --key tls.key [--config plimsoll.json] [--host 0.0.0.0]
//                  [--port 8443] [--path /validate] [--max-body-bytes 3145728] [--max-queue 64]
//                  [--headers-timeout-ms 5000] [--request-timeout-ms 10000]
//                  [--drain-timeout-ms 15000] [--quiet]
// `--config` names a JSON file holding a LinterConfig (rules, failOn, settings, failurePolicy).
// The server prints `listening on https://<host>:<port>` once it accepts connections and `ready`
// once the linter is built.

'use strict';

const fs = require('node:fs');
const { STATUS_CODES } = require('node:http');
const https = require('node:https');
const { parseArgs } = require('node:util');
const { Linter } = require('plimsoll-wasm');

/** The API server's own limit on a request body (3 MiB): no object it sends can be larger. */
const DEFAULT_MAX_BODY_BYTES = 3 * 1024 * 1024;
/** Reviews waiting for the linter or being checked; about 64 × 0.5 ms of work for usual objects. */
const DEFAULT_MAX_QUEUE = 64;
/** Time for a client to finish the TLS handshake and send the request headers. */
const DEFAULT_HEADERS_TIMEOUT_MS = 5_000;
/** Time for a client to send the whole request; the API server gives up after 10 s by default. */
const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
/** How long a drain may take before the remaining connections are cut. */
const DEFAULT_DRAIN_TIMEOUT_MS = 15_000;
/** Seconds a client is told to wait (`Retry-After`) when the queue is full or the server drains. */
const RETRY_AFTER_SECONDS = 1;
/** Upper bounds of the review latency histogram, in seconds: a review takes about half a millisecond. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Statuses for requests Node refuses before the handler sees them (others: 400). */
const CLIENT_ERROR_STATUS = { ERR_HTTP_REQUEST_TIMEOUT: 408, HPE_HEADER_OVERFLOW: 431, HPE_CHUNK_EXTENSIONS_OVERFLOW: 413 };

/** Error codes `admit()` uses for requests that cannot be answered at all. */
const BAD_REQUEST_CODES = new Set(['plimsoll::admission::json', 'plimsoll::admission::review']);

/** Counters, gauges and the latency histogram, written out in Prometheus' text format. */
class Metrics {
  constructor() {
    this.requestsByCode = new Map();
    this.reviews = { allowed: 0, denied: 0 };
    this.evaluationErrors = 0;
    this.rejectedQueueFull = 0;
    this.tlsErrors = 0;
    this.latencyCounts = new Array(LATENCY_BUCKETS.length).fill(0);
    this.latencyCount = 0;
    this.latencySum = 0;
  }

  answered(status) {
    this.requestsByCode.set(status, (this.requestsByCode.get(status) || 0) + 1);
  }

  reviewed(allowed, seconds) {
    this.reviews[allowed ? 'allowed' : 'denied'] += 1;
    this.latencyCount += 1;
    this.latencySum += seconds;
    const bucket = LATENCY_BUCKETS.findIndex((bound) => seconds <= bound);
    if (bucket >= 0) this.latencyCounts[bucket] += 1;
  }

  /** The exposition text; `gauges` holds the values read at scrape time. */
  render({ queueDepth, maxQueue, inFlight, ready }) {
    const lines = [];
    const family = (name, type, help, samples) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...samples);
    };
    const codes = [...this.requestsByCode].sort(([a], [b]) => a - b);
    family('plimsoll_webhook_http_requests_total', 'counter', 'HTTP requests answered, by status code.',
      codes.map(([code, n]) => `plimsoll_webhook_http_requests_total{code="${code}"} ${n}`));
    family('plimsoll_webhook_reviews_total', 'counter', 'AdmissionReviews answered, by verdict.', [
      `plimsoll_webhook_reviews_total{allowed="true"} ${this.reviews.allowed}`,
      `plimsoll_webhook_reviews_total{allowed="false"} ${this.reviews.denied}`,
    ]);
    family('plimsoll_webhook_denials_total', 'counter', 'AdmissionReviews denied.', [`plimsoll_webhook_denials_total ${this.reviews.denied}`]);
    family('plimsoll_webhook_evaluation_errors_total', 'counter', 'Reviews the linter failed on (answered per failurePolicy).',
      [`plimsoll_webhook_evaluation_errors_total ${this.evaluationErrors}`]);
    family('plimsoll_webhook_tls_errors_total', 'counter', 'Connections dropped before a request: TLS handshake failed or too slow.',
      [`plimsoll_webhook_tls_errors_total ${this.tlsErrors}`]);
    family('plimsoll_webhook_queue_full_total', 'counter', 'Reviews refused with 503 because the queue was full.',
      [`plimsoll_webhook_queue_full_total ${this.rejectedQueueFull}`]);
    let cumulative = 0;
    const buckets = LATENCY_BUCKETS.map((bound, i) => {
      cumulative += this.latencyCounts[i];
      return `plimsoll_webhook_review_duration_seconds_bucket{le="${bound}"} ${cumulative}`;
    });
    family('plimsoll_webhook_review_duration_seconds', 'histogram',
      'Time from a review\'s request headers to its answer (body, queue and linter).', [
        ...buckets,
        `plimsoll_webhook_review_duration_seconds_bucket{le="+Inf"} ${this.latencyCount}`,
        `plimsoll_webhook_review_duration_seconds_sum ${this.latencySum}`,
        `plimsoll_webhook_review_duration_seconds_count ${this.latencyCount}`,
      ]);
    family('plimsoll_webhook_queue_depth', 'gauge', 'Reviews waiting for the linter or being checked.', [`plimsoll_webhook_queue_depth ${queueDepth}`]);
    family('plimsoll_webhook_queue_capacity', 'gauge', 'Reviews the queue holds before answering 503.', [`plimsoll_webhook_queue_capacity ${maxQueue}`]);
    family('plimsoll_webhook_reviews_in_flight', 'gauge', 'Reviews received (headers read) and not yet answered.', [`plimsoll_webhook_reviews_in_flight ${inFlight}`]);
    family('plimsoll_webhook_ready', 'gauge', '1 when the linter is built and the server is not draining.', [`plimsoll_webhook_ready ${ready ? 1 : 0}`]);
    const memory = process.memoryUsage();
    family('process_resident_memory_bytes', 'gauge', 'Resident memory size in bytes.', [`process_resident_memory_bytes ${memory.rss}`]);
    family('nodejs_heap_size_used_bytes', 'gauge', 'V8 heap in use, in bytes.', [`nodejs_heap_size_used_bytes ${memory.heapUsed}`]);
    family('nodejs_external_memory_bytes', 'gauge', 'Memory outside the V8 heap (the linter\'s WebAssembly memory, buffers), in bytes.',
      [`nodejs_external_memory_bytes ${memory.external + memory.arrayBuffers}`]);
    return `${lines.join('\n')}\n`;
  }
}

/**
 * The webhook's state and request handler, independent of the HTTPS server.
 * @param {object} options
 * @param {object} [options.config] LinterConfig for the linter.
 * @param {string} [options.path] Where AdmissionReviews are POSTed.
 * @param {number} [options.maxBodyBytes]
 * @param {number} [options.maxQueue] Reviews waiting or being checked before 503.
 * @param {(line: object) => void} [options.log] Receives one object per denial or failure.
 * @param {(config: object) => {admit: Function}} [options.makeLinter] Builds the linter (tests swap it).
 */
function createWebhook({
  config = {},
  path = '/validate',
  maxBodyBytes = DEFAULT_MAX_BODY_BYTES,
  maxQueue = DEFAULT_MAX_QUEUE,
  log = () => {},
  makeLinter = (c) => new Linter(c),
} = {}) {
  const failurePolicy = config.failurePolicy === 'Ignore' ? 'Ignore' : 'Fail';
  const metrics = new Metrics();
  /** Reviews whose bodies have arrived, oldest first: {text, started, response}. */
  const queue = [];
  let checking = false;
  let linter = null;
  let draining = false;
  let inFlight = 0;

  const webhook = {
    metrics,
    get ready() {
      return linter !== null && !draining;
    },
    get inFlight() {
      return inFlight;
    },
    get queueDepth() {
      return queue.length + (checking ? 1 : 0);
    },
    /** Builds the linter; throws on a bad configuration. */
    load() {
      linter = makeLinter(config);
    },
    /** Marks the webhook as draining: not ready, and every answer closes its connection. */
    drain() {
      draining = true;
    },
    handle,
  };

  /** Sends an answer; counts it, and while draining asks the client to close the connection. */
  function send(response, status, body, headers = {}) {
    // The client went away, or Node answered a timeout itself.
    if (response.destroyed || response.headersSent) return;
    metrics.answered(status);
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    const extra = draining ? { connection: 'close' } : {};
    response.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
      ...headers,
      ...extra,
    });
    response.end(text);
  }

  const unavailable = (response, message) =>
    send(response, 503, { error: message }, { 'retry-after': String(RETRY_AFTER_SECONDS) });

  function handle(request, response) {
    const url = new URL(request.url, 'https://webhook.invalid');
    if (request.method === 'GET' && url.pathname === '/healthz') return send(response, 200, { status: 'ok' });
    if (request.method === 'GET' && url.pathname === '/readyz') {
      if (webhook.ready) return send(response, 200, { status: 'ready' });
      return send(response, 503, { status: draining ? 'draining' : 'starting' });
    }
    if (request.method === 'GET' && url.pathname === '/metrics') {
      const text = metrics.render({ queueDepth: webhook.queueDepth, maxQueue, inFlight, ready: webhook.ready });
      return send(response, 200, text, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
    }
    if (url.pathname !== path) return send(response, 404, { error: 'not found' });
    if (request.method !== 'POST') return send(response, 405, { error: 'use POST' }, { allow: 'POST' });
    if (mediaType(request.headers['content-type']) !== 'application/json') {
      return afterBody(request, () => send(response, 415, { error: 'expected Content-Type: application/json' }));
    }
    if (linter === null) return afterBody(request, () => unavailable(response, 'starting: the linter is not built yet'));
    if (webhook.queueDepth >= maxQueue) {
      // Refused without buffering the body: a full queue costs no memory.
      metrics.rejectedQueueFull += 1;
      return afterBody(request, () => unavailable(response, 'busy: review queue full'));
    }
    const started = process.hrtime.bigint();
    inFlight += 1;
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      inFlight -= 1;
    };
    // A client that goes away (or a request timeout) ends the review too.
    response.once('close', finish);
    readBody(request, maxBodyBytes, (error, text) => {
      if (error) {
        send(response, error.status, { error: error.message });
        return finish();
      }
      if (webhook.queueDepth >= maxQueue) {
        metrics.rejectedQueueFull += 1;
        unavailable(response, 'busy: review queue full');
        return finish();
      }
      queue.push({ text, started, response, finish });
      if (!checking) setImmediate(checkNext);
      checking = true;
    });
  }

  /** Checks the oldest queued review, answers it, and leaves the next for the next turn. */
  function checkNext() {
    const job = queue.shift();
    if (job === undefined) {
      checking = false;
      return;
    }
    if (!job.response.destroyed) {
      const [status, answer] = review(job.text);
      if (status === 200) {
        metrics.reviewed(answer.response.allowed, Number(process.hrtime.bigint() - job.started) / 1e9);
      }
      send(job.response, status, answer);
    }
    job.finish();
    setImmediate(checkNext);
  }

  /** Answers one review; returns [status, body]. */
  function review(text) {
    try {
      const answer = linter.admit(text);
      if (!answer.response.allowed) log({ event: 'denied', uid: answer.response.uid, message: answer.response.status?.message });
      return [200, answer];
    } catch (error) {
      if (BAD_REQUEST_CODES.has(error?.code)) return [400, { error: error.message, code: error.code }];
      metrics.evaluationErrors += 1;
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

  return webhook;
}

/** Reads and drops the request body, then answers (see `readBody` for why not before). */
function afterBody(request, answer) {
  request.resume();
  if (request.complete) answer();
  else request.once('end', answer);
}

/** The media type of a Content-Type header, lower case, without parameters. */
function mediaType(header) {
  return (header || '').split(';')[0].trim().toLowerCase();
}

/**
 * Collects the request body as text. A body over `limit` bytes, announced or not, is read to its end
 * and dropped, never buffered, and then refused with 413: answering only once the body is in keeps
 * the connection usable for clients that do not read while they write (the request timeout bounds
 * how long a client may keep sending). Calls back once: `(error, text)`, where an error carries the
 * HTTP status to answer with.
 */
function readBody(request, limit, callback) {
  const chunks = [];
  let size = 0;
  let tooLarge = Number(request.headers['content-length']) > limit;
  let done = false;
  request.on('data', (chunk) => {
    if (tooLarge) return;
    size += chunk.length;
    if (size > limit) {
      tooLarge = true;
      chunks.length = 0;
      return;
    }
    chunks.push(chunk);
  });
  request.on('end', () => {
    if (done) return;
    done = true;
    if (tooLarge) return callback(Object.assign(new Error(`request body over ${limit} bytes`), { status: 413 }));
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

/**
 * An HTTPS server answering AdmissionReviews; `options` are `createWebhook`'s plus `cert` and `key`
 * (file paths), `headersTimeoutMs` and `requestTimeoutMs`. The linter is not built yet:
 * `server.webhook.load()` builds it. `server.drain(done)` shuts down gracefully.
 */
function createServer(options) {
  const headersTimeout = options.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS;
  const requestTimeout = Math.max(options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS, headersTimeout);
  const tls = () => ({ cert: fs.readFileSync(options.cert), key: fs.readFileSync(options.key) });
  const webhook = createWebhook(options);
  const server = https.createServer(
    {
      ...tls(),
      handshakeTimeout: headersTimeout,
      headersTimeout,
      requestTimeout,
      keepAliveTimeout: 30_000,
      // Node checks the two timeouts above this often (by default every 30 s, which would let a
      // slow client hold its connection for that long).
      connectionsCheckingInterval: Math.min(1_000, headersTimeout),
    },
    webhook.handle,
  );
  server.webhook = webhook;
  // Requests Node refuses before they reach the handler (a timeout, headers too large, not HTTP):
  // answered as Node would, and counted.
  server.on('clientError', (error, socket) => {
    const status = CLIENT_ERROR_STATUS[error.code] ?? (error.code === 'ECONNRESET' ? 0 : 400);
    if (status && socket.writable && !socket._httpMessage?.headersSent) {
      webhook.metrics.answered(status);
      socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
    }
    socket.destroy();
  });
  server.on('tlsClientError', () => {
    webhook.metrics.tlsErrors += 1;
  });
  // Certificates rotate (cert-manager renews them in place): SIGHUP picks up the new files.
  server.reloadCertificates = () => server.setSecureContext(tls());
  /**
   * Graceful shutdown: not ready any more, no new connections, idle ones closed, every request
   * under way answered (with `Connection: close`); `done` once the last connection has closed, or
   * after `timeoutMs` with whatever is left cut.
   */
  server.drain = (callback, timeoutMs = DEFAULT_DRAIN_TIMEOUT_MS) => {
    let called = false;
    const done = () => {
      if (!called) callback();
      called = true;
    };
    webhook.drain();
    const timer = setTimeout(() => {
      server.closeAllConnections();
      done();
    }, timeoutMs);
    timer.unref();
    server.close(() => {
      clearTimeout(timer);
      done();
    });
    server.closeIdleConnections();
  };
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
      'max-queue': { type: 'string', default: String(DEFAULT_MAX_QUEUE) },
      'headers-timeout-ms': { type: 'string', default: String(DEFAULT_HEADERS_TIMEOUT_MS) },
      'request-timeout-ms': { type: 'string', default: String(DEFAULT_REQUEST_TIMEOUT_MS) },
      'drain-timeout-ms': { type: 'string', default: String(DEFAULT_DRAIN_TIMEOUT_MS) },
      quiet: { type: 'boolean', default: false },
    },
  });
  if (!values.cert || !values.key) {
    console.error(
      'usage: server.js --cert FILE --key FILE [--config FILE] [--host H] [--port N] [--path P] [--max-body-bytes N]\n' +
        '                 [--max-queue N] [--headers-timeout-ms MS] [--request-timeout-ms MS] [--drain-timeout-ms MS] [--quiet]',
    );
    process.exit(2);
  }
  const number = (name) => {
    const value = Number(values[name]);
    if (!Number.isInteger(value) || value <= 0) {
      console.error(`--${name} must be a positive integer, not ${values[name]}`);
      process.exit(2);
    }
    return value;
  };
  const config = values.config ? JSON.parse(fs.readFileSync(values.config, 'utf8')) : {};
  const log = values.quiet ? () => {} : (line) => console.log(JSON.stringify({ time: new Date().toISOString(), ...line }));
  const server = createServer({
    cert: values.cert,
    key: values.key,
    config,
    path: values.path,
    maxBodyBytes: number('max-body-bytes'),
    maxQueue: number('max-queue'),
    headersTimeoutMs: number('headers-timeout-ms'),
    requestTimeoutMs: number('request-timeout-ms'),
    log,
  });
  const drainTimeout = number('drain-timeout-ms');
  server.listen(Number(values.port), values.host, () => {
    const { address, port } = server.address();
    const host = address.includes(':') ? `[${address}]` : address;
    console.log(`listening on https://${host}:${port}`);
    // Next turn: the listening line is out, and /healthz answers while policies compile.
    setImmediate(() => {
      try {
        server.webhook.load();
      } catch (error) {
        console.error(`plimsoll configuration: ${error?.message || error}`);
        process.exit(2);
      }
      console.log('ready');
    });
  });
  process.on('SIGHUP', () => server.reloadCertificates());
  for (const signal of ['SIGTERM', 'SIGINT']) {
    process.once(signal, () => server.drain(() => process.exit(0), drainTimeout));
  }
}

module.exports = { createWebhook, createServer, DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_QUEUE, LATENCY_BUCKETS };

if (require.main === module) main();
