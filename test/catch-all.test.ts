import { describe, expect, it } from 'vitest';
import { type Answer, looksAlike, unknownPaths } from '../src/live/catch-all.js';

const answer = (path: string, body: string, type = 'text/html'): Answer => ({
  path,
  response: { status: 200, headers: { 'content-type': type }, body },
});

describe('catch-all detection', () => {
  it('asks under every first segment of the routes, so a fallback under /admin is seen', () => {
    const paths = unknownPaths(['/api/a', '/api/b', '/v2/c', '/admin/users', '/health']);
    expect(paths.map((p) => p.replace(/tokengate-absent-[0-9a-f]+$/, '…'))).toEqual([
      '/…',
      '/api/…',
      '/admin/…',
      '/v2/…',
    ]);
  });

  it('asks under at most 12 first segments', () => {
    const routes = Array.from({ length: 20 }, (_, i) => `/s${i}/x`);
    expect(unknownPaths(routes)).toHaveLength(13);
  });

  it('tells the same page apart from its per-request nonce, request id, timestamp and echoed path', () => {
    const page = (path: string, nonce: string, id: string, at: number): string =>
      `<html><head><title>${path.toUpperCase()}</title><script nonce="${nonce}">x</script></head>` +
      `<body data-request="${id}" data-at="${at}">Shop</body></html>`;
    const a = answer(
      '/admin/tokengate-absent-1a2b3c',
      page(
        '/admin/tokengate-absent-1a2b3c',
        'ZmFrZS1ub25jZTEyMzQ1Ng==',
        '123e4567-e89b-12d3-a456-426614174000',
        1765065600,
      ),
    );
    const b = answer(
      '/admin/users',
      page('/admin/users', 'cXVpdGUtb3RoZXI5ODc2NTQ=', '9f0c1e2d-3b4a-4c5d-8e6f-708192a3b4c5', 1765065601),
    );
    expect(looksAlike(a, b)).toBe(true);
  });
});
