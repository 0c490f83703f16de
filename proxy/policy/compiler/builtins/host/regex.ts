/*
 * regex.* built-ins (OPA's topdown/regex.go and regex_template.go) over RE2 patterns translated by re2.ts.
 * `regex.split` is registered as `airlock.regex.split`: the SDK's own `regex.split` (JS `String.split`) shadows
 * custom built-ins of that name.
 */

import type { HostBuiltinTable } from './builtin.js';
import { BuiltinError, HostLimitError } from './errors.js';
import { globsIntersect } from './glob-intersection.js';
import { safeIntegerOperand, stringOperand } from './operands.js';
import {
  type CompiledRe2,
  compileRe2,
  findAll,
  matches,
  Re2SyntaxError,
  Re2UnsupportedError,
  replaceAll,
  split,
} from './re2.js';

function compile(builtin: string, pattern: string): CompiledRe2 {
  try {
    return compileRe2(pattern);
  } catch (error) {
    if (error instanceof Re2SyntaxError) throw new BuiltinError(`${builtin}: ${error.message}`);
    if (error instanceof Re2UnsupportedError) {
      throw new HostLimitError(`${builtin}: ${error.message} is not supported on the host`);
    }
    throw error;
  }
}

/**
 * templatePattern turns a regex.template_match template (`urn:foo:{.*}`) into an anchored RE2 pattern: text
 * outside the delimiters is literal, text inside is a regular expression (gorilla/mux's braces).
 */
function templatePattern(builtin: string, template: string, open: string, close: string): string {
  let pattern = '^';
  let level = 0;
  let start = 0;
  let literalStart = 0;
  const quote = (s: string): string => s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
  for (let i = 0; i < template.length; i++) {
    const ch = template[i];
    if (ch === open) {
      level++;
      if (level === 1) {
        pattern += quote(template.slice(literalStart, i));
        start = i + 1;
      }
    } else if (ch === close) {
      level--;
      if (level === 0) {
        pattern += `(${template.slice(start, i)})`;
        literalStart = i + 1;
      } else if (level < 0) {
        throw new BuiltinError(`${builtin}: unbalanced braces in ${JSON.stringify(template)}`);
      }
    }
  }
  if (level !== 0) throw new BuiltinError(`${builtin}: unbalanced braces in ${JSON.stringify(template)}`);
  return `${pattern + quote(template.slice(literalStart))}$`;
}

/** REGEX_BUILTINS implements regex.* and re_match. */
export const REGEX_BUILTINS: HostBuiltinTable = {
  'regex.is_valid': ([pattern]) => {
    if (typeof pattern !== 'string') return false;
    try {
      compileRe2(pattern);
      return true;
    } catch (error) {
      if (error instanceof Re2SyntaxError) return false;
      if (error instanceof Re2UnsupportedError)
        throw new HostLimitError(`regex.is_valid: ${error.message} is not supported on the host`);
      throw error;
    }
  },

  'regex.match': ([pattern, value]) => {
    const re = compile('regex.match', stringOperand('regex.match', 1, pattern));
    return matches(re, stringOperand('regex.match', 2, value));
  },

  re_match: ([pattern, value]) => {
    const re = compile('re_match', stringOperand('re_match', 1, pattern));
    return matches(re, stringOperand('re_match', 2, value));
  },

  'regex.split': ([pattern, value]) => {
    const text = stringOperand('regex.split', 1, pattern);
    return split(compile('regex.split', text), text, stringOperand('regex.split', 2, value));
  },

  'regex.find_n': ([pattern, value, count]) => {
    const name = 'regex.find_n';
    const re = compile(name, stringOperand(name, 1, pattern));
    const s = stringOperand(name, 2, value);
    const n = safeIntegerOperand(name, 3, count);
    return findAll(re, s, n).map((m) => s.slice(m[0]![0], m[0]![1]));
  },

  'regex.find_all_string_submatch_n': ([pattern, value, count]) => {
    const name = 'regex.find_all_string_submatch_n';
    const re = compile(name, stringOperand(name, 1, pattern));
    const s = stringOperand(name, 2, value);
    const n = safeIntegerOperand(name, 3, count);
    return findAll(re, s, n).map((m) => m.map((group) => (group === undefined ? '' : s.slice(group[0], group[1]))));
  },

  'regex.replace': ([base, pattern, replacement]) => {
    const name = 'regex.replace';
    const s = stringOperand(name, 1, base);
    const re = compile(name, stringOperand(name, 2, pattern));
    return replaceAll(re, s, stringOperand(name, 3, replacement));
  },

  'regex.template_match': ([template, value, open, close]) => {
    const name = 'regex.template_match';
    const text = stringOperand(name, 1, template);
    const s = stringOperand(name, 2, value);
    const start = stringOperand(name, 3, open);
    const end = stringOperand(name, 4, close);
    if (new TextEncoder().encode(start).length !== 1) {
      throw new BuiltinError(
        `${name}: start delimiter has to be exactly one character long but is ${start.length} long`,
      );
    }
    if (new TextEncoder().encode(end).length !== 1) {
      throw new BuiltinError(`${name}: end delimiter has to be exactly one character long but is ${start.length} long`);
    }
    return matches(compile(name, templatePattern(name, text, start, end)), s);
  },

  'regex.globs_match': ([first, second]) => {
    const name = 'regex.globs_match';
    return globsIntersect(name, stringOperand(name, 1, first), stringOperand(name, 2, second));
  },
};
