/*
 * crypto.x509.* and crypto.parse_private_keys: not implemented on the host yet (a call is refused at compile
 * time, since no implementation is registered). OPA returns Go's x509.Certificate structures marshalled to JSON;
 * reproducing them field for field is the job of a later change.
 */

import type { HostBuiltinTable } from './builtin.js';

/** X509_BUILTINS is empty for now (see the file comment). */
export const X509_BUILTINS: HostBuiltinTable = {};
