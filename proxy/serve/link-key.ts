import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { LinkKeyError } from '../core/errors.js';
import { createPrivateFile, type PrivateFileOptions, readPrivateFile } from '../core/private-file.js';

/** LINK_KEY_FILE holds the key that signs approval links and the approval page's CSRF tokens. */
export const LINK_KEY_FILE = 'link.key';
const LINK_KEY_BYTES = 32;

const LINK_KEY_FILE_OPTIONS: PrivateFileOptions = {
  exactBytes: LINK_KEY_BYTES,
  errors: {
    fileDescription: 'approval link key file',
    exposedAdvice: 'run chmod 600 on it; whoever read it can make links to any approval page, so replace it',
    errorClass: LinkKeyError,
  },
};

/**
 * loadOrCreateLinkKey reads the state directory's link key, creating it on first start. Every process sharing the
 * state directory signs with the same key, so a link made by one opens on any; replacing the file voids every link
 * sent so far, which is how a leaked link key is revoked.
 */
export function loadOrCreateLinkKey(stateDir: string): Buffer {
  const path = join(stateDir, LINK_KEY_FILE);
  return (
    readPrivateFile(path, LINK_KEY_FILE_OPTIONS) ??
    createPrivateFile(path, randomBytes(LINK_KEY_BYTES), LINK_KEY_FILE_OPTIONS)
  );
}
