// `condnet pull <url> <path>`: replace a local model by the served one without ever losing
// it. The whole body is fetched into memory, then checked — HTTP 200, Content-Length equal
// to the bytes received, SHA-256 equal to the server's (ETag / x-condnet-sha256), the blob's
// own validation by the host reader and by the engine — and only then written, atomically
// (temporary file in the same folder, fsync, rename). Any failure leaves the old file as it
// was; concurrent pulls of one path each rename a complete file, so the path always holds
// one whole version.

import { existsSync, readFileSync } from 'node:fs';
import { ErrorCode } from '../../assembly/format.js';
import { Engine } from '../engine/engine.js';
import { CondnetError } from '../errors.js';
import { errorMessage } from '../format/errors.js';
import { readBlob } from '../format/reader.js';
import { checkOutputPath, writeFileAtomic } from '../io/atomic-write.js';
import { etagOf, sha256, SHA256_HEADER } from './serve.js';

export const DEFAULT_PULL_TIMEOUT_MS = 30_000;

export class PullError extends CondnetError {
  constructor(readonly url: string, readonly path: string, reason: string) {
    super(`pull ${url}: ${reason}; ${path} ${existsSync(path) ? 'kept as it was' : 'not written'}`);
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
  timeoutMs?: number;
}

/** The hash an ETag of the form "sha256-<hex>" quotes, if it is one. */
function etagHash(etag: string | null): string | undefined {
  return etag?.match(/^"sha256-([0-9a-f]{64})"$/)?.[1];
}

export async function pullModel(url: string, path: string, opts: PullOptions = {}): Promise<PullResult> {
  const fail = (reason: string): never => {
    throw new PullError(url, path, reason);
  };
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return fail('not a URL');
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') fail(`${target.protocol} is not http: or https:`);
  checkOutputPath(path);
  const local = existsSync(path) ? new Uint8Array(readFileSync(path)) : undefined;
  const localHash = local ? sha256(local) : undefined;

  let res: Response;
  try {
    res = await fetch(target, {
      headers: localHash ? { 'if-none-match': etagOf(localHash) } : {},
      signal: AbortSignal.timeout(opts.timeoutMs ?? DEFAULT_PULL_TIMEOUT_MS),
      redirect: 'error',
    });
  } catch (e) {
    return fail(`cannot reach the server (${causeOf(e)})`);
  }
  if (res.status === 304 && local && localHash) {
    return { status: 'unchanged', path, bytes: local.length, sha256: localHash };
  }
  if (res.status !== 200) {
    await res.body?.cancel().catch(() => {});
    fail(`the server answered HTTP ${res.status}`);
  }
  const declared = res.headers.get('content-length');
  let body: Uint8Array;
  try {
    body = new Uint8Array(await res.arrayBuffer());
  } catch (e) {
    return fail(`the download broke off (${causeOf(e)})`);
  }
  if (declared === null || !/^\d+$/.test(declared)) fail('the response has no Content-Length');
  if (Number(declared) !== body.length) fail(`received ${body.length} bytes, the server declared ${declared}`);
  const want = res.headers.get(SHA256_HEADER) ?? etagHash(res.headers.get('etag'));
  if (!want) fail(`the response carries no checksum (${SHA256_HEADER} or a sha256 ETag)`);
  const got = sha256(body);
  if (got !== want) fail(`checksum mismatch: the body hashes to sha256 ${got}, the server announced ${want}`);
  try {
    readBlob(body);
  } catch (e) {
    fail(`not a valid model: ${(e as Error).message}`);
  }
  const code = new Engine('release').load(body);
  if (code !== ErrorCode.Ok) fail(`the engine refuses the model: ${errorMessage(code)} (error ${code})`);
  writeFileAtomic(path, body);
  return { status: 'updated', path, bytes: body.length, sha256: got };
}

/** The innermost reason of a fetch failure (undici wraps it in `cause`). */
function causeOf(e: unknown): string {
  let err = e as { message?: string; code?: string; cause?: unknown; name?: string };
  while (err && typeof err === 'object' && err.cause) err = err.cause as typeof err;
  if (err?.name === 'TimeoutError') return 'timed out';
  return err?.code ?? err?.message ?? String(e);
}
