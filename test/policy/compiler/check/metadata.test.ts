import t from 'tap';
import { checkModules } from '../../../../proxy/policy/compiler/check/index.js';
import { lookupNode } from '../../../../proxy/policy/compiler/check/program.js';
import { CompileError, formatDiagnostic } from '../../../../proxy/policy/compiler/diagnostics.js';
import type { Module } from '../../../../proxy/policy/compiler/parse/ast.js';
import { parseModule } from '../../../../proxy/policy/compiler/parse/parser.js';
import { printBody } from '../../../../proxy/policy/compiler/parse/print.js';
import { planProgram } from '../../../../proxy/policy/compiler/plan/index.js';
import { evalPolicy } from '../plan/fixtures/ir-eval.js';

/*
 * rego.metadata.chain() and rego.metadata.rule(): the checker replaces each call with the constant OPA computes
 * for the rule the call is in. Each case is compiled and run by the IR interpreter.
 */

function parse(sources: string[]): Module[] {
  return sources.map((src, i) => {
    const r = parseModule(src, `m${i}.rego`);
    if (!r.module) throw new Error(r.diagnostics.map(formatDiagnostic).join('\n'));
    return r.module;
  });
}

function evaluate(sources: string[], entrypoint = 'test/p'): unknown {
  const checked = checkModules(parse(sources), [entrypoint]);
  if (!checked.program) throw new CompileError(checked.diagnostics);
  const [first] = evalPolicy(planProgram(checked.program, [entrypoint]), entrypoint, undefined, undefined) as {
    result: unknown;
  }[];
  return first?.result;
}

function diagnostics(sources: string[]): string[] {
  return checkModules(parse(sources), ['test/p']).diagnostics.map(formatDiagnostic);
}

interface MetadataCase {
  note: string;
  modules: string[];
  entrypoint?: string;
  want: unknown;
}

const CASES: MetadataCase[] = [
  {
    note: 'a rule without blocks: the chain is its path, its own metadata is empty',
    modules: ['package test\n\np := [rego.metadata.chain(), rego.metadata.rule()]'],
    want: [[{ path: ['test', 'p'] }], {}],
  },
  {
    note: 'the rule block, then the package block',
    modules: [
      '# METADATA\n# description: The suite\npackage test\n\n# METADATA\n# title: P\n# authors:\n# - OPA\np := x if {\n\tx := rego.metadata.chain()\n}',
    ],
    want: [
      { path: ['test', 'p'], annotations: { scope: 'rule', title: 'P', authors: [{ name: 'OPA' }] } },
      { path: ['test'], annotations: { scope: 'package', description: 'The suite' } },
    ],
  },
  {
    note: 'rule blocks closest first, then document, package and subpackages from the nearest package up',
    modules: [
      '# METADATA\n# scope: subpackages\n# title: root\npackage test',
      '# METADATA\n# scope: subpackages\n# title: sub\n\n# METADATA\n# title: pkg\npackage test.sub',
      [
        'package test.sub',
        '# METADATA',
        '# scope: document',
        '# title: doc',
        'p := 1 if false',
        '# METADATA',
        '# title: far',
        '',
        '# METADATA',
        '# title: near',
        'p := rego.metadata.chain()',
      ].join('\n'),
    ],
    entrypoint: 'test/sub/p',
    want: [
      { path: ['test', 'sub', 'p'], annotations: { scope: 'rule', title: 'near' } },
      { path: ['test', 'sub', 'p'], annotations: { scope: 'rule', title: 'far' } },
      { path: ['test', 'sub', 'p'], annotations: { scope: 'document', title: 'doc' } },
      { path: ['test', 'sub'], annotations: { scope: 'package', title: 'pkg' } },
      { path: ['test', 'sub'], annotations: { scope: 'subpackages', title: 'sub' } },
      { path: ['test'], annotations: { scope: 'subpackages', title: 'root' } },
    ],
  },
  {
    note: 'rule() is the nearest rule block only',
    modules: [
      'package test\n# METADATA\n# scope: document\n# title: doc\np := 1 if false\n# METADATA\n# title: far\n# METADATA\n# title: near\np := rego.metadata.rule()',
    ],
    want: { scope: 'rule', title: 'near' },
  },
  {
    note: 'a call with an output unifies it with the constant',
    modules: ['package test\n# METADATA\n# title: t\np := x if rego.metadata.rule(x)'],
    want: { scope: 'rule', title: 't' },
  },
  {
    note: 'an else branch has no block of its own',
    modules: [
      'package test\n# METADATA\n# title: t\np := [rego.metadata.rule(), rego.metadata.chain()] if false else := [rego.metadata.rule(), rego.metadata.chain()]',
    ],
    want: [{}, [{ path: ['test', 'p'] }]],
  },
  {
    note: 'a function and a ref head rule are described by their constant path',
    modules: [
      'package test\n# METADATA\n# title: f\nf(_) := rego.metadata.chain()\n# METADATA\n# title: r\na.b[k] := rego.metadata.chain() if some k in ["x"]\np := [f(1), a.b.x]',
    ],
    want: [
      [{ path: ['test', 'f'], annotations: { scope: 'rule', title: 'f' } }],
      [{ path: ['test', 'a', 'b'], annotations: { scope: 'rule', title: 'r' } }],
    ],
  },
  {
    note: 'every field OPA keeps (an entrypoint block is document-scoped, second in the chain)',
    modules: [
      [
        'package test',
        '# METADATA',
        '# title: t',
        '# description: d',
        '# entrypoint: true',
        '# organizations: [o]',
        '# related_resources: [{ref: "https://x.org", description: x}]',
        '# authors: ["A <a@x.org>"]',
        '# schemas: [{input: schema.i}, {input.y: {type: string}}]',
        '# custom: {k: [1, true, null]}',
        'p := rego.metadata.chain()[1].annotations',
      ].join('\n'),
    ],
    want: {
      scope: 'document',
      title: 't',
      description: 'd',
      entrypoint: true,
      organizations: ['o'],
      related_resources: [{ ref: 'https://x.org', description: 'x' }],
      authors: [{ name: 'A', email: 'a@x.org' }],
      schemas: [
        { path: ['input'], schema: ['schema', 'i'] },
        { path: ['input', 'y'], definition: { type: 'string' } },
      ],
      custom: { k: [1, true, null] },
    },
  },
];

