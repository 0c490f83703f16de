import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import t, { type Test } from 'tap';
import { parseAllDocuments } from 'yaml';
import type { Diagnostic } from '../../../../proxy/policy/compiler/diagnostics.js';
import { MAX_NESTING } from '../../../../proxy/policy/compiler/parse/cursor.js';
import { parseBody, parseModule } from '../../../../proxy/policy/compiler/parse/parser.js';

/*
 * The parser must answer every input with a module or clean diagnostics: no exception, no hang, no stack overflow,
 * locations inside the source. Random text, token soup and mutated real policies check that, with bounded runs.
 */

const POLICY = `package airlock

import rego.v1
import data.lib.aws as aws

default decision := {"effect": "deny", "reason": "no rule matched"}

# Reads are allowed everywhere.
decision := {"effect": "allow", "reason": "read-only call"} if {
\tinput.call.read_only
\tnot input.call.environment == "prod"
} else := {"effect": "hold", "reason": reason, "approval": {"min_approvers": 2, "groups": ["sre"]}} if {
\tsome action in data.critical_actions
\tglob.match(action, [":"], input.call.iam_action)
\treason := sprintf("%s needs approval", [input.call.iam_action])
}

critical contains a if {
\tsome a in data.critical_actions
\tevery g in input.agent.groups { g != "break-glass" }
}

owners[id] := owner if {
\tsome id, agent in data.agents
\towner := agent.owner
}

approvers(call) := {u | some u in data.users; call.account in u.accounts} if count(call.params) >= 0

hours := [h | h := numbers.range(0, 23)[_]; h % 2 == 0]
limits.max_hold := 900 * 1.5e0
weird := w if w := ({1, 2} | {3}) & {x | x := [1, -2, .5][_]} with input as {"a": set()}
`;

/** Checks the contract every parse result must meet, returning a complaint or undefined. */
function complaint(source: string, result: { diagnostics: Diagnostic[] }, hasValue: boolean): string | undefined {
  if (hasValue && result.diagnostics.length > 0) return 'a value came back together with diagnostics';
  if (!hasValue && result.diagnostics.length === 0) return 'neither a value nor a diagnostic came back';
  const lines = source.split('\n').length;
  for (const d of result.diagnostics) {
    if (d.code !== 'rego_parse_error') return `unexpected code ${d.code}`;
    if (d.message.startsWith('internal parser error')) return d.message;
    if (d.location.row < 1 || d.location.row > lines + 1 || d.location.col < 1) {
      return `location ${d.location.row}:${d.location.col} is outside the source`;
    }
  }
  return undefined;
}

function checkModule(source: string): string | undefined {
  const result = parseModule(source, 'fuzz.rego');
  return complaint(source, result, result.module !== undefined);
}

function checkQuery(source: string): string | undefined {
  const result = parseBody(source, 'fuzz.rego');
  return complaint(source, result, result.body !== undefined);
}

const TOKENS = [
  'package',
  'import',
  'as',
  'default',
  'else',
  'if',
  'contains',
  'in',
  'every',
  'some',
  'not',
  'with',
  'true',
  'false',
  'null',
  'p',
  'x',
  '_',
  'input',
  'data',
  'set',
  'f',
  '1',
  '-1',
  '.5',
  '1e3',
  '"s"',
  '`r`',
  ':=',
  '=',
  '==',
  '!=',
  '<',
  '>=',
  '+',
  '-',
  '*',
  '/',
  '%',
  '&',
  '|',
  ';',
  ',',
  ':',
  '.',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  '\n',
  '#c\n',
  '"\\u12',
  '@',
  '01',
];

const REGO_CHARACTERS = [...'abxyz_019 \n\t"`\\{}[]()+-*/%&|;,:.=<>!#@$e\u00e9\ud83d\u0000'];

/** Token soup: Rego's vocabulary in random order, with or without spaces. */
const tokenSoup = fc
  .tuple(fc.array(fc.constantFrom(...TOKENS), { maxLength: 60 }), fc.constantFrom('', ' ', '\n'))
  .map(([tokens, sep]) => tokens.join(sep));

const PROPERTY_TIME_LIMIT_MS = 4_000;

/** Runs a property for a bounded count and time and asserts once, with fast-check's counterexample on failure. */
function holds<T>(t: Test, property: fc.IProperty<T>, numRuns: number): void {
  const details = fc.check(property, { numRuns, interruptAfterTimeLimit: PROPERTY_TIME_LIMIT_MS });
  const report = details.failed ? (fc.defaultReportMessage(details) ?? 'property failed') : `${details.numRuns} runs`;
  t.notOk(details.failed, report);
}

t.test('random text never throws', async (t) => {
  const check = (source: string) => checkModule(source) === undefined && checkQuery(source) === undefined;
  // Rego's own characters make the parser go deep; arbitrary code points (slow to generate) check the lexer.
  const regoish = fc.string({ unit: fc.constantFrom(...REGO_CHARACTERS), maxLength: 300 });
  holds(t, fc.property(regoish, check), 3_000);
  holds(t, fc.property(fc.string({ unit: 'binary', maxLength: 100 }), check), 200);
});

t.test('token soup never throws', async (t) => {
  const property = fc.property(tokenSoup, (body) => {
    return checkModule(`package p\n${body}`) === undefined && checkQuery(body) === undefined;
  });
  holds(t, property, 3_000);
});

