// `pull` against hostile servers on loopback (issue 17): an endless body, a huge declared
// length, a slow drip, a silent server, a reset in the middle of the body, wrong lengths and
// a redirect. Each `condnet pull` runs in a child process, so its peak memory is its own
// (maxRSS, reported by the child at exit): it must end within its --timeout plus a small
// margin, with memory bounded by the cap, the old model kept byte for byte and no temporary
// file left. Library calls are held to the same deadline, and a read-only folder is reported
// as such, with the model kept.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createTcpServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pullModel, PullError } from '../host/net/pull.js';
import { etagOf, serveModels, sha256, SHA256_HEADER } from '../host/net/serve.js';
import { MiB, runCli } from './child.js';
import { buildFrom } from './helpers.js';

const v1 = buildFrom('synthetic:n=50,d=3,labels=3,seed=1', { construction: 'tree' }).blob;
const v2 = buildFrom('synthetic:n=80,d=3,labels=4,seed=2', { construction: 'tree' }).blob;

const TIMEOUT_MS = 2000;
/** What a pull may take beyond its --timeout: its own error path and the process's exit. */
const MARGIN_MS = 1000;
/** Memory beyond the cap and a body-less pull's peak: undici's buffers and garbage not yet collected. */
const SLACK = 48 * MiB;

interface Hostile {
  url: string;
  /** performance.now() when the first request arrived (the pull has started by then). */
  firstRequest(): number | undefined;
  /** Sockets still open: a transfer the client gave up must not keep flowing. */
  open(): number;
  close(): Promise<void>;
}

