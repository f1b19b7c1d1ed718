import type { ClassModel, LibraryModel } from './types.js';

/** `@auth.login_required` rejects requests without valid credentials, unless `optional=True`. */
export const httpAuthObject: ClassModel = {
  role: 'auth-extension',
  guards: { login_required: { kind: 'auth', switch: 'optional' } },
};

export const flaskHttpauth: LibraryModel = {
  library: 'flask-httpauth',
  relevance: ['flask_httpauth'],
  classes: {
    'flask_httpauth.HTTPBasicAuth': httpAuthObject,
    'flask_httpauth.HTTPTokenAuth': httpAuthObject,
    'flask_httpauth.HTTPDigestAuth': httpAuthObject,
    'flask_httpauth.MultiAuth': httpAuthObject,
  },
};
