#!/usr/bin/env node
// plimsoll as a Kubernetes validating admission webhook: an HTTPS server (Node 20, no framework)
// that answers AdmissionReview POSTs with the Node build of the plimsoll-wasm package, which has
// the CLI's rules and verdicts, schema validation included.
//
// Request flow, on the main thread: TLS (cert and key from files; SIGHUP reloads them; a handshake
// must finish within the headers timeout) → headers (within the headers timeout) → route:
// `POST <path>` for reviews, `GET /healthz` (liveness), `GET /readyz` (readiness), `GET /metrics`
// (Prometheus) → for a review: content type (415 unless JSON) → queue room (503 when full) → body
// read with a size cap (413 beyond it, announced by Content-Length or not, once it has arrived; the
// whole request must arrive within the request timeout, else 408) → the review queue → a linter
// → 200 with the AdmissionReview response, or 400 when the body is not an AdmissionReview.
//
// The linters run in worker threads (`--workers`, by default one per CPU the process may use),
// each holding its own instance of the wasm linter, so that checking an object never stops the
// main thread from serving sockets, timeouts and probes, and several objects are checked at once.
// A body travels to its worker without being copied (its memory is handed over) and the answer
// comes back as JSON text. Each worker checks one review at a time; reviews whose bodies have
// arrived wait in one queue on the main thread, oldest first, until a worker is free. With
// `--workers 0` the linter runs on the main thread as a single linter, one review per turn of the
// event loop, so that sockets are still served between two reviews. The queue is bounded: beyond
// `maxQueue` reviews waiting or being checked, a review is answered 503 with `Retry-After` at once
// instead of waiting longer than the API server would (its webhook timeout).
//
// An internal failure (the linter itself failing, which should never happen, or its worker
// dying) is answered per the configured failure policy: denied by default (fail closed), or
// allowed with a warning when `failurePolicy` is `"Ignore"`; that linter is then rebuilt (a dead
// worker is replaced) so that one failure cannot poison later requests.
//
// Lifecycle: the server listens first and builds the linters next (compiling every policy and
// loading the schemas takes a moment, in every worker at once), so `/healthz` answers at once and
// `/readyz` only once every linter is built. On SIGTERM (or SIGINT) it drains: `/readyz` answers
// 503, the listening socket closes (new connections are refused), idle connections are closed, and
// every request already under way on an open connection is still answered, with
// `Connection: close`. The process exits once the last one is answered, or after the drain timeout.
//
// Usage:
//   node server.js --cert tls.crt --key tls.key [--config plimsoll.json] [--host 0.0.0.0]
//                  [--port 8443] [--path /validate] [--max-body-bytes 3145728] [--max-queue 64]
//                  [--workers N] [--headers-timeout-ms 5000] [--request-timeout-ms 10000]
//                  [--drain-timeout-ms 15000] [--quiet]
// `--config` names a JSON file holding a LinterConfig (rules, failOn, settings, failurePolicy).
// `--workers` defaults to $PLIMSOLL_WEBHOOK_WORKERS, else to the CPUs available.
// The server prints `listening on https://<host>:<port>` once it accepts connections and `ready`
// once the linters are built.

'use strict';

const fs = require('node:fs');
const { STATUS_CODES } = require('node:http');
const https = require('node:https');
const os = require('node:os');
const { parseArgs } = require('node:util');
const { Worker, isMainThread, parentPort, workerData } = require('node:worker_threads');

/** The API server's own limit on a request body (3 MiB): no object it sends can be larger. */
const DEFAULT_MAX_BODY_BYTES = 3 * 1024 * 1024;
/** Reviews waiting for a linter or being checked; about 64 × 0.5 ms of work for usual objects. */
const DEFAULT_MAX_QUEUE = 64;
/** Time for a client to finish the TLS handshake and send the request headers. */
const DEFAULT_HEADERS_TIMEOUT_MS = 5_000;
/** Time for a client to send the whole request; the API server gives up after 10 s by default. */
const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
/** How long a drain may take before the remaining connections are cut. */
const DEFAULT_DRAIN_TIMEOUT_MS = 15_000;
/**
 * Longest a review from a connection that sent a refused request before waits behind the others'
 * (see `createWebhook`): long enough for bursts of well-behaved reviews, far below the API
 * server's timeout.
 */
