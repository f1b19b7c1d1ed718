import type { LibraryModel } from './types.js';

/** `@perm.require(403)` or `with perm.require():` raises for an identity without the permission's needs. */
export const flaskPrincipal: LibraryModel = {
  library: 'flask-principal',
  relevance: ['flask_principal'],
  classes: { 'flask_principal.Permission': { guards: { require: { kind: 'auth' } } } },
  identityProxyPackages: ['flask_principal'],
};
