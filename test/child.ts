// Runs the CLI in a child process and reports what a test of bounds needs: exit code, output,
// the child's peak memory (maxRSS) and how long it ran. The child is started with
// rss-preload.js, which writes process.resourceUsage().maxRSS at exit to file descriptor 3.

import { spawn, type SpawnOptions } from 'node:child_process';

const cli = new URL('../host/cli/main.js', import.meta.url).pathname;
const preload = new URL('./rss-preload.js', import.meta.url).href;

export interface ChildRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
  err: string;
  /** Peak resident memory of the child, bytes (from the child itself, at exit). */
  maxRss: number;
  /** Wall time from spawn to exit, milliseconds. */
  wallMs: number;
  /** performance.now() of the parent when the child exited. */
  exitedAt: number;
}

export interface ChildOptions extends Pick<SpawnOptions, 'env' | 'uid' | 'gid' | 'cwd'> {
  /** A file descriptor (or 'ignore') for the child's standard input. */
  stdin?: number | 'ignore';
}

export function runCli(args: string[], opts: ChildOptions = {}): Promise<ChildRun> {
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--import', preload, cli, ...args], {
    env: opts.env ?? process.env,
    uid: opts.uid,
    gid: opts.gid,
    cwd: opts.cwd,
    stdio: [opts.stdin ?? 'ignore', 'pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  let report = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (out += s));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (err += s));
  (child.stdio[3] as NodeJS.ReadableStream).setEncoding('utf8').on('data', (s: string) => (report += s));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      const exitedAt = performance.now();
      let maxRss = NaN;
      try {
        maxRss = (JSON.parse(report) as { maxRss: number }).maxRss;
      } catch {
        // killed before its exit handler ran: NaN makes any bound on it fail
      }
      resolve({ code, signal, out, err, maxRss, wallMs: exitedAt - t0, exitedAt });
    });
  });
}

export const MiB = 2 ** 20;
