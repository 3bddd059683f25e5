/**
 * Cold start floor 1: a handler with no imports. Its init time is what Node itself spends
 * loading an ESM bundle, so every function is compared with it.
 */
export const handler = async () => ({ statusCode: 204 });