const DEFAULT_DEPRIORITIZED_MAX_WAIT_MS = 250;
/** Marks a socket on which a request was answered 4xx. */
const REFUSED_BEFORE = Symbol('a request on this connection was refused');
/** Seconds a client is told to wait (`Retry-After`) when the queue is full or the server drains. */
const RETRY_AFTER_SECONDS = 1;
/** Upper bounds of the review latency histogram, in seconds: a review takes about half a millisecond. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Statuses for requests Node refuses before the handler sees them (others: 400). */
const CLIENT_ERROR_STATUS = { ERR_HTTP_REQUEST_TIMEOUT: 408, HPE_HEADER_OVERFLOW: 431, HPE_CHUNK_EXTENSIONS_OVERFLOW: 413 };

/** Error codes `admit()` uses for requests that cannot be answered at all. */
const BAD_REQUEST_CODES = new Set(['plimsoll::admission::json', 'plimsoll::admission::review']);

/** The linter threads by default: as many as the CPUs this process may use. */
function defaultWorkers() {
  const configured = process.env.PLIMSOLL_WEBHOOK_WORKERS;
  if (configured !== undefined && configured !== '') return Number(configured);
  return os.availableParallelism();
}

/** Builds the package's linter (loaded on first use: a worker thread loads its own copy). */
function packageLinter(config) {
  const { Linter } = require('plimsoll-wasm');
  return new Linter(config);
}

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

  /**
   * The exposition text, with the gauges read at scrape time; `workerMemory` is the memory outside
   * the heap that the worker threads last reported (their linters' WebAssembly memory).
   */
  render({ queueDepth, maxQueue, inFlight, ready, workers, workerMemory }) {
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
    family('plimsoll_webhook_ready', 'gauge', '1 when the linters are built and the server is not draining.', [`plimsoll_webhook_ready ${ready ? 1 : 0}`]);
    family('plimsoll_webhook_linter_threads', 'gauge', 'Worker threads checking reviews (0: one linter on the main thread).',
      [`plimsoll_webhook_linter_threads ${workers}`]);
    const memory = process.memoryUsage();
    family('process_resident_memory_bytes', 'gauge', 'Resident memory size in bytes.', [`process_resident_memory_bytes ${memory.rss}`]);
    family('nodejs_heap_size_used_bytes', 'gauge', 'V8 heap in use, in bytes.', [`nodejs_heap_size_used_bytes ${memory.heapUsed}`]);
    family('nodejs_external_memory_bytes', 'gauge', 'Memory outside the V8 heaps (the linters\' WebAssembly memory, buffers), in bytes.',
      [`nodejs_external_memory_bytes ${memory.external + memory.arrayBuffers + workerMemory}`]);
    return `${lines.join('\n')}\n`;
  }
}

/**
 * The webhook's state and request handler, independent of the HTTPS server.
 * @param {object} options
 * @param {object} [options.config] LinterConfig for the linters.
 * @param {string} [options.path] Where AdmissionReviews are POSTed.
 * @param {number} [options.maxBodyBytes]
 * @param {number} [options.maxQueue] Reviews waiting or being checked before 503.
 * @param {number} [options.workers] Linter threads; 0 checks reviews on the main thread.
 * @param {number} [options.deprioritizedMaxWaitMs] Longest a review from a connection with a
 *   refused request waits behind the others'.
 * @param {(line: object) => void} [options.log] Receives one object per denial or failure.
 * @param {(config: object) => {admit: Function}} [options.makeLinter] Builds the linter on the
 *   main thread (tests swap it); implies `workers: 0`.
 * @param {string} [options.linterModule] A module whose `makeLinter(config)` each worker thread
 *   builds its linter with (tests swap it), instead of the package's.
 */
