import { defineConfig } from 'vite';

// A static app: `npm run build` writes dist/, which any web server can serve.
export default defineConfig({
  base: './',
  server: { port: 5173, host: '127.0.0.1' },
  preview: { port: 4173, host: '127.0.0.1' },
  build: { target: 'es2022', chunkSizeWarningLimit: 2048 },
});
