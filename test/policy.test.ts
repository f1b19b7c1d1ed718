import { describe, expect, it } from 'vitest';
import { analyzeFiles } from './helpers/analyze.js';

describe('placeholder', () => {
  it('runs', async () => {
    const a = await analyzeFiles({ 'app.py': 'from flask import Flask\napp = Flask(__name__)\n' });
    expect(a.routes).toEqual([]);
  });
});
