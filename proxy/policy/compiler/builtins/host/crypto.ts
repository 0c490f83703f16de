/*
 * Hashes and HMACs (OPA's topdown/crypto.go): digests of the string's UTF-8 bytes, as lowercase hex.
 * crypto.parse_private_keys lives in x509.ts with the other PEM parsing.
 */

import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { HostBuiltinTable } from './builtin.js';
import { utf8Bytes } from './bytes.js';
import { stringOperand } from './operands.js';
import type { RegoValue } from './value.js';

const digest =
  (name: string, algorithm: string) =>
  ([value]: readonly RegoValue[]): string =>
    createHash(algorithm)
      .update(utf8Bytes(stringOperand(name, 1, value)))
      .digest('hex');

const hmac =
  (name: string, algorithm: string) =>
  ([value, key]: readonly RegoValue[]): string =>
    createHmac(algorithm, utf8Bytes(stringOperand(name, 2, key)))
      .update(utf8Bytes(stringOperand(name, 1, value)))
      .digest('hex');

/** CRYPTO_BUILTINS implements crypto.md5/sha1/sha256 and crypto.hmac.*. */
export const CRYPTO_BUILTINS: HostBuiltinTable = {
  'crypto.md5': digest('crypto.md5', 'md5'),
  'crypto.sha1': digest('crypto.sha1', 'sha1'),
  'crypto.sha256': digest('crypto.sha256', 'sha256'),
  'crypto.hmac.md5': hmac('crypto.hmac.md5', 'md5'),
  'crypto.hmac.sha1': hmac('crypto.hmac.sha1', 'sha1'),
  'crypto.hmac.sha256': hmac('crypto.hmac.sha256', 'sha256'),
  'crypto.hmac.sha512': hmac('crypto.hmac.sha512', 'sha512'),
  'crypto.hmac.equal': ([first, second]) => {
    // Constant time, as Go's hmac.Equal: the comparison must not leak where two MACs differ.
    const a = utf8Bytes(stringOperand('crypto.hmac.equal', 1, first));
    const b = utf8Bytes(stringOperand('crypto.hmac.equal', 2, second));
    return a.length === b.length && timingSafeEqual(a, b);
  },
};
