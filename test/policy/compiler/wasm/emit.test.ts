import { loadPolicy } from '@open-policy-agent/opa-wasm';
import t from 'tap';
import { CompileError } from '../../../../proxy/policy/compiler/diagnostics.js';
import type { Policy } from '../../../../proxy/policy/compiler/ir/ir.js';
import { type EmitOptions, emitWasm } from '../../../../proxy/policy/compiler/wasm/emit.js';
import { at, block, bool, func, local, plan, policy, Strings } from './fixtures/ir.js';
import { wasm } from './fixtures/webassembly.js';

type HostBuiltin = (...args: unknown[]) => unknown;

interface Case {
  note: string;
  policy: () => Policy;
  input?: unknown;
  data?: object;
  entrypoint?: string;
  options?: EmitOptions;
  customBuiltins?: Record<string, HostBuiltin>;
  /** The result set `evaluate` returns. */
  want?: unknown;
  /** The message `evaluate` throws (opa_abort throws a plain string). */
  wantAbort?: string;
}

// Locals 0 and 1 are input and data in every plan and function; cases number theirs from 2.
const cases: Case[] = [
  {
    note: 'a plan with no blocks is undefined',
    policy: () => policy(new Strings(), [plan('airlock/empty')]),
    want: [],
  },
  {
    note: 'input.x + 1 with a native built-in',
    policy: () => {
      const s = new Strings();
      return policy(
        s,
        [
          plan(
            'test/p',
            block(
              { type: 'DotStmt', source: local(0), key: s.op('x'), target: 2 },
              { type: 'MakeNumberIntStmt', value: 1, target: 3 },
              { type: 'CallStmt', func: 'plus', args: [local(2), local(3)], result: 4 },
              { type: 'ResultSetAddStmt', value: 4 },
            ),
          ),
        ],
        [],
        [{ name: 'plus', arity: 2 }],
      );
    },
    input: { x: 41 },
    want: [{ result: 42 }],
  },
  {
    note: 'a missing key makes the plan undefined',
    policy: () => {
      const s = new Strings();
      return policy(s, [
        plan(
          'test/p',
          block(
            { type: 'DotStmt', source: local(0), key: s.op('missing'), target: 2 },
            { type: 'ResultSetAddStmt', value: 2 },
          ),
        ),
      ]);
    },
    input: { x: 1 },
    want: [],
  },
  {
    note: 'a falsy input is no input: lookups in it are undefined',
    policy: () => {
      const s = new Strings();
      return policy(s, [
        plan(
          'test/no-input',
          block(
            { type: 'DotStmt', source: local(0), key: s.op('x'), target: 2 },
            { type: 'ResultSetAddStmt', value: 2 },
          ),
          block(
            { type: 'IsUndefinedStmt', source: 0 },
            { type: 'AssignVarStmt', source: s.op('no input'), target: 3 },
            { type: 'ResultSetAddStmt', value: 3 },
          ),
        ),
      ]);
    },
    input: false,
    want: [{ result: 'no input' }],
  },
  {
    note: 'scan sums an array',
    policy: () => {
      const s = new Strings();
      return policy(
        s,
        [
          plan(
            'test/sum',
            block(
              { type: 'DotStmt', source: local(0), key: s.op('xs'), target: 2 },
              { type: 'MakeNumberIntStmt', value: 0, target: 3 },
              {
                type: 'ScanStmt',
                source: 2,
                key: 4,
                value: 5,
                block: block(
                  { type: 'CallStmt', func: 'plus', args: [local(3), local(5)], result: 6 },
                  { type: 'AssignVarStmt', source: local(6), target: 3 },
                ),
              },
              { type: 'ResultSetAddStmt', value: 3 },
            ),
          ),
        ],
        [],
        [{ name: 'plus', arity: 2 }],
      );
    },
    input: { xs: [1, 2, 3, 4] },
    want: [{ result: 10 }],
  },
  {
    note: 'an undefined statement in a scan body goes on with the next element',
    policy: () => {
      const s = new Strings();
      return policy(s, [
        plan(
          'test/keep',
          block(
            { type: 'DotStmt', source: local(0), key: s.op('xs'), target: 2 },
            { type: 'MakeArrayStmt', capacity: 0, target: 3 },
            { type: 'MakeNumberIntStmt', value: 2, target: 7 },
            {
              type: 'ScanStmt',
              source: 2,
              key: 4,
              value: 5,
              block: block(
                { type: 'NotEqualStmt', a: local(5), b: local(7) },
                { type: 'ArrayAppendStmt', value: local(5), array: 3 },
              ),
            },
            { type: 'ResultSetAddStmt', value: 3 },
          ),
        ),
      ]);
    },
    input: { xs: [1, 2, 3, 2, 5] },
    want: [{ result: [1, 3, 5] }],
  },
  {
    note: 'scan visits object keys in order and a non-collection is undefined',
    policy: () => {
      const s = new Strings();
      const scanKeys = (source: string) => [
        { type: 'DotStmt', source: local(0), key: s.op(source), target: 2 } as const,
        { type: 'MakeArrayStmt', capacity: 0, target: 3 } as const,
        {
          type: 'ScanStmt',
          source: 2,
          key: 4,
          value: 5,
          block: block({ type: 'ArrayAppendStmt', value: local(4), array: 3 }),
        } as const,
        { type: 'ResultSetAddStmt', value: 3 } as const,
      ];
      return policy(s, [plan('test/object', block(...scanKeys('o'))), plan('test/number', block(...scanKeys('n')))]);
    },
    input: { o: { b: 1, a: 2, c: 3 }, n: 5 },
    want: [{ result: ['a', 'b', 'c'] }],
  },
  {
    note: 'scan of a number is undefined',
    policy: () => cases.find((c) => c.note.startsWith('scan visits object keys'))!.policy(),
    entrypoint: 'test/number',
    input: { o: {}, n: 5 },
    want: [],
  },
  {
    note: 'not holds when its block is undefined',
    policy: () => {
      const s = new Strings();
      const denied = block(
        { type: 'DotStmt', source: local(0), key: s.op('deny'), target: 2 },
        { type: 'EqualStmt', a: local(2), b: bool(true) },
      );
      return policy(s, [
        plan(
          'test/allow',
          block(
            { type: 'NotStmt', block: denied },
            { type: 'AssignVarStmt', source: s.op('allowed'), target: 3 },
            { type: 'ResultSetAddStmt', value: 3 },
          ),
        ),
      ]);
    },
    input: { deny: false },
    want: [{ result: 'allowed' }],
  },
  {
    note: 'not is undefined when its block is defined',
    policy: () => cases.find((c) => c.note === 'not holds when its block is undefined')!.policy(),
    input: { deny: true },
    want: [],
  },
  {
    note: 'with replaces input for its block only, and memoized rules see each input',
    policy: () => {
      const s = new Strings();
      const user = func(
        'g0.data.test.user',
        2,
        2,
        block(
          { type: 'DotStmt', source: local(0), key: s.op('user'), target: 3 },
          { type: 'AssignVarOnceStmt', source: local(3), target: 2 },
        ),
        block({ type: 'ReturnLocalStmt', source: 2 }),
      );
      const callUser = (result: number) => ({
        type: 'CallStmt' as const,
        func: 'g0.data.test.user',
        args: [local(0), local(1)],
        result,
      });
      return policy(
        s,
        [
          plan(
            'test/users',
            block(
              { type: 'MakeArrayStmt', capacity: 3, target: 2 },
              callUser(3),
              { type: 'ArrayAppendStmt', value: local(3), array: 2 },
              {
                type: 'WithStmt',
                local: 0,
                path: [s.index('user')],
                value: s.op('bob'),
                block: block(callUser(4), { type: 'ArrayAppendStmt', value: local(4), array: 2 }),
              },
              callUser(5),
              { type: 'ArrayAppendStmt', value: local(5), array: 2 },
              { type: 'DotStmt', source: local(0), key: s.op('user'), target: 6 },
              { type: 'ArrayAppendStmt', value: local(6), array: 2 },
              { type: 'ResultSetAddStmt', value: 2 },
            ),
          ),
        ],
        [user],
      );
    },
    input: { user: 'alice' },
    want: [{ result: ['alice', 'bob', 'alice', 'alice'] }],
  },
  {
    note: 'without memoization rules give the same results',
    policy: () => cases.find((c) => c.note.startsWith('with replaces input for its block only'))!.policy(),
    options: { memoize: false, functionNames: true },
    input: { user: 'alice' },
    want: [{ result: ['alice', 'bob', 'alice', 'alice'] }],
  },
  {
    note: 'with restores the local when its block is undefined or broken out of',
    policy: () => {
      const s = new Strings();
      const withUser = (...stmts: Parameters<typeof block>) => ({
        type: 'WithStmt' as const,
        local: 0,
        path: [s.index('user')],
        value: s.op('mallory'),
        block: block(...stmts),
      });
      return policy(s, [
        plan(
          'test/restore',
          block(
            { type: 'MakeArrayStmt', capacity: 2, target: 2 },
            // An undefined with-block: the with statement is undefined, the rest of this block skipped.
            withUser({ type: 'EqualStmt', a: bool(true), b: bool(false) }),
            { type: 'ArrayAppendStmt', value: s.op('unreachable'), array: 2 },
          ),
          block(
            // Break out of the with-block and the block around it.
            withUser({ type: 'BreakStmt', index: 1 }),
            { type: 'ArrayAppendStmt', value: s.op('unreachable'), array: 2 },
          ),
          block(
            { type: 'DotStmt', source: local(0), key: s.op('user'), target: 3 },
            { type: 'ArrayAppendStmt', value: local(3), array: 2 },
            withUser(
              { type: 'DotStmt', source: local(0), key: s.op('user'), target: 4 },
              { type: 'ArrayAppendStmt', value: local(4), array: 2 },
            ),
            { type: 'ResultSetAddStmt', value: 2 },
          ),
        ),
      ]);
    },
    input: { user: 'alice' },
    want: [{ result: ['alice', 'mallory'] }],
  },
  {
    note: 'with on data with a nested path creates the objects along it',
    policy: () => {
      const s = new Strings();
      return policy(s, [
        plan(
          'test/data',
          block({
            type: 'WithStmt',
            local: 1,
            path: [s.index('a'), s.index('b')],
            value: bool(true),
            block: block({ type: 'ResultSetAddStmt', value: 1 }),
          }),
        ),
      ]);
    },
    data: { z: 1 },
    want: [{ result: { a: { b: true }, z: 1 } }],
  },
  {
    note: 'two different values for a complete rule abort with var assignment conflict',
    policy: () => {
      const s = new Strings();
      const rule = func(
        'g0.data.test.conflict',
        2,
        2,
        block({ type: 'AssignVarOnceStmt', source: s.op('a'), target: 2, ...at(3, 5) }),
        block({ type: 'AssignVarOnceStmt', source: s.op('a'), target: 2, ...at(4, 5) }),
        block({ type: 'AssignVarOnceStmt', source: s.op('b'), target: 2, ...at(5, 5) }),
        block({ type: 'ReturnLocalStmt', source: 2 }),
      );
      return policy(
        s,
        [
          plan(
            'test/conflict',
            block(
              { type: 'CallStmt', func: rule.name, args: [local(0), local(1)], result: 2 },
              { type: 'ResultSetAddStmt', value: 2 },
            ),
          ),
        ],
        [rule],
      );
    },
    wantAbort: 'policy.rego:5:5: var assignment conflict',
  },
  {
    note: 'one key with two values aborts with object insert conflict',
    policy: () => {
      const s = new Strings();
      return policy(s, [
        plan(
          'test/object',
          block(
            { type: 'MakeObjectStmt', target: 2 },
            { type: 'ObjectInsertOnceStmt', key: s.op('k'), value: s.op('v'), object: 2 },
            { type: 'ObjectInsertOnceStmt', key: s.op('k'), value: s.op('v'), object: 2 },
            { type: 'ObjectInsertOnceStmt', key: s.op('k'), value: s.op('w'), object: 2, ...at(7, 9) },
            { type: 'ResultSetAddStmt', value: 2 },
          ),
        ),
      ]);
    },
    wantAbort: 'policy.rego:7:9: object insert conflict',
  },
  {
    note: 'break leaves index + 1 blocks, through nested blocks, not and scan',
    policy: () => {
      const s = new Strings();
      const append = (text: string) => ({ type: 'ArrayAppendStmt' as const, value: s.op(text), array: 2 });
      return policy(s, [
        plan(
          'test/breaks',
          block(
            { type: 'MakeArrayStmt', capacity: 0, target: 2 },
            {
              type: 'BlockStmt',
              blocks: [
                block(
                  {
                    type: 'BlockStmt',
                    blocks: [block(append('a'), { type: 'BreakStmt', index: 1 }, append('x')), block(append('y'))],
                  },
                  append('z'),
                ),
                block(append('b')),
              ],
            },
            // Breaking out of a not's block makes the not hold.
            { type: 'NotStmt', block: block(append('c'), { type: 'BreakStmt', index: 0 }, append('x')) },
            { type: 'DotStmt', source: local(0), key: s.op('xs'), target: 3 },
            {
              type: 'BlockStmt',
              blocks: [
                block({
                  type: 'ScanStmt',
                  source: 3,
                  key: 4,
                  value: 5,
                  // Breaking out of the body and the block holding the scan ends the scan.
                  block: block({ type: 'ArrayAppendStmt', value: local(5), array: 2 }, { type: 'BreakStmt', index: 1 }),
                }),
              ],
            },
            append('d'),
            { type: 'ResultSetAddStmt', value: 2 },
          ),
        ),
      ]);
    },
    input: { xs: ['first', 'second'] },
    want: [{ result: ['a', 'b', 'c', 'first', 'd'] }],
  },
  {
    note: 'a host built-in is called through the SDK',
    policy: () => {
      const s = new Strings();
      return policy(
        s,
        [
          plan(
            'test/host',
            block(
              { type: 'DotStmt', source: local(0), key: s.op('x'), target: 2 },
              { type: 'CallStmt', func: 'custom.twice', args: [local(2), s.op('!')], result: 3 },
              { type: 'ResultSetAddStmt', value: 3 },
            ),
          ),
        ],
        [],
        [{ name: 'custom.twice', arity: 2 }],
      );
    },
    options: { hostBuiltins: new Set(['custom.twice']) },
    customBuiltins: { 'custom.twice': (x: unknown, suffix: unknown) => `${x}${x}${suffix}` },
    input: { x: 'ab' },
    want: [{ result: 'abab!' }],
  },
  {
    note: 'a host built-in returning undefined makes the statement undefined',
    policy: () => cases.find((c) => c.note === 'a host built-in is called through the SDK')!.policy(),
    options: { hostBuiltins: new Set(['custom.twice']) },
    customBuiltins: { 'custom.twice': () => undefined },
    input: { x: 'ab' },
    want: [],
  },
  {
    note: 'a dynamic call picks the function by the path values',
    policy: () => {
      const s = new Strings();
      const handler = (name: string) =>
        func(
          `g0.data.handlers.${name}`,
          2,
          2,
          block({ type: 'AssignVarStmt', source: s.op(`handled by ${name}`), target: 2 }),
          block({ type: 'ReturnLocalStmt', source: 2 }),
        );
      return policy(
        s,
        [
          plan(
            'test/dispatch',
            block(
              { type: 'DotStmt', source: local(0), key: s.op('kind'), target: 2 },
              { type: 'CallDynamicStmt', path: [s.op('handlers'), local(2)], args: [0, 1], result: 3 },
              { type: 'ResultSetAddStmt', value: 3 },
            ),
          ),
        ],
        [handler('a'), handler('b')],
      );
    },
    input: { kind: 'b' },
    want: [{ result: 'handled by b' }],
  },
  {
    note: 'a dynamic call with no matching function is undefined',
    policy: () => cases.find((c) => c.note === 'a dynamic call picks the function by the path values')!.policy(),
    input: { kind: 'c' },
    want: [],
  },
  {
    note: 'values, types, lengths, sets and merges',
    policy: () => {
      const s = new Strings();
      const put = (key: string, value: number) => ({
        type: 'ObjectInsertStmt' as const,
        key: s.op(key),
        value: local(value),
        object: 2,
      });
      return policy(s, [
        plan(
          'test/values',
          block(
            { type: 'MakeObjectStmt', target: 2 },
            { type: 'MakeNullStmt', target: 3 },
            put('null', 3),
            { type: 'MakeNumberRefStmt', index: s.index('3.25'), target: 4 },
            put('ref', 4),
            { type: 'AssignIntStmt', value: 7, target: 5 },
            put('int', 5),
            { type: 'MakeSetStmt', target: 6 },
            { type: 'SetAddStmt', value: s.op('b'), set: 6 },
            { type: 'SetAddStmt', value: s.op('a'), set: 6 },
            { type: 'SetAddStmt', value: s.op('b'), set: 6 },
            put('set', 6),
            { type: 'LenStmt', source: s.op('héllo'), target: 7 },
            put('len', 7),
            { type: 'NopStmt' },
            { type: 'ResetLocalStmt', target: 3 },
            { type: 'IsUndefinedStmt', source: 3 },
            { type: 'IsDefinedStmt', source: 4 },
            { type: 'IsSetStmt', source: local(6) },
            { type: 'DotStmt', source: local(0), key: s.op('o'), target: 8 },
            { type: 'IsObjectStmt', source: local(8) },
            { type: 'DotStmt', source: local(0), key: s.op('p'), target: 9 },
            { type: 'ObjectMergeStmt', a: 8, b: 9, target: 10 },
            put('merged', 10),
            { type: 'DotStmt', source: local(0), key: s.op('xs'), target: 11 },
            { type: 'IsArrayStmt', source: local(11) },
            { type: 'DotStmt', source: local(11), key: local(5), target: 12 },
            put('xs[7]', 12),
            { type: 'ResultSetAddStmt', value: 2 },
          ),
        ),
      ]);
    },
    input: { o: { a: 1, n: { x: 1 } }, p: { a: 2, b: 3, n: { y: 2 } }, xs: [0, 1, 2, 3, 4, 5, 6, 'seven'] },
    want: [
      {
        result: {
          null: null,
          ref: 3.25,
          int: 7,
          set: ['a', 'b'],
          len: 5,
          merged: { a: 1, b: 3, n: { x: 1, y: 2 } },
          'xs[7]': 'seven',
        },
      },
    ],
  },
  {
    note: 'a type test that fails leaves the block',
    policy: () => {
      const s = new Strings();
      return policy(s, [
        plan(
          'test/types',
          block(
            { type: 'DotStmt', source: local(0), key: s.op('o'), target: 2 },
            { type: 'IsArrayStmt', source: local(2) },
            { type: 'ResultSetAddStmt', value: 2 },
          ),
          block(
            { type: 'DotStmt', source: local(0), key: s.op('o'), target: 2 },
            { type: 'IsSetStmt', source: local(2) },
            { type: 'ResultSetAddStmt', value: 2 },
          ),
        ),
      ]);
    },
    input: { o: { a: 1 } },
    want: [],
  },
  {
    note: 'each plan is its own entrypoint',
    policy: () => {
      const s = new Strings();
      const constant = (name: string) =>
        plan(
          name,
          block({ type: 'AssignVarStmt', source: s.op(name), target: 2 }, { type: 'ResultSetAddStmt', value: 2 }),
        );
      return policy(s, [constant('test/first'), constant('test/second')]);
    },
    entrypoint: 'test/second',
    want: [{ result: 'test/second' }],
  },
  {
    note: 'a function with arguments returns its result and undefined when no return ran',
    policy: () => {
      const s = new Strings();
      // f(x) := x if x != "no"
      const f = func(
        'g0.data.test.f',
        3,
        3,
        block({ type: 'NotEqualStmt', a: local(2), b: s.op('no') }, { type: 'ReturnLocalStmt', source: 2 }),
      );
      const call = (arg: string, result: number) => ({
        type: 'CallStmt' as const,
        func: f.name,
        args: [local(0), local(1), s.op(arg)],
        result,
      });
      return policy(
        s,
        [
          plan(
            'test/f',
            block({ type: 'MakeArrayStmt', capacity: 2, target: 2 }, call('yes', 3), {
              type: 'ArrayAppendStmt',
              value: local(3),
              array: 2,
            }),
            block(call('no', 4), { type: 'ArrayAppendStmt', value: local(4), array: 2 }),
            block({ type: 'ResultSetAddStmt', value: 2 }),
          ),
        ],
        [f],
      );
    },
    want: [{ result: ['yes'] }],
  },
];

