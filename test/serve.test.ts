// `serve` against a hostile folder and hostile clients (issue 17): a FIFO named like a model,
// a link to /dev/zero, a link to a model outside the folder, a link to another file, a file
// past the size cap, a file that is no model, and requests with a Host header that does not
// name loopback (DNS rebinding). Only regular files in the folder are served, nothing blocks
// (every request below carries a deadline, so a regression fails instead of hanging), a hot
// model is read once, and SIGTERM stops the CLI gracefully.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../host/io/atomic-write.js';
import { serveModels, sha256, SHA256_HEADER } from '../host/net/serve.js';
import { buildFrom } from './helpers.js';

const v1 = buildFrom('synthetic:n=50,d=3,labels=3,seed=1', { construction: 'tree' }).blob;
const v2 = buildFrom('synthetic:n=80,d=3,labels=4,seed=2', { construction: 'tree' }).blob;
const cli = new URL('../host/cli/main.js', import.meta.url).pathname;

/** A GET with its own Host header (fetch may not set one), ending within 5 s or failing. */
function get(url: string, host?: string): Promise<{ status: number; body: Buffer; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = request(u, { headers: host === undefined ? {} : { host }, signal: AbortSignal.timeout(5000) }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts), headers: res.headers }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const past = (path: string) => utimesSync(path, new Date(Date.now() - 3600_000), new Date(Date.now() - 3600_000));

function hostileFolder(): { dir: string; served: string } {
  const dir = mkdtempSync(join(tmpdir(), 'condnet-serve-'));
  const served = join(dir, 'served');
  mkdirSync(served);
  writeFileSync(join(dir, 'outside.cnb'), v2);
  writeFileSync(join(served, 'm.cnb'), v1);
  const fifo = spawnSync('mkfifo', [join(served, 'fifo.cnb')]);
  assert.equal(fifo.status, 0, 'mkfifo makes the FIFO');
  symlinkSync('/dev/zero', join(served, 'zero.cnb'));
  symlinkSync(join(dir, 'outside.cnb'), join(served, 'out.cnb'));
  symlinkSync('/etc/passwd', join(served, 'passwd.cnb'));
  writeFileSync(join(served, 'big.cnb'), Buffer.concat([v2, Buffer.alloc(70_000)]));
  writeFileSync(join(served, 'junk.cnb'), 'root:x:0:0:root:/root:/bin/bash\n');
  return { dir, served };
}

test('serve: only regular files in the folder, within the size cap; no FIFO, device, link out or link across', async () => {
  const { served } = hostileFolder();
  const s = await serveModels(served, { maxBytes: 64 * 1024 });
  try {
    const index = await get(`${s.url}/models`);
    assert.equal(index.status, 200);
    assert.deepEqual((JSON.parse(index.body.toString()) as { name: string }[]).map((m) => m.name), ['m.cnb']);
    const m = await get(`${s.url}/models/m.cnb`);
    assert.equal(m.status, 200);
    assert.deepEqual(new Uint8Array(m.body), v1);
    for (const name of ['fifo.cnb', 'zero.cnb', 'out.cnb', 'passwd.cnb']) {
      const r = await get(`${s.url}/models/${name}`);
      assert.equal(r.status, 404, name);
      assert.match(r.body.toString(), /is not a regular file in the folder; not served/, name);
    }
    const big = await get(`${s.url}/models/big.cnb`);
    assert.equal(big.status, 500);
    assert.match(big.body.toString(), /big\.cnb is larger than 64 KiB \(--max-bytes\); not served/);
    // A file that is no model is named by the reader's code, never quoted.
    const junk = await get(`${s.url}/models/junk.cnb`);
    assert.equal(junk.status, 500);
    assert.match(junk.body.toString(), /^junk\.cnb is not a valid model: [^()]+ \(error \d+\)\n$/);
    assert.doesNotMatch(junk.body.toString(), /root|value/);
  } finally {
    await s.close();
  }
});

test('serve: the Host header must name loopback (and this port), or the request is refused', async () => {
  const { served } = hostileFolder();
  const s = await serveModels(served);
  const port = new URL(s.url).port;
  try {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, 'localhost', `[::1]:${port}`, `LOCALHOST:${port}`]) {
      assert.equal((await get(`${s.url}/models/m.cnb`, host)).status, 200, host);
    }
    for (const host of [`attacker.example:${port}`, 'attacker.example', `127.0.0.1:${Number(port) + 1}`, `127.0.0.1.attacker.example:${port}`, `localhost.:${port}`]) {
      const r = await get(`${s.url}/models/m.cnb`, host);
      assert.equal(r.status, 403, JSON.stringify(host));
      assert.match(r.body.toString(), /^host not allowed/);
    }
    // HTTP/1.0 without a Host header at all.
    const raw = await new Promise<string>((resolve, reject) => {
      const sock = connect(Number(port), '127.0.0.1', () => sock.write('GET /models/m.cnb HTTP/1.0\r\n\r\n'));
      let text = '';
      sock.setEncoding('utf8').on('data', (d: string) => (text += d)).on('end', () => resolve(text)).on('error', reject);
    });
    assert.match(raw, /^HTTP\/1\.[01] 403 /);
  } finally {
    await s.close();
  }
});

