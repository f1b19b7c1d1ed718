import { LOGIN_DISABLED } from './flask_login.js';
import type { LibraryModel } from './types.js';

/** Flask-Security(-Too): its `login_required` is Flask-Login's, switched off by `LOGIN_DISABLED` too. */
export const flaskSecurity: LibraryModel = {
  library: 'flask-security',
  relevance: ['flask_security'],
  classes: { 'flask_security.Security': { role: 'auth-extension' } },
  guards: {
    'flask_security.auth_required': { kind: 'auth' },
    'flask_security.auth_token_required': { kind: 'auth' },
    'flask_security.http_auth_required': { kind: 'auth' },
    'flask_security.login_required': { kind: 'auth', disabledBy: LOGIN_DISABLED },
    'flask_security.roles_required': { kind: 'auth' },
    'flask_security.roles_accepted': { kind: 'auth' },
    'flask_security.permissions_required': { kind: 'auth' },
    'flask_security.permissions_accepted': { kind: 'auth' },
  },
  signIns: ['flask_security.login_user'],
  identityProxyPackages: ['flask_security'],
};
