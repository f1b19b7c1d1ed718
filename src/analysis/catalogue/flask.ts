import type { LibraryModel } from './types.js';

/** Flask itself: what a view answers with. Writing the user into `session` is told by effects.ts (an assignment). */
export const flask: LibraryModel = {
  library: 'flask',
  functions: {
    'flask.render_template': 'renders-template',
    'flask.render_template_string': 'renders-template',
    'flask.send_file': 'serves-file',
    'flask.send_from_directory': 'serves-file',
    'flask.helpers.send_file': 'serves-file',
    'flask.helpers.send_from_directory': 'serves-file',
  },
  instances: {
    'flask.Flask': { send_static_file: 'serves-file' },
    'flask.Blueprint': { send_static_file: 'serves-file' },
    'flask.current_app': { send_static_file: 'serves-file' },
  },
};
