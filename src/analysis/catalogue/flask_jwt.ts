import type { LibraryModel } from './types.js';

/** Flask-JWT (the original, unmaintained): `@jwt_required()` and its `current_identity`. */
export const flaskJwt: LibraryModel = {
  library: 'flask-jwt',
  relevance: ['flask_jwt'],
  classes: { 'flask_jwt.JWT': { role: 'auth-extension' } },
  guards: { 'flask_jwt.jwt_required': { kind: 'auth' } },
  verifiers: { 'flask_jwt._jwt_required': { kind: 'auth', switch: 'optional' } },
  identityProxyPackages: ['flask_jwt'],
};
