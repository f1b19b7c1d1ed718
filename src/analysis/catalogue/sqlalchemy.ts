import type { LibraryModel } from './types.js';

const session = {
  'session.add': 'writes-data',
  'session.add_all': 'writes-data',
  'session.delete': 'writes-data',
  'session.merge': 'writes-data',
  'session.commit': 'writes-data',
  'session.bulk_save_objects': 'writes-data',
  'session.bulk_insert_mappings': 'writes-data',
  'session.bulk_update_mappings': 'writes-data',
  'session.query': 'reads-data',
  'session.get': 'reads-data',
  'session.scalars': 'reads-data',
  'session.scalar': 'reads-data',
  'session.execute': 'reads-data',
  'engine.execute': 'reads-data',
  'engine.connect': 'reads-data',
} as const;

/**
 * SQLAlchemy and Flask-SQLAlchemy: the session of a `SQLAlchemy()` object, and the `query` property of its
 * models (`Note.query.filter_by(...)`, `Note.query.filter(...).delete()`). `execute` is judged by its SQL text.
 */
export const sqlalchemy: LibraryModel = {
  library: 'sqlalchemy / flask-sqlalchemy',
  instances: {
    'flask_sqlalchemy.SQLAlchemy': session,
    'alchemical.flask.Alchemical': session,
    'alchemical.Alchemical': session,
    'sqlalchemy.orm.scoped_session': {
      add: 'writes-data',
      add_all: 'writes-data',
      delete: 'writes-data',
      merge: 'writes-data',
      commit: 'writes-data',
      query: 'reads-data',
      get: 'reads-data',
      execute: 'reads-data',
    },
    'sqlalchemy.create_engine': { execute: 'reads-data', connect: 'reads-data', begin: 'reads-data' },
  },
  modelQueries: ['query', 'select'],
  modelWrites: ['delete', 'update', 'insert'],
  unresolved: [
    {
      receiver: /session$/i,
      methods: {
        add: 'writes-data',
        add_all: 'writes-data',
        delete: 'writes-data',
        merge: 'writes-data',
        commit: 'writes-data',
        flush: 'writes-data',
        bulk_save_objects: 'writes-data',
        query: 'reads-data',
        scalars: 'reads-data',
        execute: 'reads-data',
      },
    },
  ],
};

/** DB-API connections and cursors (sqlite3, psycopg2, MySQLdb): `execute` is judged by its SQL text. */
export const dbapi: LibraryModel = {
  library: 'sqlite3 / psycopg2 / mysqlclient (DB-API)',
  functions: { 'sqlite3.connect': 'reads-data', 'psycopg2.connect': 'reads-data' },
  unresolved: [
    {
      receiver: /^(cur|cursor|\w*_cursor|c|conn|connection|con|db|database|\w*_db|db_\w*)$/i,
      methods: {
        execute: 'reads-data',
        executemany: 'writes-data',
        executescript: 'writes-data',
        fetchone: 'reads-data',
        fetchall: 'reads-data',
        fetchmany: 'reads-data',
        commit: 'writes-data',
      },
    },
  ],
};

/** MongoEngine models: `Note.objects(...)`, `Note.objects.delete()`; a document's `save()` is a write. */
export const mongoengine: LibraryModel = {
  library: 'mongoengine / flask-mongoengine',
  modelQueries: ['objects'],
  modelWrites: ['delete', 'update', 'update_one', 'insert', 'modify'],
};
