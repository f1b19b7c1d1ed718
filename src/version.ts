import { createRequire } from 'node:module';

// package.json sits one level above both src/ and dist/.
const pkg = createRequire(import.meta.url)('../package.json') as {
  version: string;
  repository?: string | { url?: string };
};

export const VERSION: string = pkg.version;

/** package.json's `repository`, whatever form npm allows it in (`url`, `owner/name`, `github:owner/name`). */
export const REPOSITORY: string | undefined =
  typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url;