for (const c of cases) {
  t.test(c.note, async (t) => {
    const bytes = emitWasm(c.policy(), c.options);
    t.ok(wasm.validate(bytes), 'the module validates');
    const loaded = await loadPolicy(bytes, undefined, c.customBuiltins ?? {});
    if (c.data !== undefined) loaded.setData(c.data);
    const evaluate = () => loaded.evaluate(c.input ?? {}, c.entrypoint ?? 0);
    if (c.wantAbort !== undefined) {
      t.throws(evaluate, c.wantAbort);
      let thrown: unknown;
      try {
        evaluate();
      } catch (error) {
        thrown = error;
      }
      t.equal(thrown, c.wantAbort);
    } else {
      t.same(evaluate(), c.want);
      t.same(evaluate(), c.want, 'a second evaluation gives the same result');
    }
  });
}

t.test('a policy without plans loads, lists no entrypoints and refuses entrypoint 0', async (t) => {
  const bytes = emitWasm(policy(new Strings(), []));
  const loaded = await loadPolicy(bytes);
  t.same(loaded.entrypoints, {});
  t.throws(() => loaded.evaluate({}, 0));
  let thrown: unknown;
  try {
    loaded.evaluate({}, 0);
  } catch (error) {
    thrown = error;
  }
  t.equal(thrown, 'internal: illegal entrypoint id');
});

