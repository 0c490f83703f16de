const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const HOST_PATTERN = new RegExp(`^(?:\\*\\.)?${LABEL}(?:\\.${LABEL})*$`);

/**
 * isHostPattern says whether `pattern` is a host pattern: an exact host name (`sts.amazonaws.com`) or a wildcard
 * suffix (`*.amazonaws.com`, which matches any name ending in `.amazonaws.com` but not `amazonaws.com` itself).
 * Patterns are lower-case; a lone `*` is not a pattern, so no setting can match every host by accident.
 */
export function isHostPattern(pattern: string): boolean {
  return pattern.length <= 253 && HOST_PATTERN.test(pattern);
}

/** matchesHostPattern says whether a host name (no port, any case, optional trailing dot) matches a pattern. */
export function matchesHostPattern(pattern: string, host: string): boolean {
  const name = host.toLowerCase().replace(/\.$/, '');
  return pattern.startsWith('*.') ? name.endsWith(pattern.slice(1)) : name === pattern;
}
