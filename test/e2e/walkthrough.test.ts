import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { freePort } from '../harness/moto.js';
import { run } from './harness/airlock.js';

// The README's five-minute walkthrough, run as a reader runs it: the yaml block becomes airlock.yaml in a fresh copy
// of the repository, and every line of every sh block is typed, in order, into the terminal the block names. What
// the test changes is only what a reader would change: it pastes the keys, tokens and ids that earlier commands
// printed in place of the README's `AKAL...`, `alt_...`, `apv_...`; and it moves the walkthrough's fixed ports
// (moto's 5000, Airlock's 8080 and 8081) to free ones, so the test never meets a server already on them.

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
/** The walkthrough the README shows, run as written. */
const WALKTHROUGH_FILE = join(ROOT, 'README.md');
const SECTION_HEADING = '## Five minutes';
/** Commands that serve until stopped: the reader leaves them running in their terminal and moves on. */
const SERVER_COMMAND = /\b(npm start|airlock serve|moto_server)\b/;
/** A held call's comment says it waits: the reader leaves it waiting and approves it from another terminal. */
const WAITING_COMMENT = /\bwaits\b/;
/** `npm start` builds first, so a loaded machine can take minutes before Airlock answers. */
const SERVER_START_MS = 300_000;
const COMMAND_MS = 120_000;
/** A reader who lists pending approvals before the held call has opened one lists them again. */
const RETRIES = 50;

t.setTimeout(600_000);

/** WalkthroughStep is one command line of the walkthrough and the terminal it is typed into. */
interface WalkthroughStep {
  readonly terminal: string;
  /** The line without its comment. */
  readonly command: string;
  /** What follows `#` on the line, or ''. */
  readonly comment: string;
}

/** Walkthrough is what the section asks of the reader: a configuration file and the command lines. */
interface Walkthrough {
  readonly config: string;
  readonly steps: readonly WalkthroughStep[];
}

interface Ports {
  readonly moto: number;
  readonly proxy: number;
  readonly api: number;
}

t.test('the README walkthrough, run as written, reaches an approved call that moto carries out', async (t) => {
  const ports: Ports = { moto: await freePort(), proxy: await freePort(), api: await freePort() };
  const walkthrough = parseWalkthrough(onPorts(readFileSync(WALKTHROUGH_FILE, 'utf8'), ports));
  const terminals = new Map<string, Terminal>();
  const clone = freshClone();
  t.teardown(async () => {
    for (const terminal of terminals.values()) await terminal.close();
    rmSync(clone, { recursive: true, force: true });
  });
  writeFileSync(
    join(clone, 'airlock.yaml'),
    `${walkthrough.config}listen: 127.0.0.1:${ports.proxy}\napi: 127.0.0.1:${ports.api}\n`,
  );

  const finished: CommandResult[] = [];
  const transcript = () => finished.map((result) => result.output).join('\n');
  const pasted = new Map<string, string>();
  const waiting: { step: WalkthroughStep; result: Promise<CommandResult> }[] = [];

  for (const [index, step] of walkthrough.steps.entries()) {
    let terminal = terminals.get(step.terminal);
    if (terminal === undefined) {
      terminal = new Terminal(clone, terminalEnvironment());
      terminals.set(step.terminal, terminal);
    }
    let command = paste(step.command, transcript(), pasted);
    for (let retry = 0; command === undefined && retry < RETRIES; retry += 1) {
      const previous = walkthrough.steps[index - 1];
      const rerunnable =
        previous !== undefined && !SERVER_COMMAND.test(previous.command) && !WAITING_COMMENT.test(previous.comment);
      if (!rerunnable || previous.terminal !== step.terminal) break;
      await delay(200);
      finished.push(await terminal.type(paste(previous.command, transcript(), pasted) ?? previous.command, COMMAND_MS));
      command = paste(step.command, transcript(), pasted);
    }
    if (command === undefined) {
      t.fail(`nothing printed before "${step.command}" gives what it needs a reader to paste`, {
        transcript: transcript(),
      });
      return;
    }

    if (SERVER_COMMAND.test(command)) {
      await untilServing(command, ports, terminal, terminal.type(command));
      continue;
    }
    const typed = terminal.type(command, COMMAND_MS);
    if (WAITING_COMMENT.test(step.comment)) {
      const result = typed.then((result) => {
        finished.push(result);
        return result;
      });
      waiting.push({ step, result });
      continue;
    }
    const result = await typed;
    finished.push(result);
    if (/^denied\b/.test(step.comment)) {
      t.not(result.code, 0, `${step.command} is refused`);
      t.match(result.output, shownMessage(step.comment.replace(/^denied:?/, '')), 'with the message the README shows');
    } else {
      t.equal(result.code, 0, `${step.command} succeeds`, { output: result.output });
    }
  }

  t.equal(waiting.length, 1, 'the walkthrough holds one call for an approver');
  for (const { step, result } of waiting) {
    const { code, output } = await result;
    t.equal(code, 0, `${step.command} goes through once approved`, { output });
  }
  const approvalId = pasted.get('apv_');
  t.ok(approvalId, 'the approver approved an approval the CLI listed');
  const airlockOutput = [...terminals.values()].map((terminal) => terminal.output).join('\n');
  const forwarded = callLogLines(airlockOutput).find((line) => line.approval === approvalId);
  t.match(
    forwarded,
    { decision: 'hold', upstream_status: 200 },
    'Airlock forwarded the held call once it was approved',
  );

  const roleName = /--role-name (\S+)/.exec(waiting[0]!.step.command)?.[1];
  t.ok(roleName, 'the held call creates a role');
  const inMoto = await run(
    'aws',
    ['iam', 'get-role', '--role-name', roleName!, '--endpoint-url', `http://127.0.0.1:${ports.moto}`],
    {
      ...terminalEnvironment(),
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_DEFAULT_REGION: 'us-east-1',
    },
  );
  t.equal(inMoto.code, 0, 'moto has the role the approved call created', { stderr: inMoto.stderr });
});

