import type { LibraryModel } from './types.js';

/**
 * connexion: `app.add_api("openapi.yaml")` turns the document's operations into routes whose handlers are named by
 * dotted path in files that are not Python, so a tree that mentions connexion is analysed whole.
 */
export const connexion: LibraryModel = {
  library: 'connexion',
  wholeTree: ['connexion'],
  requestModules: ['connexion'],
  classes: {
    'connexion.App': { role: 'connexion-app' },
    'connexion.FlaskApp': { role: 'connexion-app' },
    'connexion.AsyncApp': { role: 'connexion-app' },
  },
};
