import type { Writable } from 'node:stream';
import { AirlockError } from '../core/errors.js';
import { CliUsageError } from './cli-errors.js';

/** Environment is the process environment, or a test's stand-in for it. */
export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * CommandIo is what a command reads and writes besides its arguments: the environment, and the two output streams.
 * Commands take it as a parameter so that tests run them in process and read what they printed.
 */
export interface CommandIo {
  readonly env: Environment;
  readonly stdout: Writable;
  readonly stderr: Writable;
}

/** processIo is the real process's environment and streams. */
export function processIo(): CommandIo {
  return { env: process.env, stdout: process.stdout, stderr: process.stderr };
}

/** printLine writes `text` and a newline to `stream`. */
export function printLine(stream: Writable, text: string): void {
  stream.write(`${text}\n`);
}

/** isParseArgsError tells node:util parseArgs' errors (unknown option, missing value) from others. */
export function isParseArgsError(error: unknown): error is Error {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return error instanceof TypeError && typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}

// C0 and C1 controls, and the bidirectional overrides and isolates that can make a terminal show text in another
// order than it is (CVE-2021-42574).
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * printable escapes characters that would steer the terminal rather than show, as `\u001b`. Held calls carry text
 * the agent chose (parameters, names); an approver must see it as it is, not as escape sequences would paint it.
 */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** formatColumns lays out rows (the first is the header) in columns two spaces apart, each as wide as its widest cell. */
export function formatColumns(rows: readonly (readonly string[])[]): string {
  const widths = (rows[0] ?? []).map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0)));
  return rows
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** CONFIG_OPTION is the parseArgs option every command that reads the configuration takes. */
export const CONFIG_OPTION = { config: { type: 'string' } } as const;

/** CONFIG_USAGE is the usage line for CONFIG_OPTION. */
export const CONFIG_USAGE =
  'every command accepts --config PATH (default: $AIRLOCK_CONFIG, else ./airlock.yaml), which names the state directory';

/** Verb runs one verb of a command on the arguments after it and gives the exit code. */
export type Verb = (argv: string[]) => Promise<number> | number;

/** CommandSpec names a command, gives its usage, and says how it tells its errors apart. */
export interface CommandSpec {
  /** The command's name; its messages begin `airlock NAME: `. */
  readonly name: string;
  readonly usage: string;
  /** Errors besides CliUsageError and parseArgs' own that mean the command line is wrong: exit 2, with the usage. */
  readonly isUsageError?: (error: unknown) => boolean;
  /** Errors besides AirlockError that fail the command: exit 1. Any other error is a bug, and is thrown. */
  readonly isFailure?: (error: unknown) => boolean;
  /** failureText is what stderr says of a failure, on one line; by default its message, newlines made `; `. */
  readonly failureText?: (error: Error) => string;
}

/** VerbCommand is a command made of verbs (`airlock audit verify`). */
export interface VerbCommand extends CommandSpec {
  readonly verbs: ReadonlyMap<string, Verb>;
}

/**
 * runVerbCommand runs the verb `argv` names and returns the exit code: the verb's own, 0 for help, 2 for a command
 * line that cannot be run (with the usage), 1 for a failure (its message on stderr).
 */
export async function runVerbCommand(command: VerbCommand, argv: string[], io: CommandIo): Promise<number> {
  const [verb, ...rest] = argv;
  if (verb === 'help' || verb === '--help' || verb === '-h') {
    printLine(io.stdout, command.usage);
    return 0;
  }
  return reportErrors(command, io, () => {
    const run = verb === undefined ? undefined : command.verbs.get(verb);
    if (run === undefined) {
      throw new CliUsageError(
        verb === undefined ? `${command.name} needs a command` : `unknown command ${command.name} ${verb}`,
      );
    }
    return run(rest);
  });
}

/**
 * runCommand runs a command without verbs (`airlock status`) and returns the exit code as runVerbCommand does:
 * `--help` or `-h` first prints the usage.
 */
export async function runCommand(command: CommandSpec, argv: string[], io: CommandIo, run: Verb): Promise<number> {
  if (argv[0] === '--help' || argv[0] === '-h') {
    printLine(io.stdout, command.usage);
    return 0;
  }
  return reportErrors(command, io, () => run(argv));
}

async function reportErrors(command: CommandSpec, io: CommandIo, run: () => Promise<number> | number): Promise<number> {
  const isUsageError = (error: unknown): error is Error =>
    error instanceof CliUsageError || isParseArgsError(error) || (command.isUsageError?.(error) ?? false);
  const isFailure = (error: unknown): error is Error =>
    error instanceof AirlockError || (command.isFailure?.(error) ?? false);
  try {
    return await run();
  } catch (error) {
    if (isUsageError(error)) {
      printLine(io.stderr, `airlock ${command.name}: ${error.message}\n${command.usage}`);
      return 2;
    }
    if (isFailure(error)) {
      printLine(io.stderr, `airlock ${command.name}: ${command.failureText?.(error) ?? oneLine(error.message)}`);
      return 1;
    }
    throw error;
  }
}

/** isSystemError tells a failed system call (a file that cannot be read or written) from a bug. */
export function isSystemError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string' && 'syscall' in error;
}

/** oneLine joins a message's lines with `; `, so that each failure is one line on stderr. */
export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, '; ');
}
