// Model updates without loss (`condnet serve` / `condnet pull`): whatever goes wrong on the
// way — a corrupted body, a wrong Content-Length, a download cut short, a server gone, a body
// that hashes right but is no model — the local model stays the old one, byte for byte; and
// 100 concurrent pulls of one path on loopback leave it, at every moment, either the old or
// the new model, never a mix.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createTcpServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pullModel, PullError } from '../host/net/pull.js';
import { etagOf, serveModels, sha256, SHA256_HEADER } from '../host/net/serve.js';
import { buildFrom } from './helpers.js';

const v1 = buildFrom('synthetic:n=50,d=3,labels=3,seed=1', { construction: 'tree' }).blob;
const v2 = buildFrom('synthetic:n=80,d=3,labels=4,seed=2', { construction: 'tree' }).blob;
const cli = new URL('../host/cli/main.js', import.meta.url).pathname;

function fresh(): { served: string; local: string } {
  const dir = mkdtempSync(join(tmpdir(), 'condnet-update-'));
  const served = join(dir, 'served');
  const local = join(dir, 'local');
  for (const d of [served, local]) mkdirSync(d);
  return { served, local };
}

/** A server that answers every request with `respond` on the raw socket. */
async function rawServer(respond: (socket: Socket) => void): Promise<{ url: string; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createTcpServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.once('data', () => respond(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/models/m.cnb`,
    close: () => new Promise((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    }),
  };
}

const head = (status: string, length: number, hash: string) =>
  `HTTP/1.1 ${status}\r\ncontent-type: application/octet-stream\r\ncontent-length: ${length}\r\netag: ${etagOf(hash)}\r\n${SHA256_HEADER}: ${hash}\r\nconnection: close\r\n\r\n`;

async function keepsOld(url: string, what: RegExp): Promise<void> {
  const { local } = fresh();
  const path = join(local, 'm.cnb');
  writeFileSync(path, v1);
  await assert.rejects(pullModel(url, path, { timeoutMs: 5000 }), (e: unknown) => e instanceof PullError && what.test(e.message) && /kept as it was/.test(e.message));
  assert.deepEqual(new Uint8Array(readFileSync(path)), v1);
  assert.deepEqual(readdirSync(local), ['m.cnb'], 'no temporary file left');
}

test('pull fetches, then says unchanged, then takes the new version', async () => {
  const { served, local } = fresh();
  writeFileSync(join(served, 'm.cnb'), v1);
  const s = await serveModels(served);
  try {
    const path = join(local, 'm.cnb');
    assert.equal((await pullModel(`${s.url}/models/m.cnb`, path)).status, 'updated');
    assert.deepEqual(new Uint8Array(readFileSync(path)), v1);
    assert.equal((await pullModel(`${s.url}/models/m.cnb`, path)).status, 'unchanged');
    writeFileSync(join(served, 'm.cnb'), v2);
    const r = await pullModel(`${s.url}/models/m.cnb`, path);
    assert.deepEqual([r.status, r.sha256], ['updated', sha256(v2)]);
    assert.deepEqual(new Uint8Array(readFileSync(path)), v2);
    // The index lists valid models only; a corrupt file in the folder is refused, not served.
    writeFileSync(join(served, 'bad.cnb'), v2.subarray(0, 100));
    const index = await (await fetch(`${s.url}/models`)).json() as { name: string; sha256: string }[];
    assert.deepEqual(index.map((m) => [m.name, m.sha256]), [['m.cnb', sha256(v2)]]);
    assert.equal((await fetch(`${s.url}/models/bad.cnb`)).status, 500);
    assert.equal((await fetch(`${s.url}/models/none.cnb`)).status, 404);
    assert.equal((await fetch(`${s.url}/models/m.cnb`, { headers: { 'if-none-match': etagOf(sha256(v2)) } })).status, 304);
  } finally {
    await s.close();
  }
});

test('a corrupted body is refused by its checksum; the old model stays', async () => {
  const bad = v2.slice();
  bad[bad.length - 5] ^= 0x40;
  const s = await rawServer((sock) => sock.end(Buffer.concat([Buffer.from(head('200 OK', bad.length, sha256(v2))), bad])));
  try {
    await keepsOld(s.url, /checksum mismatch/);
  } finally {
    await s.close();
  }
});

test('a body that hashes right but is no model is refused by validation', async () => {
  const junk = new Uint8Array(200).fill(7);
  const s = await rawServer((sock) => sock.end(Buffer.concat([Buffer.from(head('200 OK', junk.length, sha256(junk))), junk])));
  try {
    await keepsOld(s.url, /not a valid model/);
  } finally {
    await s.close();
  }
});

test('a Content-Length longer than the body is refused; the old model stays', async () => {
  const s = await rawServer((sock) => sock.end(Buffer.concat([Buffer.from(head('200 OK', v2.length + 10, sha256(v2))), v2])));
  try {
    await keepsOld(s.url, /broke off|declared/);
  } finally {
    await s.close();
  }
});

test('a download cut in the middle is refused; the old model stays', async () => {
  const s = await rawServer((sock) => {
    sock.write(head('200 OK', v2.length, sha256(v2)));
    sock.write(v2.subarray(0, v2.length >> 1), () => sock.destroy());
  });
  try {
    await keepsOld(s.url, /broke off/);
  } finally {
    await s.close();
  }
});

test('a server that is gone, or answers an error, leaves the old model', async () => {
  const { served } = fresh();
  const s = await serveModels(served);
  const url = `${s.url}/models/m.cnb`;
  await keepsOld(url, /HTTP 404/);
  await s.close();
  await keepsOld(url, /cannot reach the server/);
});

test('100 concurrent pulls of one path: always the old model or the new one, never a mix', async () => {
  const { served, local } = fresh();
  writeFileSync(join(served, 'm.cnb'), v2);
  const path = join(local, 'm.cnb');
  writeFileSync(path, v1);
  const s = await serveModels(served);
  const seen = { v1: 0, v2: 0 };
  let watching = true;
  // A reader polls the file while the pulls run: every read must be one whole version.
  const watcher = (async () => {
    while (watching) {
      const now = new Uint8Array(readFileSync(path));
      if (Buffer.compare(now, v1) === 0) seen.v1++;
      else if (Buffer.compare(now, v2) === 0) seen.v2++;
      else assert.fail(`a read of ${now.length} bytes is neither version`);
      await new Promise((r) => setImmediate(r));
    }
  })();
  try {
    const results = await Promise.all(Array.from({ length: 100 }, () => pullModel(`${s.url}/models/m.cnb`, path)));
    assert.equal(results.length, 100);
    assert.ok(results.every((r) => r.sha256 === sha256(v2)));
    assert.ok(results.some((r) => r.status === 'updated'));
  } finally {
    watching = false;
    await watcher;
    await s.close();
  }
  assert.deepEqual(new Uint8Array(readFileSync(path)), v2);
  assert.deepEqual(readdirSync(local), ['m.cnb'], 'no temporary file left');
  assert.ok(seen.v1 + seen.v2 > 0);
});

test('CLI: pull reports success and failure in one line; serve refuses a non-loopback address', async () => {
  const { served, local } = fresh();
  writeFileSync(join(served, 'm.cnb'), v1);
  const s = await serveModels(served);
  // The server runs in this process, so the CLI runs asynchronously beside it.
  const run = (args: string[]) => new Promise<{ code: number; out: string; err: string }>((resolve) => {
    execFile(process.execPath, [cli, ...args], { encoding: 'utf8' }, (e, out, err) => resolve({ code: e ? (e.code as number) : 0, out, err }));
  });
  try {
    const path = join(local, 'm.cnb');
    const ok = await run(['pull', `${s.url}/models/m.cnb`, path]);
    assert.equal(ok.code, 0, ok.err);
    assert.match(ok.out, /^updated .*m\.cnb \(\d[\d,]* bytes, sha256 [0-9a-f]{64}\)\n$/);
    assert.match((await run(['pull', `${s.url}/models/m.cnb`, path])).out, /is up to date/);
    const gone = await run(['pull', `${s.url}/models/none.cnb`, path]);
    assert.equal(gone.code, 1);
    assert.match(gone.err, /^condnet: pull .*: the server answered HTTP 404; .*m\.cnb kept as it was\n$/);
    assert.deepEqual(new Uint8Array(readFileSync(path)), v1);
  } finally {
    await s.close();
  }
  const wide = await run(['serve', served, '--host', '0.0.0.0', '--port', '0']);
  assert.equal(wide.code, 2);
  assert.match(wide.err, /loopback only/);
});
