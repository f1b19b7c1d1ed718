import { httpAuthObject } from './flask_httpauth.js';
import type { GuardRule, LibraryModel } from './types.js';

/** APIFlask 0.x `@auth_required(auth)`, and `@app.auth_required(auth)`, which applies `auth.login_required`. */
const authRequired: GuardRule = { kind: 'auth', switch: 'optional' };

export const apiflask: LibraryModel = {
  library: 'apiflask',
  relevance: ['apiflask'],
  classes: {
    'apiflask.APIFlask': { role: 'app', guards: { auth_required: authRequired } },
    'apiflask.APIBlueprint': { role: 'blueprint', guards: { auth_required: authRequired } },
    // Subclasses of Flask-HTTPAuth's.
    'apiflask.HTTPTokenAuth': httpAuthObject,
    'apiflask.HTTPBasicAuth': httpAuthObject,
  },
  guards: { 'apiflask.auth_required': authRequired },
};

/** APIFairy's `@authenticate(auth, **kwargs)` returns `auth.login_required(**kwargs)(f)`. */
export const apifairy: LibraryModel = {
  library: 'apifairy',
  relevance: ['apifairy'],
  delegatingGuards: { 'apifairy.authenticate': { argument: 0, keyword: 'auth', method: 'login_required' } },
};