test('serve: a hot model is read and validated once; a replaced one is read afresh; a file just written is not kept', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'condnet-serve-cache-'));
  const path = join(dir, 'm.cnb');
  writeFileSync(path, v1);
  past(path);
  const s = await serveModels(dir);
  try {
    const hashes = await Promise.all(Array.from({ length: 20 }, async () => (await get(`${s.url}/models/m.cnb`)).headers[SHA256_HEADER]));
    for (let i = 0; i < 5; i++) hashes.push((await get(`${s.url}/models/m.cnb`)).headers[SHA256_HEADER]);
    assert.ok(hashes.every((h) => h === sha256(v1)));
    assert.equal(s.store.reads, 1, '25 requests, one read');
    writeFileAtomic(path, v2); // a new inode under the name
    past(path);
    assert.equal((await get(`${s.url}/models/m.cnb`)).headers[SHA256_HEADER], sha256(v2));
    assert.equal((await get(`${s.url}/models/m.cnb`)).headers[SHA256_HEADER], sha256(v2));
    assert.equal(s.store.reads, 2);
    // Modified a moment ago: it may change again within its timestamps' resolution, so each
    // request reads it (still once for requests that arrive together).
    writeFileAtomic(path, v1);
    for (let i = 0; i < 3; i++) assert.equal((await get(`${s.url}/models/m.cnb`)).headers[SHA256_HEADER], sha256(v1));
    assert.equal(s.store.reads, 5);
  } finally {
    await s.close();
  }
});

/** Read from `sock` until `done(text)` says the wanted part has come. */
function until(sock: Socket, done: (got: Buffer) => boolean): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let got = Buffer.alloc(0);
    const on = (d: Buffer) => {
      got = Buffer.concat([got, d]);
      if (done(got)) {
        sock.off('data', on);
        resolve(got);
      }
    };
    sock.on('data', on).on('error', reject);
  });
}

test('serve CLI: a FIFO does not block start-up or requests; SIGTERM lets a request in flight finish, refuses new ones, exits 0', async () => {
  const { served } = hostileFolder();
  // Large enough that its response is still being written while the client does not read.
  const big = buildFrom('synthetic:n=400000,d=16,labels=distinct', { construction: 'search' }).blob;
  writeFileSync(join(served, 'big.cnb'), big);
  const child = spawn(process.execPath, [cli, 'serve', served, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`serve did not start: ${err}`)), 20_000);
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        const m = /at (http:\/\/127\.0\.0\.1:\d+)\/models\//.exec(out);
        if (m) {
          clearTimeout(t);
          resolve(m[1]);
        }
      });
    });
    assert.match(out, /\(2 valid models;/);
    assert.equal((await get(`${url}/models/fifo.cnb`)).status, 404);
    const port = Number(new URL(url).port);
    const sock = connect(port, '127.0.0.1');
    sock.write(`GET /models/big.cnb HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
    const headers = await until(sock, (b) => b.includes('\r\n\r\n'));
    sock.pause(); // the body waits in the server's buffers: a request in flight
    const declared = Number(/content-length: (\d+)/i.exec(headers.toString('latin1'))![1]);
    const hash = /x-condnet-sha256: ([0-9a-f]{64})/i.exec(headers.toString('latin1'))![1];
    child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    await assert.rejects(get(`${url}/models`), /ECONNREFUSED/, 'no new connection once stopping');
    sock.resume();
    const start = headers.indexOf('\r\n\r\n') + 4;
    const rest = await until(sock, (b) => b.length + headers.length - start >= declared);
    const body = Buffer.concat([headers.subarray(start), rest]);
    assert.equal(body.length, declared);
    assert.equal(sha256(body), hash, 'the request in flight finished whole');
    assert.equal(sha256(body), sha256(big));
    sock.destroy();
    assert.equal(await exited, 0);
    assert.match(err, /SIGTERM: stopping/);
  } finally {
    child.kill('SIGKILL');
  }
});
