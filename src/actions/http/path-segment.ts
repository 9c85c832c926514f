import { BackendError } from './errors';

/**
 * One value as exactly one URL path segment. `.` and `..` are refused (a URL parser would resolve them
 * and change which resource the bot's credentials reach); anything else is percent-encoded, so `/`,
 * `?` and `#` cannot start another segment, the query or a fragment either.
 */
export function pathSegment(backend: string, what: string, value: string): string {
  if (value === '' || value === '.' || value === '..') {
    throw new BackendError(
      backend,
      'invalid_url',
      `Refused to call ${backend}: the ${what} ${JSON.stringify(value)} is not a valid name (it would change the URL's path).`,
    );
  }
  return encodeURIComponent(value);
}

/**
 * A value that is a path of several segments (a repository file path, a branch like `fix/x`): each
 * segment as one path segment, joined by `/`. Empty, `.` and `..` segments are refused.
 */
export function pathSegments(backend: string, what: string, value: string): string {
  return value
    .split('/')
    .map((segment) => {
      if (segment === '' || segment === '.' || segment === '..') {
        throw new BackendError(
          backend,
          'invalid_url',
          `Refused to call ${backend}: the ${what} ${JSON.stringify(value)} has an empty, \`.\` or \`..\` part (it would change the URL's path).`,
        );
      }
      return pathSegment(backend, what, segment);
    })
    .join('/');
}

/** True when `value` can be one URL path segment (not empty, `.` or `..`): for zod refinements at the input side. */
export function isPathSegment(value: string): boolean {
  return value !== '' && value !== '.' && value !== '..';
}
