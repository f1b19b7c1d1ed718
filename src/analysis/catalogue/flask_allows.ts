import type { LibraryModel } from './types.js';

/**
 * flask-allows (and its fork flask-allows2): `@allows.requires(IsAdmin, on_fail=…)` runs the requirements against
 * the identity (Flask-Login's `current_user` by default) and, when one fails, calls `on_fail` or raises `throws`
 * (werkzeug's `Forbidden` by default): the view never runs for a caller the requirements refuse.
 */
export const flaskAllows: LibraryModel = {
  library: 'flask-allows',
  relevance: ['flask_allows'],
  classes: {
    'flask_allows.Allows': { guards: { requires: { kind: 'auth' } } },
    'flask_allows2.Allows': { guards: { requires: { kind: 'auth' } } },
  },
  guards: {
    'flask_allows.requires': { kind: 'auth' },
    'flask_allows2.requires': { kind: 'auth' },
  },
};
