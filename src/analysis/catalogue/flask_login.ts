import type { LibraryModel } from './types.js';

export const flaskLogin: LibraryModel = {
  library: 'flask-login',
  functions: {
    'flask_login.login_user': 'issues-credential',
    'flask_login.logout_user': 'logs-out',
  },
};
