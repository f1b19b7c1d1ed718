import type { Location } from '../types.js';

/**
 * False for a route that only an OpenAPI document outside the repository (a URL, a file outside the scanned root)
 * declares: no repository file to point at, so SARIF and annotations must not name one.
 */
export function hasRepositoryFile(location: Location): boolean {
  return location.file !== '';
}

export const NO_REPOSITORY_FILE = 'declared only in the OpenAPI document, no repository file';

/** `path:line` for tables and text, with the repository prefix; says so when there is no file. */
export function locationLabel(location: Location, prefix = ''): string {
  return hasRepositoryFile(location)
    ? `${prefix}${location.file}:${location.startLine}`
    : `(${NO_REPOSITORY_FILE})`;
}
