import type { LibraryModel } from './types.js';

/** Flask-RESTful: `api.add_resource(Resource, "/a", "/b")`. */
export const flaskRestful: LibraryModel = {
  library: 'flask-restful',
  relevance: ['flask_restful', 'add_resource'],
  classes: { 'flask_restful.Api': { role: 'resource-api' } },
};

/** flask-restx and its predecessor flask-restplus: `Api`, and `Namespace`s added to it (`api.add_namespace`). */
export const flaskRestx: LibraryModel = {
  library: 'flask-restx / flask-restplus',
  relevance: ['flask_restx', 'flask_restplus', 'add_namespace'],
  classes: {
    'flask_restx.Api': { role: 'resource-api' },
    'flask_restplus.Api': { role: 'resource-api' },
    'flask_restx.Namespace': { role: 'namespace' },
    'flask_restplus.Namespace': { role: 'namespace' },
  },
};

/** flask-smorest: blueprints registered through its `Api` (`api.register_blueprint(blp, url_prefix=…)`). */
export const flaskSmorest: LibraryModel = {
  library: 'flask-smorest',
  relevance: ['flask_smorest'],
  classes: {
    'flask_smorest.Blueprint': { role: 'blueprint' },
    'flask_smorest.Api': { role: 'blueprint-api' },
  },
};
