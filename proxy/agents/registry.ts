import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { LRUCache } from 'lru-cache';
import {
  AgentExistsError,
  AgentNotFoundError,
  AgentRegistryError,
  AgentSecretIntegrityError,
  InvalidArgumentError,
  SecretsKeyError,
} from '../core/errors.js';
import { ACCESS_KEY_ID_PATTERN, AgentAccessKey, issueAccessKeyId, issueSecretAccessKey } from './access-key.js';
import { type AgentRecord, type AgentListing, type NewAgent, validateNewAgent } from './agent-record.js';
import { writeFileAtomically } from '../core/atomic-file.js';
import { withFileLock } from './file-lock.js';
import { parseRegistry, type RegistryContents, serializeRegistry, type StoredAgent } from './registry-file.js';
import { openSealedSecret, sealSecret } from './sealed-secret.js';
import { loadSecretsKey, type SecretsKey } from './secrets-key.js';

/** AgentRegistryOptions tune a registry; the defaults suit `airlock serve`. */
export interface AgentRegistryOptions {
  /** Where `AIRLOCK_SECRETS_KEY` is read from; default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * How often a lookup of a known key checks agents.json for changes made by other processes (one `stat`);
   * default 1000 ms. A removed or rotated key keeps working in a running `serve` for at most this long.
   */
  readonly refreshIntervalMs?: number;
  /** How many decrypted secrets are kept in memory; default 10 000. */
  readonly cacheSize?: number;
  /** How long a change waits for another process that is writing agents.json; default 10 000 ms. */
  readonly lockTimeoutMs?: number;
  /** The clock for `createdAt`. */
  readonly now?: () => Date;
}

/** AGENTS_FILE is the registry's file in the state directory. */
export const AGENTS_FILE = 'agents.json';

const LOCK_STALE_MS = 30_000;

/** RegistryView is agents.json as last read, indexed both ways, with the file identity it was read from. */
interface RegistryView {
  readonly byId: ReadonlyMap<string, StoredAgent>;
  readonly byAccessKeyId: ReadonlyMap<string, StoredAgent>;
  /** inode, size, mtime and ctime of the file read (nanoseconds); `absent` before the first agent is added. */
  readonly fileIdentity: string;
}

/**
 * AgentRegistry is the record of agents Airlock issued access keys to, kept in `agents.json` in the state directory.
 *
 * - Secrets are never stored in clear: each is sealed with AES-256-GCM under the secrets key (see secrets-key.ts),
 *   with the agent's whole public record and access key id as additional authenticated data, so a sealed secret
 *   cannot be moved to another agent and the record's owner, groups, labels and account cannot be edited. A record
 *   that fails this check makes `lookupSecret` and `get` throw AgentSecretIntegrityError: the call is refused and
 *   the operator is told, rather than the agent looking merely unknown.
 * - Changes (`add`, `remove`, `rotate`, `disable`, `enable`) may come from several processes at once: each holds a
 *   lock file, re-reads agents.json, and replaces it atomically (temporary file, fsync, rename, fsync directory).
 * - Readers see other processes' changes: a lookup of an unknown key re-reads the file at once if it changed (so
 *   an agent can call the moment `airlock agent add` returns); a lookup of a known key checks at most once per
 *   `refreshIntervalMs`, so the hot path is a map lookup and, usually, a cache hit.
 */
export class AgentRegistry {
  /** The state directory, absolute. */
  readonly stateDir: string;
  readonly #file: string;
  readonly #key: SecretsKey;
  readonly #refreshIntervalMs: number;
  readonly #lockTimeoutMs: number;
  readonly #now: () => Date;
  readonly #secrets: LRUCache<string, AgentAccessKey>;
  #view: RegistryView;
  #checkedAt = performance.now();

