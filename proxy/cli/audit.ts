import { createWriteStream, existsSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  AUDIT_SIGNING_KEY_FILE,
  type AuditExportFormat,
  exportAuditLog,
  loadAuditKeys,
  readAuditSigningPublicKey,
  verifyAuditLog,
} from '../audit/index.js';
import { loadConfig } from '../config/index.js';
import { InvalidArgumentError } from '../core/errors.js';
import { openSqliteStore, STORE_FILE, type Store } from '../store/index.js';
import { AuditLogMissingError, CliUsageError } from './cli-errors.js';
import {
  CONFIG_OPTION,
  CONFIG_USAGE,
  type CommandIo,
  isSystemError,
  printLine,
  processIo,
  runVerbCommand,
  type Verb,
} from './command-io.js';

const USAGE = `usage:
  airlock audit verify [--public-key FILE]
                           check the whole audit log; names the first bad record and exits 1 if any
  airlock audit export [--format jsonl] [--output FILE]
                           write every record, one JSON object a line (default: to stdout)
  airlock audit public-key print the checkpoint signing public key (PEM), for auditors to keep and verify with

verify needs the HMAC key ($AIRLOCK_AUDIT_KEY, else audit.key in the state directory) and checks checkpoints
with the public half of audit-signing.key, or with the public key PEM in --public-key, which an auditor should
hold apart from the server. export needs no key and checks nothing: verify first.
${CONFIG_USAGE}`;

/**
 * auditCommand runs `airlock audit …` and returns the exit code: 0 done (for verify: the log is whole), 1 failed
 * (for verify: a bad entry, named on stderr), 2 usage. Neither command writes to the store or creates keys.
 */
export async function auditCommand(argv: string[], io: CommandIo = processIo()): Promise<number> {
  const verbs = new Map<string, Verb>([
    ['verify', (rest) => verify(rest, io)],
    ['export', (rest) => exportRecords(rest, io)],
    ['public-key', (rest) => publicKey(rest, io)],
  ]);
  return runVerbCommand(
    {
      name: 'audit',
      usage: USAGE,
      verbs,
      isUsageError: (error) => error instanceof InvalidArgumentError,
      isFailure: isSystemError,
    },
    argv,
    io,
  );
}

async function verify(argv: string[], io: CommandIo): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { ...CONFIG_OPTION, 'public-key': { type: 'string' } } });
  const stateDir = loadConfig(values.config, io.env).stateDir;
  return withExistingStore(stateDir, async (store) => {
    const checkpoints = await store.auditCheckpoints();
    if ((await store.lastAuditRecord()) === undefined && checkpoints.length === 0) {
      printLine(io.stdout, 'audit log verified: 0 records, no checkpoint yet');
      return 0;
    }
    // No key is created here: a new key could not verify what the old one wrote.
    const keys = loadAuditKeys(stateDir, { env: io.env, mayCreate: false });
    const publicKeyFile = values['public-key'];
    const signingPublicKey =
      publicKeyFile === undefined
        ? keys.signingPublicKey
        : readAuditSigningPublicKey(readFileSync(publicKeyFile, 'utf8'));
    const result = await verifyAuditLog(store, { hmacKey: keys.hmacKey, signingPublicKey });
    if (!result.ok) {
      const { seq, reason, message } = result.firstBad;
      printLine(
        io.stderr,
        `airlock audit: audit log is NOT intact: first bad entry at seq ${seq} (${reason}): ${message}`,
      );
      return 1;
    }
    const lastCheckpoint = checkpoints.reduce((highest, checkpoint) => Math.max(highest, checkpoint.seq), 0);
    const unsigned = result.records - lastCheckpoint;
    printLine(
      io.stdout,
      `audit log verified: ${result.records} ${result.records === 1 ? 'record' : 'records'}, ` +
        (lastCheckpoint === 0 ? 'no checkpoint yet' : `last checkpoint at seq ${lastCheckpoint}`) +
        (unsigned > 0
          ? ` (${unsigned} later ${unsigned === 1 ? 'record is' : 'records are'} not yet checkpointed)`
          : ''),
    );
    return 0;
  });
}

async function exportRecords(argv: string[], io: CommandIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { ...CONFIG_OPTION, format: { type: 'string', default: 'jsonl' }, output: { type: 'string' } },
  });
  if (values.format !== 'jsonl') throw new CliUsageError(`--format must be jsonl, not ${values.format}`);
  const format: AuditExportFormat = values.format;
  const stateDir = loadConfig(values.config, io.env).stateDir;
  return withExistingStore(stateDir, async (store) => {
    if (values.output === undefined) {
      await exportAuditLog(store, io.stdout, { format });
      return 0;
    }
    // Opened here rather than by the stream so that a bad path fails now, with its reason, before any record is read.
    const output = createWriteStream(values.output, { fd: openSync(values.output, 'w', 0o600) });
    const written = await exportAuditLog(store, output, { format, end: true });
    printLine(io.stderr, `exported ${written} audit records to ${values.output}`);
    return 0;
  });
}

function publicKey(argv: string[], io: CommandIo): number {
  const { values } = parseArgs({ args: argv, options: CONFIG_OPTION });
  const stateDir = loadConfig(values.config, io.env).stateDir;
  const keyFile = join(stateDir, AUDIT_SIGNING_KEY_FILE);
  if (!existsSync(keyFile)) {
    throw new AuditLogMissingError(
      `no audit signing key: ${keyFile} does not exist (nothing has been audited here yet)`,
    );
  }
  io.stdout.write(loadAuditKeys(stateDir, { env: io.env, mayCreate: false }).signingPublicKeyPem);
  return 0;
}

/** withExistingStore opens the store only if it is there: reading an audit log must not create an empty one. */
async function withExistingStore<T>(stateDir: string, work: (store: Store) => Promise<T>): Promise<T> {
  const file = join(stateDir, STORE_FILE);
  if (!existsSync(file)) {
    throw new AuditLogMissingError(
      `no audit log: ${file} does not exist (is --config or $AIRLOCK_CONFIG naming the right state directory?)`,
    );
  }
  const store = openSqliteStore({ stateDir });
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}
