import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SlackEmulator } from './fakes/slack-api';
import { SANDBOX_PAGE } from './page';

// The sandbox server's plain HTTP pieces: the page, its icon, shared files, and JSON in and out.

const MAX_BODY = 64 * 1024;
const FAVICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#4a154b"/><text x="8" y="12" font-size="10" text-anchor="middle" fill="#fff" font-family="sans-serif">rb</text></svg>';

/** Serves the page, its icon and shared files (GET); false when `url` is none of them. */
export function serveStatic(req: IncomingMessage, res: ServerResponse, url: URL, slack: SlackEmulator): boolean {
  if (req.method !== 'GET') return false;
  if (url.pathname === '/') {
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': "default-src 'self'; style-src 'unsafe-inline'; script-src 'unsafe-inline'",
    });
    res.end(SANDBOX_PAGE);
    return true;
  }
  // The tab's icon, drawn as SVG, so the page's own requests never 404.
  if (url.pathname === '/favicon.ico') {
    res.writeHead(200, { 'content-type': 'image/svg+xml', 'cache-control': 'max-age=86400' });
    res.end(FAVICON_SVG);
    return true;
  }
  if (url.pathname === '/api/file') {
    const file = slack.files.find((f) => f.id === url.searchParams.get('id'));
    if (!file) {
      json(res, 404, { error: 'No such file.' });
      return true;
    }
    res.writeHead(200, { 'content-type': /\.png$/i.test(file.filename) ? 'image/png' : 'application/octet-stream', 'x-content-type-options': 'nosniff' });
    res.end(file.bytes);
    return true;
  }
  return false;
}

/** Polls `done` every 25 ms until it holds or `timeoutMs` passes. */
export async function until(done: () => boolean, timeoutMs: number): Promise<void> {
  for (const end = Date.now() + timeoutMs; !done() && Date.now() < end;) await new Promise((r) => setTimeout(r, 25));
}

/** Answers with `body` as JSON. */
export function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** The request body as text, refused past 64 KiB. */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('request too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.once('error', reject);
  });
}

/** The parsed JSON, or undefined when `text` is not JSON. */
export function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
