import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Test } from 'tap';

/**
 * listenOnLoopback starts `server` on an ephemeral port of 127.0.0.1 and returns the port. When the test ends the
 * server closes, its open connections first, so a keep-alive client cannot hold the test open.
 */
export async function listenOnLoopback(t: Test, server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return (server.address() as AddressInfo).port;
}
