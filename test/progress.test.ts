import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startProgress } from '../src/progress.js';

function stream(isTTY: boolean): { isTTY: boolean; written: string[]; write(text: string): void } {
  const written: string[] = [];
  return { isTTY, written, write: (text: string) => void written.push(text) };
}

describe('progress line on stderr', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it('appears at a terminal once a scan has run a second, on one line, rewritten each second, erased at the end', () => {
    const err = stream(true);
    const progress = startProgress(err, 'big\napp');
    vi.advanceTimersByTime(900);
    expect(err.written).toEqual([]);
    vi.advanceTimersByTime(1600);
    progress.stop();
    expect(err.written.slice(0, -1)).toEqual(
      [1, 2].map((s) => `\r\x1b[Ktokengate: scanning big\\napp… ${s} s`),
    );
    expect(err.written.at(-1)).toBe('\r\x1b[K');
    const count = err.written.length;
    vi.advanceTimersByTime(5000);
    expect(err.written).toHaveLength(count);
  });

  it('says nothing for a quick scan, nor in a log that is no terminal', () => {
    const quick = stream(true);
    startProgress(quick, '.').stop();
    vi.advanceTimersByTime(5000);
    expect(quick.written).toEqual([]);
    const log = stream(false);
    const progress = startProgress(log, '.');
    vi.advanceTimersByTime(5000);
    progress.stop();
    expect(log.written).toEqual([]);
  });
});
