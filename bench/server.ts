/**
 * A tiny static server for the production build (dist/) plus the benchmark's own files, with
 * cross-origin isolation headers switchable per request, and a byte count per path so "transferred"
 * is what actually left the server (no compression here, as on a plain static host; ETags and 304s,
 * as on one).
 *
 * Isolation is chosen by port: the benchmark starts one isolated and one plain instance, because
 * the same origin cannot be both (COOP/COEP are per response, but the service worker and the HTTP
 * cache are per origin).
 */
import { createReadStream, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.wasm': 'application/wasm',
  '.bin': 'application/octet-stream',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
};

export interface StaticServer {
  origin: string;
  /** Bytes sent per URL path since the last reset. */
  bytes: Map<string, number>;
  resetBytes(): void;
  close(): Promise<void>;
}

/** `mounts` maps a URL prefix (e.g. '/__bench/') to a folder; '/' is the app's dist/. */
export async function startStaticServer(mounts: Record<string, string>, isolated: boolean): Promise<StaticServer> {
  const bytes = new Map<string, number>();
  const prefixes = Object.keys(mounts).sort((a, b) => b.length - a.length);
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]);
    const prefix = prefixes.find((p) => path.startsWith(p));
    if (!prefix) return void res.writeHead(404).end();
    const root = mounts[prefix];
    let rel = path.slice(prefix.length);
    if (rel === '' || rel.endsWith('/')) rel += 'index.html';
    const file = normalize(join(root, rel));
    if (!file.startsWith(normalize(root) + sep) && file !== normalize(root)) return void res.writeHead(403).end();
    let size: number;
    let etag: string;
    try {
      const st = statSync(file);
      if (!st.isFile()) throw new Error('not a file');
      size = st.size;
      etag = `W/"${st.size}-${st.mtimeMs}"`; // as sirv (vite preview) and nginx send validators
    } catch {
      return void res.writeHead(404).end();
    }
    const headers: Record<string, string> = {
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Content-Length': String(size),
      // The service worker and the app decide caching; the HTTP cache may keep files for the warm load.
      'Cache-Control': rel === 'index.html' || rel === 'sw.js' ? 'no-cache' : 'max-age=3600',
    };
    if (isolated) {
      headers['Cross-Origin-Opener-Policy'] = 'same-origin';
      headers['Cross-Origin-Embedder-Policy'] = 'require-corp';
      headers['Cross-Origin-Resource-Policy'] = 'same-origin';
    }
    headers.ETag = etag;
    if (req.headers['if-none-match'] === etag) {
      // The browser's copy is current: nothing of the file is sent.
      delete headers['Content-Length'];
      return void res.writeHead(304, headers).end();
    }
    res.writeHead(200, headers);
    if (req.method === 'HEAD') return void res.end();
    bytes.set(path, (bytes.get(path) ?? 0) + size);
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    bytes,
    resetBytes: () => bytes.clear(),
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