function createWebhook({
  config = {},
  path = '/validate',
  maxBodyBytes = DEFAULT_MAX_BODY_BYTES,
  maxQueue = DEFAULT_MAX_QUEUE,
  workers = defaultWorkers(),
  deprioritizedMaxWaitMs = DEFAULT_DEPRIORITIZED_MAX_WAIT_MS,
  log = () => {},
  makeLinter,
  linterModule,
} = {}) {
  if (!Number.isInteger(workers) || workers < 0) throw new Error(`workers must be a whole number, not ${workers}`);
  const failurePolicy = config.failurePolicy === 'Ignore' ? 'Ignore' : 'Fail';
  const metrics = new Metrics();
  const linters =
    makeLinter || workers === 0
      ? new MainThreadLinter(config, makeLinter || packageLinter)
      : new LinterThreads(config, workers, linterModule, log);
  // Reviews whose bodies have arrived wait for a free linter, oldest first: {body, started, queuedAt,
  // response, finish}. Those from connections on which a request was refused (4xx: malformed,
  // not a review, wrong content type, too large, ...) wait in a lane of their own and go after the
  // others, unless one has waited `deprioritizedMaxWaitMs`: the API server never sends such
  // requests, so hostile clients' reviews cannot delay its own beyond that.
  const queue = [];
  const deprioritized = [];
  /** Reviews a linter is checking. */
  let checking = 0;
  let draining = false;
  let inFlight = 0;
  linters.onAvailable = () => dispatch();

  const webhook = {
    metrics,
    get ready() {
      return linters.started && !draining;
    },
    get inFlight() {
      return inFlight;
    },
    get queueDepth() {
      return queue.length + deprioritized.length + checking;
    },
    /** Builds the linters; resolves once every one is built, rejects on a bad configuration. */
    load() {
      return linters.start();
    },
    /** Marks the webhook as draining: not ready, and every answer closes its connection. */
    drain() {
      draining = true;
    },
    /** Stops the linter threads (reviews still being checked are not answered). */
    close() {
      linters.close();
    },
    handle,
  };

  /** Sends an answer; counts it, and while draining asks the client to close the connection. */
  function send(response, status, body, headers = {}) {
    // The client went away, or Node answered a timeout itself.
    if (response.destroyed || response.headersSent) return;
    metrics.answered(status);
    if (status >= 400 && status < 500 && response.socket) response.socket[REFUSED_BEFORE] = true;
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
      const text = metrics.render({
        queueDepth: webhook.queueDepth,
        maxQueue,
        inFlight,
        ready: webhook.ready,
        workers: linters.threads,
        workerMemory: linters.memory,
      });
      return send(response, 200, text, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
    }
    if (url.pathname !== path) return send(response, 404, { error: 'not found' });
    if (request.method !== 'POST') return send(response, 405, { error: 'use POST' }, { allow: 'POST' });
    if (mediaType(request.headers['content-type']) !== 'application/json') {
      return afterBody(request, () => send(response, 415, { error: 'expected Content-Type: application/json' }));
    }
    if (!linters.started) return afterBody(request, () => unavailable(response, 'starting: the linter is not built yet'));
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
    readBody(request, maxBodyBytes, (error, body) => {
      if (error) {
        send(response, error.status, { error: error.message });
        return finish();
      }
      if (webhook.queueDepth >= maxQueue) {
        metrics.rejectedQueueFull += 1;
        unavailable(response, 'busy: review queue full');
        return finish();
      }
      const lane = request.socket?.[REFUSED_BEFORE] ? deprioritized : queue;
      lane.push({ body, started, queuedAt: performance.now(), response, finish });
      dispatch();
    });
  }

  /** Hands waiting reviews to free linters; a review whose client has gone is dropped. */
  function dispatch() {
    while (queue.length + deprioritized.length > 0 && linters.available > 0) {
      const overdue = deprioritized.length > 0 && performance.now() - deprioritized[0].queuedAt >= deprioritizedMaxWaitMs;
      const job = queue.length > 0 && !overdue ? queue.shift() : deprioritized.shift();
      if (job.response.destroyed) {
        job.finish();
        continue;
      }
      checking += 1;
      linters.check(job.body, (result) => {
        checking -= 1;
        answer(job, result);
        dispatch();
      });
    }
  }

  /** Answers a checked review: the linter's answer, or the failure policy's when it failed. */
  function answer(job, result) {
    let { status, text } = result;
    if (result.failure !== undefined) {
      metrics.evaluationErrors += 1;
      log({ event: 'internal-error', error: result.stack });
      if (result.uid === undefined) {
        status = 500;
        text = JSON.stringify({ error: 'internal error' });
      } else {
        const failed = failureAnswer(result.uid, result.failure, failurePolicy);
        [status, text, result.allowed] = [200, JSON.stringify(failed), failed.response.allowed];
      }
    } else if (status === 200 && !result.allowed) {
      log({ event: 'denied', uid: result.uid, message: result.message });
    }
    if (status === 200) metrics.reviewed(result.allowed, Number(process.hrtime.bigint() - job.started) / 1e9);
    send(job.response, status, text);
    job.finish();
  }

  return webhook;
}

/**
 * Checks one review (its body as bytes) with `linter`. The result is plain data, so that it can
 * cross from a worker thread: `{status, text}` with the answer as JSON text (plus `allowed`, `uid`
 * and the denial `message` for a 200), or `{failure, stack, uid}` when the linter itself failed.
 */
