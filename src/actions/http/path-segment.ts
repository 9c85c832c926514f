import { BackendError } from './errors';

/**
 * One value as exactly one URL path segment. `.` and `..` are refused (a URL parser would resolve them
 * and change which resource the bot's credentials reach); anything else is percent-encoded, so `/`,
 * `?` and `#` cannot start another segment, the query or a fragment either.
 */
export function pathSegment(backend: string, what: string, value: string): string {
  if (value === '' || value === '.' || value === '..') {
    throw new BackendError(backend, 'invalid_url', `Refused to call ${backend}: the ${what} ${JSON.stringify(value)} is not a valid name (it would change the URL's path).`);
  }
  return encodeURIComponent(value);
}
