import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

/** Cross-origin isolation lets WASM use threads (SharedArrayBuffer). The service worker adds the same headers offline. */
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export default defineConfig({
  plugins: [
    react(),
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
  server: { headers: isolation },
  preview: { headers: isolation },
  // Dev only: the worker's imports are not found by Vite's scan, so prebundle them up front (one
  // optimisation run: one copy of tfjs-core shared by every backend).
  optimizeDeps: { include: ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-webgpu'] },
  build: { target: 'es2022', chunkSizeWarningLimit: 5000 },
});
