import type { Rule } from './types.js';
import { rule as authDecoratorOrder } from './auth-decorator-order.js';
import { rule as authHookFailsOpen } from './auth-hook-fails-open.js';
import { rule as missingAuthentication } from './missing-authentication.js';
import { rule as optionalAuthOnWrite } from './optional-auth-on-write.js';

/** Every rule, by id. The meta-test keeps this list, the rule files, fixtures and docs in step. */
export const RULES: readonly Rule[] = [
  missingAuthentication,
  authDecoratorOrder,
  optionalAuthOnWrite,
  authHookFailsOpen,
];
