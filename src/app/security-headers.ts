/**
 * The headers the app is served with, defined once: vite.config.ts sends them from `vite preview`
 * (and puts the policy in the built index.html as a meta tag for plain static hosts), and the service
 * worker re-serves every response with them. No imports: vite.config.ts and the service worker read it.
 */

/** Cross-origin isolation lets WASM use threads (SharedArrayBuffer). */
export const ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/**
 * "No frame leaves the computer", enforced by the browser: nothing may be fetched from, sent to or
 * run from another origin. Each exception below is something the app does (README, "Content
 * Security Policy"). No frame-ancestors: a meta tag ignores it, and header and meta are one policy.
 */
const CSP_DIRECTIVES: Readonly<Record<string, readonly string[]>> = {
  'default-src': ["'self'"],
  // tfjs's WASM backend compiles WebAssembly; its threaded build's pthread workers importScripts() a blob: copy of its factory.
  'script-src': ["'self'", "'wasm-unsafe-eval'", 'blob:'],
  // The pthread workers themselves start from blob: URLs.
  'worker-src': ["'self'", 'blob:'],
  // The printable report reads thumbnails back through their object URLs.
  'connect-src': ["'self'", 'blob:'],
  // Thumbnails and dropped frames are object URLs; Grad-CAM overlays and the report's pictures are data: URLs.
  'img-src': ["'self'", 'blob:', 'data:'],
  // A dropped video plays from its object URL (a live camera is a MediaStream, which needs no source).
  'media-src': ["'self'", 'blob:'],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
  'form-action': ["'none'"],
};

export const CONTENT_SECURITY_POLICY = Object.entries(CSP_DIRECTIVES)
  .map(([directive, sources]) => `${directive} ${sources.join(' ')}`)
  .join('; ');

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  ...ISOLATION_HEADERS,
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
};
