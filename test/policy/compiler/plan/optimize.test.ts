import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import t from 'tap';
import { checkModules } from '../../../../proxy/policy/compiler/check/index.js';
import { CompileError, formatDiagnostic } from '../../../../proxy/policy/compiler/diagnostics.js';
import type { Block, Policy, Stmt } from '../../../../proxy/policy/compiler/ir/ir.js';
import { prettyPolicy } from '../../../../proxy/policy/compiler/ir/pretty.js';
import { parseModule } from '../../../../proxy/policy/compiler/parse/parser.js';
import { Planner } from '../../../../proxy/policy/compiler/plan/index.js';
import { optimizePolicy } from '../../../../proxy/policy/compiler/plan/optimize.js';
import { evalPolicy } from './fixtures/ir-eval.js';

/*
 * The IR optimizer (plan/optimize.ts): which lookups it reuses or moves, and that the optimized IR gives the
 * answers (and errors) of the planner's own, run by the IR interpreter.
 */

const ENTRYPOINT = 'test/p';

function planned(source: string): Policy {
  const parsed = parseModule(`package test\n${source}`, 'test.rego');
  if (!parsed.module) throw new Error(parsed.diagnostics.map(formatDiagnostic).join('\n'));
  const checked = checkModules([parsed.module], [ENTRYPOINT]);
  if (!checked.program) throw new CompileError(checked.diagnostics);
  return new Planner(checked.program).plan([ENTRYPOINT]);
}

/** statements lists the statements of function `name`, with the path of statement types leading to each. */
function statements(policy: Policy, name: string): { stmt: Stmt; inside: string[] }[] {
  const func = policy.funcs.find((f) => f.name === name);
  if (func === undefined) throw new Error(`no function ${name}\n${prettyPolicy(policy)}`);
  const out: { stmt: Stmt; inside: string[] }[] = [];
  const visit = (blocks: readonly Block[], inside: string[]): void => {
    for (const block of blocks) {
      for (const stmt of block.stmts) {
        out.push({ stmt, inside });
        const nested = [...inside, stmt.type];
        if (stmt.type === 'BlockStmt') visit(stmt.blocks, nested);
        if (stmt.type === 'NotStmt' || stmt.type === 'ScanStmt' || stmt.type === 'WithStmt')
          visit([stmt.block], nested);
      }
    }
  };
  visit(func.blocks, []);
  return out;
}

/** lookups lists where the lookups of `key` are: the statement types enclosing each. */
function lookups(policy: Policy, name: string, key: string): string[] {
  const keyIndex = policy.static.strings.indexOf(key);
  return statements(policy, name)
    .filter(({ stmt }) => stmt.type === 'DotStmt' && stmt.key.type === 'string_index' && stmt.key.value === keyIndex)
    .map(({ inside }) => inside.join('/') || 'top');
}

const CALL = 'call := input.call\n';

t.test('a lookup already made on the same path is reused', async (t) => {
  const source = `${CALL}p if { call.a == 1; call.b == 2; call.a != 3 }`;
  const before = planned(source);
  const after = optimizePolicy(before);
  t.same(lookups(before, 'g0.data.test.p', 'a'), ['top', 'top']);
  t.same(lookups(after, 'g0.data.test.p', 'a'), ['top'], prettyPolicy(after));
  t.same(lookups(after, 'g0.data.test.p', 'b'), ['top']);
});

t.test('a lookup in a sibling body is not reused: that body may not have run', async (t) => {
  const after = optimizePolicy(planned(`${CALL}p if call.a == 1\np if call.a == 2`));
  t.same(lookups(after, 'g0.data.test.p', 'a'), ['top', 'top']);
});

t.test('a lookup made inside a nested block is not reused after it: it may not have run', async (t) => {
  const after = optimizePolicy(planned(`${CALL}p if { not call.b.c == call.a; call.a == "x" }`));
  t.same(lookups(after, 'g0.data.test.p', 'a'), ['NotStmt', 'top'], prettyPolicy(after));
});

t.test('a lookup invariant in an iteration runs once, before it', async (t) => {
  const source = `${CALL}p if { call.kind == "x"; some prefix in input.prefixes; startswith(call.name, prefix) }`;
  const before = planned(source);
  const after = optimizePolicy(before);
  t.same(lookups(before, 'g0.data.test.p', 'name'), ['ScanStmt']);
  t.same(lookups(after, 'g0.data.test.p', 'name'), ['BlockStmt'], prettyPolicy(after));
});

