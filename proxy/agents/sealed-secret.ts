import { createCipheriv, createDecipheriv, type KeyObject, randomBytes } from 'node:crypto';

/** SealedSecret is a secret encrypted with AES-256-GCM, each part in base64. */
export interface SealedSecret {
  /** 12 random bytes, fresh for every seal. */
  readonly iv: string;
  readonly ciphertext: string;
  /** The 16-byte GCM tag: it authenticates the ciphertext and the binding. */
  readonly tag: string;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * sealSecret encrypts `secret` under `key`, with `binding` as additional authenticated data: the sealed secret opens
 * only with the same binding, so it cannot be moved to another record.
 */
export function sealSecret(key: KeyObject, secret: string, binding: string): SealedSecret {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(binding, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return {
    iv: iv.toString('base64'),
    ciphertext: ciphertext.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
  };
}

/**
 * openSealedSecret decrypts a sealed secret, or returns undefined if it does not authenticate: altered, sealed
 * with another binding, or under another key.
 */
export function openSealedSecret(key: KeyObject, sealed: SealedSecret, binding: string): string | undefined {
  const iv = Buffer.from(sealed.iv, 'base64');
  const tag = Buffer.from(sealed.tag, 'base64');
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(binding, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, 'base64')), decipher.final()]).toString(
      'utf8',
    );
  } catch {
    return undefined;
  }
}
