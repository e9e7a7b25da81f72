/**
 * On a plain static host the first visit is not cross-origin isolated (no COOP/COEP headers), so
 * WASM cannot use threads. Our service worker adds the headers; once it controls the page, reload
 * once (the coi-serviceworker approach). vite dev/preview send the headers themselves.
 */
const FLAG = 'endolens-coi-reload';

export function ensureCrossOriginIsolated(): void {
  if (typeof window === 'undefined' || window.crossOriginIsolated || !('serviceWorker' in navigator)) return;
  if (sessionStorage.getItem(FLAG)) return; // tried once this tab; do not loop
  const reload = () => {
    sessionStorage.setItem(FLAG, '1');
    location.reload();
  };
  if (navigator.serviceWorker.controller) reload();
  else navigator.serviceWorker.addEventListener('controllerchange', reload, { once: true });
}