/** A raw server that answers each request with `respond` on its socket. */
async function hostile(respond: (s: Socket, url: string) => void): Promise<Hostile> {
  const sockets = new Set<Socket>();
  let first: number | undefined;
  let url = '';
  const server = createTcpServer((s) => {
    sockets.add(s);
    s.on('error', () => {});
    s.on('close', () => sockets.delete(s));
    s.once('data', () => {
      first ??= performance.now();
      respond(s, url);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}/models/m.cnb`;
  return {
    url,
    firstRequest: () => first,
    open: () => sockets.size,
    close: () => new Promise((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    }),
  };
}

const head = (lines: string[]) => `HTTP/1.1 ${lines.join('\r\n')}\r\n\r\n`;
const okHead = (length: number | string, hash = sha256(v2)) =>
  head(['200 OK', 'content-type: application/octet-stream', `content-length: ${length}`, `etag: ${etagOf(hash)}`, `${SHA256_HEADER}: ${hash}`, 'connection: close']);

/** Write `frame` as fast as the socket takes it, until the peer goes. */
function flood(s: Socket, frame: Buffer): void {
  const pump = () => {
    while (!s.destroyed && s.write(frame));
  };
  s.on('drain', pump);
  pump();
}

const zeros = Buffer.alloc(MiB);
const chunk = Buffer.concat([Buffer.from(`${zeros.length.toString(16)}\r\n`), zeros, Buffer.from('\r\n')]);

const cases: { name: string; reason: RegExp; respond: (s: Socket, url: string) => void; maxBytes?: number }[] = [
  {
    // 16 MiB rather than the default 64: the same path, in a fraction of the time.
    name: 'an endless body (chunked, no length, as fast as loopback goes)',
    reason: /the body passed 16\.0 MiB \(--max-bytes\) and was cut off/,
    maxBytes: 16 * MiB,
    respond: (s) => {
      s.write(head(['200 OK', 'content-type: application/octet-stream', 'transfer-encoding: chunked', `${SHA256_HEADER}: ${sha256(v2)}`]));
      flood(s, chunk);
    },
  },
  {
    name: 'a declared length of 5 GB, then zeros',
    reason: /the server declares 5,000,000,000 bytes, over the limit of 64\.0 MiB \(--max-bytes\)/,
    respond: (s) => {
      s.write(okHead(5_000_000_000));
      flood(s, zeros);
    },
  },
  {
    name: 'a slow drip (one byte every 100 ms)',
    reason: /no complete answer within 2,000 ms \(--timeout\)/,
    respond: (s) => {
      s.write(okHead(v2.length));
      let at = 0;
      const t = setInterval(() => (s.destroyed || at >= v2.length ? clearInterval(t) : s.write(v2.subarray(at, ++at))), 100);
      s.on('close', () => clearInterval(t));
    },
  },
  {
    name: 'a silent server (the request is read, nothing is answered)',
    reason: /no complete answer within 2,000 ms \(--timeout\)/,
    respond: () => {},
  },
  {
    name: 'a reset in the middle of the body',
    reason: /the download broke off/,
    respond: (s) => {
      s.write(okHead(v2.length));
      s.write(v2.subarray(0, v2.length >> 1), () => s.resetAndDestroy());
    },
  },
  {
    name: 'a declared length longer than the body',
    reason: /the download broke off/,
    respond: (s) => s.end(Buffer.concat([Buffer.from(okHead(v2.length + 10)), v2])),
  },
  {
    name: 'a declared length shorter than the body',
    reason: /checksum mismatch|the server sent more than the \d+ bytes it declared/,
    respond: (s) => s.end(Buffer.concat([Buffer.from(okHead(v2.length - 10)), v2])),
  },
  {
    name: 'a redirect',
    reason: /the server redirected \(HTTP 302 to http:\/\/127\.0\.0\.1:\d+\/elsewhere\.cnb\); redirects are not followed/,
    respond: (s, url) => s.end(head(['302 Found', `location: ${new URL('/elsewhere.cnb', url)}`, 'content-length: 0', 'connection: close'])),
  },
];

function fresh(): { dir: string; path: string } {
  const dir = mkdtempSync(join(tmpdir(), 'condnet-hostile-'));
  const path = join(dir, 'm.cnb');
  writeFileSync(path, v1);
  return { dir, path };
}

test('pull against hostile servers: within its --timeout, memory bounded by the cap, the old model kept, no temporary file', async (t) => {
  // A pull that never holds a body: its peak memory is the baseline the cap is added to.
  const quick = await hostile((s) => s.end(head(['404 Not Found', 'content-length: 0', 'connection: close'])));
  const { path: p0 } = fresh();
  const base = await runCli(['pull', quick.url, p0, '--timeout', String(TIMEOUT_MS)]);
  await quick.close();
  assert.equal(base.code, 1, base.err);
  assert.ok(Number.isFinite(base.maxRss), 'the child reports its peak memory');
  const rows: string[] = [];
  for (const c of cases) {
    await t.test(c.name, async () => {
      const server = await hostile(c.respond);
      const { dir, path } = fresh();
      try {
        const cap = c.maxBytes ?? 64 * MiB;
        const r = await runCli(['pull', server.url, path, '--timeout', String(TIMEOUT_MS), '--max-bytes', String(cap)]);
        const started = server.firstRequest();
        assert.ok(started !== undefined, 'the pull reached the server');
        const ms = r.exitedAt - started;
        rows.push(`${c.name}: ${Math.round(ms)} ms after its request, peak ${(r.maxRss / MiB).toFixed(0)} MiB (a body-less pull: ${(base.maxRss / MiB).toFixed(0)} MiB): ${r.err.trim()}`);
        assert.equal(r.code, 1, r.err);
        assert.match(r.err, /^condnet: pull \S+: .+; \S+m\.cnb kept as it was\n$/);
        assert.match(r.err, c.reason);
        assert.ok(ms <= TIMEOUT_MS + MARGIN_MS, `ended ${Math.round(ms)} ms after its request, over ${TIMEOUT_MS} + ${MARGIN_MS}`);
        assert.ok(r.maxRss <= base.maxRss + cap + SLACK,
          `peak ${(r.maxRss / MiB).toFixed(0)} MiB, over ${(base.maxRss / MiB).toFixed(0)} + ${cap / MiB} + ${SLACK / MiB} MiB`);
        assert.deepEqual(new Uint8Array(readFileSync(path)), v1, 'the old model, byte for byte');
        assert.deepEqual(readdirSync(dir), ['m.cnb'], 'no temporary file left');
      } finally {
        await server.close();
      }
    });
  }
  console.log(rows.join('\n'));
});

test('library calls: three concurrent pulls of a body that keeps coming all end at their deadline, and stop downloading', async () => {
  // 64 KiB every 10 ms of a declared 60 MiB: ten seconds of body, under the size cap.
  const server = await hostile((s) => {
    s.write(okHead(60 * MiB));
    const piece = Buffer.alloc(64 * 1024);
    const t = setInterval(() => (s.destroyed ? clearInterval(t) : s.write(piece)), 10);
    s.on('close', () => clearInterval(t));
  });
  const timeoutMs = 1500;
  try {
    const runs = [0, 1, 2].map(async () => {
      const { path } = fresh();
      const t0 = performance.now();
      await assert.rejects(pullModel(server.url, path, { timeoutMs }),
        (e: unknown) => e instanceof PullError && /no complete answer within 1,500 ms \(--timeout\); .*kept as it was/.test(e.message));
      assert.deepEqual(new Uint8Array(readFileSync(path)), v1);
      return performance.now() - t0;
    });
    const times = await Promise.all(runs);
    for (const ms of times) assert.ok(ms <= timeoutMs + 500, `a call ended after ${Math.round(ms)} ms`);
    // The transfers were aborted, not left running: the server sees its sockets close.
    const until = performance.now() + 2000;
    while (server.open() > 0 && performance.now() < until) await new Promise((r) => setTimeout(r, 20));
    assert.equal(server.open(), 0, 'every download stopped');
  } finally {
    await server.close();
  }
});

test('pull --max-bytes: a declared length over the cap is refused before the body; a model within it is taken', async () => {
  const { dir, path } = fresh();
  const served = mkdtempSync(join(tmpdir(), 'condnet-hostile-served-'));
  writeFileSync(join(served, 'm.cnb'), v2);
  const s = await serveModels(served);
  try {
    const url = `${s.url}/models/m.cnb`;
    await assert.rejects(pullModel(url, path, { maxBytes: v2.length - 1 }),
      (e: unknown) => e instanceof PullError && new RegExp(`declares ${v2.length.toLocaleString('en-US')} bytes, over the limit`).test(e.message));
    assert.deepEqual(new Uint8Array(readFileSync(path)), v1);
    const cli = await runCli(['pull', url, path, '--max-bytes', 'lots']);
    assert.equal(cli.code, 2);
    assert.match(cli.err, /--max-bytes must be a positive number of bytes/);
    assert.equal((await pullModel(url, path, { maxBytes: v2.length })).status, 'updated');
    assert.deepEqual(new Uint8Array(readFileSync(path)), v2);
    assert.deepEqual(readdirSync(dir), ['m.cnb']);
  } finally {
    await s.close();
  }
});

test('pull into a folder it cannot write says so, and that the model was kept', async () => {
  const root = mkdtempSync(join(tmpdir(), 'condnet-hostile-ro-'));
  const served = join(root, 'served');
  const local = join(root, 'local');
  for (const d of [served, local]) {
    writeFileSync(join(root, '.keep'), '');
    (await import('node:fs')).mkdirSync(d);
  }
  writeFileSync(join(served, 'm.cnb'), v2);
  const path = join(local, 'm.cnb');
  writeFileSync(path, v1);
  // Root writes anywhere: the pull then runs as nobody (uid 65534), which may read the model
  // and the code but not write the folder.
  const asRoot = process.getuid?.() === 0;
  chmodSync(root, 0o755);
  chmodSync(local, 0o555);
  chmodSync(path, 0o644);
  const s = await serveModels(served);
  try {
    const r = await runCli(['pull', `${s.url}/models/m.cnb`, path], asRoot ? { uid: 65534, gid: 65534 } : {});
    assert.equal(r.code, 1, r.err);
    assert.match(r.err, /^condnet: pull \S+: the new model checked out but cannot be written \(EACCES: permission denied, open '.*'\); \S+m\.cnb kept as it was\n$/);
    assert.doesNotMatch(r.err, /unexpected/);
    assert.deepEqual(new Uint8Array(readFileSync(path)), v1);
    assert.deepEqual(readdirSync(local), ['m.cnb']);
  } finally {
    chmodSync(local, 0o755);
    await s.close();
  }
});
