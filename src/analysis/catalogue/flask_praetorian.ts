import type { LibraryModel } from './types.js';

export const flaskPraetorian: LibraryModel = {
  library: 'flask-praetorian',
  relevance: ['flask_praetorian'],
  classes: { 'flask_praetorian.Praetorian': { role: 'auth-extension' } },
  guards: {
    'flask_praetorian.auth_required': { kind: 'auth' },
    'flask_praetorian.roles_required': { kind: 'auth' },
    'flask_praetorian.roles_accepted': { kind: 'auth' },
    'flask_praetorian.auth_accepted': { kind: 'optional' },
  },
  verifiers: { 'flask_praetorian.verify_and_return_token': { kind: 'auth', switch: 'optional' } },
  identityProxyPackages: ['flask_praetorian'],
};
