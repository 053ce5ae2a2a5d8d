import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// In development the API and Socket.IO live on the server (`npm start`, port
// 7400); in production the server serves this bundle itself, same origin.
// The editor is a lazy route, so the pipelines list loads without React Flow.
export default defineConfig(({ command }) => {
  // A bundle is always the production one (React's production build, no JSX
  // dev runtime), whatever NODE_ENV the shell or a test runner (vitest: test) has.
  if (command === 'build') process.env.NODE_ENV = 'production';
  return {
    plugins: [react()],
    build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
    server: {
      port: 5173,
      proxy: {
        '/api': 'http://localhost:7400',
        '/socket.io': { target: 'http://localhost:7400', ws: true },
      },
    },
  };
});
