import type { GuardRule, LibraryModel } from './types.js';

/** The app setting that, `True`, makes Flask-Login's `login_required` do nothing. */
export const LOGIN_DISABLED = 'LOGIN_DISABLED';

const loginRequired: GuardRule = { kind: 'auth', disabledBy: LOGIN_DISABLED };

export const flaskLogin: LibraryModel = {
  library: 'flask-login',
  relevance: ['flask_login', 'login_required', 'login_disabled'],
  classes: { 'flask_login.LoginManager': { role: 'auth-extension' } },
  guards: {
    'flask_login.login_required': loginRequired,
    'flask_login.fresh_login_required': loginRequired,
  },
  signIns: ['flask_login.login_user'],
  identityProxyPackages: ['flask_login'],
  accountProxies: ['flask_login.current_user'],
  functions: {
    'flask_login.login_user': 'issues-credential',
    'flask_login.logout_user': 'logs-out',
  },
};