t.test('a rule call starting an iteration over a literal moves before it, with the lookups after it', async (t) => {
  const after = optimizePolicy(
    planned(`${CALL}p if { some prefix in ["Delete", "Put"]; startswith(call.name, prefix) }`),
  );
  const calls = statements(after, 'g0.data.test.p').filter(
    ({ stmt }) => stmt.type === 'CallStmt' && stmt.func === 'g0.data.test.call',
  );
  t.same(
    calls.map(({ inside }) => inside.join('/')),
    ['BlockStmt'],
    prettyPolicy(after),
  );
  t.same(lookups(after, 'g0.data.test.p', 'name'), ['BlockStmt']);
});

t.test('a rule call over a collection that may be empty stays in the iteration', async (t) => {
  const after = optimizePolicy(planned(`${CALL}p if { some prefix in input.prefixes; startswith(call.name, prefix) }`));
  t.same(lookups(after, 'g0.data.test.p', 'name'), ['ScanStmt'], prettyPolicy(after));
});

t.test('a lookup by the iteration variable stays in the iteration', async (t) => {
  const after = optimizePolicy(planned(`${CALL}p if { some k in ["a", "b"]; call[k] == 1 }`));
  const dots = statements(after, 'g0.data.test.p').filter(({ stmt }) => stmt.type === 'DotStmt');
  t.ok(
    dots.some(({ inside }) => inside.includes('ScanStmt')),
    prettyPolicy(after),
  );
});

t.test('the keys of an object literal are inserted in order', async (t) => {
  const after = optimizePolicy(planned('p := {"z": 1, "a": input.x, "é": 2, "m": 3}'));
  const keys = statements(after, 'g0.data.test.p')
    .map(({ stmt }) => stmt)
    .filter((stmt) => stmt.type === 'ObjectInsertStmt')
    .map((stmt) => (stmt.key.type === 'string_index' ? after.static.strings[stmt.key.value] : '?'));
  t.same(keys, ['a', 'm', 'z', 'é']);
});

// Policies whose optimized IR must answer as the planner's own, on any input.
const POLICIES: { note: string; source: string }[] = [
  {
    note: 'the default policy’s shapes',
    source: `${CALL}
default p := "none"
p := "deny" if { not call.decoded }
p := sprintf_free if { call.action in {"a", "b"}; count(names) > 0 }
names contains n if { some n in input.names; startswith(n, call.prefix) }
sprintf_free := concat(" ", [call.action, call.prefix])
privileged if { call.service == "iam"; some prefix in ["Create", "Delete"]; startswith(call.action, prefix) }
p := "held" if privileged`,
  },
  {
    note: 'with replaces the input the lookups read',
    source: `${CALL}
p := [call.action, q, r, call.action] if { call.action != "x" }
q := x if { x := call.action with input.call as {"action": "replaced"} }
r := [call.action, y] if { call.service == "s3"; y := call.action with input.call.action as "inner" }`,
  },
  {
    note: 'lookups by iteration variables and nested iterations',
    source: `${CALL}
p contains [k, v, w] if { some k, v in call; some w in input.names; is_string(v); startswith(w, call.prefix) }`,
  },
  {
    note: 'lookups inside not and else',
    source: `${CALL}
p := "not" if { not call.b.c == call.action; call.action == "a" }
else := "else" if { call.b.c == call.action }
else := call.action`,
  },
  {
    note: 'conflicting values still conflict',
    source: `${CALL}
p := call.action if call.service == "s3"
p := call.prefix if call.service == "s3"`,
  },
];

const word = fc.constantFrom('a', 'b', 'Create', 'CreateRole', 'DeleteTable', 'iam', 's3', 'x', '');
const input = fc.record(
  {
    call: fc.record(
      {
        action: word,
        prefix: word,
        service: word,
        decoded: fc.boolean(),
        b: fc.oneof(word, fc.record({ c: word })),
        names: fc.array(word, { maxLength: 3 }),
      },
      { requiredKeys: [] },
    ),
    names: fc.array(word, { maxLength: 4 }),
    prefixes: fc.array(word, { maxLength: 3 }),
  },
  { requiredKeys: [] },
);

/** outcome runs a policy on the IR interpreter: its result set, or the error it raised. */
function outcome(policy: Policy, value: unknown): unknown {
  try {
    return evalPolicy(policy, ENTRYPOINT, value, {});
  } catch (error) {
    return { error: (error as Error).message };
  }
}

for (const { note, source } of POLICIES) {
  t.test(`optimized IR answers as planned IR: ${note}`, async (t) => {
    const before = planned(source);
    const after = optimizePolicy(before);
    fc.assert(
      fc.property(input, (value) => isDeepStrictEqual(outcome(after, value), outcome(before, value))),
      { numRuns: 300 },
    );
    t.pass('300 random inputs');
  });
}
