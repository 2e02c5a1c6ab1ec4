// The example webhook under hostile load, on loopback only. Starts examples/webhook/server.js with a
// throwaway certificate on 127.0.0.1, warms it up, then for a fixed time runs at once:
// - wrk (a real HTTP load tool, as many requests as it can over a few keep-alive connections) with
//   webhook-mix.lua: valid reviews mixed with malformed JSON, non-reviews, wrong content types and
//   bodies over 3 MiB;
// - slow clients that open connections and trickle their headers or their body a byte at a time,
//   reconnecting whenever the server cuts them off;
// - a probe that sends valid reviews at a steady rate over keep-alive connections of its own and
//   times each from send to answer (open loop: a stall shows up in its figures), checking every
//   verdict. As an API server does, it holds its connections open from before the load; and it
//   starts once the load has settled (after a tenth of the run, at most a second): the load
//   generators run in the probe's own process, and the burst of their start (a dozen TLS
//   handshakes, wrk's launch) held that process's event loop for up to half a second on a busy
//   machine, which the probe's first requests counted as the server's latency.
// It prints wrk's throughput and latency, the probe's latency percentiles (the valid-review figures
// that matter), what the slow clients saw, and the server's memory before and after (resident set
// and V8 heap, read after the run's traffic has stopped).
//
// Usage: node wasm/bench/webhook-abuse.mjs [seconds=20] [probe rate=200] [hostile rate=0]
// A hostile rate of 0 lets wrk send as fast as the server answers (it saturates the server, so
// the probe's latency is mostly queueing); a rate caps wrk's requests per second.
// Bounded: at most 120 s of load, and every request goes to 127.0.0.1.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { cpuPressure, selfSignedCertificate, startWebhook } from '../tests/support.mjs';
import { deployment, review } from '../tests/reviews.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const MIX_SCRIPT = path.join(here, 'webhook-mix.lua');
/** Keep-alive connections the valid-review probe sends over. */
const PROBE_CONNECTIONS = 8;

/**
 * Runs the hostile load; resolves to the figures (see the end of this function). Options:
 * seconds of load, probeRate (valid reviews per second from the probe), wrkConnections,
 * hostileRate (wrk's requests per second in all, spread over its connections; 0: as many as the
 * server answers),
 * slowClients (each kind), headersTimeoutMs and requestTimeoutMs for the server.
 */
