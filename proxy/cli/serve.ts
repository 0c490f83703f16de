import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { loadConfig } from '../config/index.js';
import { CA_CERTIFICATE_FILE } from '../listen/index.js';
import { AirlockError } from '../core/errors.js';
import { startAirlock } from '../serve/start-airlock.js';

const USAGE = `usage: airlock serve [--config PATH] [--log-level LEVEL]

runs the proxy agents point HTTPS_PROXY at; logs one JSON line per call on stdout`;

/**
 * serveCommand runs Airlock until SIGINT or SIGTERM. A configuration, CA, policy or port problem stops it at start
 * with one line on stderr naming the cause, and exit code 1.
 */
export async function serveCommand(argv: string[]): Promise<number> {
  let values: { config?: string | undefined; 'log-level'?: string | undefined };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { config: { type: 'string' }, 'log-level': { type: 'string' } },
    }));
  } catch (error) {
    console.error(`airlock serve: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  try {
    const config = loadConfig(values.config);
    const log = pino({ level: values['log-level'] ?? config.log.level, base: undefined });
    const airlock = await startAirlock(config, log);
    const { host, port } = airlock.proxyAddress;
    log.info(
      {
        proxy: `http://${host}:${port}`,
        ca: join(config.stateDir, CA_CERTIFICATE_FILE),
        policy_version: airlock.policy.version,
      },
      'listening',
    );
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    log.info('stopping');
    await airlock.close();
    return 0;
  } catch (error) {
    if (error instanceof AirlockError || isSystemError(error)) {
      console.error(`airlock serve: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

function isSystemError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string';
}
