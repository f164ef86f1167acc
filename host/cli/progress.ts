// Progress of long steps on stderr, through cli-progress: a bar per step on a terminal, and
// nothing at all when either output is piped or the command prints JSON, so logs and parsed
// output stay clean.

import cliProgress from 'cli-progress';

export interface Step {
  /** Work done so far, of the step's total. */
  update(done: number): void;
  stop(): void;
}

export interface Progress {
  step(label: string, total: number): Step;
}

const SILENT_STEP: Step = { update() {}, stop() {} };

/** Bars on stderr when stdout and stderr are terminals and `quiet` is false; else silence. */
export function progress(quiet = false): Progress {
  if (quiet || !process.stderr.isTTY || !process.stdout.isTTY) return { step: () => SILENT_STEP };
  return {
    step(label, total) {
      const bar = new cliProgress.SingleBar({
        format: `${label.padEnd(28)} [{bar}] {percentage}% {duration_formatted}`,
        stream: process.stderr,
        hideCursor: true,
        clearOnComplete: false,
        barsize: 30,
      }, cliProgress.Presets.shades_classic);
      bar.start(total, 0);
      return {
        update: (done) => bar.update(done),
        stop: () => bar.stop(),
      };
    },
  };
}

/** Run `work` as one step of `total` units; the bar ends even if `work` throws. */
export function withStep<T>(p: Progress, label: string, total: number, work: (step: Step) => T): T {
  const step = p.step(label, total);
  try {
    const result = work(step);
    step.update(total);
    return result;
  } finally {
    step.stop();
  }
}
