/**
 * The peer section's page: starts bench/peer-worker.ts (where the engines run, as the app's
 * inference runs in a worker) and forwards Playwright's calls to it as `window.__endolensPeer`.
 */
import type { PeerApi } from './peer-worker.ts';

const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
let next = 0;
const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
worker.onmessage = (e: MessageEvent<{ id: number; result?: unknown; error?: string }>) => {
  const p = pending.get(e.data.id);
  pending.delete(e.data.id);
  if (e.data.error !== undefined) p?.reject(new Error(e.data.error));
  else p?.resolve(e.data.result);
};

const api = new Proxy({} as PeerApi, {
  get:
    (_t, fn: string) =>
    (...args: unknown[]) =>
      new Promise((resolve, reject) => {
        const id = next++;
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, fn, args });
      }),
});

(window as unknown as { __endolensPeer: PeerApi }).__endolensPeer = api;
document.title = 'endolens peer bench ready';
