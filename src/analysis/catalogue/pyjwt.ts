import type { GuardRule, LibraryModel } from './types.js';

/**
 * PyJWT, python-jose and Authlib's JOSE: encoding a token issues a credential, decoding one with a key checks it.
 * (A decode that skips the signature is the JWT rules' business: jwt.ts.)
 */
/** Decoding with a key raises on a bad token, unless called with `optional=True` (a project wrapper's switch). */
const decodes: GuardRule = { kind: 'auth', switch: 'optional' };

export const pyjwt: LibraryModel = {
  library: 'pyjwt / python-jose / authlib.jose',
  relevance: ['jwt', 'jose'],
  verifiers: {
    'jwt.decode': decodes,
    'jose.jwt.decode': decodes,
    'authlib.jose.jwt.decode': decodes,
  },
  jwt: {
    'jwt.decode': 'pyjwt.decode',
    'jwt.api_jwt.decode': 'pyjwt.decode',
    'jwt.encode': 'pyjwt.encode',
    'jwt.api_jwt.encode': 'pyjwt.encode',
    'jose.jwt.decode': 'jose.decode',
    'jose.jwt.encode': 'jose.encode',
    'jose.jwt.get_unverified_claims': 'jose.get_unverified_claims',
    'authlib.jose.jwt.decode': 'authlib.decode',
    'authlib.jose.jwt.encode': 'authlib.encode',
    'authlib.jose.JsonWebToken': 'authlib.JsonWebToken',
  },
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

/** python_jwt: `process_jwt` returns the claims unverified, `verify_jwt` checks them. */
export const pythonJwt: LibraryModel = {
  library: 'python_jwt',
  jwt: {
    'python_jwt.process_jwt': 'python_jwt.process_jwt',
    'python_jwt.verify_jwt': 'python_jwt.verify_jwt',
  },
};