/** A mutation of a real policy: delete, duplicate or insert a slice, or drop a single character. */
const mutation = fc.record({
  kind: fc.constantFrom('delete', 'duplicate', 'insert', 'drop'),
  at: fc.nat(),
  length: fc.integer({ min: 1, max: 40 }),
  token: fc.constantFrom(...TOKENS),
});

function mutate(source: string, m: { kind: string; at: number; length: number; token: string }): string {
  const at = m.at % (source.length + 1);
  switch (m.kind) {
    case 'delete':
      return source.slice(0, at) + source.slice(at + m.length);
    case 'duplicate':
      return source.slice(0, at + m.length) + source.slice(at);
    case 'insert':
      return `${source.slice(0, at)}${m.token}${source.slice(at)}`;
    default:
      return source.slice(0, at) + source.slice(at + 1);
  }
}

function conformanceModules(limit: number): string[] {
  const dir = '/work/shared/conformance/opa-v1';
  try {
    const modules: string[] = [];
    for (const folder of readdirSync(dir)) {
      for (const file of readdirSync(join(dir, folder))) {
        for (const doc of parseAllDocuments(readFileSync(join(dir, folder, file), 'utf8'))) {
          const cases = (doc.toJS() as { cases?: { modules?: string[] }[] } | null)?.cases ?? [];
          for (const c of cases) modules.push(...(c.modules ?? []));
        }
        if (modules.length >= limit) return modules;
      }
    }
    return modules;
  } catch {
    return [];
  }
}

t.test('the sample policy parses', async (t) => {
  const { module, diagnostics } = parseModule(POLICY, 'airlock.rego');
  t.same(diagnostics, []);
  t.equal(module?.rules.length, 8);
});

t.test('mutated policies never throw', async (t) => {
  const corpus = [POLICY, ...conformanceModules(200)];
  const mutations = fc.array(mutation, { minLength: 1, maxLength: 4 });
  const property = fc.property(fc.nat({ max: corpus.length - 1 }), mutations, (i, ms) => {
    return checkModule(ms.reduce(mutate, corpus[i] ?? POLICY)) === undefined;
  });
  holds(t, property, 3_000);
});

// Far beyond what plain recursion survives (Node's stack holds roughly ten thousand frames).
const deep = 20_000;
const nestings: { note: string; source: string }[] = [
  { note: 'arrays', source: `x := ${'['.repeat(deep)}` },
  { note: 'closed arrays', source: `x := ${'['.repeat(deep)}${']'.repeat(deep)}` },
  { note: 'parentheses', source: `x := ${'('.repeat(deep)}1` },
  { note: 'braces', source: `x := ${'{'.repeat(deep)}` },
  { note: 'unary minus', source: `x := ${'-'.repeat(deep)}y` },
  { note: 'brackets in refs', source: `x := ${'a['.repeat(deep)}` },
  { note: 'comprehensions', source: `x := ${'[a | '.repeat(deep)}` },
  { note: 'every bodies', source: 'every x in xs { '.repeat(deep) },
  { note: 'a long ref', source: `x := a${'.b'.repeat(deep)}` },
  { note: 'a long sum', source: `x := 1${' + 1'.repeat(deep)}` },
  { note: 'a long else chain', source: `p := 1 if false${' else := 1 if false'.repeat(deep / 10)}` },
  { note: 'bars and commas that tempt backtracking', source: `x := ${'[a | '.repeat(300)}${'b, '.repeat(300)}` },
  { note: 'nested some that could tempt backtracking', source: `${'some x in [y | '.repeat(150)}@` },
  { note: 'nested object comprehensions', source: `x := ${'{k: a | '.repeat(150)}b, c${'}'.repeat(150)}` },
];

t.test('deep nesting gets a clean error, not a stack overflow', async (t) => {
  for (const row of nestings) {
    const started = performance.now();
    const asModule = `package p\n${row.source.startsWith('every') ? `r if { ${row.source} }` : row.source}`;
    t.equal(checkModule(asModule), undefined, `${row.note}: module`);
    t.equal(checkQuery(row.source), undefined, `${row.note}: query`);
    t.ok(performance.now() - started < 2_000, `${row.note}: done in bounded time`);
  }
  const { diagnostics } = parseBody(`x := ${'['.repeat(MAX_NESTING + 5)}1${']'.repeat(MAX_NESTING + 5)}`, 'deep.rego');
  t.match(diagnostics[0]?.message ?? '', 'nesting too deep');
  const { body } = parseBody(`x := ${'['.repeat(50)}1${']'.repeat(50)}`, 'deep.rego');
  t.ok(body !== undefined, 'realistic nesting parses');
});

t.test('a 2,000-line policy parses, and its parse time is printed', async (t) => {
  const rules = POLICY.split('\n').slice(5).join('\n');
  let source = 'package big\nimport rego.v1\n';
  for (let i = 0; source.split('\n').length < 2_000; i++) source += rules.replaceAll('decision', `decision${i}`);
  const lines = source.split('\n').length;
  const timings: number[] = [];
  t.ok(parseModule(source, 'big.rego').module !== undefined, 'the big policy parses');
  for (let i = 0; i < 25; i++) {
    const started = performance.now();
    parseModule(source, 'big.rego');
    timings.push(performance.now() - started);
  }
  timings.sort((a, b) => a - b);
  const median = timings[Math.floor(timings.length / 2)] ?? 0;
  t.comment(`${lines} lines: median ${median.toFixed(1)} ms (typically well under 10 ms on the project's machine)`);
});
