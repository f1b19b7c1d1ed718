import type { GuardRule, LibraryModel } from './types.js';

/** Verifiers raise without a valid token, unless called with `optional=True`. */
const raising: GuardRule = { kind: 'auth', switch: 'optional' };

export const flaskJwtExtended: LibraryModel = {
  library: 'flask-jwt-extended',
  relevance: ['flask_jwt_extended'],
  classes: { 'flask_jwt_extended.JWTManager': { role: 'auth-extension' } },
  guards: {
    'flask_jwt_extended.jwt_required': { kind: 'auth', switch: 'optional' },
    'flask_jwt_extended.jwt_optional': { kind: 'optional' },
    'flask_jwt_extended.fresh_jwt_required': { kind: 'auth' },
    'flask_jwt_extended.jwt_refresh_token_required': { kind: 'auth' },
  },
  verifiers: {
    'flask_jwt_extended.verify_jwt_in_request': raising,
    'flask_jwt_extended.verify_fresh_jwt_in_request': raising,
    'flask_jwt_extended.verify_jwt_refresh_token_in_request': raising,
    'flask_jwt_extended.decode_token': raising,
    'flask_jwt_extended.verify_jwt_in_request_optional': { kind: 'optional' },
  },
  identityProxyPackages: ['flask_jwt_extended'],
  functions: {
    'flask_jwt_extended.create_access_token': 'issues-credential',
    'flask_jwt_extended.create_refresh_token': 'issues-credential',
    'flask_jwt_extended.set_access_cookies': 'issues-credential',
    'flask_jwt_extended.set_refresh_cookies': 'issues-credential',
    'flask_jwt_extended.unset_jwt_cookies': 'logs-out',
    'flask_jwt_extended.unset_access_cookies': 'logs-out',
    'flask_jwt_extended.decode_token': 'verifies-token',
  },
  jwt: {
    'flask_jwt_extended.decode_token': 'fje.decode_token',
    'flask_jwt_extended.create_access_token': 'fje.create_access_token',
    'flask_jwt_extended.create_refresh_token': 'fje.create_refresh_token',
  },
};
