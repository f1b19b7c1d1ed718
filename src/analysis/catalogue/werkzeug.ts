import type { LibraryModel } from './types.js';

/** werkzeug's `DispatcherMiddleware(app, {"/api": api_app})`: each mounted app serves its routes under the key. */
export const werkzeug: LibraryModel = {
  library: 'werkzeug',
  dispatchers: ['werkzeug.DispatcherMiddleware', 'werkzeug.middleware.dispatcher.DispatcherMiddleware'],
};
