import type { LibraryModel } from './types.js';

/**
 * Unguessable values from the operating system's random source: a store key built from one is a token only its
 * recipient can know (an e-mailed reset or confirmation link).
 */
export const randomness: LibraryModel = {
  library: 'os / secrets / uuid (standard library)',
  randomSources: [
    'os.urandom',
    'secrets.token_bytes',
    'secrets.token_hex',
    'secrets.token_urlsafe',
    'secrets.randbits',
    'uuid.uuid4',
  ],
};