export async function abuse({
  seconds = 20,
  probeRate = 200,
  wrkConnections = 4,
  hostileRate = 0,
  slowClients = 4,
  headersTimeoutMs = 5_000,
  requestTimeoutMs = 10_000,
} = {}) {
  seconds = Math.min(seconds, 120);
  const dir = mkdtempSync(path.join(tmpdir(), 'plimsoll-abuse-'));
  const { cert, key } = selfSignedCertificate(dir);
  const ca = readFileSync(cert);
  const reviewFile = path.join(dir, 'review.json');
  const validText = JSON.stringify(review(deployment()));
  writeFileSync(reviewFile, validText);
  const server = await startWebhook([
    '--cert', cert, '--key', key, '--host', '127.0.0.1', '--port', '0', '--quiet',
    '--headers-timeout-ms', String(headersTimeoutMs), '--request-timeout-ms', String(requestTimeoutMs),
  ]);
  const base = new URL(server.url);
  if (base.hostname !== '127.0.0.1') throw new Error(`refusing to load anything but loopback: ${base}`);
  const agent = new https.Agent({ keepAlive: true, maxSockets: 1 });
  const probeAgent = new https.Agent({ keepAlive: true, maxSockets: PROBE_CONNECTIONS });
  const crashed = () => server.child.exitCode !== null || server.child.signalCode !== null;
  try {
    // Readings of the server's state: a GET, retried once on a fresh connection if a reused
    // keep-alive connection was reset (as HTTP clients do for idempotent requests).
    const get = (pathname) => call(base, ca, agent, 'GET', pathname).catch(() => call(base, ca, false, 'GET', pathname)).catch((error) => {
      throw new Error(`GET ${pathname} failed twice: ${error.message}`, { cause: error });
    });
    for (let i = 0; (await get('/readyz').catch(() => ({}))).status !== 200; i += 1) {
      if (i > 200) throw new Error('the webhook never became ready');
      await sleep(50);
    }
    // Warm-up: every kind of request, so that the linter's memory and the JIT reach their
    // working size before the first memory reading.
    const warmUp = (body, what) => call(base, ca, agent, 'POST', '/validate', body).catch((error) => {
      throw new Error(`warm-up request (${what}) failed: ${error.message}`, { cause: error });
    });
    for (let i = 0; i < 300; i += 1) await warmUp(validText, `valid review ${i + 1}`);
    for (const [body, what] of [['{', 'malformed'], ['[]', 'not a review'], ['x'.repeat(3 * 1024 * 1024 + 1), 'over 3 MiB']]) await warmUp(body, what);
    await sleep(500);
    const before = await memory(server.child.pid, get);
    const answeredBefore = serverAnswers((await get('/metrics')).body);
    await Promise.all(Array.from({ length: PROBE_CONNECTIONS }, () => call(base, ca, probeAgent, 'GET', '/healthz')));

    const stopAt = performance.now() + seconds * 1000;
    // The resident set and the memory outside V8's heap (the linter's WebAssembly memory, buffers)
    // every 5 s: a leak grows steadily, a working set levels off.
    const series = [];
    const sampler = setInterval(() => {
      memory(server.child.pid, get).then((m) => series.push(m), () => {});
    }, 5_000);
    const wrk = runWrk(base, seconds, wrkConnections, reviewFile, hostileRate);
    const slow = slowClientsRun(base, ca, slowClients, stopAt);
    const probe = sleep(Math.min(1_000, seconds * 100)).then(() => probeRun(base, ca, probeAgent, validText, probeRate, stopAt));
    const [wrkResult, slowResult, probeResult] = await Promise.all([wrk, slow, probe]);
    clearInterval(sampler);

    const alive = !crashed() && (await get('/healthz').catch(() => ({}))).status === 200;
    await sleep(500);
    const after = alive ? await memory(server.child.pid, get) : null;
    const metrics = alive ? (await get('/metrics')).body : '';
    const answeredOnServer = alive ? wrkAnswersOnServer(answeredBefore, serverAnswers(metrics), probeResult) : null;
    const latencyOnServer = alive ? serverLatency(answeredBefore, serverAnswers(metrics)) : null;
    return { seconds, probeRate, wrkConnections, hostileRate, slowClients, headersTimeoutMs, requestTimeoutMs, alive, before, after, series, wrk: wrkResult, slow: slowResult, probe: probeResult, server: answeredOnServer, serverLatency: latencyOnServer, metrics };
  } finally {
    agent.destroy();
    probeAgent.destroy();
    if (!crashed()) {
      server.child.kill('SIGTERM');
      await once(server.child, 'exit');
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One HTTPS request; resolves to {status, body}. */
function call(base, ca, agent, method, pathname, body) {
  return new Promise((resolve, reject) => {
    const headers = body === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
    const req = https.request(new URL(pathname, base), { method, headers, agent, ca, servername: 'localhost' }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The server's resident set (from /proc), V8 heap and memory outside it (from its metrics), in bytes. */
async function memory(pid, get) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rss = Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)[1]) * 1024;
  const metrics = (await get('/metrics')).body;
  const heap = Number(/^nodejs_heap_size_used_bytes (\d+)$/m.exec(metrics)[1]);
  const external = Number(/^nodejs_external_memory_bytes (\d+)$/m.exec(metrics)[1]);
  return { rss, heap, external };
}

/** The server's own counts of what it answered, from its metrics text. */
function serverAnswers(metrics) {
  const sample = (name) => Number(metrics.split('\n').find((line) => line.startsWith(`${name} `))?.slice(name.length + 1) ?? 0);
  return {
    allowed: sample('plimsoll_webhook_reviews_total{allowed="true"}'),
    denied: sample('plimsoll_webhook_reviews_total{allowed="false"}'),
    413: sample('plimsoll_webhook_http_requests_total{code="413"}'),
    415: sample('plimsoll_webhook_http_requests_total{code="415"}'),
    within5ms: sample('plimsoll_webhook_review_duration_seconds_bucket{le="0.005"}'),
    within100ms: sample('plimsoll_webhook_review_duration_seconds_bucket{le="0.1"}'),
    reviews: sample('plimsoll_webhook_review_duration_seconds_count'),
  };
}

/**
 * The server's own view of the valid reviews' latency over the run (wrk's and the probe's), from
 * its histogram, which counts from a review's request headers to its answer: it leaves out what
 * happens before the server reads the headers and after it writes the answer (the clients' own
 * waits for a CPU among them), which the probe's figures include.
 */
function serverLatency(before, after) {
  const reviews = after.reviews - before.reviews;
  const share = (key) => (after[key] - before[key]) / reviews;
  return { reviews, within5ms: share('within5ms'), within100ms: share('within100ms') };
}

/**
 * What the server answered wrk during the run, by its own counters (read before wrk started and
 * after all traffic stopped): reviews allowed, less the probe's, and the 413s and 415s, which only
 * wrk's requests get. Requests the server answered after wrk had stopped reading are counted here
 * and not by wrk.
 */
function wrkAnswersOnServer(before, after, probe) {
  return {
    200: after.allowed - before.allowed - probe.answered,
    denied: after.denied - before.denied,
    413: after[413] - before[413],
    415: after[415] - before[415],
  };
}

/** Runs wrk with the mixed script; resolves to its throughput, latency and counts. */
async function runWrk(base, seconds, connections, reviewFile, rate) {
  const url = new URL('/validate', base).toString();
  const args = ['-t', '1', '-c', String(connections), '-d', `${seconds}s`, '--timeout', '10s', '--latency', '-s', MIX_SCRIPT, url, '--', reviewFile];
  // Each connection waits before each request so that together they send about `rate` a second
  // (a little less: the answer's own time adds to the wait).
  if (rate > 0) args.push(String(Math.round((connections * 1000) / rate)));
  const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => (output += chunk));
  const [code] = await once(child, 'exit');
  if (code !== 0) throw new Error(`wrk exited with ${code}:\n${output}`);
  const count = (pattern) => Object.fromEntries([...output.matchAll(pattern)].map((m) => [m[1], Number(m[2])]));
  const latency = Object.fromEntries([...output.matchAll(/^\s+(50|75|90|99)%\s+([\d.]+)(us|ms|s)$/gm)]
    .map((m) => [`p${m[1]}`, Number(m[2]) * { us: 1e-3, ms: 1, s: 1e3 }[m[3]]]));
  return {
    command: `wrk ${args.join(' ')}`,
    requestsPerSecond: Number(/^Requests\/sec:\s+([\d.]+)$/m.exec(output)?.[1]),
    latencyMs: latency,
    socketErrors: /^\s+Socket errors: (.*)$/m.exec(output)?.[1] ?? 'none',
    sent: count(/^sent (\w+) (\d+)$/gm),
    statuses: count(/^status (\d+) (\d+)$/gm),
    output,
  };
}

/**
 * Slow clients until `stopAt`: half trickle headers, half send headers and trickle the body, a byte
 * every 200 ms, each reconnecting when cut off. Resolves to how many connections were cut, the
 * longest each kind lasted, and what the server answered them.
 */
async function slowClientsRun(base, ca, perKind, stopAt) {
  const result = { cut: 0, longestHeadersMs: 0, longestBodyMs: 0, answers: {} };
  const body = JSON.stringify(review(deployment()));
  const one = async (kind) => {
    while (performance.now() < stopAt) {
      const socket = tls.connect({ host: base.hostname, port: Number(base.port), ca, servername: 'localhost' });
      const opened = performance.now();
      let text = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk) => (text += chunk));
      socket.on('error', () => {});
      let sent = 0;
      let trickle;
      socket.once('secureConnect', () => {
        if (kind === 'body') {
          socket.write(`POST /validate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`);
        } else {
          socket.write('POST /validate HTTP/1.1\r\nHost: localhost\r\nX-Slow: ');
        }
        trickle = setInterval(() => {
          if (performance.now() >= stopAt) socket.destroy();
          else if (socket.writable) socket.write(kind === 'body' ? body[sent++ % body.length] : 'x');
        }, 200);
      });
      await once(socket, 'close');
      clearInterval(trickle);
      if (performance.now() >= stopAt && !text) break;
      const lasted = performance.now() - opened;
      result.cut += 1;
      const key = kind === 'body' ? 'longestBodyMs' : 'longestHeadersMs';
      result[key] = Math.max(result[key], lasted);
      const status = /^HTTP\/1\.1 (\d+)/.exec(text)?.[1] ?? 'none';
      result.answers[status] = (result.answers[status] || 0) + 1;
    }
  };
  const clients = [];
  for (let i = 0; i < perKind; i += 1) clients.push(one('headers'), one('body'));
  await Promise.all(clients);
  return result;
}

/**
 * Valid reviews at `rate` per second until `stopAt`, over `agent`'s connections; resolves to
 * latencies (ms) and errors.
 */
async function probeRun(base, ca, agent, text, rate, stopAt) {
  const latencies = [];
  const errors = {};
  const pending = [];
  const interval = 1000 / rate;
  const start = performance.now();
  for (let i = 0; ; i += 1) {
    const due = start + i * interval;
    if (due >= stopAt) break;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    const sent = performance.now();
    pending.push(call(base, ca, agent, 'POST', '/validate', text).then(({ status, body }) => {
      const allowed = status === 200 && JSON.parse(body).response?.allowed === true;
      if (allowed) latencies.push(performance.now() - sent);
      else errors[`HTTP ${status}`] = (errors[`HTTP ${status}`] || 0) + 1;
    }, (error) => {
      errors[error.message] = (errors[error.message] || 0) + 1;
    }));
  }
  await Promise.all(pending);
  const sorted = Float64Array.from(latencies).sort();
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { sent: pending.length, answered: latencies.length, errors, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted[sorted.length - 1] };
}

/** The figures as lines of text. */
export function describe(r) {
  const mb = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  const ms = (v) => `${v.toFixed(2)} ms`;
  return [
    `hostile load for ${r.seconds} s on 127.0.0.1${r.hostileRate > 0 ? `, capped at ${r.hostileRate} requests/s` : ''}: ${r.wrk.command.replace(/ \S+review\.json( \d+)?$/, ' review.json$1')}`,
    `wrk: ${r.wrk.requestsPerSecond} requests/s over ${r.wrkConnections} connections; latency (all kinds) p50 ${ms(r.wrk.latencyMs.p50)} p90 ${ms(r.wrk.latencyMs.p90)} p99 ${ms(r.wrk.latencyMs.p99)}; socket errors: ${r.wrk.socketErrors}`,
    `wrk sent: ${JSON.stringify(r.wrk.sent)}; statuses: ${JSON.stringify(r.wrk.statuses)}; the server's counters for wrk's requests: ${JSON.stringify(r.server)}`,
    `valid-review probe, ${r.probeRate}/s: ${r.probe.answered}/${r.probe.sent} allowed; p50 ${ms(r.probe.p50)} p90 ${ms(r.probe.p90)} p99 ${ms(r.probe.p99)} max ${ms(r.probe.max)}; errors: ${JSON.stringify(r.probe.errors)}`,
    r.serverLatency
      ? `valid reviews by the server's histogram (headers to answer): ${r.serverLatency.reviews} answered, ${(100 * r.serverLatency.within5ms).toFixed(1)}% within 5 ms, ${(100 * r.serverLatency.within100ms).toFixed(1)}% within 100 ms`
      : 'valid reviews by the server\'s histogram: the server did not survive',
    `slow clients (${r.slowClients} trickling headers, ${r.slowClients} trickling bodies): ${r.slow.cut} connections cut; longest ${ms(r.slow.longestHeadersMs)} (headers, timeout ${r.headersTimeoutMs} ms), ${ms(r.slow.longestBodyMs)} (body, timeout ${r.requestTimeoutMs} ms); answers ${JSON.stringify(r.slow.answers)}`,
    r.after
      ? `server memory: resident ${mb(r.before.rss)} → ${mb(r.after.rss)}, V8 heap in use ${mb(r.before.heap)} → ${mb(r.after.heap)}, outside the heap ${mb(r.before.external)} → ${mb(r.after.external)}; resident every 5 s: ${r.series.map((m) => mb(m.rss)).join(', ')}`
      : 'server memory: the server did not survive',
    `server alive after the run: ${r.alive ? 'yes' : 'NO'}`,
    cpuPressure() ?? 'CPU pressure: not available',
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const seconds = Number(process.argv[2] || 20);
  const probeRate = Number(process.argv[3] || 200);
  const hostileRate = Number(process.argv[4] || 0);
  const result = await abuse({ seconds, probeRate, hostileRate });
  console.log(describe(result));
  process.exitCode = result.alive && Object.keys(result.probe.errors).length === 0 ? 0 : 1;
}
