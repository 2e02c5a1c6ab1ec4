// Latency of the example webhook under a fixed request rate, on loopback only: starts
// examples/webhook/server.js with a throwaway self-signed certificate on 127.0.0.1, sends
// AdmissionReviews (8 in 10 allowed, 1 denied, 1 with warnings) at a steady rate over keep-alive
// HTTPS connections, checks every answer, and prints latency percentiles. Open loop: each
// request is due at a fixed time whatever happened before, and latency counts from that time,
// so a stall shows up in the figures instead of slowing the sender down.
//
// A warm-up second at the same rate comes first and is not counted: it opens the keep-alive
// connections (a TLS handshake each) that an API server would hold open anyway.
//
// Usage: node wasm/bench/webhook-load.mjs [requests=5000] [rate=500]
// Bounded: at most 100,000 requests, and it gives up 30 s after the last request was due.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cpuPressure, selfSignedCertificate, startWebhook } from '../tests/support.mjs';
import { deployment, review } from '../tests/reviews.mjs';

const requests = Math.min(Number(process.argv[2] || 5000), 100_000);
const rate = Number(process.argv[3] || 500);
const GRACE_MS = 30_000;

/** The request mix: [body, expected allowed, expected warnings]. */
const kinds = [
  [JSON.stringify(review(deployment())), true, 0],
  [JSON.stringify(review(deployment({ privileged: true }))), false, 0],
  [JSON.stringify(review(deployment({ image: 'nginx:latest' }))), true, 2],
];
const kindOf = (i) => (i % 10 === 0 ? 1 : i % 10 === 1 ? 2 : 0);

const dir = mkdtempSync(path.join(tmpdir(), 'plimsoll-load-'));
const { cert, key } = selfSignedCertificate(dir);
const ca = readFileSync(cert);
const server = await startWebhook(['--cert', cert, '--key', key, '--host', '127.0.0.1', '--port', '0', '--quiet']);
const url = new URL('/validate', server.url);
if (url.hostname !== '127.0.0.1') throw new Error(`refusing to load anything but loopback: ${url}`);
const agent = new https.Agent({ keepAlive: true, maxSockets: 64 });

/** Sends request `i`; resolves to an error message or null. */
function send(i) {
  const [body, allowed, warnings] = kinds[kindOf(i)];
  return new Promise((resolve) => {
    const req = https.request(url, {
      method: 'POST',
      agent,
      ca,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => {
        if (res.statusCode !== 200) return resolve(`HTTP ${res.statusCode}`);
        const { response } = JSON.parse(text);
        if (response.allowed !== allowed || (response.warnings?.length ?? 0) !== warnings) return resolve(`unexpected answer ${text}`);
        resolve(null);
      });
    });
    req.on('error', (error) => resolve(error.message));
    req.end(body);
  });
}

/**
 * Sends `count` requests at `rate` per second; resolves to their latencies (from when each was
 * due), the errors by message, and the seconds it took. Gives up GRACE_MS after the last was due.
 */
async function run(count) {
  const latencies = new Float64Array(count).fill(Number.POSITIVE_INFINITY);
  const service = new Float64Array(count).fill(Number.POSITIVE_INFINITY);
  const errors = new Map();
  const interval = 1000 / rate;
  const start = performance.now() + 10;
  let completed = 0;
  let next = 0;
  let finish;
  const done = new Promise((resolve) => (finish = resolve));
  // Sends every request that is due, then sleeps until the next one is.
  const pump = () => {
    const now = performance.now();
    while (next < count && start + next * interval <= now) {
      const i = next;
      const due = start + i * interval;
      next += 1;
      const sent = performance.now();
      send(i).then((error) => {
        const end = performance.now();
        latencies[i] = end - due;
        service[i] = end - sent;
        if (error) errors.set(error, (errors.get(error) || 0) + 1);
        completed += 1;
        if (completed === count) finish();
      });
    }
    if (next < count) setTimeout(pump, Math.max(0, start + next * interval - performance.now()));
  };
  pump();
  const deadline = new Promise((resolve) => setTimeout(resolve, count * interval + GRACE_MS).unref());
  await Promise.race([done, deadline]);
  return { latencies, service, errors, completed, seconds: (performance.now() - start) / 1000 };
}

/** The server's CPU time so far, in ms (Linux: /proc/<pid>/stat, in clock ticks of 10 ms). */
function serverCpuMs() {
  try {
    const fields = readFileSync(`/proc/${server.child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

const warmup = await run(rate);
const cpuBefore = serverCpuMs();
const { latencies, service, errors, completed, seconds: elapsed } = await run(requests);
const serverCpuPerRequest = (serverCpuMs() - cpuBefore) / completed;

const ms = (v) => `${v.toFixed(2)} ms`;
/** p50, p90, p99 and max of `values`. */
function percentiles(values) {
  const sorted = Float64Array.from(values).sort();
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return `p50 ${ms(at(0.5))}  p90 ${ms(at(0.9))}  p99 ${ms(at(0.99))}  max ${ms(sorted[sorted.length - 1])}`;
}
console.log(`${completed}/${requests} requests at ${rate}/s over ${elapsed.toFixed(1)} s (${(completed / elapsed).toFixed(0)}/s achieved)`);
console.log(`latency from send:     ${percentiles(service)}`);
console.log(`latency from due time: ${percentiles(latencies)}  (adds the sender's timer lag)`);
console.log(`server CPU per request: ${ms(serverCpuPerRequest)}`);
console.log(cpuPressure() ?? 'CPU pressure: not available');
console.log(errors.size === 0 ? 'errors: none' : `errors: ${JSON.stringify(Object.fromEntries(errors))}`);
// The warm-up opens every connection at once; the TLS handshakes can hold the answers back long
// enough for the review queue to fill (503), which is the queue doing its job.
if (warmup.errors.size > 0) console.log(`warm-up answers other than the expected: ${JSON.stringify(Object.fromEntries(warmup.errors))}`);

agent.destroy();
server.child.kill('SIGTERM');
await once(server.child, 'exit');
rmSync(dir, { recursive: true, force: true });
process.exitCode = completed === requests && errors.size === 0 ? 0 : 1;
