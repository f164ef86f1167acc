// `condnet pull <url> <path>`: replace a local model by the served one without ever losing
// it. The body is streamed and counted against a cap (a declared length over it is refused
// before the body; a body that passes it is cut off), all under one deadline that covers the
// headers and the body and that this code enforces itself; then checked — HTTP 200, the
// declared length (when there is one) equal to the bytes received, SHA-256 equal to the
// server's (ETag / x-condnet-sha256), the blob's own validation by the host reader and by the
// engine — and only then written, atomically (temporary file in the same folder, fsync,
// rename). Any failure leaves the old file as it was and says so; concurrent pulls of one path
// each rename a complete file, so the path always holds one whole version.

import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { ErrorCode } from '../../assembly/format.js';
import { Engine } from '../engine/engine.js';
import { CondnetError } from '../errors.js';
import { errorMessage } from '../format/errors.js';
import { readBlob } from '../format/reader.js';
import { formatBytes } from '../io/bytes.js';
import { checkOutputPath, OutputPathError, writeFileAtomic } from '../io/atomic-write.js';
import { DEFAULT_MAX_MODEL_BYTES, etagOf, sha256, SHA256_HEADER } from './serve.js';

export const DEFAULT_PULL_TIMEOUT_MS = 30_000;

export class PullError extends CondnetError {
  constructor(readonly url: string, readonly path: string, reason: string, exitCode = 1) {
    super(`pull ${url}: ${reason}; ${path} ${existsSync(path) ? 'kept as it was' : 'not written'}`, exitCode);
    this.name = 'PullError';
  }
}

export interface PullResult {
  status: 'updated' | 'unchanged';
  path: string;
  bytes: number;
  sha256: string;
}

export interface PullOptions {
  /** The deadline of the whole transfer, headers and body, in milliseconds. */
  timeoutMs?: number;
  /** The largest body taken (DEFAULT_MAX_MODEL_BYTES, 64 MiB). */
  maxBytes?: number;
}

/** Why a transfer failed, in the words the PullError then says (never shown alone). */
class Refusal extends CondnetError {}

/** The hash an ETag of the form "sha256-<hex>" quotes, if it is one. */
function etagHash(etag: string | undefined): string | undefined {
  return etag?.match(/^"sha256-([0-9a-f]{64})"$/)?.[1];
}

/** The SHA-256 of a file, read in chunks (the local model is never held whole for this). */
async function hashFile(path: string): Promise<{ hash: string; bytes: number }> {
  const h = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path)) {
    h.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { hash: h.digest('hex'), bytes };
}

type Transfer = { status: 304 } | { status: 200; body: Uint8Array; want: string | undefined };

/** GET `target` with node:http(s), streaming and counting the body; every refusal is a Refusal.
 *  Not fetch: Node 20's fetch, aborted while a body is read, rejects the read but leaves the
 *  connection open and the body coming; a destroyed http request closes its socket. */
function transfer(target: URL, localHash: string | undefined, signal: AbortSignal, maxBytes: number): Promise<Transfer> {
  return new Promise<Transfer>((resolve, reject) => {
    let settled = false;
    const finish = (r: Transfer | Refusal): void => {
      if (settled) return;
      settled = true;
      if (r instanceof Refusal) {
        req.destroy();
        reject(r);
      } else resolve(r);
    };
    const get = target.protocol === 'https:' ? httpsRequest : httpRequest;
    // agent: false — a connection of its own, closed with the request, never pooled.
    const req = get(target, { method: 'GET', agent: false, signal, headers: localHash ? { 'if-none-match': etagOf(localHash) } : {} });
    let response: IncomingMessage | undefined;
    let received = 0;
    req.on('error', (e) => finish(new Refusal(
      response === undefined ? `cannot reach the server (${causeOf(e)})`
        // Bytes past the declared length break the connection's next parse; the body was whole.
        : response.complete ? `the server sent more than the ${response.headers['content-length'] ?? '?'} bytes it declared (${causeOf(e)})`
          : `the download broke off after ${received.toLocaleString('en-US')} bytes (${causeOf(e)})`)));
    req.on('response', (res) => {
      response = res;
      const refuse = (reason: string) => finish(new Refusal(reason));
      const status = res.statusCode ?? 0;
      if (status === 304 && localHash) return finish({ status: 304 });
      if (status >= 300 && status < 400 && res.headers.location !== undefined) {
        return refuse(`the server redirected (HTTP ${status} to ${res.headers.location}); redirects are not followed`);
      }
      if (status !== 200) return refuse(`the server answered HTTP ${status}`);
      const declaredText = res.headers['content-length'];
      let declared: number | undefined;
      if (declaredText !== undefined) {
        if (!/^\d+$/.test(declaredText)) return refuse(`the Content-Length "${declaredText}" is not a number of bytes`);
        declared = Number(declaredText);
        if (declared > maxBytes) return refuse(`the server declares ${declared.toLocaleString('en-US')} bytes, over the limit of ${formatBytes(maxBytes)} (--max-bytes)`);
      }
      // A declared length is the whole body's room, taken once (its pages are touched only as
      // bytes arrive); without one, chunks are kept and joined at the end. Either way at most
      // maxBytes (or the declared length) are ever held.
      const room = declared !== undefined ? Buffer.allocUnsafe(declared) : undefined;
      const chunks: Buffer[] = [];
      const limit = declared ?? maxBytes;
      const brokeOff = (why: string) => refuse(`the download broke off after ${received.toLocaleString('en-US')} bytes (${why})`);
      res.on('data', (chunk: Buffer) => {
        if (settled) return;
        if (received + chunk.length > limit) {
          return refuse(declared !== undefined
            ? `the server sent more than the ${declared.toLocaleString('en-US')} bytes it declared`
            : `the body passed ${formatBytes(maxBytes)} (--max-bytes) and was cut off`);
        }
        if (room) chunk.copy(room, received);
        else chunks.push(chunk);
        received += chunk.length;
      });
      res.on('error', (e) => brokeOff(causeOf(e)));
      res.on('close', () => {
        if (!res.complete) return brokeOff('the connection closed');
        if (declared !== undefined && received !== declared) {
          return refuse(`the download broke off: received ${received.toLocaleString('en-US')} bytes, the server declared ${declared.toLocaleString('en-US')}`);
        }
        const hash = res.headers[SHA256_HEADER];
        finish({
          status: 200,
          body: room ?? Buffer.concat(chunks, received),
          want: (Array.isArray(hash) ? hash[0] : hash) ?? etagHash(res.headers.etag),
        });
      });
    });
    req.end();
  });
}

