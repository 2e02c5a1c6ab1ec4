// Shared by the package's Node tests and benchmarks: where things are, the built package, the CLI
// binary, the manifest files the CLI would pick from a directory, a tiny static file server, and
// the example webhook started with a throwaway certificate.

import { createRequire } from 'node:module';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

/** The package directory (wasm/). */
export const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The repository root. */
export const root = path.resolve(packageDir, '..');

/** The Node build of the package (wasm/build.sh makes it). */
export function loadPackage() {
  const entry = path.join(packageDir, 'pkg/node/plimsoll_wasm.js');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run wasm/build.sh first`);
  return require(entry);
}

/**
 * The browser build of the package, initialised in this process from its module's bytes (what
 * `init()` fetches in a browser).
 */
export async function loadWebPackage() {
  const entry = path.join(packageDir, 'pkg/web/plimsoll_wasm.js');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run wasm/build.sh first`);
  const web = await import(entry);
  web.initSync({ module: readFileSync(path.join(packageDir, 'pkg/web/plimsoll_wasm_bg.wasm')) });
  return web;
}

/** The CLI binary to compare with: $PLIMSOLL_BIN, else the debug build `cargo test` leaves. */
export function cliBinary() {
  const binary = process.env.PLIMSOLL_BIN || path.join(root, 'target/debug/plimsoll');
  if (!existsSync(binary)) throw new Error(`${binary} is missing: build the CLI (cargo build -p plimsoll) first`);
  return binary;
}

/**
 * The rules the browser build leaves out: schema validation (core's `schema-validation` feature),
 * which would double its download. The Node build has them, and every other rule of the CLI.
 */
export const VALIDATION_RULES = [
  'schema/constraint',
  'schema/enum',
  'schema/format',
  'schema/required',
  'schema/type',
  'schema/unknown-field',
  'schema/unknown-kind',
];

/** The CLI's rule catalog (`plimsoll rules --format json`). */
export function cliCatalog() {
  const run = spawnSync(cliBinary(), ['rules', '--format', 'json'], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`plimsoll rules failed (${run.status}):\n${run.stderr}`);
  return JSON.parse(run.stdout);
}

/**
 * The files the CLI lints when given `dir`: `.yaml`, `.yml` and `.json`, hidden directories
 * skipped, in sorted order; paths relative to the repository root, with `/`.
 */
/** Charts and kustomizations: the CLI lints them as rendered, the package lints texts. */
function isRendered(dir) {
  return ['Chart.yaml', 'kustomization.yaml', 'kustomization.yml', 'Kustomization'].some((name) =>
    existsSync(path.join(dir, name)),
  );
}

export function manifestFiles(dir) {
  const files = [];
  const walk = (current) => {
    for (const name of readdirSync(current).sort()) {
      const full = path.join(current, name);
      if (statSync(full).isDirectory()) {
        if (!name.startsWith('.') && !isRendered(full)) walk(full);
      } else if (/\.(ya?ml|json)$/.test(name)) {
        files.push(path.relative(root, full).split(path.sep).join('/'));
      }
    }
  };
  walk(path.resolve(root, dir));
  return files;
}

/** A file's text as the CLI reads it (a byte order mark is kept). */
export function readText(relative) {
  return readFileSync(path.join(root, relative)).toString('utf8');
}

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.ts': 'text/plain; charset=utf-8',
};

/** Serves `dir` on 127.0.0.1 at a free port; resolves to `{url, close}`. */
export function serveStatic(dir) {
  const base = path.resolve(dir);
  const server = createServer((request, response) => {
    const pathname = decodeURIComponent(new URL(request.url, 'http://localhost').pathname);
    let file = path.join(base, pathname);
    if (!file.startsWith(base)) {
      response.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = path.join(file, 'index.html');
    if (!existsSync(file)) {
      response.writeHead(404).end();
      return;
    }
    const type = TYPES[path.extname(file)] || 'application/octet-stream';
    response.writeHead(200, { 'content-type': type });
    response.end(readFileSync(file));
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({ url: `http://127.0.0.1:${port}/`, close: () => new Promise((done) => server.close(done)) });
    });
  });
}

/** A self-signed certificate for 127.0.0.1 and localhost. */
export function selfSignedCertificate(where) {
  const cert = path.join(where, 'tls.crt');
  const key = path.join(where, 'tls.key');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=plimsoll-webhook.test',
    '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
  ], { stdio: 'ignore' });
  return { cert, key };
}

/**
 * Starts the example webhook as a child process with `args`; resolves to `{child, url}` once it
 * listens and its linter is built (it prints `ready`).
 */
export async function startWebhook(args) {
  const serverScript = path.join(packageDir, 'examples/webhook/server.js');
  const child = spawn(process.execPath, [serverScript, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.setEncoding('utf8');
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${output}`)), 20_000);
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const match = /listening on (https:\/\/\S+)/.exec(output);
      if (match && /^ready$/m.test(output)) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => reject(new Error(`server exited (${code}): ${output}`)));
  });
  return { child, url };
}

/**
 * How contended the machine's CPUs were over the last minute: the share of time some task waited
 * for a CPU (Linux pressure stall information), or null where it is not available. Benchmarks
 * print it, since latency tails on a shared machine mostly measure the neighbours.
 */
export function cpuPressure() {
  try {
    const match = /some avg10=([\d.]+) avg60=([\d.]+)/.exec(readFileSync('/proc/pressure/cpu', 'utf8'));
    return match ? `CPU pressure (share of time a task waited for a CPU): ${match[1]}% over 10 s, ${match[2]}% over 60 s` : null;
  } catch {
    return null;
  }
}
