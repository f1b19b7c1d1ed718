import { afterEach, describe, expect, it, vi } from 'vitest';

const setFlagsFromString = vi.fn();
vi.mock('node:v8', async (importOriginal) => ({
  ...(await importOriginal<typeof import('node:v8')>()),
  setFlagsFromString,
}));

/** A fresh copy of the module, so that its once-only state starts anew. */
async function freshTuneCompiler(): Promise<typeof import('../src/analysis/jit.js').tuneCompiler> {
  vi.resetModules();
  return (await import('../src/analysis/jit.js')).tuneCompiler;
}

describe('tuneCompiler', () => {
  afterEach(() => {
    setFlagsFromString.mockClear();
    delete process.env.TOKENGATE_JIT_DEFAULTS;
  });

  it('turns off inlining and loop peeling in the optimising compiler, once per process', async () => {
    const tuneCompiler = await freshTuneCompiler();
    tuneCompiler();
    tuneCompiler();
    expect(setFlagsFromString.mock.calls).toEqual([['--no-turbo-inlining'], ['--no-turbo-loop-peeling']]);
  });

  it('raises the optimisation budget for parallel scans only, once per process', async () => {
    const tuneCompiler = await freshTuneCompiler();
    tuneCompiler();
    expect(setFlagsFromString).not.toHaveBeenCalledWith('--interrupt-budget=540672');
    tuneCompiler({ parallel: true });
    tuneCompiler({ parallel: true });
    tuneCompiler();
    expect(setFlagsFromString.mock.calls).toEqual([
      ['--no-turbo-inlining'],
      ['--no-turbo-loop-peeling'],
      ['--interrupt-budget=540672'],
    ]);
  });

  it("keeps V8's defaults when TOKENGATE_JIT_DEFAULTS=1", async () => {
    process.env.TOKENGATE_JIT_DEFAULTS = '1';
    const tuneCompiler = await freshTuneCompiler();
    tuneCompiler();
    tuneCompiler({ parallel: true });
    expect(setFlagsFromString).not.toHaveBeenCalled();
  });

  it('is applied by every analysis, the parallel budget when the analysis uses worker threads', async () => {
    const app = [{ path: 'app.py', text: 'from flask import Flask\napp = Flask(__name__)\n' }];
    vi.resetModules();
    const { analyzeSources } = await import('../src/analysis/pipeline.js');
    await analyzeSources(app);
    expect(setFlagsFromString).toHaveBeenCalledWith('--no-turbo-inlining');
    expect(setFlagsFromString).not.toHaveBeenCalledWith('--interrupt-budget=540672');
    await analyzeSources(app, { workers: 2 });
    expect(setFlagsFromString).toHaveBeenCalledWith('--interrupt-budget=540672');
  });
});
