// Checks the native built-ins against OPA's conformance cases without the compiler: a case whose policy is one
// rule made only of built-in calls on literals, input and data (`p := x if { f(1, "a", x) }`,
// `p := [x, y] if { f(1, x); g(2, y) }`, `p := f(1)`) is evaluated here by calling the built-ins directly.
// Cases of any other shape are skipped; they are the compiler's to run.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { parse as parseYaml } from 'yaml';
import { instantiate, RuntimeAbort } from './runtime-harness.js';

const CASES_DIR = process.env.AIRLOCK_CONFORMANCE_DIR ?? '/work/shared/conformance/opa-v1';

interface Case {
  note: string;
  modules: string[];
  data?: unknown;
  input?: unknown;
  want_result?: Record<string, unknown>[];
  want_error?: string;
  want_error_code?: string;
  strict_error?: boolean;
  sort_bindings?: boolean;
}

/** Built-ins this runtime implements natively, by OPA name. */
const rt = instantiate();
const NATIVE = new Set(
  Object.keys(rt.exports)
    .filter((name) => name.startsWith('builtin_'))
    .map((name) => name.slice('builtin_'.length)),
);
const exportName = (opaName: string) => opaName.replaceAll('.', '_');

/** Infix operators the planner lowers to built-in calls. */
const OPERATORS: Record<string, string> = {
  '+': 'plus',
  '-': 'minus',
  '*': 'mul',
  '/': 'div',
  '%': 'rem',
  '&': 'and',
  '|': 'or',
  '==': 'equal',
  '!=': 'neq',
  '<': 'lt',
  '<=': 'lte',
  '>': 'gt',
  '>=': 'gte',
};

