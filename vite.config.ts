import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { fileURLToPath } from 'node:url';
import { CONTENT_SECURITY_POLICY, ISOLATION_HEADERS, SECURITY_HEADERS } from './src/app/security-headers.ts';

/** The policy as a meta tag in the built index.html, for static hosts that send no headers (right after the charset: it covers only what follows it). */
function cspMetaTag(): Plugin {
  return {
    name: 'endolens-csp-meta',
    apply: 'build',
    transformIndexHtml(html) {
      const charset = /<meta charset="[^"]*"\s*\/?>/i;
      if (!charset.test(html)) throw new Error('index.html: no <meta charset> to put the Content-Security-Policy meta tag after');
      return html.replace(
        charset,
        (tag) => `${tag}\n    <meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}" />`,
      );
    },
  };
}

export default defineConfig({
  // The app's tfjs without the WebGL backend, tfjs-converter and tfjs-data (src/inference/tfjs-browser.ts says why).
  resolve: {
    alias: [{ find: /^@tensorflow\/tfjs$/, replacement: fileURLToPath(new URL('./src/inference/tfjs-browser.ts', import.meta.url)) }],
  },
  plugins: [
    react(),
    cspMetaTag(),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src',
      filename: 'sw.ts',
      registerType: 'prompt',
      injectRegister: false,
      injectManifest: {
        // App shell, tfjs .wasm and the embedded model (weights can be tens of MB).
        globPatterns: ['**/*.{js,css,html,wasm,png,svg,ico,webmanifest}', 'model/*.{json,bin}'],
        maximumFileSizeToCacheInBytes: 200 * 1024 * 1024,
      },
      manifest: {
        name: 'EndoLens: endoscopy frame classification',
        short_name: 'EndoLens',
        description: 'Classifies endoscopy frames in the browser, offline. Research tool, not a medical device.',
        theme_color: '#1d4ed8',
        background_color: '#ffffff',
        display: 'standalone',
        start_url: '.',
        icons: [
          { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: 'icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      devOptions: { enabled: false },
    }),
  ],
  worker: {
    format: 'es',
    // tfjs's threaded WASM backend starts its pthread workers from `factory.toString()`; compressing
    // that function rewrites its guarded closure references ("e is not defined" in the threads). Mangling is safe.
    rolldownOptions: { output: { minify: { compress: false, mangle: true } } },
  },
  // No CSP in dev: Vite's dev server injects inline scripts (React refresh). The service worker adds the same headers offline.
  server: { headers: ISOLATION_HEADERS },
  preview: { headers: SECURITY_HEADERS },
  // Dev only: the worker's imports are not found by Vite's scan, so prebundle them up front (one
  // optimisation run: one copy of tfjs-core shared by every backend).
  optimizeDeps: {
    include: [
      '@tensorflow/tfjs-core',
      '@tensorflow/tfjs-layers',
      '@tensorflow/tfjs-backend-cpu',
      '@tensorflow/tfjs-backend-wasm',
      '@tensorflow/tfjs-backend-webgl',
      '@tensorflow/tfjs-backend-webgpu',
    ],
  },
  build: { target: 'es2022', chunkSizeWarningLimit: 5000 },
});
