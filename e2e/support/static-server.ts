/** A bare static server (with the isolation headers) over a folder the test can change between requests. */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.webmanifest': 'application/manifest+json',
  '.bin': 'application/octet-stream',
};

/** One answered request: the path and whether the body was sent (200) or the browser's copy was still good (304). */
export interface ServedRequest {
  path: string;
  status: 200 | 304;
}

/**
 * `isolation: false` plays a plain static host that sends no COOP/COEP headers. Like common static
 * hosts it sends an ETag and answers a matching If-None-Match with 304; `log` lists every answer.
 */
export async function serveFolder(root: string, port: number, isolation = true): Promise<Server & { log: ServedRequest[] }> {
  const log: ServedRequest[] = [];
  const answer = async (req: IncomingMessage, res: ServerResponse) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    const file = join(root, path.endsWith('/') ? 'index.html' : path);
    const body = await readFile(file).catch(() => readFile(join(root, 'index.html')));
    const etag = `"${createHash('sha1').update(body).digest('hex')}"`;
    const status = req.headers['if-none-match'] === etag ? 304 : 200;
    log.push({ path, status });
    res.writeHead(status, {
      'Content-Type': TYPES[extname(file)] ?? 'text/html',
      'Cache-Control': 'no-cache',
      ETag: etag,
      ...(isolation
        ? {
            'Cross-Origin-Opener-Policy': 'same-origin',
            'Cross-Origin-Embedder-Policy': 'require-corp',
            'Cross-Origin-Resource-Policy': 'same-origin',
          }
        : {}),
    });
    res.end(status === 200 ? body : undefined);
  };
  const server = createServer((req, res) => void answer(req, res));
  await new Promise<void>((resolve) => server.listen(port, 'localhost', resolve));
  return Object.assign(server, { log });
}