/**
 * parseWalkthrough reads the section under SECTION_HEADING: its one yaml block, and its sh blocks' lines. A block's
 * `# terminal NAME` line names the terminal its lines are typed into; a block without one goes on in the last.
 */
function parseWalkthrough(markdown: string): Walkthrough {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => line.startsWith(SECTION_HEADING));
  if (start === -1) throw new Error(`${WALKTHROUGH_FILE} has no "${SECTION_HEADING}" section`);
  const length = lines.slice(start + 1).findIndex((line) => line.startsWith('## '));
  const section = lines.slice(start + 1, length === -1 ? undefined : start + 1 + length);

  const configs: string[] = [];
  const steps: WalkthroughStep[] = [];
  let terminal = '1';
  for (let i = 0; i < section.length; i += 1) {
    const language = /^```(\w+)\s*$/.exec(section[i]!)?.[1];
    if (language === undefined) continue;
    const block: string[] = [];
    for (i += 1; i < section.length && !/^```\s*$/.test(section[i]!); i += 1) block.push(section[i]!);
    if (language === 'yaml') configs.push(`${block.join('\n')}\n`);
    if (language !== 'sh') continue;
    for (const line of block) {
      const { command, comment } = splitComment(line);
      const named = /^terminal\s+(\w+)/.exec(comment)?.[1];
      if (command === '' && named !== undefined) terminal = named;
      if (command !== '') steps.push({ terminal, command, comment });
    }
  }
  if (configs.length !== 1) throw new Error(`the walkthrough shows ${configs.length} yaml blocks; one is airlock.yaml`);
  return { config: configs[0]!, steps };
}

/** splitComment splits a shell line at a `#` that starts a comment: outside quotes, at the start or after a blank. */
function splitComment(line: string): { command: string; comment: string } {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i += 1) {
    const char = line[i]!;
    if (quote !== undefined) {
      if (char === quote) quote = undefined;
      else if (char === '\\' && quote === '"') i += 1;
    } else if (char === "'" || char === '"') quote = char;
    else if (char === '\\') i += 1;
    else if (char === '#' && (i === 0 || /\s/.test(line[i - 1]!))) {
      return { command: line.slice(0, i).trim(), comment: line.slice(i + 1).trim() };
    }
  }
  return { command: line.trim(), comment: '' };
}

