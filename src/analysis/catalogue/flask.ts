import type { LibraryModel } from './types.js';

/**
 * Flask itself: apps and blueprints, the registration and hook names that make a file relevant, and what a view
 * answers with. Writing the user into `session` is told by effects.ts (an assignment).
 */
export const flask: LibraryModel = {
  library: 'flask',
  relevance: [
    'flask',
    'before_request',
    'before_app_request',
    'register_blueprint',
    'add_url_rule',
    'as_view',
    'methodview',
    'method_decorators',
  ],
  classes: { 'flask.Flask': { role: 'app' }, 'flask.Blueprint': { role: 'blueprint' } },
  requestModules: ['flask'],
  sessionClasses: ['flask.sessions.SessionMixin'],
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
