import type { LibraryModel } from './types.js';

const serializer = {
  loads: 'verifies-token',
  loads_unsafe: 'verifies-token',
  dumps: 'issues-link-token',
} as const;

/** Signed links (invitations, password resets, e-mail confirmations) are checked with a serializer's `loads`. */
export const itsdangerous: LibraryModel = {
  library: 'itsdangerous',
  relevance: ['itsdangerous'],
  instances: {
    'itsdangerous.URLSafeTimedSerializer': serializer,
    'itsdangerous.URLSafeSerializer': serializer,
    'itsdangerous.TimedSerializer': serializer,
    'itsdangerous.Serializer': serializer,
    'itsdangerous.TimedJSONWebSignatureSerializer': serializer,
    'itsdangerous.JSONWebSignatureSerializer': serializer,
    'itsdangerous.TimestampSigner': { unsign: 'verifies-token', sign: 'issues-link-token' },
    'itsdangerous.Signer': { unsign: 'verifies-token', sign: 'issues-link-token' },
  },
};
