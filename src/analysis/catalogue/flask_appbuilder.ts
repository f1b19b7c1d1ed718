import type { LibraryModel } from './types.js';

/**
 * Flask-AppBuilder: `appbuilder.add_view(View, "Name")` registers class views; of its decorators only these guard
 * (`expose`, `safe`, `rison`… do not).
 */
export const flaskAppBuilder: LibraryModel = {
  library: 'flask-appbuilder',
  relevance: ['flask_appbuilder'],
  classes: {
    'flask_appbuilder.AppBuilder': {
      role: 'view-builder',
      registrars: ['add_view', 'add_view_no_menu', 'add_api'],
    },
  },
  routeDecorators: ['flask_appbuilder.expose'],
  guards: {
    'flask_appbuilder.protect': { kind: 'auth' },
    'flask_appbuilder.has_access': { kind: 'auth' },
    'flask_appbuilder.has_access_api': { kind: 'auth' },
  },
  identityProxyPackages: ['flask_appbuilder'],
  unfollowedViews: { flask_appbuilder: 'Flask-AppBuilder' },
};

/** Flask-Admin registers its views in ways the model does not follow: a tree without routes says so. */
export const flaskAdmin: LibraryModel = {
  library: 'flask-admin',
  unfollowedViews: { flask_admin: 'Flask-Admin' },
};
