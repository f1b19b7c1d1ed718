import type { Rule } from './types.js';
import { rule as authDecoratorOrder } from './auth-decorator-order.js';
import { rule as authHookFailsOpen } from './auth-hook-fails-open.js';
import { rule as jwtHardcodedSecret } from './jwt-hardcoded-secret.js';
import { rule as jwtNoExpiry } from './jwt-no-expiry.js';
import { rule as jwtNoneAlgorithm } from './jwt-none-algorithm.js';
import { rule as jwtSensitiveClaims } from './jwt-sensitive-claims.js';
import { rule as jwtSignatureNotVerified } from './jwt-signature-not-verified.js';
import { rule as missingAuthentication } from './missing-authentication.js';
import { rule as optionalAuthOnWrite } from './optional-auth-on-write.js';
import { rule as tokenInLogs } from './token-in-logs.js';
import { rule as tokenInQueryString } from './token-in-query-string.js';

/** Every rule, by id. The meta-test keeps this list, the rule files, fixtures and docs in step. */
export const RULES: readonly Rule[] = [
  missingAuthentication,
  authDecoratorOrder,
  optionalAuthOnWrite,
  authHookFailsOpen,
  jwtSignatureNotVerified,
  jwtNoneAlgorithm,
  jwtHardcodedSecret,
  jwtNoExpiry,
  tokenInLogs,
  tokenInQueryString,
  jwtSensitiveClaims,
];