t.test('entrypoints and host built-ins are listed for the SDK', async (t) => {
  const policyWithHost = cases.find((c) => c.note === 'a host built-in is called through the SDK')!;
  const bytes = emitWasm(policyWithHost.policy(), policyWithHost.options);
  const loaded = await loadPolicy(bytes, undefined, policyWithHost.customBuiltins);
  t.same(loaded.entrypoints, { 'test/host': 0 });
  const { exports } = loaded.wasmInstance as unknown as {
    exports: { builtins(): number; opa_json_dump(value: number): number };
  };
  const memory = new Uint8Array(loaded.mem.buffer);
  const start = exports.opa_json_dump(exports.builtins());
  const end = memory.indexOf(0, start);
  t.same(JSON.parse(Buffer.from(memory.subarray(start, end)).toString('utf8')), { 'custom.twice': 0 });
});

t.test('a built-in neither native nor on the host is a compile error at each call', async (t) => {
  const s = new Strings();
  const call = (row: number) => ({
    type: 'CallStmt' as const,
    func: 'crypto.sha999',
    args: [s.op('x')],
    result: 2,
    ...at(row, 3),
  });
  const broken = policy(s, [plan('test/p', block(call(4)), block(call(9)))], [], [{ name: 'crypto.sha999', arity: 1 }]);
  const error = t.throws(() => emitWasm(broken)) as CompileError;
  t.type(error, CompileError);
  t.same(
    error.diagnostics.map((d) => [d.code, d.location.file, d.location.row, d.location.col]),
    [
      ['rego_unsupported_error', 'policy.rego', 4, 3],
      ['rego_unsupported_error', 'policy.rego', 9, 3],
    ],
  );
  t.match(error.message, /policy\.rego:4:3: rego_unsupported_error: .*crypto\.sha999/);
});

