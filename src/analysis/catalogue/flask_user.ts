import type { LibraryModel } from './types.js';

export const flaskUser: LibraryModel = {
  library: 'flask-user',
  relevance: ['flask_user'],
  guards: {
    'flask_user.login_required': { kind: 'auth' },
    'flask_user.roles_required': { kind: 'auth' },
    'flask_user.roles_accepted': { kind: 'auth' },
  },
  identityProxyPackages: ['flask_user'],
};
