import { createServer } from "node:net";

/** Every IPv4 interface: where DynamoDB Local binds, since it has no host option. */
export const ALL_INTERFACES = "0.0.0.0";

const listenOnce = (port: number, host: string): Promise<number> =>
  new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen({ port, host, exclusive: true }, () => {
      const address = server.address();
      const bound = typeof address === "object" && address ? address.port : port;
      server.close(() => resolvePort(bound));
    });
  });

/** True when nothing listens on `port` at `host`; found by binding it for a moment. */
export const isPortFree = async (port: number, host: string): Promise<boolean> => {
  try {
    await listenOnce(port, host);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EADDRINUSE") return false;
    throw error;
  }
};

/**
 * A port the OS says is free right now. Another process may take it before we bind it; callers
 * that can (tests) retry on "port in use" rather than trust it blindly.
 */
export const freePort = (host: string = ALL_INTERFACES): Promise<number> => listenOnce(0, host);
