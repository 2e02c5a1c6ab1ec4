// Latency of the Node build on a Deployment of about a hundred lines: lint(text) of
// bench/deployment.yaml as an editor or CI step calls it, and admit() of an AdmissionReview as the
// webhook calls it (with the JSON text, as the webhook does, and with an object).
// Prints wall-clock median, p90, p99 and mean per call after a warm-up, and CPU time per call. Not a test: run it by hand,
// `node wasm/bench/lint.mjs [iterations]`, on a quiet machine, with wasm/build.sh's optimised build.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuPressure, loadPackage } from '../tests/support.mjs';
import { deployment, review } from '../tests/reviews.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const iterations = Number(process.argv[2] || 5000);
const warmup = Math.min(1000, iterations);
const { Linter } = loadPackage();
const linter = new Linter();
const text = readFileSync(path.join(here, 'deployment.yaml'), 'utf8');

/** Times `fn` per call, in microseconds. */
function measure(name, fn) {
  for (let i = 0; i < warmup; i += 1) fn();
  const times = new Float64Array(iterations);
  const cpuBefore = process.cpuUsage();
  for (let i = 0; i < iterations; i += 1) {
    const start = process.hrtime.bigint();
    fn();
    times[i] = Number(process.hrtime.bigint() - start) / 1000;
  }
  // CPU time is not inflated when other processes take the core away: a steadier figure on a
  // shared machine than wall-clock percentiles.
  const cpu = process.cpuUsage(cpuBefore);
  const cpuPerCall = (cpu.user + cpu.system) / iterations;
  times.sort();
  const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  const fmt = (us) => `${us.toFixed(0).padStart(5)} µs`;
  console.log(`${name.padEnd(18)} median ${fmt(at(0.5))}  p90 ${fmt(at(0.9))}  p99 ${fmt(at(0.99))}  mean ${fmt(mean)}  CPU/call ${fmt(cpuPerCall)}`);
}

const report = linter.lint(text, 'deployment.yaml');
// The webhook's input: the test suite's Deployment (two containers, probes, resources, security
// contexts), as the API server would send it.
const object = review(deployment({ image: 'nginx:latest' }));
const body = JSON.stringify(object);
const answer = linter.admit(body).response;
console.log(`lint: ${text.split('\n').length - 1} lines, ${report.findings.length} findings; admit: ${body.length}-byte review, ${answer.warnings?.length ?? 0} warnings; ${iterations} iterations`);
measure('lint(text)', () => linter.lint(text, 'deployment.yaml'));
measure('admit(JSON text)', () => linter.admit(body));
measure('admit(object)', () => linter.admit(object));
console.log(cpuPressure() ?? 'CPU pressure: not available');
