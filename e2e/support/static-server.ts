/** A bare static server (with the isolation headers) over a folder the test can change between requests. */
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css', '.json': 'application/json',
  '.wasm': 'application/wasm', '.png': 'image/png', '.webmanifest': 'application/manifest+json', '.bin': 'application/octet-stream',
};

/** `isolation: false` plays a plain static host that sends no COOP/COEP headers. */
export async function serveFolder(root: string, port: number, isolation = true): Promise<Server> {
  const server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    const file = join(root, path.endsWith('/') ? 'index.html' : path);
    const body = await readFile(file).catch(() => readFile(join(root, 'index.html')));
    res.writeHead(200, {
      'Content-Type': TYPES[extname(file)] ?? 'text/html',
      'Cache-Control': 'no-cache',
      ...(isolation ? { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp', 'Cross-Origin-Resource-Policy': 'same-origin' } : {}),
    });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(port, 'localhost', resolve));
  return server;
}
