import { printable } from './report/escape.js';

// A scan of a large tree takes seconds; someone at a terminal should see that it is working. Logs (CI, a pipe, a
// file) get nothing: a line rewritten in place is noise there.

/** How long a scan runs before the progress line appears: a quick scan shows none. */
const DELAY_MS = 1000;
const TICK_MS = 250;

interface ProgressStream {
  isTTY?: boolean;
  write(text: string): unknown;
}

/**
 * Show `tokengate: scanning PATH… N s` on `stream` once the scan has run a second, rewritten in place, and erase it
 * when `stop` is called. Nothing happens when the stream is not a terminal.
 */
export function startProgress(stream: ProgressStream, path: string): { stop(): void } {
  if (!stream.isTTY) return { stop: () => undefined };
  const started = Date.now();
  let shown = -1;
  const tick = (): void => {
    const seconds = Math.floor((Date.now() - started) / 1000);
    if (seconds === shown) return;
    shown = seconds;
    // Carriage return and erase-line keep it on one line.
    stream.write(`\r\x1b[Ktokengate: scanning ${printable(path)}… ${seconds} s`);
  };
  let timer: NodeJS.Timeout | undefined = setTimeout(() => {
    tick();
    timer = setInterval(tick, TICK_MS);
    timer.unref();
  }, DELAY_MS);
  timer.unref();
  return {
    stop() {
      clearTimeout(timer);
      clearInterval(timer);
      if (shown >= 0) stream.write('\r\x1b[K');
    },
  };
}