  private constructor(stateDir: string, key: SecretsKey, options: AgentRegistryOptions) {
    this.stateDir = stateDir;
    this.#file = join(stateDir, AGENTS_FILE);
    this.#key = key;
    this.#refreshIntervalMs = integerAtLeast(0, options.refreshIntervalMs ?? 1000, 'refreshIntervalMs');
    this.#lockTimeoutMs = integerAtLeast(0, options.lockTimeoutMs ?? 10_000, 'lockTimeoutMs');
    this.#secrets = new LRUCache({ max: integerAtLeast(1, options.cacheSize ?? 10_000, 'cacheSize') });
    this.#now = options.now ?? (() => new Date());
    this.#view = this.#readView();
  }

  /**
   * open opens the registry in `stateDir`, creating the directory (mode 0700) and the secrets key if missing.
   *
   * @throws SecretsKeyError when the key is malformed, exposed, missing while agents exist, or not the key
   *   agents.json was written with
   * @throws AgentRegistryError when the directory cannot be created or agents.json is malformed
   */
  static open(stateDir: string, options: AgentRegistryOptions = {}): AgentRegistry {
    const directory = resolve(stateDir);
    try {
      mkdirSync(directory, { recursive: true, mode: 0o700 });
    } catch (error) {
      throw new AgentRegistryError(`cannot create state directory ${directory} (${errorCode(error)})`, {
        cause: error,
      });
    }
    // With agents on disk, a missing key file must be restored, not replaced by a new key that opens nothing.
    const hasAgents = existsSync(join(directory, AGENTS_FILE));
    return new AgentRegistry(directory, loadSecretsKey(directory, options.env ?? process.env, !hasAgents), options);
  }

  /**
   * lookupSecret finds the agent and secret behind an access key id; it is identify's `LookupAgentSecret`.
   * Undefined for keys Airlock never issued, removed, rotated away, or whose agent is disabled.
   *
   * @throws AgentSecretIntegrityError when the key's record in agents.json does not authenticate
   */
  readonly lookupSecret = (accessKeyId: string): AgentAccessKey | undefined => {
    // Malformed ids are refused before any file system work, so junk keys cost nothing.
    if (!ACCESS_KEY_ID_PATTERN.test(accessKeyId)) return undefined;
    this.#refresh(false);
    let record = this.#view.byAccessKeyId.get(accessKeyId);
    if (record === undefined && this.#refresh(true)) record = this.#view.byAccessKeyId.get(accessKeyId);
    if (record === undefined || record.disabled) return undefined;
    return this.#unseal(record);
  };

  /**
   * get returns an agent's public record (the policy's `input.agent`, plus its account), or undefined if there is
   * no such agent. Disabled agents are returned too; `lookupSecret` is what refuses them.
   *
   * @throws AgentSecretIntegrityError when the agent's record in agents.json does not authenticate
   */
  get(id: string): AgentRecord | undefined {
    this.#refresh(false);
    let record = this.#view.byId.get(id);
    if (record === undefined && this.#refresh(true)) record = this.#view.byId.get(id);
    if (record === undefined) return undefined;
    this.#unseal(record);
    return publicRecord(record);
  }

  /** list returns every agent, in the order they were added, without secrets. It shows agents.json as it is now. */
  list(): AgentListing[] {
    this.#refresh(true);
    return [...this.#view.byId.values()].map((record) => ({
      ...publicRecord(record),
      accessKeyId: record.accessKeyId,
      createdAt: record.createdAt,
      disabled: record.disabled === true,
    }));
  }

