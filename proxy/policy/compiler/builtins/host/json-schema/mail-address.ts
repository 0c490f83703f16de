/*
 * Whether Go's net/mail.ParseAddress accepts a string: one RFC 5322 address, `user@example.com` or
 * `Name <user@example.com>` (or a group holding exactly one), with Go's leniencies (obsolete phrase forms, dots in
 * display names) and checks (an IP address inside a domain literal, RFC 2047 words in a known charset). This is
 * gojsonschema's `email` format.
 */

import { parseIP } from '../go-net.js';

class MailError extends Error {}

const isVchar = (cp: number): boolean => (cp >= 0x21 && cp <= 0x7e) || cp >= 0x80;
const isWsp = (cp: number): boolean => cp === 0x20 || cp === 0x09;
const isAtext = (cp: number, dot: boolean): boolean =>
  cp === 0x2e ? dot : !'()<>[]:;@\\,"'.includes(String.fromCodePoint(cp)) && isVchar(cp);
const isQtext = (cp: number): boolean => cp !== 0x5c && cp !== 0x22 && isVchar(cp);
const isDtext = (cp: number): boolean => cp !== 0x5b && cp !== 0x5d && cp !== 0x5c && isVchar(cp);

/** validBase64 is Go's base64.StdEncoding.DecodeString succeeding (padding required, CR and LF ignored). */
function validBase64(text: string): boolean {
  const s = text.replace(/[\r\n]/g, '');
  return s.length % 4 === 0 && /^[A-Za-z0-9+/]*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(s);
}

/** validQ is Go's mime Q-encoding decoder succeeding. */
function validQ(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '_') continue;
    if (c === '=') {
      if (i + 2 >= text.length || !/^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) return false;
      i += 2;
    } else if (!((c >= ' ' && c <= '~') || c === '\n' || c === '\r' || c === '\t')) {
      return false;
    }
  }
  return true;
}

/**
 * charsetError says whether `word` is a well-formed RFC 2047 encoded word in a charset Go's mail package cannot
 * decode, the one RFC 2047 problem that makes an address invalid (malformed words are read as plain text).
 */
function charsetError(word: string): boolean {
  if (new TextEncoder().encode(word).length < 8 || !word.startsWith('=?') || !word.endsWith('?=')) return false;
  if (word.split('?').length !== 5) return false;
  const [charset, encoding, text] = word.slice(2, -2).split('?') as [string, string, string];
  if (charset === '' || encoding.length !== 1) return false;
  const decodes = 'Bb'.includes(encoding) ? validBase64(text) : 'Qq'.includes(encoding) ? validQ(text) : false;
  return decodes && !['utf-8', 'iso-8859-1', 'us-ascii'].includes(charset.toLowerCase());
}

class AddressParser {
  constructor(private s: string) {}

  private get empty(): boolean {
    return this.s.length === 0;
  }

  private peek(): string {
    return this.s[0]!;
  }

  private consume(c: string): boolean {
    if (this.empty || this.peek() !== c) return false;
    this.s = this.s.slice(1);
    return true;
  }

  private skipSpace(): void {
    this.s = this.s.replace(/^[ \t]+/, '');
  }

  /** codePointAt reads the character at `i`; a lone surrogate stands for Go's U+FFFD, a valid multibyte rune. */
  private codePointAt(i: number): { cp: number; size: number } | undefined {
    if (i >= this.s.length) return undefined;
    const cp = this.s.codePointAt(i)!;
    return { cp, size: cp > 0xffff ? 2 : 1 };
  }

  private skipCfws(): boolean {
    this.skipSpace();
    while (this.consume('(')) {
      if (this.comment() === undefined) return false;
      this.skipSpace();
    }
    return true;
  }

  /** comment reads the rest of a comment whose '(' is consumed; undefined when it is not closed. */
  private comment(): string | undefined {
    let depth = 1;
    let text = '';
    while (!this.empty && depth > 0) {
      if (this.peek() === '\\' && this.s.length > 1) this.s = this.s.slice(1);
      else if (this.peek() === '(') depth++;
      else if (this.peek() === ')') depth--;
      if (depth > 0) text += this.s[0];
      this.s = this.s.slice(1);
    }
    return depth === 0 ? text : undefined;
  }

  parseSingleAddress(): void {
    const addresses = this.parseAddress(true);
    if (!this.skipCfws()) throw new MailError('misformatted parenthetical comment');
    if (!this.empty) throw new MailError('expected single address');
    if (addresses !== 1) throw new MailError('not one address');
  }

  /** parseAddress reads one address (or a group, when `handleGroup`) and says how many addresses it held. */
  private parseAddress(handleGroup: boolean): number {
    this.skipSpace();
    if (this.empty) throw new MailError('no address');
    if (this.tryAddrSpec()) {
      this.skipSpace();
      if (!this.empty && this.peek() === '(') this.displayNameComment();
      return 1;
    }
    if (this.peek() !== '<') this.phrase();
    this.skipSpace();
    if (handleGroup && this.consume(':')) return this.groupList();
    if (!this.consume('<')) throw new MailError('no angle-addr');
    this.addrSpec();
    if (!this.consume('>')) throw new MailError('unclosed angle-addr');
    return 1;
  }

