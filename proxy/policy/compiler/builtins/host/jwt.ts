/*
 * io.jwt.* (OPA's topdown/tokens.go) over node:crypto: decoding, signature checks (HS*, RS*, PS*, ES*, EdDSA) with
 * keys given as a PEM certificate, a PEM public key or a JWK / JWK set, full verification with constraints, and
 * signing. io.jwt.decode_verify reads the clock from the evaluation (time.now_ns) unless a `time` is given.
 */

import {
  constants,
  createHmac,
  createPrivateKey,
  createPublicKey,
  type KeyObject,
  sign,
  timingSafeEqual,
  verify,
  X509Certificate,
} from 'node:crypto';
import type { HostBuiltinTable } from './builtin.js';
import { goString, utf8Bytes } from './bytes.js';
import { goJson } from './encoding.js';
import { BuiltinError } from './errors.js';
import { objectOperand, stringOperand } from './operands.js';
import { isJsonObject, type JsonObject, type RegoValue } from './value.js';

const ALGORITHMS = new Set([
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'HS256',
  'HS384',
  'HS512',
  'EdDSA',
]);

const HASH: Readonly<Record<string, string>> = { '256': 'sha256', '384': 'sha384', '512': 'sha512' };

class JwtError extends Error {}

interface Token {
  header: string;
  payload: string;
  signature: string;
}

function splitToken(text: string): Token {
  if (!text.includes('.')) throw new JwtError('encoded JWT had no period separators');
  const parts = text.split('.');
  if (parts.length !== 3) throw new JwtError(`encoded JWT must have 3 sections, found ${parts.length}`);
  return { header: parts[0]!, payload: parts[1]!, signature: parts[2]! };
}

/** base64urlBytes decodes base64url with or without padding, strictly (OPA's base64url.decode). */
function base64urlBytes(text: string, what: string): Uint8Array {
  let s = text;
  if (!s.endsWith('=')) {
    if (s.length % 4 === 2) s += '==';
    else if (s.length % 4 === 3) s += '=';
    else if (s.length % 4 === 1)
      throw new JwtError(`JWT ${what} had invalid encoding: illegal base64url string: ${text}`);
  }
  if (!/^(?:[A-Za-z0-9_-]{4})*(?:[A-Za-z0-9_-]{2}==|[A-Za-z0-9_-]{3}=)?$/.test(s)) {
    throw new JwtError(`JWT ${what} had invalid encoding`);
  }
  return new Uint8Array(Buffer.from(s, 'base64url'));
}

