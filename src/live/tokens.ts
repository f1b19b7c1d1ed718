import { randomBytes } from 'node:crypto';
import * as jose from 'jose';

/** Tokens the prober sends, minted with jose; never logged, always redacted in evidence. */

const enc = new TextEncoder();

/** Well-known weak HMAC secrets (tutorials, defaults, placeholders), tried offline only. */
export const WEAK_SECRETS: readonly string[] = [
  'secret',
  'secret-key',
  'secretkey',
  'secret_key',
  'super-secret',
  'super-secret-key',
  'supersecret',
  'changeme',
  'change-me',
  'changethis',
  'password',
  'jwt-secret',
  'jwt_secret',
  'jwtsecret',
  'your-secret-key',
  'your-256-bit-secret',
  'mysecret',
  'my-secret',
  'my_secret_key',
  'dev',
  'development',
  'test',
  'testing',
  'default',
  'key',
  'private',
  'thisissecret',
  'flask-secret',
  's3cr3t',
  '123456',
];

const PROBE_CLAIMS = { sub: 'tokengate-probe', role: 'admin' };

function now(): number {
  return Math.floor(Date.now() / 1000);
}

/** A well-formed HS256 JWT signed with a random key the server cannot know. */
export async function randomSignatureToken(): Promise<string> {
  return new jose.SignJWT(PROBE_CLAIMS)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt()
    .setExpirationTime(now() + 600)
    .sign(randomBytes(32));
}

/** `alg: none` in the four spellings of SPEC, with the given claims and an empty signature. */
export function noneTokens(claims: Record<string, unknown> = { ...PROBE_CLAIMS, exp: now() + 600 }): {
  name: string;
  token: string;
}[] {
  const payload = jose.base64url.encode(JSON.stringify(claims));
  return ['none', 'None', 'NONE', 'nOnE'].map((alg) => ({
    name: `alg-${alg}`,
    token: `${jose.base64url.encode(JSON.stringify({ alg, typ: 'JWT' }))}.${payload}.`,
  }));
}

/** `header.payload.` with the signature removed. */
export function stripSignature(token: string): string {
  const [header, payload] = token.split('.');
  return `${header}.${payload}.`;
}

/** The same header and signature over a payload with changed claims: only accepted if signatures are ignored. */
export function tamperPayload(token: string): string {
  const [header, , signature] = token.split('.');
  const claims = jose.decodeJwt(token) as Record<string, unknown>;
  const tampered = { ...claims, sub: `${String(claims.sub ?? '')}-tampered`, role: 'admin', admin: true };
  return `${header}.${jose.base64url.encode(JSON.stringify(tampered))}.${signature}`;
}

export function claimsOf(token: string): Record<string, unknown> | undefined {
  try {
    return jose.decodeJwt(token) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

function headerOf(token: string): jose.ProtectedHeaderParameters | undefined {
  try {
    return jose.decodeProtectedHeader(token);
  } catch {
    return undefined;
  }
}

/** Mint with the real claims and the alg-none header. */
export function noneWithClaims(token: string): { name: string; token: string }[] {
  const claims = claimsOf(token);
  return claims ? noneTokens(claims).map((t) => ({ ...t, name: `${t.name}-real-claims` })) : [];
}

async function signingKey(key: string, alg: string): Promise<Uint8Array | jose.CryptoKey> {
  if (key.includes('-----BEGIN')) return jose.importPKCS8(key, alg);
  return enc.encode(key);
}

/** With the preview's signing key: expired, wrong audience, wrong issuer and no-exp variants of the real token. */
export async function keyedVariants(token: string, key: string): Promise<{ name: string; token: string }[]> {
  const claims = claimsOf(token) ?? {};
  const alg = headerOf(token)?.alg ?? (key.includes('-----BEGIN') ? 'RS256' : 'HS256');
  const k = await signingKey(key, alg);
  const sign = (c: Record<string, unknown>): Promise<string> =>
    new jose.SignJWT(c).setProtectedHeader({ alg, typ: 'JWT' }).sign(k);
  const t = now();
  const noExp = Object.fromEntries(Object.entries(claims).filter(([k]) => k !== 'exp'));
  return [
    { name: 'expired', token: await sign({ ...claims, iat: t - 7200, nbf: t - 7200, exp: t - 3600 }) },
    {
      name: 'wrong-audience',
      token: await sign({ ...claims, aud: 'tokengate-wrong-audience', exp: t + 600 }),
    },
    {
      name: 'wrong-issuer',
      token: await sign({ ...claims, iss: 'https://tokengate.invalid/', exp: t + 600 }),
    },
    { name: 'no-exp', token: await sign(noExp) },
  ];
}

/**
 * Offline only: which candidate secret verifies the HMAC token's signature? Expiry is not checked here (an
 * expired test token still reveals its key). Nothing is sent.
 */
export async function crackHmac(token: string, candidates: readonly string[]): Promise<string | undefined> {
  const alg = headerOf(token)?.alg;
  if (!alg || !/^HS(256|384|512)$/.test(alg)) return undefined;
  for (const secret of new Set(candidates)) {
    if (!secret) continue;
    try {
      await jose.compactVerify(token, enc.encode(secret), { algorithms: [alg] });
      return secret;
    } catch {
      // not this one
    }
  }
  return undefined;
}

/** A token forged with a recovered secret: the real claims, refreshed expiry, a marker subject. */
export async function forge(token: string, secret: string): Promise<string> {
  const claims = claimsOf(token) ?? {};
  const alg = headerOf(token)?.alg ?? 'HS256';
  return new jose.SignJWT({ ...claims, exp: now() + 600 })
    .setProtectedHeader({ alg, typ: 'JWT' })
    .sign(enc.encode(secret));
}