t.test('metadata calls answer with OPA constants', async (t) => {
  for (const c of CASES) t.same(evaluate(c.modules, c.entrypoint), c.want, c.note);
});

t.test('calls inside comprehensions and call arguments answer for the enclosing rule', async (t) => {
  const got = evaluate([
    'package test\n# METADATA\n# title: t\np := [[x | x := rego.metadata.rule().title][0], count([rego.metadata.chain()])]',
  ]);
  t.same(got, ['t', 1]);
});

t.test('YAML numbers become Rego numbers written as Go writes them', async (t) => {
  const checked = checkModules(
    parse([
      'package test\n# METADATA\n# custom: {big: 1e6, small: 0.00001, int: 017}\np := x if x := rego.metadata.rule()',
    ]),
    ['test/p'],
  );
  const node = checked.program && lookupNode(checked.program.root, ['test', 'p']);
  const body = node?.rules[0]?.body ?? [];
  t.match(printBody(body), /"big": 1e\+06, "small": 1e-05, "int": 15/);
});

t.test('metadata is not called at run time', async (t) => {
  const checked = checkModules(parse(['package test\np := rego.metadata.chain()']), ['test/p']);
  if (!checked.program) throw new CompileError(checked.diagnostics);
  const policy = planProgram(checked.program, ['test/p']);
  t.same(policy.static.builtinFuncs, []);
});

t.test('annotation sets refuse redeclared blocks, as OPA', async (t) => {
  t.same(diagnostics(['# METADATA\n# title: a\npackage test', '# METADATA\n# title: b\npackage test\np := 1']), [
    'm1.rego:1:1: rego_type_error: package annotation redeclared: m0.rego:1',
  ]);
  t.same(
    diagnostics([
      'package test\n# METADATA\n# scope: document\np := 1 if false',
      'package test\n# METADATA\n# scope: document\np := 2',
    ]),
    ['m1.rego:2:1: rego_type_error: document annotation redeclared: m0.rego:2'],
  );
  t.same(
    diagnostics([
      '# METADATA\n# scope: subpackages\npackage test',
      '# METADATA\n# scope: subpackages\npackage test\np := 1',
    ]),
    ['m1.rego:1:1: rego_type_error: subpackages annotation redeclared: m0.rego:1'],
  );
  t.same(
    diagnostics([
      'package test\n# METADATA\n# title: a\np := 1',
      'package test\n# METADATA\n# title: b\np := 2 if false',
    ]),
    [],
  );
});

t.test('a block Airlock cannot reproduce is refused only when a call needs it', async (t) => {
  const block = 'package test\n# METADATA\n# custom: {x: !!int 5}\n';
  t.same(diagnostics([`${block}p := 1`]), []);
  t.same(diagnostics([`${block}p := rego.metadata.rule()`]), [
    'm0.rego:4:6: rego_unsupported_error: rego.metadata.rule: the METADATA block at m0.rego:2 holds the YAML tag tag:yaml.org,2002:int, whose value Airlock cannot reproduce exactly as OPA would',
  ]);
});

t.test('a wrong number of arguments is still an error', async (t) => {
  t.same(diagnostics(['package test\np := x if rego.metadata.chain(1, x)']), [
    'm0.rego:2:11: rego_type_error: rego.metadata.chain: too many arguments',
  ]);
});
