/**
 * Where a scan's time goes, phase by phase, for the benchmark (`AnalyzeOptions.timings`, bench/measure.ts). The
 * calling thread runs the phases one after the other, so a timer is switched from one to the next rather than
 * nested: each switch reads the clock and the process's CPU time once, and the phases add up to the whole
 * analysis. Nothing here changes what the analysis computes; without a timer the pipeline makes no reading.
 */

/** The phases in the order a scan first enters them. */
export const PHASES = [
  /** Listing the directories and reading the files. */
  'list',
  /** The relevance filter and the groups of modules (relevance.ts). */
  'relevance',
  /** Parsing in this thread, or waiting for a worker's trees. */
  'parse',
  /** Module pictures from the flat trees (extract.ts). */
  'extract',
  /** The project, the Flask model and the JWT analysis. */
  'model',
  /** Judging routes (policy.ts, intent). */
  'policy',
  /** The rules over the judged routes. */
  'rules',
  /** Report entries, their order and the notices. */
  'report',
] as const;

export type Phase = (typeof PHASES)[number];

export interface PhaseTime {
  wallMs: number;
  /**
   * CPU time of the whole process while the phase ran: the worker threads' parsing and V8's own threads
   * (compiler, garbage collector) included, since Node 20 cannot read one thread's CPU time.
   */
  cpuMs: number;
}

/** A timer switched from phase to phase by the pipeline. */
export class PhaseTimings {
  readonly phases = Object.fromEntries(PHASES.map((p) => [p, { wallMs: 0, cpuMs: 0 }])) as Record<
    Phase,
    PhaseTime
  >;
  private current: Phase | undefined;
  private wallAt = 0;
  private cpuAt = 0;

  /** Charge the time since the last switch to the phase that ran, and start `phase` (undefined: stop). */
  enter(phase: Phase | undefined): void {
    const was = this.current;
    if (phase === was) return;
    const wall = performance.now();
    const { user, system } = process.cpuUsage();
    const cpu = (user + system) / 1000;
    if (was) {
      this.phases[was].wallMs += wall - this.wallAt;
      this.phases[was].cpuMs += cpu - this.cpuAt;
    }
    this.current = phase;
    this.wallAt = wall;
    this.cpuAt = cpu;
  }
}
