import { defineConfig } from 'vite';

// The gateway serves the built console at / and the API at /api on one port;
// in `vite dev`, /api is proxied to it.
export default defineConfig({
  esbuild: { jsx: 'automatic' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 2_000,
    rollupOptions: {
      // MUI marks modules "use client" for React Server Components; a client bundle ignores it.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  server: { proxy: { '/api': { target: process.env.GATEWAY_URL ?? 'http://127.0.0.1:3000', changeOrigin: false } } },
});