export async function pullModel(url: string, path: string, opts: PullOptions = {}): Promise<PullResult> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_PULL_TIMEOUT_MS;
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_MODEL_BYTES;
  const fail = (reason: string, exitCode = 1): never => {
    throw new PullError(url, path, reason, exitCode);
  };
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return fail('not a URL', 2);
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') fail(`${target.protocol} is not http: or https:`, 2);
  if (!(timeoutMs > 0)) fail(`the timeout must be a positive number of milliseconds, got ${timeoutMs}`, 2);
  if (!(maxBytes > 0)) fail(`the size limit must be a positive number of bytes, got ${maxBytes}`, 2);
  let local: { hash: string; bytes: number } | undefined;
  try {
    checkOutputPath(path);
    if (existsSync(path)) local = await hashFile(path);
  } catch (e) {
    if (e instanceof OutputPathError) fail(e.message, e.exitCode);
    fail(`cannot read ${path} (${ioReason(e)})`);
  }

  // The deadline is this timer: it ends the call at timeoutMs whatever the transfer is doing,
  // and aborts the transfer, which destroys the request and closes its socket.
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const e = new Refusal(`no complete answer within ${timeoutMs.toLocaleString('en-US')} ms (--timeout)`);
      reject(e);
      controller.abort(e);
    }, timeoutMs);
  });
  const running = transfer(target, local?.hash, controller.signal, maxBytes);
  running.catch(() => {}); // settled after the deadline, if it wins: nobody waits for it then
  let got: Transfer;
  try {
    got = await Promise.race([running, deadline]);
  } catch (e) {
    return fail(e instanceof Refusal ? e.message : `the transfer failed (${causeOf(e)})`);
  } finally {
    clearTimeout(timer);
    controller.abort();
  }

  if (got.status === 304) return { status: 'unchanged', path, bytes: local!.bytes, sha256: local!.hash };
  const { body, want } = got;
  if (!want) fail(`the response carries no checksum (${SHA256_HEADER} or a sha256 ETag)`);
  const hash = sha256(body);
  if (hash !== want) fail(`checksum mismatch: the body hashes to sha256 ${hash}, the server announced ${want}`);
  try {
    readBlob(body);
  } catch (e) {
    fail(`not a valid model: ${(e as Error).message}`);
  }
  const code = new Engine('release').load(body);
  if (code !== ErrorCode.Ok) fail(`the engine refuses the model: ${errorMessage(code)} (error ${code})`);
  try {
    writeFileAtomic(path, body);
  } catch (e) {
    if (e instanceof OutputPathError) fail(e.message, e.exitCode);
    fail(`the new model checked out but cannot be written (${ioReason(e)})`);
  }
  return { status: 'updated', path, bytes: body.length, sha256: hash };
}

/** An I/O error as "EACCES: permission denied, open '…'" reads: the code first. */
function ioReason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return err.code ? `${err.code}: ${err.message.replace(/^[A-Z]+: /, '')}` : String(err.message ?? e);
}

/** The innermost reason of a failure (an abort carries the deadline's Refusal as `cause`). */
function causeOf(e: unknown): string {
  let err = e as { message?: string; code?: string; cause?: unknown; name?: string };
  while (err && typeof err === 'object' && err.cause) err = err.cause as typeof err;
  if (err instanceof Refusal) return err.message;
  return err?.code ?? err?.message ?? String(e);
}
