import type { Writable } from 'node:stream';

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
