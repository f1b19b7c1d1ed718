import { setFlagsFromString } from 'node:v8';

/**
 * V8 options for a process that runs one scan and exits. Optimising JavaScript costs more than usual here: the
 * analysis runs each of its few hundred hot functions for about a second, and V8's optimising compiler spent
 * about 1 s of CPU on a second thread compiling them on the benchmark tree (single-threaded scan: 2.3 s of wall,
 * 3.4 s of CPU). Without inlining and loop peeling it compiles each function faster and the code is about as
 * fast for this work: on the benchmark tree CPU time fell by about 0.4 s in both modes, and the wall time by about
 * 0.1 s with one thread and 0.2 s with two, since the second core no longer shares its time with the compiler
 * (docs/performance.md). Neither changes what the code computes. (Turning escape analysis off as well saved
 * no more time and allocated a third more.)
 *
 * V8 reads these options when it starts a compilation, so setting them before the analysis runs takes effect;
 * they are process-wide, which worker threads started afterwards share. `TOKENGATE_JIT_DEFAULTS=1` leaves V8's
 * defaults (for measuring the difference).
 */
const OPTIONS = ['--no-turbo-inlining', '--no-turbo-loop-peeling'];

/**
 * When worker threads parse, every core is busy, and the optimising compiler's thread takes its CPU time from
 * them: a function is then optimised only after it has run eight times as long as V8's default asks (Node 20:
 * 66 KiB of bytecode budget; this is 528 KiB). On the benchmark tree with two threads V8 then optimised 111
 * functions instead of 309, background threads used about 0.35 s less CPU, and the wall time fell by about 5%;
 * with one thread the same setting made the scan about 4% slower (the compiler had a core of its own there), so
 * it is set only for parallel scans. Process-wide like the rest: once a parallel scan has run, later scans in the
 * same process keep it.
 */
const PARALLEL_OPTIONS = ['--interrupt-budget=540672'];

let tuned = false;
let tunedParallel = false;

/** Set the options above, once per process; `parallel` when worker threads will parse. */
export function tuneCompiler({ parallel = false }: { parallel?: boolean } = {}): void {
  if (process.env.TOKENGATE_JIT_DEFAULTS === '1') return;
  if (!tuned) {
    tuned = true;
    for (const option of OPTIONS) setFlagsFromString(option);
  }
  if (parallel && !tunedParallel) {
    tunedParallel = true;
    for (const option of PARALLEL_OPTIONS) setFlagsFromString(option);
  }
}