/** onPorts moves the walkthrough's fixed ports to the test's free ones. */
function onPorts(markdown: string, ports: Ports): string {
  return markdown
    .replaceAll('127.0.0.1:5000', `127.0.0.1:${ports.moto}`)
    .replaceAll('-p 5000', `-p ${ports.moto}`)
    .replaceAll('127.0.0.1:8080', `127.0.0.1:${ports.proxy}`)
    .replaceAll('127.0.0.1:8081', `127.0.0.1:${ports.api}`);
}

/**
 * paste fills in a command's placeholders from what earlier commands printed, the latest first, as a reader copies
 * them: `NAME=PREFIX...` takes the value of the printed `NAME=PREFIX…`, and a bare `PREFIX...` the printed word that
 * starts with PREFIX. It records each value under its PREFIX (or NAME), and returns undefined if one is not printed.
 */
function paste(command: string, transcript: string, pasted: Map<string, string>): string | undefined {
  let missing = false;
  const filled = command.replace(
    /(?:\b([A-Z][A-Z0-9_]*)=)?([\w-]*)\.\.\.(?=\s|$)/g,
    (placeholder, name: string | undefined, prefix: string) => {
      const printed =
        name !== undefined
          ? new RegExp(`\\b${name}=(${escapeRegExp(prefix)}\\S*)`, 'g')
          : prefix !== ''
            ? new RegExp(`(?<![\\w-])(${escapeRegExp(prefix)}[\\w-]+)`, 'g')
            : undefined;
      const value = printed === undefined ? undefined : [...transcript.matchAll(printed)].pop()?.[1];
      if (value === undefined || value === prefix) {
        missing = true;
        return placeholder;
      }
      pasted.set(prefix === '' ? (name ?? '') : prefix, value);
      return name === undefined ? value : `${name}=${value}`;
    },
  );
  return missing ? undefined : filled;
}