  private groupList(): number {
    let count = 0;
    this.skipSpace();
    if (this.consume(';')) {
      if (!this.skipCfws()) throw new MailError('misformatted parenthetical comment');
      return 0;
    }
    for (;;) {
      this.skipSpace();
      count += this.parseAddress(false);
      if (!this.skipCfws()) throw new MailError('misformatted parenthetical comment');
      if (this.consume(';')) {
        if (!this.skipCfws()) throw new MailError('misformatted parenthetical comment');
        return count;
      }
      if (!this.consume(',')) throw new MailError('expected comma');
    }
  }

  /** tryAddrSpec reads an addr-spec if there is one, leaving the input as it was if not. */
  private tryAddrSpec(): boolean {
    const saved = this.s;
    try {
      this.addrSpec();
      return true;
    } catch (error) {
      if (!(error instanceof MailError)) throw error;
      this.s = saved;
      return false;
    }
  }

  private addrSpec(): void {
    const saved = this.s;
    try {
      this.skipSpace();
      if (this.empty) throw new MailError('no addr-spec');
      if (this.peek() === '"') {
        if (this.quotedString() === '') throw new MailError('empty quoted string in addr-spec');
      } else {
        this.atom(true, false);
      }
      if (!this.consume('@')) throw new MailError('missing @ in addr-spec');
      this.skipSpace();
      if (this.empty) throw new MailError('no domain in addr-spec');
      if (this.peek() === '[') this.domainLiteral();
      else this.atom(true, false);
    } catch (error) {
      this.s = saved;
      throw error;
    }
  }

  private phrase(): void {
    const words: string[] = [];
    let failed = false;
    for (;;) {
      if (words.length > 0 && !this.skipCfws()) throw new MailError('misformatted parenthetical comment');
      this.skipSpace();
      if (this.empty) break;
      try {
        if (this.peek() === '"') {
          words.push(this.quotedString());
        } else {
          const word = this.atom(true, true);
          if (charsetError(word)) throw new MailError('charset not supported');
          words.push(word);
        }
      } catch (error) {
        if (!(error instanceof MailError)) throw error;
        failed = true;
        break;
      }
    }
    if (failed && words.length === 0) throw new MailError('missing word in phrase');
  }

  private quotedString(): string {
    let i = 1;
    let text = '';
    let escaped = false;
    for (;;) {
      const rune = this.codePointAt(i);
      if (rune === undefined) throw new MailError('unclosed quoted-string');
      const { cp, size } = rune;
      if (escaped) {
        if (!isVchar(cp) && !isWsp(cp)) throw new MailError('bad character in quoted-string');
        text += String.fromCodePoint(cp);
        escaped = false;
      } else if (isQtext(cp) || isWsp(cp)) {
        text += String.fromCodePoint(cp);
      } else if (cp === 0x22) {
        break;
      } else if (cp === 0x5c) {
        escaped = true;
      } else {
        throw new MailError('bad character in quoted-string');
      }
      i += size;
    }
    this.s = this.s.slice(i + 1);
    return text;
  }

  private atom(dot: boolean, permissive: boolean): string {
    let i = 0;
    for (let rune = this.codePointAt(0); rune !== undefined && isAtext(rune.cp, dot); rune = this.codePointAt(i)) {
      i += rune.size;
    }
    if (i === 0) throw new MailError('invalid string');
    const atom = this.s.slice(0, i);
    this.s = this.s.slice(i);
    if (!permissive && (atom.startsWith('.') || atom.includes('..') || atom.endsWith('.'))) {
      throw new MailError('misplaced dot in atom');
    }
    return atom;
  }

  private domainLiteral(): void {
    this.consume('[');
    let text = '';
    for (;;) {
      if (this.empty) throw new MailError('unclosed domain-literal');
      if (this.peek() === ']') break;
      const { cp, size } = this.codePointAt(0)!;
      if (!isDtext(cp)) throw new MailError('bad character in domain-literal');
      text += this.s.slice(0, size);
      this.s = this.s.slice(size);
    }
    this.consume(']');
    if (parseIP(text) === undefined) throw new MailError('invalid IP address in domain-literal');
  }

  private displayNameComment(): void {
    this.consume('(');
    const comment = this.comment();
    if (comment === undefined) throw new MailError('misformatted parenthetical comment');
    if (comment.split(/[ \t]+/).some(charsetError)) throw new MailError('charset not supported');
  }
}

/** isMailAddress says whether Go's net/mail.ParseAddress accepts `address`. */
export function isMailAddress(address: string): boolean {
  try {
    new AddressParser(address).parseSingleAddress();
    return true;
  } catch (error) {
    if (error instanceof MailError) return false;
    throw error;
  }
}