function jsonObject(text: string, what: string): JsonObject {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new JwtError(`${what}invalid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new JwtError(`${what}decoded JSON type was not an Object`);
  }
  return parsed as JsonObject;
}

function decodeHeader(token: Token): JsonObject {
  const header = jsonObject(goString(base64urlBytes(token.header, 'header')), 'bad JWT header: ');
  if (Object.hasOwn(header, 'enc')) throw new JwtError('JWT is a JWE object, which is not supported');
  return header;
}

function decode(text: string): RegoValue {
  const token = splitToken(text);
  const header = decodeHeader(token);
  let payloadText = goString(base64urlBytes(token.payload, 'payload'));
  if (header.cty === 'JWT') {
    // A nested token: its payload is another (possibly quoted) JWT.
    payloadText = payloadText.replace(/^["']+|["']+$/g, '');
    return decode(payloadText);
  }
  const payload = jsonObject(payloadText, '');
  const signature = Buffer.from(base64urlBytes(token.signature, 'signature')).toString('hex');
  return [header, payload, signature];
}

/** VerificationKey is one key a token may be checked against, with the algorithm and id a JWK names. */
interface VerificationKey {
  key: KeyObject | Uint8Array;
  alg: string;
  kid: string;
}

/** keysFrom reads a PEM certificate, a PEM public key, or a JWK / JWK set (OPA's getKeysFromCertOrJWK). */
function keysFrom(text: string): VerificationKey[] {
  const pem = /-----BEGIN ([A-Z ]+)-----[\s\S]*?-----END \1-----/.exec(text);
  if (pem !== null) {
    if (text.slice(pem.index + pem[0].length).trim() !== '')
      throw new JwtError('extra data after a PEM certificate block');
    if (pem[1] === 'CERTIFICATE') {
      try {
        return [{ key: new X509Certificate(pem[0]).publicKey, alg: '', kid: '' }];
      } catch (error) {
        throw new JwtError(`failed to parse a PEM certificate: ${(error as Error).message}`);
      }
    }
    if (pem[1] === 'PUBLIC KEY') return [{ key: createPublicKey(pem[0]), alg: '', kid: '' }];
    throw new JwtError('failed to extract a Key from the PEM certificate');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new JwtError('failed to parse a JWK key (set)');
  }
  const jwks = (parsed as { keys?: unknown }).keys;
  const list = Array.isArray(jwks) ? jwks : [parsed];
  return list.flatMap((jwk): VerificationKey[] => {
    if (typeof jwk !== 'object' || jwk === null) throw new JwtError('failed to parse a JWK key (set)');
    const record = jwk as Record<string, unknown>;
    const alg = typeof record.alg === 'string' ? record.alg : '';
    if (alg !== '' && !ALGORITHMS.has(alg)) return [];
    const kid = typeof record.kid === 'string' ? record.kid : '';
    if (record.kty === 'oct') {
      return [{ key: base64urlBytes(String(record.k ?? ''), 'key'), alg, kid }];
    }
    try {
      return [
        {
          key: createPublicKey({ key: record as unknown as import('node:crypto').JsonWebKey, format: 'jwk' }),
          alg,
          kid,
        },
      ];
    } catch (error) {
      throw new JwtError(`failed to parse a JWK key (set): ${(error as Error).message}`);
    }
  });
}

/** verifySignature checks `signature` over `signed` for algorithm `alg` (jwsbb.Verify). */
function verifySignature(key: KeyObject | Uint8Array, alg: string, signed: Uint8Array, signature: Uint8Array): boolean {
  try {
    const family = alg.slice(0, 2);
    if (alg === 'EdDSA') return !(key instanceof Uint8Array) && verify(null, signed, key, signature);
    const hash = HASH[alg.slice(2)];
    if (hash === undefined) return false;
    if (family === 'HS') {
      if (!(key instanceof Uint8Array)) return false;
      const mac = createHmac(hash, key).update(signed).digest();
      return mac.length === signature.length && timingSafeEqual(mac, signature);
    }
    if (key instanceof Uint8Array) return false;
    if (family === 'RS') return key.asymmetricKeyType === 'rsa' && verify(hash, signed, key, signature);
    if (family === 'PS') {
      return (
        key.asymmetricKeyType === 'rsa' &&
        verify(
          hash,
          signed,
          { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO },
          signature,
        )
      );
    }
    if (family === 'ES')
      return key.asymmetricKeyType === 'ec' && verify(hash, signed, { key, dsaEncoding: 'ieee-p1363' }, signature);
    return false;
  } catch {
    return false;
  }
}

/** verifyWith is one io.jwt.verify_<alg>: any key whose algorithm fits, the key named by `kid` first. */
function verifyWith(
  builtin: string,
  alg: string,
  tokenText: RegoValue | undefined,
  keyText: RegoValue | undefined,
): boolean {
  const token = splitToken(stringOperand(builtin, 1, tokenText));
  const keys = keysFrom(stringOperand(builtin, 2, keyText));
  const signature = base64urlBytes(token.signature, 'signature');
  const header = decodeHeader(token);
  const signed = utf8Bytes(`${token.header}.${token.payload}`);
  const kid = typeof header.kid === 'string' ? header.kid : '';
  const headerAlg = typeof header.alg === 'string' ? header.alg : '';
  const byKid = kid === '' ? undefined : keys.find((k) => k.kid === kid);
  if (byKid !== undefined) return verifySignature(byKid.key, alg, signed, signature);
  return keys.some((k) => (k.alg === '' || k.alg === headerAlg) && verifySignature(k.key, alg, signed, signature));
}

function verifyHmac(
  builtin: string,
  hash: string,
  tokenText: RegoValue | undefined,
  secret: RegoValue | undefined,
): boolean {
  const token = splitToken(stringOperand(builtin, 1, tokenText));
  const key = utf8Bytes(stringOperand(builtin, 2, secret));
  const mac = createHmac(hash, key)
    .update(utf8Bytes(`${token.header}.${token.payload}`))
    .digest();
  const signature = base64urlBytes(token.signature, 'signature');
  return mac.length === signature.length && timingSafeEqual(mac, signature);
}

interface Constraints {
  secret: string;
  alg: string;
  iss: string;
  aud: string;
  keys: VerificationKey[] | undefined;
  /** Seconds since the epoch. */
  time: number;
}

function constraintsFrom(object: JsonObject, nowNs: () => bigint): Constraints {
  const constraints: Constraints = { secret: '', alg: '', iss: '', aud: '', keys: undefined, time: -1 };
  for (const [name, value] of Object.entries(object)) {
    switch (name) {
      case 'cert':
        if (typeof value !== 'string') throw new JwtError('cert constraint: must be a string');
        constraints.keys = keysFrom(value);
        break;
      case 'secret':
      case 'alg':
      case 'iss':
      case 'aud':
        if (typeof value !== 'string') throw new JwtError(`${name} constraint: must be a string`);
        constraints[name] = value;
        break;
      case 'time':
        if (typeof value !== 'number' && typeof value !== 'bigint')
          throw new JwtError('token time constraint: must be a number');
        if (value < 0) throw new JwtError('token time constraint: must not be negative');
        constraints.time = Number(value) / 1e9;
        break;
      default:
        throw new JwtError(`unknown token validation constraint: ${name}`);
    }
  }
  if (constraints.time === -1) constraints.time = Number(nowNs()) / 1e9;
  const keyConstraints = (constraints.keys !== undefined ? 1 : 0) + (constraints.secret !== '' ? 1 : 0);
  if (keyConstraints > 1) throw new JwtError('duplicate key constraints');
  if (keyConstraints < 1) throw new JwtError('no key constraint');
  return constraints;
}

const UNVERIFIED: RegoValue = [false, {}, {}];
const KNOWN_HEADERS = new Set(['alg', 'kid', 'typ', 'cty', 'crit']);

function decodeVerify(tokenText: string, constraints: Constraints): RegoValue {
  let text = tokenText;
  let header: JsonObject;
  let payloadText: string;
  for (;;) {
    const token = splitToken(text);
    header = decodeHeader(token);
    for (const name of ['alg', 'kid', 'typ', 'cty'] as const) {
      if (header[name] !== undefined && typeof header[name] !== 'string')
        throw new JwtError(`${name}: must be a string`);
    }
    const crit = header.crit;
    if (crit !== undefined && (!Array.isArray(crit) || crit.length === 0))
      throw new JwtError('crit: must be a nonempty list');
    const alg = (header.alg as string | undefined) ?? '';
    const critical = new Set(
      (crit as RegoValue[] | undefined)?.filter((c): c is string => typeof c === 'string') ?? [],
    );
    if (alg === '' || Object.keys(header).some((k) => !KNOWN_HEADERS.has(k) && critical.has(k))) return UNVERIFIED;
    if (constraints.alg !== '' && constraints.alg !== alg) return UNVERIFIED;
    const signature = base64urlBytes(token.signature, 'signature');
    const signed = utf8Bytes(`${token.header}.${token.payload}`);
    const kid = (header.kid as string | undefined) ?? '';
    let verified: boolean;
    if (constraints.keys !== undefined) {
      const byKid = kid === '' ? undefined : constraints.keys.find((k) => k.kid === kid);
      verified =
        byKid !== undefined
          ? verifySignature(byKid.key, alg, signed, signature)
          : constraints.keys.some(
              (k) => (k.alg === '' || k.alg === alg) && verifySignature(k.key, alg, signed, signature),
            );
    } else {
      verified = verifySignature(utf8Bytes(constraints.secret), alg, signed, signature);
    }
    if (!verified) return UNVERIFIED;
    payloadText = goString(base64urlBytes(token.payload, 'payload'));
    if (typeof header.cty === 'string' && header.cty.toUpperCase() === 'JWT') {
      text = payloadText;
      continue;
    }
    break;
  }
  const payload = jsonObject(payloadText, '');
  if (constraints.iss !== '' && payload.iss !== constraints.iss) return UNVERIFIED;
  const aud = payload.aud;
  if (aud !== undefined) {
    const ok =
      typeof aud === 'string' ? aud === constraints.aud : Array.isArray(aud) && aud.some((a) => a === constraints.aud);
    if (!ok) return UNVERIFIED;
  } else if (constraints.aud !== '') {
    return UNVERIFIED;
  }
  if (payload.exp !== undefined) {
    if (typeof payload.exp !== 'number') throw new JwtError('exp value must be a number');
    if (constraints.time >= payload.exp) return UNVERIFIED;
  }
  if (payload.nbf !== undefined) {
    if (typeof payload.nbf !== 'number') throw new JwtError('nbf value must be a number');
    if (constraints.time < payload.nbf) return UNVERIFIED;
  }
  return [true, header, payload];
}

/** signingKey reads the first key of a JWK or JWK set, private for asymmetric algorithms. */
function signingKey(jwkText: string): KeyObject | Uint8Array {
  let parsed: unknown;
  try {
    parsed = JSON.parse(jwkText);
  } catch (error) {
    throw new JwtError((error as Error).message);
  }
  const keys = (parsed as { keys?: unknown }).keys;
  const first = Array.isArray(keys) ? keys[0] : parsed;
  if (typeof first !== 'object' || first === null) throw new JwtError('no keys found in JWK set');
  const record = first as Record<string, unknown>;
  if (record.kty === 'oct') return base64urlBytes(String(record.k ?? ''), 'key');
  try {
    return createPrivateKey({ key: record as unknown as import('node:crypto').JsonWebKey, format: 'jwk' });
  } catch (error) {
    throw new JwtError(`failed to parse JWK: ${(error as Error).message}`);
  }
}

function signBytes(key: KeyObject | Uint8Array, alg: string, signed: Uint8Array): Uint8Array {
  if (alg.startsWith('HS')) {
    if (!(key instanceof Uint8Array)) throw new JwtError(`invalid key type for ${alg}`);
    return createHmac(HASH[alg.slice(2)]!, key).update(signed).digest();
  }
  if (key instanceof Uint8Array) throw new JwtError(`invalid key type for ${alg}`);
  if (alg === 'EdDSA') return sign(null, signed, key);
  const hash = HASH[alg.slice(2)]!;
  if (alg.startsWith('RS')) return sign(hash, signed, key);
  if (alg.startsWith('PS')) {
    return sign(hash, signed, {
      key,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
    });
  }
  return sign(hash, signed, { key, dsaEncoding: 'ieee-p1363' });
}

function encodeSign(headerText: string, payloadText: string, jwkText: string): string {
  const key = signingKey(jwkText);
  const header = jsonObject(headerText, '');
  const alg = header.alg;
  if (typeof alg !== 'string') throw new JwtError("missing or invalid 'alg' header");
  if (!ALGORITHMS.has(alg)) throw new JwtError(`unknown JWS algorithm: ${alg}`);
  const typ = header.typ;
  if (typeof typ !== 'string' || typ === 'JWT') {
    try {
      JSON.parse(payloadText);
    } catch {
      throw new JwtError('type is JWT but payload is not JSON');
    }
  }
  const signingInput = `${Buffer.from(utf8Bytes(headerText)).toString('base64url')}.${Buffer.from(utf8Bytes(payloadText)).toString('base64url')}`;
  const signature = signBytes(key, alg, utf8Bytes(signingInput));
  return `${signingInput}.${Buffer.from(signature).toString('base64url')}`;
}

/** wrap turns a JwtError into OPA's `name: message` built-in error. */
function wrap<T>(builtin: string, compute: () => T): T {
  try {
    return compute();
  } catch (error) {
    if (error instanceof JwtError) throw new BuiltinError(`${builtin}: ${error.message}`);
    throw error;
  }
}

const asymmetric = (alg: string) => (args: readonly RegoValue[]) => {
  const name = `io.jwt.verify_${alg.toLowerCase()}`;
  return wrap(name, () => verifyWith(name, alg, args[0], args[1]));
};

const hmac = (bits: string) => (args: readonly RegoValue[]) => {
  const name = `io.jwt.verify_hs${bits}`;
  return wrap(name, () => verifyHmac(name, HASH[bits]!, args[0], args[1]));
};

/** JWT_BUILTINS implements io.jwt.*. */
export const JWT_BUILTINS: HostBuiltinTable = {
  'io.jwt.decode': ([token]) => wrap('io.jwt.decode', () => decode(stringOperand('io.jwt.decode', 1, token))),
  'io.jwt.verify_rs256': asymmetric('RS256'),
  'io.jwt.verify_rs384': asymmetric('RS384'),
  'io.jwt.verify_rs512': asymmetric('RS512'),
  'io.jwt.verify_ps256': asymmetric('PS256'),
  'io.jwt.verify_ps384': asymmetric('PS384'),
  'io.jwt.verify_ps512': asymmetric('PS512'),
  'io.jwt.verify_es256': asymmetric('ES256'),
  'io.jwt.verify_es384': asymmetric('ES384'),
  'io.jwt.verify_es512': asymmetric('ES512'),
  'io.jwt.verify_eddsa': asymmetric('EdDSA'),
  'io.jwt.verify_hs256': hmac('256'),
  'io.jwt.verify_hs384': hmac('384'),
  'io.jwt.verify_hs512': hmac('512'),

  'io.jwt.decode_verify': ([token, constraints], call) => {
    const name = 'io.jwt.decode_verify';
    const object = objectOperand(name, 2, constraints);
    if (!isJsonObject(object)) throw new BuiltinError(`${name}: operand 2 must have string keys`);
    return wrap(name, () =>
      decodeVerify(
        stringOperand(name, 1, token),
        constraintsFrom(object, () => call.scope.current().nowNs),
      ),
    );
  },

  'io.jwt.encode_sign': ([headers, payload, key]) => {
    const name = 'io.jwt.encode_sign';
    // OPA marshals each argument with Go's encoding/json: sorted keys, HTML-safe escaping, sets as arrays.
    const text = (value: RegoValue | undefined, position: number): string =>
      goJson(objectOperand(name, position, value), undefined, '');
    return wrap(name, () => encodeSign(text(headers, 1), text(payload, 2), text(key, 3)));
  },

  'io.jwt.encode_sign_raw': ([headers, payload, key]) => {
    const name = 'io.jwt.encode_sign_raw';
    return wrap(name, () =>
      encodeSign(stringOperand(name, 1, headers), stringOperand(name, 2, payload), stringOperand(name, 3, key)),
    );
  },
};