function evaluate(linter, body) {
  const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  try {
    const answer = linter.admit(text);
    const { allowed, uid, status } = answer.response;
    return { status: 200, text: JSON.stringify(answer), allowed, uid, message: status?.message };
  } catch (error) {
    if (BAD_REQUEST_CODES.has(error?.code)) {
      return { status: 400, text: JSON.stringify({ error: error.message, code: error.code }) };
    }
    return { failure: String(error?.message || error), stack: String(error?.stack || error), uid: uidOf(text) };
  }
}

/** A new linter after a failure, or the current one if building fails too. */
function rebuilt(makeLinter, config, current) {
  try {
    return makeLinter(config);
  } catch {
    return current;
  }
}

/**
 * One linter on the main thread (`--workers 0`): a review is checked on a turn of the event loop
 * of its own, so that sockets and timers are served between two reviews.
 */
class MainThreadLinter {
  constructor(config, makeLinter) {
    this.config = config;
    this.makeLinter = makeLinter;
    this.linter = null;
    this.busy = false;
    this.threads = 0;
    /** Counted in the main thread's own figures. */
    this.memory = 0;
    this.onAvailable = () => {};
  }

  get started() {
    return this.linter !== null;
  }

  get available() {
    return this.linter !== null && !this.busy ? 1 : 0;
  }

  /** Builds the linter at once; the promise only reports the outcome. */
  start() {
    try {
      this.linter = this.makeLinter(this.config);
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error);
    }
  }

  check(body, callback) {
    this.busy = true;
    setImmediate(() => {
      const result = evaluate(this.linter, body);
      if (result.failure !== undefined) this.linter = rebuilt(this.makeLinter, this.config, this.linter);
      this.busy = false;
      callback(result);
    });
  }

  close() {}
}

/**
 * Linters in worker threads, each with its own instance of the wasm linter, each checking one
 * review at a time. A body is handed over (not copied) when it has memory of its own. A worker
 * rebuilds its linter after an internal failure; a worker that dies is replaced, and the review it
 * was checking answered 500 (its uid went with the body), which the API server treats per its own
 * `failurePolicy`.
 */
class LinterThreads {
  constructor(config, count, linterModule, log) {
    this.config = config;
    this.threads = count;
    this.linterModule = linterModule;
    this.log = log;
    /** {thread, ready, callback, memory} per worker. */
    this.workers = [];
    this.started = false;
    this.closed = false;
    this.onAvailable = () => {};
  }

  get available() {
    return this.workers.filter((w) => w.ready && !w.callback).length;
  }

  /** The memory outside the heap each worker last reported. */
  get memory() {
    return this.workers.reduce((sum, w) => sum + w.memory, 0);
  }

  /** Starts every worker; resolves once each has built its linter. */
  start() {
    const all = Array.from({ length: this.threads }, () => this.spawn());
    return Promise.all(all).then(
      () => {
        this.started = true;
      },
      (error) => {
        this.close();
        throw error;
      },
    );
  }

  /** A new worker; resolves once its linter is built, rejects if it cannot build it. */
  spawn() {
    const thread = new Worker(__filename, {
      workerData: { plimsollLinterThread: true, config: this.config, linterModule: this.linterModule },
    });
    const worker = { thread, ready: false, callback: null, memory: 0 };
    this.workers.push(worker);
    return new Promise((resolve, reject) => {
      thread.on('message', (message) => {
        if (message.memory !== undefined) worker.memory = message.memory;
        if (message.ready) {
          worker.ready = true;
          resolve();
          this.onAvailable();
        } else if (message.configError !== undefined) {
          reject(new Error(message.configError));
        } else {
          const callback = worker.callback;
          worker.callback = null;
          callback(message);
        }
      });
      thread.on('error', (error) => {
        this.log({ event: 'internal-error', error: String(error?.stack || error) });
        reject(error);
      });
      thread.on('exit', (code) => {
        this.workers.splice(this.workers.indexOf(worker), 1);
        reject(new Error(`linter thread exited with ${code}`));
        const callback = worker.callback;
        worker.callback = null;
        if (callback) callback({ failure: `the linter thread stopped (exit code ${code})`, stack: '', uid: undefined });
        if (!this.closed && worker.ready) this.spawn().catch(() => {});
      });
    });
  }

  check(body, callback) {
    const worker = this.workers.find((w) => w.ready && !w.callback);
    worker.callback = callback;
    const own = body.byteOffset === 0 && body.byteLength === body.buffer.byteLength;
    worker.thread.postMessage(body, own ? [body.buffer] : []);
  }

