import { createReadStream, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const ortDist = fileURLToPath(new URL('../node_modules/onnxruntime-web/dist/', import.meta.url));
// The two ONNX Runtime Web files the playground loads (single-threaded wasm),
// served as /ort/* from node_modules in dev and copied into the build: no CDN.
const ORT_FILES = { 'ort-wasm-simd-threaded.mjs': 'text/javascript', 'ort-wasm-simd-threaded.wasm': 'application/wasm' };

function serveOrt() {
  return {
    name: 'logitkit-serve-ort',
    configureServer(server) {
      server.middlewares.use('/ort/', (req, res, next) => {
        const file = new URL(req.url, 'http://x').pathname.slice(1);
        if (!ORT_FILES[file]) return next();
        res.setHeader('content-type', ORT_FILES[file]);
        createReadStream(ortDist + file).pipe(res);
      });
    },
    generateBundle() {
      for (const file of Object.keys(ORT_FILES)) this.emitFile({ type: 'asset', fileName: `ort/${file}`, source: readFileSync(ortDist + file) });
    },
  };
}

// The README and docs/*.md, linked from the page, served as plain text (dev) and copied into the build.
const DOCS = ['README.md', 'docs/api.md', 'docs/sampler.md', 'docs/calibration.md', 'docs/structured-output.md'];

function serveDocs() {
  return {
    name: 'logitkit-serve-docs',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const file = new URL(req.url, 'http://x').pathname.slice(1);
        if (!DOCS.includes(file)) return next();
        res.setHeader('content-type', 'text/markdown; charset=utf-8');
        createReadStream(root + file).pipe(res);
      });
    },
    generateBundle() {
      for (const file of DOCS) this.emitFile({ type: 'asset', fileName: file, source: readFileSync(root + file) });
    },
  };
}

export default {
  root: fileURLToPath(new URL('.', import.meta.url)),
  // The shipped data is served as /calibration/* and /model/*.
  publicDir: fileURLToPath(new URL('../data', import.meta.url)),
  // The page imports the built package from ../dist and the shared helpers from ../common.
  server: { fs: { allow: [root] }, host: '127.0.0.1', port: 5173 },
  build: { target: 'es2022' },
  worker: { format: 'es' },
  plugins: [serveOrt(), serveDocs()],
  // XGrammar's web build is a UMD file (the playground's JSON mode imports it on demand):
  // pre-bundled at start-up, so that its first import does not reload the page.
  // ONNX Runtime is imported by the playground's worker (web/ort-worker.js), which the
  // dependency scan does not follow: listed here for the same reason.
  optimizeDeps: { exclude: ['logitkit'], include: ['@mlc-ai/web-xgrammar', 'onnxruntime-web/wasm', 'chart.js'] },
};
