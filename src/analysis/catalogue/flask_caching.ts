import type { LibraryModel } from './types.js';

const reads = ['get', 'get_many', 'get_dict', 'has'];
const writes = ['set', 'add', 'set_many', 'delete', 'delete_many', 'inc', 'dec', 'clear'];

/**
 * Flask-Caching's `Cache` holds copies of data kept elsewhere and short-lived state (rate-limit counters, liveness
 * probes): using it reads or changes no application data, but the random tokens of e-mailed links may live there.
 */
export const flaskCaching: LibraryModel = {
  library: 'flask-caching',
  instances: {
    'flask_caching.Cache': Object.fromEntries([
      ...reads.map((m) => [m, 'reads-cache'] as const),
      ...writes.map((m) => [m, 'writes-cache'] as const),
    ]),
  },
};
