import { Writable } from 'node:stream';
import { type Logger, type LoggerOptions, pino } from 'pino';

/** MemoryLog is a pino logger whose output is kept in memory: to read what was logged, and what never must be. */
export interface MemoryLog {
  readonly log: Logger;
  /** Every line as written, newline included; the array grows as the logger writes. */
  readonly lines: readonly string[];
  text(): string;
  /** entries parses every line logged. */
  entries(): Record<string, unknown>[];
}

/** memoryLog makes a pino logger writing to memory, at debug level unless `options` say otherwise. */
export function memoryLog(options: LoggerOptions = {}): MemoryLog {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  const text = (): string => lines.join('');
  return {
    log: pino({ level: 'debug', ...options }, sink),
    lines,
    text,
    entries: () =>
      text()
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
