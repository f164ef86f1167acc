// `condnet serve <folder>`: the models of a folder over HTTP on loopback, each under its
// content hash. Only regular files directly in the folder are served: a link (to a model
// elsewhere, to /dev/zero, to another file), a FIFO, a device or a folder is not, and a file
// past the size cap is not read. Files are read asynchronously (opened without following
// links and without blocking), so no file stalls the server; each read is validated once and
// cached under the file's identity (device, inode, size, modification and change times), so
// a hot model is not re-read per request, and a model replaced in the folder (a rename onto
// the name: a new inode) is read afresh. A half-copied or corrupt file is refused (500), never
// handed out. The strong ETag is the SHA-256 of the bytes, which a puller checks the body
// against and uses to ask "changed?" with If-None-Match. The Host header must name loopback,
// so a web page cannot reach the server through DNS rebinding.

import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, open, readdir } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { BlobError, errorMessage } from '../format/errors.js';
import { readBlob } from '../format/reader.js';
import { formatBytes } from '../io/bytes.js';

export const MODEL_PATH = '/models/';
/** Header carrying the body's SHA-256 (hex), beside the ETag that quotes it. */
export const SHA256_HEADER = 'x-condnet-sha256';
/** The largest model served or pulled by default (--max-bytes changes it). */
export const DEFAULT_MAX_MODEL_BYTES = 64 * 2 ** 20;
/** How long a stopping server lets requests in flight finish before it cuts them. */
export const DEFAULT_GRACE_MS = 5_000;

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
  /** Files larger than this are not served (DEFAULT_MAX_MODEL_BYTES). */
  maxBytes?: number;
  /** Bytes of models kept read and validated (four times maxBytes by default). */
  cacheBytes?: number;
}

export interface Serving {
  url: string;
  server: Server;
  store: ModelStore;
  /** Stop accepting connections, let requests in flight finish (at most `graceMs`), then
   *  close every connection. */
  close(graceMs?: number): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);
const NAME = /^[A-Za-z0-9._-]+\.cnb$/;
/** The Host names a loopback server answers to; a port, when given, must be its own. */
const HOST_HEADER = /^(localhost|127\.0\.0\.1|\[::1\])(?::(\d+))?$/i;
/** A file modified this recently may change again within its timestamps' resolution with the
 *  same identity, so its read is not kept ("racy" entries, as git calls them). */
const RACY_MS = 2_000;

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
export const etagOf = (hash: string) => `"sha256-${hash}"`;

type Loaded = { ok: true; entry: ModelEntry; bytes: Uint8Array } | { ok: false; status: number; message: string };

const notServed = (status: number, message: string): Loaded => ({ ok: false, status, message });

interface Cached {
  identity: string;
  bytes: number;
  loaded: Promise<Loaded>;
}

/** The folder's models, read when asked and cached by file identity. */
export class ModelStore {
  private readonly cache = new Map<string, Cached>(); // by name, least recently used first
  private cachedBytes = 0;
  /** Reads done (not served from the cache): what the cache saves is visible to tests. */
  reads = 0;

  constructor(
    readonly folder: string,
    readonly maxBytes = DEFAULT_MAX_MODEL_BYTES,
    readonly cacheBytes = 4 * maxBytes,
  ) {}

  /** The folder's valid models (anything else is left out of the index). */
  async list(): Promise<ModelEntry[]> {
    const out: ModelEntry[] = [];
    for (const name of (await readdir(this.folder)).filter((f) => NAME.test(f)).sort()) {
      const m = await this.get(name);
      if (m.ok) out.push(m.entry);
    }
    return out;
  }

