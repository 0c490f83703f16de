import { REDACTED } from '../core/redacted.js';
import { formatPath } from './canonical-json.js';

/**
 * AUDIT_REDACTED is the one value a secret-looking key may hold in audit data: it records that a secret was present
 * (a `Password` parameter, an `Authorization` header) without recording the secret.
 */
export const AUDIT_REDACTED = REDACTED;

// Endings of a normalised key name (lower case, letters and digits only) that name a credential. Endings rather
// than substrings, because AWS parameters such as `SecretId`, `MinimumPasswordLength`, `PasswordResetRequired` and
// `AuthorizationType` name things that are not secrets, and `MasterUserPassword`, `SessionToken`, `ClientSecret`
// and `SecretAccessKey` all end in what they are.
const SECRET_NAME_ENDINGS = [
  'secret',
  'secretkey',
  'secretaccesskey',
  'secretstring',
  'secretbinary',
  'secretvalue',
  'password',
  'passwd',
  'passphrase',
  'token',
  'authorization',
  'privatekey',
  'apikey',
  'cookie',
] as const;

// Tokens that AWS APIs pass everywhere and that grant nothing: pagination cursors and idempotency keys.
const NOT_SECRET_TOKEN_ENDINGS = [
  'nexttoken',
  'pagetoken',
  'startingtoken',
  'continuationtoken',
  'paginationtoken',
  'clienttoken',
  'clientrequesttoken',
  'idempotencytoken',
] as const;

/**
 * The verdicts on key names seen so far. Audit data reuses a few dozen names on every call, and normalising and
 * matching each name again cost more than the rest of the check; the bound keeps arbitrary parameter names from
 * growing it without end.
 */
const verdicts = new Map<string, boolean>();
const MAX_VERDICTS = 4096;

/**
 * isSecretLookingName tells whether an object key names a secret. The rule: lower-case the key and drop everything
 * but `a-z` and `0-9` (so `Secret_Access_Key`, `secret-access-key` and `SecretAccessKey` are one name); it looks
 * like a secret when it ends with `secret`, `secretkey`, `secretaccesskey`, `secretstring`, `secretbinary`,
 * `secretvalue`, `password`, `passwd`, `passphrase`, `token`, `authorization`, `privatekey`, `apikey` or `cookie`,
 * unless it ends with a pagination or idempotency token's name (`NextToken`, `ContinuationToken`, `ClientToken`,
 * `ClientRequestToken`, …).
 */
export function isSecretLookingName(key: string): boolean {
  let verdict = verdicts.get(key);
  if (verdict === undefined) {
    const name = key.toLowerCase().replace(/[^a-z0-9]/g, '');
    verdict =
      SECRET_NAME_ENDINGS.some((ending) => name.endsWith(ending)) &&
      !NOT_SECRET_TOKEN_ENDINGS.some((ending) => name.endsWith(ending));
    if (verdicts.size >= MAX_VERDICTS) verdicts.clear();
    verdicts.set(key, verdict);
  }
  return verdict;
}

/**
 * findSecretLookingKey returns the path of the first key, at any depth of a JSON value, that looks like a secret
 * (see isSecretLookingName) and holds anything but AUDIT_REDACTED; undefined when there is none. Values are not
 * inspected: a secret under an innocent name passes. The rule catches the mistake of logging a credential-bearing
 * object whole, it does not redact.
 */
export function findSecretLookingKey(value: unknown, root = 'data'): string | undefined {
  const keys: Array<string | number> = [];
  return search(value, keys) ? formatPath(root, keys) : undefined;
}

/** search leaves `keys` holding the path to the first secret-looking key and returns true, or returns false. */
function search(value: unknown, keys: Array<string | number>): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      keys.push(index);
      if (search(value[index], keys)) return true;
      keys.pop();
    }
    return false;
  }
  for (const [key, member] of Object.entries(value)) {
    keys.push(key);
    if (isSecretLookingName(key) && member !== AUDIT_REDACTED) return true;
    if (search(member, keys)) return true;
    keys.pop();
  }
  return false;
}