  close() {
    this.closed = true;
    for (const worker of this.workers) worker.thread.terminate();
  }
}

/** A worker thread's side: builds its linter, then checks each body it is sent. */
function runLinterThread({ config, linterModule }) {
  const makeLinter = linterModule ? require(linterModule).makeLinter : packageLinter;
  let linter;
  try {
    linter = makeLinter(config);
  } catch (error) {
    parentPort.postMessage({ configError: String(error?.message || error) });
    return;
  }
  let reportedAt = 0;
  const withMemory = (message) => {
    // Once a second at most: reading it costs a system call.
    const now = Date.now();
    if (now - reportedAt >= 1_000) {
      reportedAt = now;
      const { external, arrayBuffers } = process.memoryUsage();
      message.memory = external + arrayBuffers;
    }
    return message;
  };
  parentPort.on('message', (body) => {
    const result = evaluate(linter, body);
    if (result.failure !== undefined) linter = rebuilt(makeLinter, config, linter);
    parentPort.postMessage(withMemory(result));
  });
  parentPort.postMessage(withMemory({ ready: true }));
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
 * Collects the request body. A body over `limit` bytes, announced or not, is read to its end and
 * dropped, never buffered, and then refused with 413: answering only once the body is in keeps
 * the connection usable for clients that do not read while they write (the request timeout bounds
 * how long a client may keep sending). Calls back once: `(error, body)`, where an error carries the
 * HTTP status to answer with, and the body is a Buffer with memory of its own (not a slice of
 * Node's shared pool), so that it can be handed to a worker thread without a copy.
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
    const body = Buffer.allocUnsafeSlow(size);
    let offset = 0;
    for (const chunk of chunks) offset += chunk.copy(body, offset);
    callback(null, body);
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
function failureAnswer(uid, message, failurePolicy) {
  const text = `plimsoll could not check this object: ${message}`;
  const response =
    failurePolicy === 'Ignore'
      ? { uid, allowed: true, warnings: [`${text} (allowed: failure policy Ignore)`] }
      : { uid, allowed: false, status: { code: 500, reason: 'InternalError', message: text } };
  return { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response };
}

/**
 * An HTTPS server answering AdmissionReviews; `options` are `createWebhook`'s plus `cert` and `key`
 * (file paths), `headersTimeoutMs` and `requestTimeoutMs`. The linters are not built yet:
 * `server.webhook.load()` builds them. `server.drain(done)` shuts down gracefully (and stops the
 * linter threads).
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
      if (called) return;
      called = true;
      webhook.close();
      callback();
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
      workers: { type: 'string', default: String(defaultWorkers()) },
      'headers-timeout-ms': { type: 'string', default: String(DEFAULT_HEADERS_TIMEOUT_MS) },
      'request-timeout-ms': { type: 'string', default: String(DEFAULT_REQUEST_TIMEOUT_MS) },
      'drain-timeout-ms': { type: 'string', default: String(DEFAULT_DRAIN_TIMEOUT_MS) },
      quiet: { type: 'boolean', default: false },
    },
  });
  if (!values.cert || !values.key) {
    console.error(
      'usage: server.js --cert FILE --key FILE [--config FILE] [--host H] [--port N] [--path P] [--max-body-bytes N]\n' +
        '                 [--max-queue N] [--workers N] [--headers-timeout-ms MS] [--request-timeout-ms MS]\n' +
        '                 [--drain-timeout-ms MS] [--quiet]',
    );
    process.exit(2);
  }
  const number = (name, { zero = false } = {}) => {
    const value = Number(values[name]);
    if (!Number.isInteger(value) || value < (zero ? 0 : 1)) {
      console.error(`--${name} must be a ${zero ? 'whole number' : 'positive integer'}, not ${values[name]}`);
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
    workers: number('workers', { zero: true }),
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
      server.webhook.load().then(
        () => console.log('ready'),
        (error) => {
          console.error(`plimsoll configuration: ${error?.message || error}`);
          process.exit(2);
        },
      );
    });
  });
  process.on('SIGHUP', () => server.reloadCertificates());
  for (const signal of ['SIGTERM', 'SIGINT']) {
    process.once(signal, () => server.drain(() => process.exit(0), drainTimeout));
  }
}

module.exports = { createWebhook, createServer, DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_QUEUE, LATENCY_BUCKETS };

if (!isMainThread && workerData?.plimsollLinterThread) runLinterThread(workerData);
else if (require.main === module) main();
