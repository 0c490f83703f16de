/*
 * Name constraints as crypto/x509's isValid applies them (verify.go, Go 1.24): every DNS name, mailbox, URI host
 * and IP address in the subject alternative names of the certificates below a constrained CA, against its
 * excluded then permitted subtrees, within a budget of comparisons.
 */

import { HostLimitError } from '../errors.js';
import { parseIP } from '../go-net.js';
import { type GoUrl, GoUrlError, parseUrl } from '../go-url.js';
import type { Certificate } from './certificate.js';
import { domainToReverseLabels, type Mailbox, parseRfc2821Mailbox } from './domains.js';
import { forEachSan, NAME_TYPE } from './extensions.js';
import { type Oid, sameOid } from './names.js';
import { X509Error } from './x509-error.js';

/** Invalid is a rejection: Verify's error, whose text OPA never shows. */
export class Invalid extends Error {}

/** reject throws Invalid; typed `never` so that `value ?? reject()` narrows. */
export function reject(): never {
  throw new Invalid();
}

const OID_SUBJECT_ALT_NAME: Oid = [2, 5, 29, 17];

function matchDomainConstraint(domain: string, constraint: string, excluded: boolean): boolean {
  if (constraint.length === 0) return true;
  const domainLabels = domainToReverseLabels(domain) ?? reject();
  let wanted = constraint;
  const mustHaveSubdomains = wanted.startsWith('.');
  if (mustHaveSubdomains) wanted = wanted.slice(1);
  const constraintLabels = domainToReverseLabels(wanted) ?? reject();
  if (
    domainLabels.length < constraintLabels.length ||
    (mustHaveSubdomains && domainLabels.length === constraintLabels.length)
  ) {
    return false;
  }
  const labelsMatch = (labels: string[], against: string[]) =>
    against.every((label, i) => label.toLowerCase() === labels[i]!.toLowerCase());
  const matched = labelsMatch(domainLabels, constraintLabels);
  if (
    excluded &&
    !matched &&
    domain.startsWith('*') &&
    domainLabels.length > 1 &&
    constraintLabels.length > 0 &&
    labelsMatch(domainLabels.slice(0, -1), constraintLabels.slice(0, -1))
  ) {
    throw new HostLimitError(
      'crypto.x509: a wildcard DNS name under an excluded name constraint, which Go versions after 1.24.3 treat differently',
    );
  }
  return matched;
}

function matchEmailConstraint(mailbox: Mailbox, constraint: string, excluded: boolean): boolean {
  if (constraint.includes('@')) {
    const wanted = parseRfc2821Mailbox(constraint) ?? reject();
    return mailbox.local === wanted.local && mailbox.domain.toLowerCase() === wanted.domain.toLowerCase();
  }
  return matchDomainConstraint(mailbox.domain, constraint, excluded);
}

/** splitHostPort is net.SplitHostPort's host, or undefined where it fails. */
function splitHostPort(hostport: string): string | undefined {
  const colon = hostport.lastIndexOf(':');
  if (colon < 0) return undefined;
  let host: string;
  let j = 0;
  let k = 0;
  if (hostport.startsWith('[')) {
    const end = hostport.indexOf(']');
    if (end < 0 || end + 1 !== colon) return undefined;
    host = hostport.slice(1, end);
    j = 1;
    k = end + 1;
  } else {
    host = hostport.slice(0, colon);
    if (host.includes(':')) return undefined;
  }
  if (hostport.slice(j).includes('[') || hostport.slice(k).includes(']')) return undefined;
  return host;
}

/** isNetipAddress is whether netip.ParseAddr accepts the text (IPv6 zones included). */
function isNetipAddress(host: string): boolean {
  const percent = host.indexOf('%');
  if (percent < 0) return parseIP(host) !== undefined;
  return host.includes(':') && percent < host.length - 1 && parseIP(host.slice(0, percent)) !== undefined;
}

function matchUriConstraint(uri: GoUrl, constraint: string, excluded: boolean): boolean {
  let host = uri.host;
  if (host.length === 0) reject();
  if (host.includes(':') && !host.endsWith(']')) host = splitHostPort(uri.host) ?? reject();
  if (isNetipAddress(host) || (host.startsWith('[') && host.endsWith(']'))) reject();
  return matchDomainConstraint(host, constraint, excluded);
}

function matchIpConstraint(ip: Uint8Array, network: { ip: Uint8Array; mask: Uint8Array }): boolean {
  if (ip.length !== network.ip.length) return false;
  return ip.every((b, i) => (b & network.mask[i]!) === (network.ip[i]! & network.mask[i]!));
}

/** Budget is the comparison count of one isValid call and its limit (MaxConstraintComparisions). */
export interface Budget {
  count: bigint;
  readonly max: bigint;
}

function checkNameConstraints<T, C>(
  budget: Budget,
  parsed: T,
  match: (parsed: T, constraint: C, excluded: boolean) => boolean,
  permitted: readonly C[] | null,
  excluded: readonly C[] | null,
): void {
  budget.count += BigInt(excluded?.length ?? 0);
  if (budget.count > budget.max) reject();
  for (const constraint of excluded ?? []) if (match(parsed, constraint, true)) reject();
  budget.count += BigInt(permitted?.length ?? 0);
  if (budget.count > budget.max) reject();
  let ok = true;
  for (const constraint of permitted ?? []) {
    ok = match(parsed, constraint, false);
    if (ok) break;
  }
  if (!ok) reject();
}

/** checkChainNames checks every name of the chain's certificates against the name constraints of CA `ca`. */
export function checkChainNames(ca: Certificate, chain: readonly Certificate[], budget: Budget): void {
  const latin1 = (data: Uint8Array) => Buffer.from(data).toString('latin1');
  for (const cert of chain) {
    const san = cert.extensions?.find((e) => sameOid(e.id, OID_SUBJECT_ALT_NAME));
    if (san === undefined) continue;
    try {
      forEachSan(san.value, (type, data) => {
        switch (type) {
          case NAME_TYPE.EMAIL: {
            const mailbox = parseRfc2821Mailbox(latin1(data)) ?? reject();
            checkNameConstraints(
              budget,
              mailbox,
              matchEmailConstraint,
              ca.permittedEmailAddresses,
              ca.excludedEmailAddresses,
            );
            break;
          }
          case NAME_TYPE.DNS: {
            const name = latin1(data);
            if (domainToReverseLabels(name) === undefined) reject();
            checkNameConstraints(budget, name, matchDomainConstraint, ca.permittedDnsDomains, ca.excludedDnsDomains);
            break;
          }
          case NAME_TYPE.URI: {
            let uri: GoUrl;
            try {
              uri = parseUrl(latin1(data));
            } catch (error) {
              if (error instanceof GoUrlError) return reject();
              throw error;
            }
            checkNameConstraints(budget, uri, matchUriConstraint, ca.permittedUriDomains, ca.excludedUriDomains);
            break;
          }
          case NAME_TYPE.IP:
            if (data.length !== 4 && data.length !== 16) reject();
            checkNameConstraints(budget, data, matchIpConstraint, ca.permittedIpRanges, ca.excludedIpRanges);
            break;
        }
      });
    } catch (error) {
      if (error instanceof X509Error) reject();
      throw error;
    }
  }
}
