import { parseArgs } from 'node:util';
import { loadConfig } from '../config/index.js';
import { AirlockError } from '../core/errors.js';
import { loadOrCreateCertificateAuthority } from '../listen/index.js';

const USAGE = `usage: airlock ca export [--config PATH]

prints Airlock's CA certificate (PEM), which agents must trust; creates the CA on first use`;

/** caCommand runs `airlock ca …`. Only the certificate is ever printed, never the key. */
export async function caCommand(argv: string[]): Promise<number> {
  const [verb, ...rest] = argv;
  if (verb !== 'export') {
    console.error(USAGE);
    return verb === undefined || verb === '--help' ? 0 : 2;
  }
  try {
    const { values } = parseArgs({ args: rest, options: { config: { type: 'string' } } });
    const authority = await loadOrCreateCertificateAuthority(loadConfig(values.config).stateDir);
    process.stdout.write(authority.certificatePem);
    return 0;
  } catch (error) {
    if (error instanceof AirlockError) {
      console.error(`airlock ca: ${error.message}`);
      return 1;
    }
    throw error;
  }
}