/** shownMessage turns a README comment such as `Airlock denied X: ... returns credentials ...` into a pattern. */
function shownMessage(comment: string): RegExp {
  const parts = comment
    .split('...')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  return new RegExp(parts.map(escapeRegExp).join('[\\s\\S]*'));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** freshClone copies the files a clone has (tracked, or new and not ignored) and links the installed node_modules. */
function freshClone(): string {
  const clone = mkdtempSync(join(tmpdir(), 'airlock-walkthrough-'));
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  for (const file of files.split('\0')) {
    // Files deleted in the working tree but not yet in git are not in a clone made after the change.
    if (file === '' || !existsSync(join(ROOT, file))) continue;
    mkdirSync(dirname(join(clone, file)), { recursive: true });
    copyFileSync(join(ROOT, file), join(clone, file));
  }
  symlinkSync(join(ROOT, 'node_modules'), join(clone, 'node_modules'));
  return clone;
}

/**
 * terminalEnvironment is a reader's shell without AWS settings, proxies or Airlock variables of the machine running
 * the test, and with no AWS configuration files that could lend the agent other credentials.
 */
function terminalEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^(AWS_|AIRLOCK_|npm_|INIT_CWD$|HTTPS?_PROXY$|NO_PROXY$|https?_proxy$|no_proxy$)/.test(name))
      env[name] = value;
  }
  return {
    ...env,
    AWS_CONFIG_FILE: '/nonexistent',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

/** untilServing waits until the server a command started answers; the command ending first is a failure. */
async function untilServing(
  command: string,
  ports: Ports,
  terminal: Terminal,
  typed: Promise<CommandResult>,
): Promise<void> {
  const url = command.includes('moto_server')
    ? `http://127.0.0.1:${ports.moto}/moto-api/`
    : `http://127.0.0.1:${ports.api}/v1/health`;
  let ended: CommandResult | undefined;
  void typed.then((result) => (ended = result));
  const deadline = Date.now() + SERVER_START_MS;
  while (Date.now() < deadline) {
    if (ended !== undefined) throw new Error(`"${command}" ended (${ended.code}) instead of serving:\n${ended.output}`);
    try {
      const response = await fetch(url);
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await delay(250);
  }
  throw new Error(`"${command}" did not answer at ${url}:\n${terminal.output}`);
}

/** CallLine is the part of Airlock's `call` log line the test reads. */
interface CallLine {
  readonly msg: string;
  readonly decision?: string;
  readonly approval?: string;
  readonly upstream_status?: number;
}

function callLogLines(output: string): CallLine[] {
  const lines: CallLine[] = [];
  for (const line of output.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const parsed = JSON.parse(line) as CallLine;
      if (parsed.msg === 'call') lines.push(parsed);
    } catch {
      // Not a log line.
    }
  }
  return lines;
}

/** CommandResult is what one typed command printed (stdout and stderr, interleaved) and its exit code. */
interface CommandResult {
  readonly code: number;
  readonly output: string;
}

/**
 * Terminal is one bash a reader types into: commands run one after another in the same shell, so `export` and `cd`
 * carry over. Each command's stdin is empty, so none can swallow the lines typed after it.
 */
class Terminal {
  readonly #shell: ChildProcessWithoutNullStreams;
  #output = '';
  #last: Promise<unknown> = Promise.resolve();
  readonly #wake = new Set<() => void>();

  constructor(cwd: string, env: NodeJS.ProcessEnv) {
    // Its own process group, so closing it stops what its commands started (npm's node, moto's python) as well.
    this.#shell = spawn('bash', ['--noprofile', '--norc'], { cwd, env, stdio: 'pipe', detached: true });
    const collect = (chunk: Buffer) => {
      this.#output += chunk.toString();
      for (const wake of this.#wake) wake();
    };
    this.#shell.stdout.on('data', collect);
    this.#shell.stderr.on('data', collect);
    this.#shell.on('exit', () => {
      for (const wake of this.#wake) wake();
    });
  }

  /** output is everything the terminal has shown. */
  get output(): string {
    return this.#output;
  }

  /**
   * type runs a command once the one before it has finished, and resolves when it finishes in turn (with code -1 if
   * the terminal is closed first). A command given a limit that it outlives fails the test.
   */
  type(command: string, limitMs?: number): Promise<CommandResult> {
    const result = this.#last.then(() => this.#run(command, limitMs));
    this.#last = result.catch(() => undefined);
    return result;
  }

  async #run(command: string, limitMs: number | undefined): Promise<CommandResult> {
    const marker = `walkthrough-${randomUUID()}`;
    const from = this.#output.length;
    this.#shell.stdin.write(`{\n${command}\n} </dev/null 2>&1; printf '\\n${marker} %d\\n' "$?"\n`);
    const finished = new RegExp(`\\n${marker} (\\d+)\\n`);
    return new Promise((resolvePromise, reject) => {
      const check = () => {
        const match = finished.exec(this.#output.slice(from));
        if (match !== null) {
          done();
          resolvePromise({ code: Number(match[1]), output: this.#output.slice(from, from + match.index) });
        } else if (this.#shell.exitCode !== null || this.#shell.signalCode !== null) {
          done();
          resolvePromise({ code: -1, output: this.#output.slice(from) });
        }
      };
      const timer =
        limitMs === undefined
          ? undefined
          : setTimeout(() => {
              done();
              reject(new Error(`"${command}" did not finish within ${limitMs} ms:\n${this.#output.slice(from)}`));
            }, limitMs);
      const done = () => {
        clearTimeout(timer);
        this.#wake.delete(check);
      };
      this.#wake.add(check);
      check();
    });
  }

  /** close stops the shell and everything its commands started, and waits for the shell to exit. */
  async close(): Promise<void> {
    if (this.#shell.exitCode !== null || this.#shell.signalCode !== null) return;
    const exited = new Promise<void>((resolvePromise) => this.#shell.once('exit', () => resolvePromise()));
    signalGroup(this.#shell.pid!, 'SIGTERM');
    const timer = setTimeout(() => signalGroup(this.#shell.pid!, 'SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
}

function signalGroup(leader: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-leader, signal);
  } catch {
    // The group has already gone.
  }
}
