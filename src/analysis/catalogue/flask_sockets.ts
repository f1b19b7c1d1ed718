import type { LibraryModel } from './types.js';

/**
 * Flask-Sockets: `sockets = Sockets(app)` (or `init_app(app)`) serves `@sockets.route(rule)` at the rule itself, to
 * the WebSocket handshake (a GET), beside the app's own routes.
 */
export const flaskSockets: LibraryModel = {
  library: 'flask-sockets',
  relevance: ['flask_sockets'],
  classes: { 'flask_sockets.Sockets': { role: 'websocket-routes' } },
};
