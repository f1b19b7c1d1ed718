import { createPublicKey, type KeyObject, randomBytes } from 'node:crypto';
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

/** A signed JWT (JWS compact form with a JSON payload), as opposed to an opaque API key or session id. */
export function isJwt(token: string): boolean {
  return claimsOf(token) !== undefined && headerOf(token)?.alg !== undefined;
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

const HMAC = /^HS(256|384|512)$/;

/** The test token's claims that keyed variants replace, with the values they get instead. */
export const WRONG_CLAIMS = {
  aud: { probe: 'wrong-audience', value: 'tokengate-wrong-audience' },
  iss: { probe: 'wrong-issuer', value: 'https://tokengate.invalid/' },
} as const;
export type WrongClaim = keyof typeof WRONG_CLAIMS;

export type KeyedVariants =
  { variants: { name: string; token: string }[]; problem?: undefined } | { variants: []; problem: string };

const SKIPPED = 'the expired, no-exp, wrong-audience and wrong-issuer probes were skipped';

/**
 * With the preview's signing key (an HMAC secret, or a PKCS#8 PEM private key for RS/PS/ES tokens), variants of the
 * real token: expired, without `exp`, and with a changed `aud` / `iss` when the token carries that claim (a token
 * without it was accepted, so the preview cannot require the claim, and a changed one says nothing new). The key must
 * verify the test token first: signed with any other key, every variant would be refused for the wrong reason.
 */
export async function keyedVariants(token: string, key: string): Promise<KeyedVariants> {
  const claims = claimsOf(token);
  const alg = headerOf(token)?.alg;
  if (!claims || !alg || alg.toLowerCase() === 'none') {
    return {
      variants: [],
      problem: `jwt-test-key is set but auth-token is not a signed JWT, so ${SKIPPED}.`,
    };
  }
  const pem = key.includes('-----BEGIN');
  if (HMAC.test(alg) === pem) {
    return {
      variants: [],
      problem: `jwt-test-key does not suit auth-token's algorithm ${alg} (give the HMAC secret for HS256/384/512, a PKCS#8 PEM private key otherwise), so ${SKIPPED}.`,
    };
  }
  let signing: Uint8Array | jose.CryptoKey;
  let verifying: Uint8Array | KeyObject;
  try {
    signing = pem ? await jose.importPKCS8(key, alg) : enc.encode(key);
    verifying = pem ? createPublicKey(key) : enc.encode(key);
  } catch {
    return {
      variants: [],
      problem: `jwt-test-key is not a PKCS#8 PEM private key usable with ${alg}, so ${SKIPPED}.`,
    };
  }
  try {
    await jose.compactVerify(token, verifying, { algorithms: [alg] });
  } catch {
    return {
      variants: [],
      problem: `jwt-test-key does not verify auth-token's signature (give the key the preview signs its tokens with), so ${SKIPPED}.`,
    };
  }
  const sign = (c: Record<string, unknown>): Promise<string> =>
    new jose.SignJWT(c).setProtectedHeader({ alg, typ: 'JWT' }).sign(signing);
  const t = now();
  const noExp = Object.fromEntries(Object.entries(claims).filter(([name]) => name !== 'exp'));
  const variants = [
    { name: 'expired', token: await sign({ ...claims, iat: t - 7200, nbf: t - 7200, exp: t - 3600 }) },
    { name: 'no-exp', token: await sign(noExp) },
  ];
  for (const [claim, wrong] of Object.entries(WRONG_CLAIMS)) {
    if (claims[claim] === undefined) continue;
    variants.push({
      name: wrong.probe,
      token: await sign({ ...claims, [claim]: wrong.value, exp: t + 600 }),
    });
  }
  return { variants };
}

/**
 * Offline only: which candidate secret verifies the HMAC token's signature? Expiry is not checked here (an
 * expired test token still reveals its key). Nothing is sent.
 */
export async function crackHmac(token: string, candidates: readonly string[]): Promise<string | undefined> {
  const alg = headerOf(token)?.alg;
  if (!alg || !HMAC.test(alg)) return undefined;
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
