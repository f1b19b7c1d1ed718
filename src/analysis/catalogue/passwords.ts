import type { LibraryModel } from './types.js';

/** werkzeug.security, bcrypt, Flask-Bcrypt and passlib: checking a password against its hash, or storing one. */
export const passwords: LibraryModel = {
  library: 'werkzeug / bcrypt / flask-bcrypt / passlib',
  functions: {
    'werkzeug.security.check_password_hash': 'verifies-password',
    'werkzeug.security.generate_password_hash': 'sets-password',
    'bcrypt.checkpw': 'verifies-password',
    'bcrypt.hashpw': 'sets-password',
    'flask_bcrypt.check_password_hash': 'verifies-password',
    'flask_bcrypt.generate_password_hash': 'sets-password',
  },
  instances: {
    'flask_bcrypt.Bcrypt': {
      check_password_hash: 'verifies-password',
      generate_password_hash: 'sets-password',
    },
    'passlib.context.CryptContext': { verify: 'verifies-password', hash: 'sets-password' },
    'passlib.hash.bcrypt': { verify: 'verifies-password', hash: 'sets-password' },
    'passlib.hash.pbkdf2_sha256': { verify: 'verifies-password', hash: 'sets-password' },
    'passlib.hash.sha256_crypt': { verify: 'verifies-password', hash: 'sets-password' },
    'passlib.apps.custom_app_context': { verify: 'verifies-password', hash: 'sets-password' },
  },
};