/** splitTopLevel splits `text` at `separator` characters outside brackets and strings. */
function splitTopLevel(text: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let inString = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth--;
    else if (c === separator && depth === 0) {
      parts.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(text.slice(start).trim());
  return parts;
}

class Unsupported extends Error {}

/** Evaluator runs a straight-line rule body of built-in calls. */
class Evaluator {
  vars = new Map<string, number>();
  constructor(
    readonly input: number,
    readonly data: number,
  ) {}

  /** term evaluates a literal, a variable, or an input/data reference; 0 is undefined. */
  term(text: string): number {
    const ref = /^(input|data)((?:\.[A-Za-z_][A-Za-z0-9_]*|\[[0-9"a-z]+\])*)$/.exec(text);
    if (ref) {
      let v = ref[1] === 'input' ? this.input : this.data;
      for (const [, name, index] of ref[2]!.matchAll(/\.([A-Za-z_][A-Za-z0-9_]*)|\[([^\]]+)\]/g)) {
        if (v === 0) return 0;
        v = rt.call('opa_value_get', v, name !== undefined ? rt.value(JSON.stringify(name)) : rt.value(index!));
      }
      return v;
    }
    if (text.startsWith('[') && text.endsWith(']') && /[A-Za-z_]/.test(text) && !text.includes('"')) {
      // An array of terms, e.g. a rule head [x, y].
      const array = rt.call('opa_array_with_cap', 4);
      for (const element of splitTopLevel(text.slice(1, -1), ',')) {
        const v = this.term(element);
        if (v === 0) return 0;
        rt.call('opa_array_append', array, v);
      }
      return array;
    }
    if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(text) && !['null', 'true', 'false'].includes(text)) {
      if (!this.vars.has(text)) throw new Unsupported(`unbound ${text}`);
      return this.vars.get(text)!;
    }
    if (/^[A-Za-z_][A-Za-z0-9_.]*\(/.test(text)) return this.call(text);
    const v = rt.call('opa_value_parse', ...rt.put(text));
    if (v === 0) throw new Unsupported(`term ${text}`);
    return v;
  }

  /** Whether the last call bound an output argument (then its value is not a test). */
  boundOutput = false;

  /** call evaluates `name(args)`; an argument past the built-in's arity is its output, unified with the result. */
  call(text: string, output?: string): number {
    const m = /^([A-Za-z_][A-Za-z0-9_.]*)\((.*)\)$/s.exec(text);
    if (!m) throw new Unsupported(text);
    const name = exportName(m[1]!);
    if (!NATIVE.has(name)) throw new Unsupported(`not native: ${m[1]}`);
    const args = m[2]!.trim() === '' ? [] : splitTopLevel(m[2]!, ',');
    const f = rt.exports[`builtin_${name}`] as unknown as (...a: number[]) => number;
    let outputTerm = output;
    this.boundOutput = false;
    if (args.length > f.length) {
      outputTerm = args.pop();
      this.boundOutput = true;
    }
    const values = args.map((a) => this.term(a));
    if (values.includes(0)) return 0;
    const result = f(...values);
    if (outputTerm === undefined || result === 0) return result;
    return this.unify(outputTerm, result) ? result : 0;
  }

  /** unify binds a variable or checks a value; false when they differ. */
  unify(term: string, value: number): boolean {
    if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(term) && !['null', 'true', 'false'].includes(term) && !this.vars.has(term)) {
      this.vars.set(term, value);
      return true;
    }
    const other = this.term(term);
    return other !== 0 && rt.call('opa_value_equal', other, value) === 1;
  }

  /** statement runs one body line; false when it is undefined or false. */
  statement(line: string): boolean {
    let text = line.trim();
    let negated = false;
    if (text.startsWith('not ')) {
      negated = true;
      text = text.slice(4).trim();
    }
    const result = this.positive(text);
    return negated ? !result : result;
  }

  positive(text: string): boolean {
    const assign = /^([A-Za-z_][A-Za-z0-9_]*)\s*(?::=|=)\s*(.+)$/s.exec(text);
    if (assign && !text.includes('==')) {
      const value = this.expression(assign[2]!);
      return value !== 0 && this.unify(assign[1]!, value);
    }
    this.boundOutput = false;
    const value = this.expression(text);
    if (value === 0) return false;
    return this.boundOutput || rt.json(value) !== 'false';
  }

  expression(text: string): number {
    for (const op of ['==', '!=', '<=', '>=', '<', '>', '+', '-', '*', '/', '%', '&', '|']) {
      const parts = splitTopLevel(text, op.length === 1 ? op : '\u0000');
      if (op.length === 2) {
        const at = text.indexOf(` ${op} `);
        if (at < 0) continue;
        return this.binary(op, text.slice(0, at), text.slice(at + 4));
      }
      if (parts.length === 2 && text.includes(` ${op} `)) return this.binary(op, parts[0]!, parts[1]!);
    }
    return this.term(text);
  }

  binary(op: string, left: string, right: string): number {
    const a = this.term(left.trim());
    const b = this.term(right.trim());
    if (a === 0 || b === 0) return 0;
    const f = rt.exports[`builtin_${OPERATORS[op]}`] as unknown as (x: number, y: number) => number;
    return f(a, b);
  }
}

/** evaluate runs the case's rule `p`; returns the JSON of p, or undefined. */
function evaluate(c: Case): string | undefined {
  const module = c.modules[0]!;
  const lines = module.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('package') && !l.startsWith('#'));
  const head = lines[0]!;
  const input = c.input === undefined ? 0 : rt.parse(JSON.stringify(c.input));
  const data = rt.parse(JSON.stringify(c.data ?? {}));
  const evaluator = new Evaluator(input, data);
  const short = /^p := (.+)$/.exec(head);
  if (lines.length === 1 && short) {
    const v = evaluator.expression(short[1]!);
    return v === 0 ? undefined : rt.json(v);
  }
  const rule = /^p(?: := (.+)| contains (.+))? if \{$/.exec(head);
  if (!rule || lines[lines.length - 1] !== '}') throw new Unsupported('rule shape');
  if (lines.slice(1, -1).some((l) => !l.startsWith('\t'))) throw new Unsupported('more than one rule');
  for (const line of lines.slice(1, -1)) {
    if (/[{}]$/.test(line.trim()) || line.includes(' in ') || line.includes(' with ') || line.includes('[_]')) {
      throw new Unsupported('statement shape');
    }
    if (!evaluator.statement(line)) return undefined;
  }
  if (rule[2] !== undefined) {
    // A partial set with one straight-line body has at most one member.
    const member = evaluator.term(rule[2]);
    return member === 0 ? undefined : `[${rt.json(member)}]`;
  }
  if (rule[1] === undefined) return 'true';
  const result = evaluator.term(rule[1]);
  return result === 0 ? undefined : rt.json(result);
}

function canonical(value: unknown, sortArrays: boolean): unknown {
  if (Array.isArray(value)) {
    const items = value.map((v) => canonical(v, sortArrays));
    return sortArrays ? items.map((v) => JSON.stringify(v)).sort() : items;
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, v]) => [k, canonical(v, sortArrays)]),
    );
  }
  return value;
}