t.test('a host built-in with more than 4 arguments is a compile error', async (t) => {
  const s = new Strings();
  const args = [1, 2, 3, 4, 5].map((n) => s.op(String(n)));
  const broken = policy(s, [
    plan('test/p', block({ type: 'CallStmt', func: 'custom.five', args, result: 2, ...at(2, 1) })),
  ]);
  const error = t.throws(() => emitWasm(broken, { hostBuiltins: new Set(['custom.five']) })) as CompileError;
  t.equal(error.diagnostics[0]?.code, 'rego_unsupported_error');
  t.match(error.diagnostics[0]?.message, /custom\.five.*at most 4/);
});

t.test('the SDK’s own JavaScript built-ins need no host declaration', async (t) => {
  const s = new Strings();
  const p = policy(s, [
    plan(
      'test/sprintf',
      block(
        { type: 'MakeArrayStmt', capacity: 1, target: 2 },
        { type: 'ArrayAppendStmt', value: s.op('x'), array: 2 },
        { type: 'CallStmt', func: 'sprintf', args: [s.op('<%s>'), local(2)], result: 3 },
        { type: 'ResultSetAddStmt', value: 3 },
      ),
    ),
  ]);
  const loaded = await loadPolicy(emitWasm(p));
  t.same(loaded.evaluate({}), [{ result: '<x>' }]);
});

