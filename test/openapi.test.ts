import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../src/analysis/analyze.js';

const PETCLINIC = join(import.meta.dirname, 'fixtures', 'apps-openapi', 'petclinic');

describe('connexion apps defined by an OpenAPI document', () => {
  it('turns every operation into a route at its handler, guarded by the document security', async () => {
    const a = await analyze(PETCLINIC);
    expect(
      a.routes.map(
        (r) =>
          `${r.methods.join(',')} ${r.path} ${r.endpoint} ${r.location.file}:${r.location.startLine} ${r.auth.state}`,
      ),
    ).toEqual([
      'POST /api/v1/login clinic.api.auth.login clinic/api/auth.py:9 public',
      'GET /api/v1/owners clinic.api.owners.list_owners clinic/api/owners.py:4 protected',
      'POST /api/v1/owners clinic.api.owners.create_owner clinic/api/owners.py:8 protected',
      'GET /api/v1/owners/{owner_id} clinic.api.owners.get_owner clinic/api/owners.py:12 protected',
      'DELETE /api/v1/owners/{owner_id} clinic.api.owners.delete_owner clinic/api/owners.py:16 unprotected',
      'GET /api/v1/health clinic.api.owners.health clinic/api/owners.py:21 public',
      'GET /api/v1/pets/{pet_id}/records clinic.api.pets.PetRecords.get clinic/api/pets.py:2 protected',
      // `security: [{}, {bearerAuth: []}]` lets anonymous callers in: optional, not protection.
      'GET /api/v1/pets/{pet_id}/notes clinic.api.pets.PetNotes.get clinic/api/pets.py:8 unprotected',
      'POST /api/v1/pets/{pet_id}/notes clinic.api.pets.PetNotes.post clinic/api/pets.py:12 unprotected',
    ]);
    expect(a.routes[1]!.auth.mechanisms).toEqual([
      'openapi security bearerAuth (http bearer, clinic.api.auth.decode_token)',
    ]);
  });

  it('reports the operation left open at its handler with the document line, and the info function bug', async () => {
    const a = await analyze(PETCLINIC);
    expect(a.findings.map((f) => `${f.ruleId} ${f.location.file}:${f.location.startLine}`)).toEqual([
      'jwt-signature-not-verified clinic/api/auth.py:6',
      'missing-authentication clinic/api/owners.py:16',
      'optional-auth-on-write clinic/api/pets.py:12',
    ]);
    const open = a.findings.find((f) => f.ruleId === 'missing-authentication')!;
    expect(open.route).toEqual({ methods: ['DELETE'], path: '/api/v1/owners/{owner_id}' });
    // The fix lands in the document, not below a route decorator the operation does not have.
    expect(open.fix).toMatch(
      /^Add a `security` requirement \(e\.g\. `bearerAuth: \[\]`\) to the operation at clinic\/openapi\/clinic\.yaml:27\b/,
    );
    expect(open.message).toContain(open.fix);
    expect(open.message).not.toContain('route decorator');
  });
});
