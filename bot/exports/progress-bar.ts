/** Where a progress bar draws: stderr, when it is a terminal. */
export interface ProgressOutput {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

export interface ProgressBar {
  /** One more row written. */
  tick(): void;
  /** Clears the bar (the caller prints its own summary). */
  done(): void;
}

/**
 * A one-line progress bar with the rate and the time left, redrawn at most ten times a second;
 * nothing at all when `output` is not a terminal (a file, a pipe, a test).
 *
 * @example const bar = createProgressBar(process.stderr, 'answers', 1_000_000); rows.forEach(() => bar.tick()); bar.done()
 */
export function createProgressBar(
  output: ProgressOutput,
  label: string,
  expected: number | undefined,
  now: () => number = Date.now,
): ProgressBar {
  if (!output.isTTY) return { tick: () => undefined, done: () => undefined };
  const started = now();
  let count = 0;
  let drawn = 0;
  const draw = () => {
    const elapsed = (now() - started) / 1000;
    const rate = elapsed > 0 ? count / elapsed : 0;
    const total = expected !== undefined && expected > 0 ? Math.max(expected, count) : undefined;
    const parts = [label];
    if (total !== undefined) {
      const share = count / total;
      const width = 20;
      const filled = Math.round(share * width);
      parts.push(
        `${String(Math.floor(share * 100)).padStart(3)}%`,
        `[${'#'.repeat(filled)}${' '.repeat(width - filled)}]`,
      );
    }
    parts.push(
      `${count.toLocaleString('en-US')}${total === undefined ? '' : `/${total.toLocaleString('en-US')}`}`,
    );
    parts.push(`${Math.round(rate).toLocaleString('en-US')}/s`);
    if (total !== undefined && rate > 0) parts.push(`ETA ${duration((total - count) / rate)}`);
    const line = parts.join('  ').slice(0, Math.max(20, (output.columns ?? 80) - 1));
    output.write(`\r${line}\u001b[K`);
  };
  return {
    tick() {
      count += 1;
      const t = now();
      if (t - drawn >= 100) {
        drawn = t;
        draw();
      }
    },
    done() {
      output.write('\r\u001b[K');
    },
  };
}

/** 0:42, 12:05, 1:02:03. */
function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}
