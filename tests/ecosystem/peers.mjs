// node --import ./tests/ecosystem/peers.mjs file.mjs: bare specifiers that do
// not resolve from the file (the peer packages) resolve from this folder's
// node_modules, as they would in a user's project that installed them.
import { register } from 'node:module';

register('./peers-hooks.mjs', import.meta.url);
