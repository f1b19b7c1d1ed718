import type { LibraryModel } from './types.js';

/** flask-graphql's `GraphQLView` declares `methods = ["GET", "POST", "PUT", "DELETE"]`; subclasses inherit them. */
export const flaskGraphql: LibraryModel = {
  library: 'flask-graphql',
  viewMethods: { 'flask_graphql.GraphQLView': ['DELETE', 'GET', 'POST', 'PUT'] },
};
