/// <reference lib="webworker" />
/**
 * Service worker: precaches the app shell and the embedded model (offline after one visit) and
 * re-serves every same-origin response with COOP/COEP headers and the Content Security Policy, so the
 * app stays cross-origin isolated (WASM threads) and locked to its origin on a static host that sends no such headers.
 */
import { addPlugins, cleanupOutdatedCaches, matchPrecache, precache } from 'workbox-precaching';
import { SECURITY_HEADERS } from './app/security-headers.ts';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: Array<{ url: string; revision: string | null } | string> };

// Workbox fetches revisioned entries with cache: 'reload', which skips the HTTP cache: on a first
// visit every file the page already downloaded (the model above all: tens of MB for ResNet50V2)
// would be downloaded a second time. 'no-cache' still asks the server, but with the validators of
// the copy the page just fetched, so an unchanged file costs a 304, and a changed one is fetched whole.
addPlugins([
  {
    requestWillFetch: ({ request }) => Promise.resolve(request.cache === 'reload' ? new Request(request, { cache: 'no-cache' }) : request),
  },
]);
precache(self.__WB_MANIFEST);
cleanupOutdatedCaches();

self.addEventListener('message', (event) => {
  if ((event.data as { type?: string } | null)?.type === 'SKIP_WAITING') void self.skipWaiting();
});

self.addEventListener('activate', (event) => {
  event.waitUntil(self.clients.claim());
});

function withSecurityHeaders(res: Response): Response {
  if (res.status === 0 || res.type === 'opaque' || res.type === 'opaqueredirect') return res;
  const headers = new Headers(res.headers);
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) headers.set(name, value);
  return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
}

async function respond(request: Request): Promise<Response> {
  let res = await matchPrecache(request.url);
  if (!res && request.mode === 'navigate') res = await matchPrecache('index.html');
  res ??= await fetch(request);
  return withSecurityHeaders(res);
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith(respond(request));
});