t.test('a host built-in listed under an alias replaces the SDK’s own version', async (t) => {
  const s = new Strings();
  const p = policy(s, [
    plan(
      'test/sprintf',
      block(
        { type: 'MakeArrayStmt', capacity: 0, target: 2 },
        { type: 'CallStmt', func: 'sprintf', args: [s.op('%d'), local(2)], result: 3 },
        { type: 'ResultSetAddStmt', value: 3 },
      ),
    ),
  ]);
  const bytes = emitWasm(p, {
    hostBuiltins: new Set(['sprintf']),
    hostBuiltinAliases: new Map([['sprintf', 'test.sprintf']]),
  });
  const loaded = await loadPolicy(bytes, undefined, { 'test.sprintf': (format: unknown) => `host ${format}` });
  t.same(loaded.evaluate({}), [{ result: 'host %d' }]);
});

t.test('sprintf tries the runtime’s fast path and calls the host only when it declines', async (t) => {
  const s = new Strings();
  const p = policy(s, [
    plan(
      'test/sprintf',
      block(
        { type: 'DotStmt', source: local(0), key: s.op('format'), target: 2 },
        { type: 'DotStmt', source: local(0), key: s.op('args'), target: 3 },
        { type: 'CallStmt', func: 'sprintf', args: [local(2), local(3)], result: 4 },
        { type: 'ResultSetAddStmt', value: 4 },
      ),
    ),
  ]);
  const bytes = emitWasm(p, {
    hostBuiltins: new Set(['sprintf']),
    hostBuiltinAliases: new Map([['sprintf', 'test.sprintf']]),
  });
  const hostCalls: unknown[] = [];
  const loaded = await loadPolicy(bytes, undefined, {
    'test.sprintf': (format: unknown, args: unknown) => {
      hostCalls.push([format, args]);
      return 'from the host';
    },
  });
  t.same(loaded.evaluate({ format: '%s has %d', args: ['x', 2] }), [{ result: 'x has 2' }]);
  t.same(hostCalls, [], 'a call in the common subset never reaches the host');
  t.same(loaded.evaluate({ format: '%.1f', args: [1.25] }), [{ result: 'from the host' }]);
  t.same(hostCalls, [['%.1f', [1.25]]], 'a declined call goes to the host, with the same arguments');
  t.same(loaded.evaluate({ format: '%s', args: 'x' }), [{ result: 'from the host' }], 'so do operand errors');
});

