import type { LibraryModel } from './types.js';

export const flaskJwtExtended: LibraryModel = {
  library: 'flask-jwt-extended',
  functions: {
    'flask_jwt_extended.create_access_token': 'issues-credential',
    'flask_jwt_extended.create_refresh_token': 'issues-credential',
    'flask_jwt_extended.set_access_cookies': 'issues-credential',
    'flask_jwt_extended.set_refresh_cookies': 'issues-credential',
    'flask_jwt_extended.unset_jwt_cookies': 'logs-out',
    'flask_jwt_extended.unset_access_cookies': 'logs-out',
    'flask_jwt_extended.decode_token': 'verifies-token',
  },
};
