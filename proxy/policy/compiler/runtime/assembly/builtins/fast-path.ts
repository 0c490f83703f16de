// Fast paths of host built-ins. A host built-in may have a runtime export that answers the common cases of a call
// natively and declines the rest; the emitted code calls it first and calls the host (`airlock_call_host`) only
// when it declines. A fast path must give exactly the host's answer or decline: the host stays the reference.

/** HOST_FAST_PATH_DECLINED is what a fast path returns to leave a call to the host: never a value's address. */
export const HOST_FAST_PATH_DECLINED: usize = 1;
