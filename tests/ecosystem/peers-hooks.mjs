// Resolve hook for peers.mjs.
const here = new URL('./package.json', import.meta.url).href;

export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (err) {
    if (err?.code !== 'ERR_MODULE_NOT_FOUND' || /^[./]|^[a-z]+:/.test(specifier)) throw err;
    return next(specifier, { ...context, parentURL: here });
  }
}
