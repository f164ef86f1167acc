// `condnet serve <folder>`: the models of a folder over HTTP on loopback, each under its
// content hash. A model is read and validated when requested, so a half-copied or corrupt
// file in the folder is refused (500) rather than handed out; its strong ETag is the SHA-256
// of its bytes, which a puller checks the body against, and which lets it ask "changed?"
// with If-None-Match.

import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { readBlob } from '../format/reader.js';

export const MODEL_PATH = '/models/';
/** Header carrying the body's SHA-256 (hex), beside the ETag that quotes it. */
export const SHA256_HEADER = 'x-condnet-sha256';

export interface ModelEntry {
  name: string;
  bytes: number;
  sha256: string;
  etag: string;
}

export interface ServeOptions {
  /** 0 picks a free port. */
  port?: number;
  /** A loopback address: 127.0.0.1 (default) or ::1. */
  host?: string;
}

export interface Serving {
  url: string;
  server: Server;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);
const NAME = /^[A-Za-z0-9._-]+\.cnb$/;

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
export const etagOf = (hash: string) => `"sha256-${hash}"`;

/** The folder's valid models (invalid ones are left out of the index). */
export function listModels(folder: string): ModelEntry[] {
  const out: ModelEntry[] = [];
  for (const name of readdirSync(folder).filter((f) => NAME.test(f)).sort()) {
    const m = loadModel(folder, name);
    if (m.ok) out.push(m.entry);
  }
  return out;
}

type Loaded = { ok: true; entry: ModelEntry; bytes: Uint8Array } | { ok: false; status: number; message: string };

function loadModel(folder: string, name: string): Loaded {
  if (!NAME.test(name)) return { ok: false, status: 404, message: 'no such model' };
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(join(folder, name)));
  } catch {
    return { ok: false, status: 404, message: 'no such model' };
  }
  try {
    readBlob(bytes);
  } catch (e) {
    return { ok: false, status: 500, message: `${name} is not a valid model: ${(e as Error).message}` };
  }
  const hash = sha256(bytes);
  return { ok: true, bytes, entry: { name, bytes: bytes.length, sha256: hash, etag: etagOf(hash) } };
}

function send(res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-cache' });
  res.end(body);
}

function handle(folder: string, req: IncomingMessage, res: ServerResponse): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'GET or HEAD only\n');
  let path: string;
  try {
    path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
  } catch {
    return send(res, 400, 'malformed path\n');
  }
  if (path === '/models' || path === MODEL_PATH) {
    return send(res, 200, JSON.stringify(listModels(folder), null, 2) + '\n', 'application/json');
  }
  if (!path.startsWith(MODEL_PATH)) return send(res, 404, 'not found\n');
  const m = loadModel(folder, path.slice(MODEL_PATH.length));
  if (!m.ok) return send(res, m.status, m.message + '\n');
  const headers = {
    etag: m.entry.etag,
    [SHA256_HEADER]: m.entry.sha256,
    'cache-control': 'no-cache',
  };
  if (req.headers['if-none-match'] === m.entry.etag) {
    res.writeHead(304, headers);
    return void res.end();
  }
  res.writeHead(200, { ...headers, 'content-type': 'application/octet-stream', 'content-length': m.bytes.length });
  res.end(req.method === 'HEAD' ? undefined : m.bytes);
}

/** Serve `folder` on loopback; resolves once listening. */
export function serveModels(folder: string, opts: ServeOptions = {}): Promise<Serving> {
  const host = opts.host ?? '127.0.0.1';
  if (!LOOPBACK.has(host)) return Promise.reject(new RangeError(`serve listens on loopback only (127.0.0.1 or ::1), not ${host}`));
  readdirSync(folder); // a missing folder fails now, with its name
  const server = createServer((req, res) => {
    try {
      handle(folder, req, res);
    } catch (e) {
      if (!res.headersSent) send(res, 500, `${(e as Error).message}\n`);
      else res.destroy();
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      const a = server.address();
      const port = typeof a === 'object' && a ? a.port : opts.port;
      const shown = host.includes(':') ? `[${host}]` : host;
      resolve({
        url: `http://${shown}:${port}`,
        server,
        close: () => new Promise((done) => {
          server.close(() => done());
          server.closeAllConnections();
        }),
      });
    });
  });
}
