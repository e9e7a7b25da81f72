import { defineConfig } from 'vitest/config';

// Unit tests of the app and of the code it shares with training/ (training has its own config).
export default defineConfig({
  test: {
    include: ['src/**/*.test.{ts,tsx}'],
    environment: 'node',
  },
});