const FOLDERS = [
  'aggregates',
  'arithmetic',
  'array',
  'base64builtins',
  'base64urlbuiltins',
  'bitsand',
  'bitsnegate',
  'bitsor',
  'bitsshiftleft',
  'bitsshiftright',
  'bitsxor',
  'casts',
  'comparisonexpr',
  'intersection',
  'jsonbuiltins',
  'numbersrange',
  'numbersrangestep',
  'objectfilter',
  'objectget',
  'objectkeys',
  'objectremove',
  'objectunion',
  'objectunionn',
  'replacen',
  'sets',
  'strings',
  'trim',
  'trimleft',
  'trimprefix',
  'trimright',
  'trimspace',
  'trimsuffix',
  'typebuiltin',
  'typenamebuiltin',
  'union',
];

t.test(
  'native built-ins agree with OPA conformance cases they can run alone',
  { skip: !existsSync(CASES_DIR) },
  async (t) => {
    let ran = 0;
    for (const folder of FOLDERS) {
      const dir = join(CASES_DIR, folder);
      if (!existsSync(dir)) continue;
      for (const file of readdirSync(dir)) {
        const doc = parseYaml(readFileSync(join(dir, file), 'utf8')) as { cases: Case[] };
        for (const c of doc.cases) {
          if (c.modules.length !== 1) continue;
          let got: string | undefined;
          let aborted: string | undefined;
          try {
            rt.call('opa_heap_ptr_set', rt.call('opa_heap_ptr_get'));
            got = evaluate(c);
          } catch (err) {
            if (err instanceof Unsupported) {
              if (process.env.AIRLOCK_SHOW_SKIPPED) t.comment(`skipped ${folder}: ${c.note}: ${err.message}`);
              continue;
            }
            if (err instanceof RuntimeAbort) aborted = err.message;
            else throw err;
          }
          ran++;
          const label = `${folder}: ${c.note}`;
          if (aborted !== undefined) {
            // An abort is a refusal, never a wrong answer; only expected errors may abort.
            t.ok(c.want_error !== undefined || c.want_error_code !== undefined, `${label} aborted: ${aborted}`);
            continue;
          }
          if (c.want_error !== undefined || c.want_error_code !== undefined) {
            // As the suite is judged for Wasm: an expected error is undefined (OPA's non-strict built-in errors).
            t.equal(got, undefined, `${label}: an error is undefined in non-strict evaluation`);
            continue;
          }
          const want = c.want_result!;
          const partialSet = /\np contains /.test(`\n${c.modules[0]}`);
          if (want.length === 0) {
            t.equal(got, undefined, `${label}: undefined`);
          } else if (partialSet && got === undefined) {
            t.same(Object.values(want[0]!)[0], [], `${label}: an empty set`);
          } else {
            const wanted = Object.values(want[0]!)[0];
            t.same(
              got === undefined ? undefined : canonical(JSON.parse(got), c.sort_bindings === true),
              canonical(wanted, c.sort_bindings === true),
              label,
            );
          }
        }
      }
    }
    t.ok(ran > 150, `ran ${ran} cases`);
  },
);
