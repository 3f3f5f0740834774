import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

export default {
  root: fileURLToPath(new URL('.', import.meta.url)),
  // The shipped calibration data is served as /calibration/*.
  publicDir: fileURLToPath(new URL('../data', import.meta.url)),
  // The page imports the built package from ../dist and the bench helpers from ../bench.
  server: { fs: { allow: [root] }, host: '127.0.0.1', port: 5173 },
  build: { target: 'es2022' },
  worker: { format: 'es' },
  optimizeDeps: { exclude: ['logitkit'] },
};
