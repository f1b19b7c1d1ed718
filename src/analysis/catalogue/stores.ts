import type { LibraryModel } from './types.js';

const reads = [
  'get',
  'mget',
  'hget',
  'hgetall',
  'hmget',
  'smembers',
  'lrange',
  'zrange',
  'keys',
  'scan',
  'exists',
];
const writes = [
  'set',
  'setex',
  'mset',
  'hset',
  'hmset',
  'hdel',
  'delete',
  'incr',
  'decr',
  'lpush',
  'rpush',
  'sadd',
  'srem',
  'zadd',
  'expire',
  'flushdb',
  'flushall',
];
const redisMethods = Object.fromEntries([
  ...reads.map((m) => [m, 'reads-data'] as const),
  ...writes.map((m) => [m, 'writes-data'] as const),
]);

const mongoReads = ['find', 'find_one', 'count_documents', 'aggregate', 'distinct'];
const mongoWrites = [
  'insert_one',
  'insert_many',
  'update_one',
  'update_many',
  'replace_one',
  'delete_one',
  'delete_many',
  'find_one_and_update',
  'find_one_and_delete',
  'drop',
];
/** A collection is any attribute path (`mongo.db.users.find`): `*.` matches it. */
const mongoMethods = Object.fromEntries([
  ...mongoReads.map((m) => [`*.${m}`, 'reads-data'] as const),
  ...mongoWrites.map((m) => [`*.${m}`, 'writes-data'] as const),
]);

/** Key-value stores: redis clients and Flask-Redis. */
export const stores: LibraryModel = {
  library: 'redis / flask-redis / pymongo / flask-pymongo',
  instances: {
    'redis.Redis': redisMethods,
    'redis.StrictRedis': redisMethods,
    'redis.from_url': redisMethods,
    'flask_redis.FlaskRedis': redisMethods,
    'pymongo.MongoClient': mongoMethods,
    'flask_pymongo.PyMongo': mongoMethods,
  },
};
