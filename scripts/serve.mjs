// `npm start`: serves the demo page with Vite's dev server and prints its URL.
import { createServer } from 'vite';

const server = await createServer({ configFile: new URL('../web/vite.config.js', import.meta.url).pathname });
await server.listen();
server.printUrls();
