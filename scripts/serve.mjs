#!/usr/bin/env node
// A small static server for the demo page: web/ at / and dist/ at /dist/, on 127.0.0.1 only.
//
//   node scripts/serve.mjs [port]      (or PORT=8123 node scripts/serve.mjs; default 8000, 0 = any free port)
//   COI=1 node scripts/serve.mjs       cross-origin isolated: every response carries
//                                      Cross-Origin-Opener-Policy: same-origin and
//                                      Cross-Origin-Embedder-Policy: require-corp, which the
//                                      multi-threaded core (loadCofi({ threads })) needs
//
// Tests start it in-process: const { url, close } = await startServer({ port: 0 })
// (crossOriginIsolated: true for the headers above).
import { createServer } from 'node:http';
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const MIME_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.csv': 'text/plain; charset=utf-8',
  '.tsv': 'text/plain; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
};

/** Where a URL path lives on disk, or null when it is outside both roots or malformed. */
function resolveRequest(urlPath, roots) {
  let pathname;
  try {
    pathname = decodeURIComponent(urlPath);
  } catch {
    return null; // malformed %-escape
  }
  if (pathname.includes('\0') || pathname.includes('\\')) return null;
  let root = roots.web;
  let rest = pathname;
  if (pathname === '/dist' || pathname.startsWith('/dist/')) {
    root = roots.dist;
    rest = pathname.slice('/dist'.length);
  }
  if (rest === '' || rest.endsWith('/')) rest += 'index.html';
  const file = path.resolve(root, `.${path.posix.normalize(`/${rest}`)}`);
  if (file !== root && !file.startsWith(root + path.sep)) return null;
  return { root, file };
}

// What makes a page cross-origin isolated (SharedArrayBuffer, and so WebAssembly threads). Every
// resource is same-origin here, so require-corp blocks nothing the page loads.
const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

async function handle(request, response, roots, extraHeaders) {
  const send = (status, text, headers = {}) => {
    response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...extraHeaders, ...headers });
    response.end(request.method === 'HEAD' ? undefined : `${text}\n`);
  };
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    send(405, 'method not allowed', { Allow: 'GET, HEAD' });
    return;
  }
  const urlPath = (request.url ?? '/').split(/[?#]/, 1)[0];
  const target = resolveRequest(urlPath, roots);
  if (!target) {
    send(404, 'not found');
    return;
  }
  let real;
  let info;
  try {
    // Resolve symlinks too, so a link inside web/ cannot point the server outside its roots.
    real = await realpath(target.file);
    const realRoot = await realpath(target.root);
    if (real !== realRoot && !real.startsWith(realRoot + path.sep)) throw new Error('outside root');
    info = await stat(real);
    if (!info.isFile()) throw new Error('not a file');
  } catch {
    send(404, 'not found');
    return;
  }
  const type = MIME_TYPES[path.extname(real).toLowerCase()] ?? 'application/octet-stream';
  response.writeHead(200, {
    'Content-Type': type,
    'Content-Length': info.size,
    'X-Content-Type-Options': 'nosniff',
    ...extraHeaders,
  });
  if (request.method === 'HEAD') {
    response.end();
    return;
  }
  const stream = createReadStream(real);
  stream.on('error', () => response.destroy());
  stream.pipe(response);
}

/**
 * Starts the server on 127.0.0.1. Resolves with { url, port, close }; close() resolves once
 * the server has stopped (open keep-alive connections are closed too).
 */
export async function startServer({ port = 8000, host = '127.0.0.1', webDir, distDir, crossOriginIsolated = false } = {}) {
  const roots = {
    web: path.resolve(webDir ?? path.join(ROOT, 'web')),
    dist: path.resolve(distDir ?? path.join(ROOT, 'dist')),
  };
  const extraHeaders = crossOriginIsolated ? ISOLATION_HEADERS : {};
  const server = createServer((request, response) => {
    handle(request, response, roots, extraHeaders).catch(() => {
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actualPort = server.address().port;
  const url = `http://${host}:${actualPort}/`;
  const close = () => new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections?.();
  });
  return { url, port: actualPort, close, server };
}

function parsePort(value) {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`serve: invalid port ${JSON.stringify(value)} (expected 0-65535)`);
    process.exit(2);
  }
  return port;
}

const runDirectly = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (runDirectly) {
  const arg = process.argv.slice(2).find((a) => !a.startsWith('-')) ?? process.argv.slice(2).find((a) => a.startsWith('--port='))?.slice(7);
  const port = parsePort(arg ?? process.env.PORT ?? 8000);
  try {
    const crossOriginIsolated = process.env.COI === '1';
    const { url, close } = await startServer({ port, crossOriginIsolated });
    console.log(`cofi demo: ${url}${crossOriginIsolated ? ' (cross-origin isolated)' : ''}  (Ctrl-C to stop)`);
    const stop = () => close().then(() => process.exit(0));
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  } catch (error) {
    console.error(`serve: ${error.code === 'EADDRINUSE' ? `port ${port} is already in use (try PORT=0 or another port)` : error.message}`);
    process.exit(1);
  }
}