  async get(name: string): Promise<Loaded> {
    if (!NAME.test(name)) return notServed(404, 'no such model');
    const path = join(this.folder, name);
    let st;
    try {
      st = await lstat(path, { bigint: true });
    } catch (e) {
      this.forget(name);
      const code = (e as NodeJS.ErrnoException).code;
      return code === 'ENOENT' || code === 'ENOTDIR' ? notServed(404, 'no such model') : notServed(500, `${name}: cannot read (${code})`);
    }
    if (!st.isFile()) {
      this.forget(name);
      return notServed(404, `${name} is not a regular file in the folder; not served`);
    }
    if (st.size > BigInt(this.maxBytes)) return notServed(500, `${name} is larger than ${formatBytes(this.maxBytes)} (--max-bytes); not served`);
    const identity = `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
    const hit = this.cache.get(name);
    if (hit && hit.identity === identity) {
      this.cache.delete(name);
      this.cache.set(name, hit);
      return hit.loaded;
    }
    this.forget(name);
    this.reads++;
    const racy = Date.now() - Number(st.mtimeMs) < RACY_MS;
    const entry: Cached = {
      identity,
      bytes: Number(st.size),
      loaded: this.read(name, path, identity).then((r) => {
        // Shared while in flight; kept only when it surely describes this identity.
        if ((racy || !r.keep) && this.cache.get(name) === entry) this.forget(name);
        return r.model;
      }),
    };
    this.cache.set(name, entry);
    this.cachedBytes += entry.bytes;
    for (const old of this.cache.keys()) {
      if (this.cachedBytes <= this.cacheBytes) break;
      if (old !== name) this.forget(old);
    }
    return entry.loaded;
  }

  private forget(name: string): void {
    const c = this.cache.get(name);
    if (!c) return;
    this.cache.delete(name);
    this.cachedBytes -= c.bytes;
  }

  /** Read and validate the file; `keep`: the result may be cached under `identity`. */
  private async read(name: string, path: string, identity: string): Promise<{ model: Loaded; keep: boolean }> {
    let fh;
    try {
      // No link is followed and no FIFO waits for a writer, even if the name changed since
      // lstat; what was opened is checked again below.
      fh = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const model = code === 'ENOENT' ? notServed(404, 'no such model')
        : code === 'ELOOP' ? notServed(404, `${name} is not a regular file in the folder; not served`)
          : notServed(500, `${name}: cannot read (${code})`);
      return { model, keep: false };
    }
    try {
      const st = await fh.stat({ bigint: true });
      if (!st.isFile()) return { model: notServed(404, `${name} is not a regular file in the folder; not served`), keep: false };
      if (st.size > BigInt(this.maxBytes)) return { model: notServed(500, `${name} is larger than ${formatBytes(this.maxBytes)} (--max-bytes); not served`), keep: false };
      // Replaced since lstat (a rename onto the name): serve what was opened, keep nothing.
      const keep = `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}` === identity;
      const size = Number(st.size);
      const bytes = new Uint8Array(size);
      let at = 0;
      while (at < size) {
        const { bytesRead } = await fh.read(bytes, at, size - at, at);
        if (bytesRead === 0) break;
        at += bytesRead;
      }
      const more = (await fh.read(new Uint8Array(1), 0, 1, size)).bytesRead;
      if (at !== size || more !== 0) return { model: notServed(503, `${name} changed while being read; try again`), keep: false };
      try {
        readBlob(bytes);
      } catch (e) {
        // The reason by code and name only: the reader's detail quotes the file's bytes.
        const why = e instanceof BlobError ? `${errorMessage(e.code)} (error ${e.code})` : (e as Error).message;
        return { model: notServed(500, `${name} is not a valid model: ${why}`), keep };
      }
      const hash = sha256(bytes);
      return { model: { ok: true, bytes, entry: { name, bytes: size, sha256: hash, etag: etagOf(hash) } }, keep };
    } catch (e) {
      return { model: notServed(500, `${name}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`), keep: false };
    } finally {
      await fh.close();
    }
  }
}

function send(res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-cache' });
  res.end(body);
}

async function handle(store: ModelStore, port: number, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const host = HOST_HEADER.exec(req.headers.host ?? '');
  if (!host || (host[2] !== undefined && Number(host[2]) !== port)) {
    return send(res, 403, `host not allowed: ${JSON.stringify(req.headers.host ?? '')} (this server answers to 127.0.0.1, localhost or [::1], port ${port})\n`);
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'GET or HEAD only\n');
  let path: string;
  try {
    path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
  } catch {
    return send(res, 400, 'malformed path\n');
  }
  if (path === '/models' || path === MODEL_PATH) {
    return send(res, 200, JSON.stringify(await store.list(), null, 2) + '\n', 'application/json');
  }
  if (!path.startsWith(MODEL_PATH)) return send(res, 404, 'not found\n');
  const m = await store.get(path.slice(MODEL_PATH.length));
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
  if (req.method === 'HEAD') return void res.end();
  // End only once the body is with the kernel: Node counts a connection whose response has
  // ended as idle, and a stopping server closes idle connections, which would cut a body
  // still being written to a slow reader.
  res.write(m.bytes, () => res.end());
}

/** Serve `folder` on loopback; resolves once listening. */
export async function serveModels(folder: string, opts: ServeOptions = {}): Promise<Serving> {
  const host = opts.host ?? '127.0.0.1';
  if (!LOOPBACK.has(host)) throw new RangeError(`serve listens on loopback only (127.0.0.1 or ::1), not ${host}`);
  await readdir(folder); // a missing folder fails now, with its name
  const store = new ModelStore(folder, opts.maxBytes, opts.cacheBytes);
  let port = opts.port ?? 0;
  let closing = false;
  const server = createServer((req, res) => {
    // A stopping server finishes this request and closes the connection after it; a request
    // in flight when it began stopping closes its connection when it finishes.
    if (closing) res.setHeader('connection', 'close');
    res.on('finish', () => {
      if (closing) server.closeIdleConnections();
    });
    handle(store, port, req, res).catch((e: unknown) => {
      if (!res.headersSent) send(res, 500, `${(e as Error).message}\n`);
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // 1,000 clients connecting at once must not overflow the accept queue (511 by default).
    server.listen({ port, host, backlog: 4096 }, () => resolve());
  });
  const a = server.address();
  port = typeof a === 'object' && a ? a.port : port;
  const shown = host.includes(':') ? `[${host}]` : host;
  let closed: Promise<void> | undefined;
  return {
    url: `http://${shown}:${port}`,
    server,
    store,
    close: (graceMs = DEFAULT_GRACE_MS) => closed ??= new Promise<void>((done) => {
      closing = true;
      const cut = setTimeout(() => server.closeAllConnections(), graceMs);
      // Stops listening and closes the idle connections (Node ≥ 19); calls back once the
      // last connection has closed.
      server.close(() => {
        clearTimeout(cut);
        done();
      });
    }),
  };
}

/** The folder's valid models, as the index lists them. */
export function listModels(folder: string, maxBytes = DEFAULT_MAX_MODEL_BYTES): Promise<ModelEntry[]> {
  return new ModelStore(folder, maxBytes).list();
}
