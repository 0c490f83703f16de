/**
 * @peculiar/x509 made ready to use. The library resolves its parts through tsyringe, which needs a Reflect metadata
 * polyfill loaded before it, and it signs with whichever WebCrypto provider is registered: Node's own.
 */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(globalThis.crypto);

/** EC_P256 is the key algorithm of the CA and of every leaf: fast to generate (~0.2 ms) and accepted by every SDK. */
export const EC_P256: EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };

/** ECDSA_SHA256 is the signature algorithm paired with P-256 keys. */
export const ECDSA_SHA256: EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' };

export { x509 };