  /**
   * add registers an agent and issues its access key. The returned key carries the secret, which is shown this
   * once: Airlock keeps only the sealed copy.
   *
   * @throws InvalidArgumentError for a field that is not valid (see validateNewAgent)
   * @throws AgentExistsError when an agent with this id exists
   */
  async add(newAgent: NewAgent): Promise<AgentAccessKey> {
    const agent = validateNewAgent(newAgent);
    const createdAt = this.#now().toISOString();
    return this.#change((agents) => {
      if (agents.some((existing) => existing.id === agent.id)) {
        throw new AgentExistsError(`agent ${agent.id} already exists; rotate it to issue a new key`);
      }
      const { stored, accessKey } = this.#issueKey(agent, createdAt, agents);
      return { agents: [...agents, stored], result: accessKey };
    });
  }

  /**
   * rotate issues an agent a new access key and secret; the old key stops working at once in this process, and
   * within `refreshIntervalMs` in others.
   *
   * @throws AgentNotFoundError
   */
  async rotate(id: string): Promise<AgentAccessKey> {
    return this.#change((agents) => {
      const current = findAgent(agents, id);
      const { stored, accessKey } = this.#issueKey(publicRecord(current), current.createdAt, agents);
      const rotated: StoredAgent = current.disabled ? { ...stored, disabled: true } : stored;
      return { agents: agents.map((agent) => (agent === current ? rotated : agent)), result: accessKey };
    });
  }

  /**
   * remove deletes an agent and its key.
   *
   * @throws AgentNotFoundError
   */
  async remove(id: string): Promise<void> {
    return this.#change((agents) => {
      const current = findAgent(agents, id);
      return { agents: agents.filter((agent) => agent !== current), result: undefined };
    });
  }

  /**
   * disable stops an agent's key from working, keeping its record; enable undoes it.
   *
   * @throws AgentNotFoundError
   */
  async disable(id: string): Promise<void> {
    return this.#setDisabled(id, true);
  }

  /**
   * enable lets a disabled agent's key work again.
   *
   * @throws AgentNotFoundError
   */
  async enable(id: string): Promise<void> {
    return this.#setDisabled(id, false);
  }

  async #setDisabled(id: string, disabled: boolean): Promise<void> {
    return this.#change((agents) => {
      const current = findAgent(agents, id);
      const { disabled: _was, ...rest } = current;
      const updated: StoredAgent = disabled ? { ...rest, disabled: true } : rest;
      return { agents: agents.map((agent) => (agent === current ? updated : agent)), result: undefined };
    });
  }

  #issueKey(
    agent: AgentRecord,
    createdAt: string,
    agents: readonly StoredAgent[],
  ): { stored: StoredAgent; accessKey: AgentAccessKey } {
    let accessKeyId = issueAccessKeyId();
    // 80 random bits make a collision practically impossible; checking costs nothing and makes it impossible.
    while (agents.some((existing) => existing.accessKeyId === accessKeyId)) accessKeyId = issueAccessKeyId();
    const secret = issueSecretAccessKey();
    const unsealed = { ...agent, accessKeyId, createdAt };
    const stored: StoredAgent = { ...unsealed, sealedSecret: sealSecret(this.#key.key, secret, bindingOf(unsealed)) };
    return { stored, accessKey: new AgentAccessKey(agent.id, accessKeyId, secret) };
  }

  /**
   * #change applies one change under the lock, to agents.json as it is on disk at that moment (not this process's
   * possibly older view), writes the result atomically, and adopts it as this process's view.
   */
  async #change<T>(
    apply: (agents: readonly StoredAgent[]) => { agents: readonly StoredAgent[]; result: T },
  ): Promise<T> {
    return withFileLock(
      `${this.#file}.lock`,
      async () => {
        const current = this.#readView();
        const { agents, result } = apply([...current.byId.values()]);
        const contents: RegistryContents = { keyFingerprint: this.#key.fingerprint, agents };
        try {
          await writeFileAtomically(this.#file, serializeRegistry(contents), 0o600);
        } catch (error) {
          throw new AgentRegistryError(`cannot write ${this.#file} (${errorCode(error)})`, { cause: error });
        }
        this.#adopt(this.#readView());
        return result;
      },
      { timeoutMs: this.#lockTimeoutMs, staleMs: LOCK_STALE_MS },
    );
  }

  /**
   * #refresh re-reads agents.json if its identity changed; unless `force`, it checks at most once per
   * `refreshIntervalMs`. Returns whether the view changed.
   */
  #refresh(force: boolean): boolean {
    const now = performance.now();
    if (!force && now - this.#checkedAt < this.#refreshIntervalMs) return false;
    this.#checkedAt = now;
    if (fileIdentity(this.#file) === this.#view.fileIdentity) return false;
    this.#adopt(this.#readView());
    return true;
  }

  #adopt(view: RegistryView): void {
    this.#view = view;
    // Cached secrets may belong to records that changed or went; they are cheap to unseal again.
    this.#secrets.clear();
  }

  /** #readView reads agents.json through one descriptor, so the identity recorded is that of the bytes read. */
  #readView(): RegistryView {
    let fd: number;
    try {
      fd = openSync(this.#file, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return indexView([], 'absent');
      throw new AgentRegistryError(`cannot read ${this.#file} (${errorCode(error)})`, { cause: error });
    }
    let text: string;
    let identity: string;
    try {
      identity = identityOf(fstatSync(fd, { bigint: true }));
      text = readFileSync(fd, 'utf8');
    } finally {
      closeSync(fd);
    }
    const contents = parseRegistry(text, this.#file);
    if (contents.keyFingerprint !== this.#key.fingerprint) {
      throw new SecretsKeyError(
        `${this.#file} was written with a different secrets key than the one in ${this.#key.source}; ` +
          'restore the key it was written with',
      );
    }
    return indexView(contents.agents, identity);
  }

  #unseal(record: StoredAgent): AgentAccessKey {
    const cached = this.#secrets.get(record.accessKeyId);
    if (cached !== undefined) return cached;
    const secret = openSealedSecret(this.#key.key, record.sealedSecret, bindingOf(record));
    if (secret === undefined) {
      throw new AgentSecretIntegrityError(
        `the record of agent ${record.id} (access key ${record.accessKeyId}) in ${this.#file} does not authenticate: ` +
          'it was altered or copied from another agent; remove the agent and add it again',
      );
    }
    const accessKey = new AgentAccessKey(record.id, record.accessKeyId, secret);
    this.#secrets.set(record.accessKeyId, accessKey);
    return accessKey;
  }
}

/**
 * bindingOf is the additional authenticated data a secret is sealed with: every field of the record except the
 * secret itself and `disabled` (which only ever narrows what the key may do). A version tag leads, so a later
 * layout can never collide with this one.
 */
function bindingOf(record: AgentRecord & { readonly accessKeyId: string; readonly createdAt: string }): string {
  const labels = Object.entries(record.labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([
    'airlock-agent-secret/1',
    record.id,
    record.accessKeyId,
    record.owner,
    record.groups,
    labels,
    record.account ?? null,
    record.createdAt,
  ]);
}

function publicRecord(record: StoredAgent): AgentRecord {
  return {
    id: record.id,
    owner: record.owner,
    groups: [...record.groups],
    labels: { ...record.labels },
    ...(record.account === undefined ? {} : { account: record.account }),
  };
}

function findAgent(agents: readonly StoredAgent[], id: string): StoredAgent {
  const agent = agents.find((candidate) => candidate.id === id);
  if (agent === undefined) throw new AgentNotFoundError(`there is no agent named ${id}`);
  return agent;
}

function indexView(agents: readonly StoredAgent[], fileIdentity: string): RegistryView {
  return {
    byId: new Map(agents.map((agent) => [agent.id, agent])),
    byAccessKeyId: new Map(agents.map((agent) => [agent.accessKeyId, agent])),
    fileIdentity,
  };
}

function fileIdentity(path: string): string {
  try {
    return identityOf(statSync(path, { bigint: true }));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'absent';
    throw new AgentRegistryError(`cannot read ${path} (${errorCode(error)})`, { cause: error });
  }
}

function identityOf(stat: { ino: bigint; size: bigint; mtimeNs: bigint; ctimeNs: bigint }): string {
  return `${stat.ino}:${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}`;
}

function integerAtLeast(min: number, value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < min)
    throw new InvalidArgumentError(`${name} must be an integer >= ${min}`);
  return value;
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? 'error';
}
