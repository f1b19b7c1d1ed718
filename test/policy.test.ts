import { describe, expect, it } from 'vitest';
import { isSensitive, publicByDesign } from '../src/analysis/policy.js';

const route = (spec: string, viewName = 'view') => {
  const [methods, path] = spec.split(' ') as [string, string];
  return { methods: methods.split(','), path, viewName };
};

describe('public by design', () => {
  it.each([
    'GET /',
    'POST /api/auth/login',
    'POST /auth/logout',
    'POST /api/v1/register',
    'POST /oauth/token',
    'POST /api/token/refresh',
    'GET,POST /auth/reset_password_request',
    'GET,POST /auth/reset_password/<token>',
    'GET /confirm/<token>',
    'GET /healthz',
    'GET /api/status',
    'GET /docs',
    'GET /swagger.json',
    'GET /static/<path:filename>',
    'GET /.well-known/jwks.json',
    'GET /about',
    'POST /api/tokens',
    'POST /api/users',
    'POST /register/customer',
    'GET /login/callback',
    'POST /webhooks/stripe',
    // Starting or finishing a login with an identity provider.
    'GET /api/v1/oauth2/<provider>',
    'GET /oauth/authorize',
    'GET /login/<provider>',
    'GET,POST /auth/<provider>/callback',
    'GET /sso/<idp>/callback',
    // Answered without credentials on purpose.
    'OPTIONS /api/query_results/<int:id>',
    'GET /swaggerui/<path:path>',
    'HEAD /docs',
  ])('%s is public', (spec) => {
    expect(publicByDesign(route(spec))).toBeDefined();
  });

  it.each([
    'GET /api/users',
    'DELETE /api/docs/<int:doc_id>',
    'GET /api/tokens',
    'POST /api/admin/users',
    'GET /api/orders/<int:order_id>/status',
    'GET /api/users/<int:user_id>/token',
    'PUT /api/users/<int:user_id>',
    'GET /api/projects',
    'POST /api/login/<int:user_id>/impersonate',
    'GET /webhooks/deliveries',
    // Health, status and version are public to read, not to write.
    'POST /version',
    'PUT /api/status',
    'DELETE /healthz',
    // Creating an administrator is not self-service sign-up.
    'POST /register/admin',
    'POST /api/auth/register/superuser',
    'POST /admin/register',
    'POST /admin/signup',
    // Provider-shaped paths that are not a login: unlinking, admin settings, ids.
    'DELETE /auth/<provider>',
    'GET /admin/oauth2/<provider>',
    'GET /login/<int:user_id>',
    'GET /api/payments/callback/<provider>',
    'HEAD /api/projects',
    'GET,OPTIONS /api/projects',
  ])('%s is not', (spec) => {
    expect(publicByDesign(route(spec))).toBeUndefined();
  });

  it('recognises entry points by handler name, and class resources by class name', () => {
    expect(publicByDesign(route('POST /api/session/new', 'login'))).toBe(
      'authentication entry point (login)',
    );
    expect(publicByDesign(route('POST /api/v1/sessions/new', 'LoginResource.post'))).toBe(
      'authentication entry point (login)',
    );
    expect(publicByDesign(route('POST /api/v1/things', 'ThingResource.post'))).toBeUndefined();
    expect(publicByDesign(route('POST /admin/accounts/new', 'register'))).toBeUndefined();
  });

  it('treats POST to a singular user resource as sign-up when its handler creates the user', () => {
    for (const [spec, view] of [
      ['POST /user/', 'UserList.post'],
      ['POST /api/user', 'save_new_user'],
      ['POST /user', 'create_user'],
      ['POST /account', 'register'],
      ['POST /api/v1/user', 'signup'],
    ] as const)
      expect(publicByDesign(route(spec, view)), spec).toBe(
        `account registration (POST ${spec.split('/').filter(Boolean).pop()})`,
      );
    expect(publicByDesign(route('POST /user', 'update_user'))).toBeUndefined();
    expect(publicByDesign(route('POST /admin/user', 'create_user'))).toBeUndefined();
    expect(publicByDesign(route('PUT /user', 'save_user'))).toBeUndefined();
    expect(publicByDesign(route('POST /user/<int:uid>', 'UserList.post'))).toBeUndefined();
  });
});

describe('sensitive routes', () => {
  it.each([
    ['GET /api/users/<int:user_id>', true],
    ['GET /me', true],
    ['GET /admin/stats', true],
    ['GET /api/orders', true],
    ['GET /api/items', false],
    ['GET /api/weather', false],
  ] as const)('%s → %s', (spec, expected) => {
    expect(isSensitive(route(spec, 'view'))).toBe(expected);
  });
});
