import type { LibraryModel } from './types.js';

/**
 * PyJWT, python-jose and Authlib's JOSE: encoding a token issues a credential, decoding one with a key checks it.
 * (A decode that skips the signature is the JWT rules' business: jwt.ts.)
 */
export const pyjwt: LibraryModel = {
  library: 'pyjwt',
  functions: {
    'jwt.encode': 'issues-credential',
    'jwt.decode': 'verifies-token',
    'jose.jwt.encode': 'issues-credential',
    'jose.jwt.decode': 'verifies-token',
    'authlib.jose.jwt.encode': 'issues-credential',
    'authlib.jose.jwt.decode': 'verifies-token',
  },
  instances: {
    'jwt.PyJWT': { encode: 'issues-credential', decode: 'verifies-token' },
    'authlib.jose.JsonWebToken': { encode: 'issues-credential', decode: 'verifies-token' },
  },
};
