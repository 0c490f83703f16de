/*
 * Domain names and mailboxes as crypto/x509 reads them for name constraints (verify.go): domainToReverseLabels,
 * parseRFC2821Mailbox. Inputs are byte strings (one character per byte).
 */

/** domainToReverseLabels splits "foo.example.com" into ["com", "example", "foo"]; undefined if invalid. */
export function domainToReverseLabels(domain: string): string[] | undefined {
  const labels: string[] = [];
  let rest = domain;
  while (rest.length > 0) {
    const dot = rest.lastIndexOf('.');
    if (dot === -1) {
      labels.push(rest);
      rest = '';
    } else {
      labels.push(rest.slice(dot + 1));
      rest = rest.slice(0, dot);
      // A leading dot leaves an empty first label.
      if (dot === 0) labels.push('');
    }
  }
  // An empty last label is an absolute name; any other empty label, or a byte outside 33–126, is invalid.
  if (labels.length > 0 && labels[0]!.length === 0) return undefined;
  for (const label of labels) {
    if (label.length === 0) return undefined;
    for (let i = 0; i < label.length; i++) {
      const c = label.charCodeAt(i);
      if (c < 33 || c > 126) return undefined;
    }
  }
  return labels;
}

/** Mailbox is an RFC 2821 mailbox: the local part (unquoted) and the domain. */
export interface Mailbox {
  readonly local: string;
  readonly domain: string;
}

const ATEXT = /[0-9A-Za-z!#$%&'*+\-/=?^_`{|}~.]/;

/** parseRfc2821Mailbox is crypto/x509's parseRFC2821Mailbox. */
export function parseRfc2821Mailbox(input: string): Mailbox | undefined {
  if (input.length === 0) return undefined;
  let local = '';
  let i = 0;
  if (input[0] === '"') {
    i = 1;
    for (;;) {
      if (i >= input.length) return undefined;
      const c = input.charCodeAt(i++);
      if (c === 0x22) break;
      if (c === 0x5c) {
        if (i >= input.length) return undefined;
        const next = input.charCodeAt(i);
        if (next === 11 || next === 12 || (next >= 1 && next <= 9) || (next >= 14 && next <= 127)) {
          local += input[i];
          i++;
          continue;
        }
        return undefined;
      }
      if (
        c === 11 ||
        c === 12 ||
        c === 32 ||
        c === 33 ||
        c === 127 ||
        (c >= 1 && c <= 8) ||
        (c >= 14 && c <= 31) ||
        (c >= 35 && c <= 91) ||
        (c >= 93 && c <= 126)
      ) {
        local += input[i - 1];
        continue;
      }
      return undefined;
    }
  } else {
    while (i < input.length) {
      const c = input[i]!;
      if (c === '\\') {
        // Escapes outside quotes are accepted, as in RFC 3696's examples.
        i++;
        if (i >= input.length) return undefined;
        local += input[i];
        i++;
        continue;
      }
      if (!ATEXT.test(c)) break;
      local += c;
      i++;
    }
    if (local.length === 0) return undefined;
    if (local.startsWith('.') || local.endsWith('.') || local.includes('..')) return undefined;
  }
  if (i >= input.length || input[i] !== '@') return undefined;
  const domain = input.slice(i + 1);
  if (domainToReverseLabels(domain) === undefined) return undefined;
  return { local, domain };
}
