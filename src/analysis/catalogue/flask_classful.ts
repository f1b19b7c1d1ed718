import type { LibraryModel } from './types.js';

/**
 * Flask-Classful: `View.register(app_or_blueprint, route_base=…, route_prefix=…, trailing_slash=…)` routes every
 * public method of a `FlaskView` subclass, its inherited ones included: `index`, `get`, `post`, `put`, `patch` and
 * `delete` at the route base, the others at `/<name>/`, each followed by its positional parameters as URL variables,
 * or at the rules of its `@route(...)` decorators; `@method("POST")` sets the HTTP method of one at `/<name>/`. The view class's `before_request(name, **view_args)` and
 * `before_<name>(**view_args)` run before the method, and can answer in its place.
 */
export const flaskClassful: LibraryModel = {
  library: 'flask-classful',
  relevance: ['flask_classful'],
  routingViews: {
    'flask_classful.FlaskView': {
      registrar: {
        name: 'register',
        params: ['route_base', 'subdomain', 'route_prefix', 'trailing_slash', 'method_dashified'],
      },
      routeDecorator: 'flask_classful.route',
      methodDecorator: 'flask_classful.method',
      typeHints: { str: 'string', int: 'int', float: 'float', UUID: 'uuid' },
      specialMethods: {
        get: ['GET'],
        put: ['PUT'],
        patch: ['PATCH'],
        post: ['POST'],
        delete: ['DELETE'],
        index: ['GET'],
      },
      beforeHooks: { every: 'before_request', prefix: 'before_' },
      unroutedPrefixes: ['before_', 'after_'],
      ownMembers: [
        'register',
        'parse_options',
        'make_proxy_method',
        'build_rule',
        'get_route_base',
        'default_route_base',
        'build_route_name',
      ],
    },
  },
};