t.test('a large string constant is copied in at start-up', async (t) => {
  const s = new Strings();
  const big = 'x'.repeat(400_000);
  const p = policy(s, [
    plan('test/big', block({ type: 'LenStmt', source: s.op(big), target: 2 }, { type: 'ResultSetAddStmt', value: 2 })),
  ]);
  const loaded = await loadPolicy(emitWasm(p));
  t.same(loaded.evaluate({}), [{ result: 400_000 }]);
});

t.test('a rule without arguments runs once per evaluation however often it is called', async (t) => {
  const s = new Strings();
  const rule = func(
    'g0.data.test.expensive',
    2,
    2,
    block({ type: 'CallStmt', func: 'custom.tick', args: [], result: 2 }, { type: 'ReturnLocalStmt', source: 2 }),
  );
  const call = (result: number) => ({
    type: 'CallStmt' as const,
    func: rule.name,
    args: [local(0), local(1)],
    result,
  });
  const p = policy(
    s,
    [
      plan(
        'test/twice',
        block(
          call(2),
          call(3),
          { type: 'EqualStmt', a: local(2), b: local(3) },
          { type: 'ResultSetAddStmt', value: 3 },
        ),
      ),
    ],
    [rule],
  );
  for (const memoize of [true, false]) {
    let ticks = 0;
    const tick = (): unknown => {
      ticks++;
      return 7;
    };
    const bytes = emitWasm(p, { memoize, hostBuiltins: new Set(['custom.tick']) });
    const loaded = await loadPolicy(bytes, undefined, { 'custom.tick': tick });
    t.same(loaded.evaluate({}), [{ result: 7 }]);
    t.same(loaded.evaluate({}), [{ result: 7 }]);
    t.equal(ticks, memoize ? 2 : 4, `memoize ${memoize}: the host built-in ran ${ticks} times in 2 evaluations`);
  }
});

t.test('IR the planner should not produce is reported, not emitted', async (t) => {
  const s = new Strings();
  const broken = policy(s, [
    plan(
      'test/p',
      block(
        { type: 'CallStmt', func: 'g0.data.nowhere', args: [local(0), local(1)], result: 2, ...at(1, 1) },
        { type: 'BreakStmt', index: 3, ...at(2, 1) },
        { type: 'DotStmt', source: local(0), key: { type: 'string_index', value: 99 }, target: 3, ...at(3, 1) },
      ),
    ),
  ]);
  const error = t.throws(() => emitWasm(broken)) as CompileError;
  t.same(
    error.diagnostics.map((d) => [d.code, d.location.row]),
    [
      ['rego_compile_error', 1],
      ['rego_compile_error', 2],
      ['rego_compile_error', 3],
    ],
  );
  t.match(error.diagnostics[0]?.message, /g0\.data\.nowhere/);
});
