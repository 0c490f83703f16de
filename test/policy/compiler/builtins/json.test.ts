import { existsSync, readFileSync } from 'node:fs';
import t from 'tap';
import { parse } from 'yaml';
import { call, set, typed, value } from './fixtures/call-host.js';

t.test('json.filter keeps the paths named', async (t) => {
  const doc = { a: { b: { c: 7, d: 8 } }, e: 9 };
  t.same(value('json.filter', [doc, ['a/b/c']]), { a: { b: { c: 7 } } });
  t.same(value('json.filter', [doc, ['a/b/c', 'e']]), { a: { b: { c: 7 } }, e: 9 });
  t.same(value('json.filter', [{ a: { b: { c: 7, d: 8 }, e: 9 } }, ['a/b/c', 'a/e']]), { a: { b: { c: 7 }, e: 9 } });
  t.same(value('json.filter', [{ a: { b: 7 } }, ['a', 'a/b']]), { a: { b: 7 } });
  t.same(value('json.filter', [{ a: 7 }, []]), {});
  t.same(value('json.filter', [{}, ['a/b']]), {});
  t.same(value('json.filter', [{ a: [{ b: 7, c: 8 }, { d: 9 }] }, ['a/0/b', 'a/1']]), { a: [{ b: 7 }, { d: 9 }] });
  t.same(value('json.filter', [doc, [['a', 'b', 'c'], ['e']]]), { a: { b: { c: 7 } }, e: 9 });
  const fromSet = typed('json.filter', [doc, set('a/b/c')]);
  t.same(fromSet.defined && fromSet.value, { a: { b: { c: 7 } } });
});

t.test('json.remove drops the paths named', async (t) => {
  t.same(value('json.remove', [{ a: { b: 1, c: 2 } }, ['a/b']]), { a: { c: 2 } });
  t.same(value('json.remove', [{ a: [1, 2, 3] }, ['a/1']]), { a: [1, 3] });
  t.same(value('json.remove', [{ a: 1, b: 2 }, ['a', 'a/x']]), { b: 2 });
  t.same(value('json.remove', [{ 'a/b': 1, c: 2 }, ['a~1b']]), { c: 2 });
  t.same(call('json.remove', [[1], ['a']]), { defined: false });
});

t.test('json.patch applies RFC 6902 operations, with OPA set paths', async (t) => {
  t.same(value('json.patch', [{ foo: ['bar', 'baz'] }, [{ op: 'add', path: '/foo/1', value: 'qux' }]]), {
    foo: ['bar', 'qux', 'baz'],
  });
  t.same(call('json.patch', [{ q: { bar: 2 } }, [{ op: 'add', path: '/a/b', value: 1 }]]), { defined: false });
  const removed = typed('json.patch', [{ foo: set('a', 'b', 'c') }, [{ op: 'remove', path: 'foo/b' }]]);
  t.same(removed.defined && removed.value, { foo: { '$airlock.set': ['a', 'c'] } });
  const added = typed('json.patch', [{ foo: set('a') }, [{ op: 'add', path: 'foo/d', value: 'd' }]]);
  t.same(added.defined && added.value, { foo: { '$airlock.set': ['a', 'd'] } });
  t.same(typed('json.patch', [{ foo: set('a') }, [{ op: 'add', path: 'foo/d', value: 'e' }]]), { defined: false });
  const nested = typed('json.patch', [set([1]), [{ op: 'add', path: [[1], 1], value: 2 }]]);
  t.same(nested.defined && nested.value, { '$airlock.set': [[1, 2]] });
});

// OPA's own JSON-patch suite, from the conformance cases when they are on this machine.
const suite = '/work/shared/conformance/opa-v1/jsonpatch/json-patch-tests.yaml';
t.test(
  'json.patch passes OPA’s JSON-patch test suite',
  { skip: existsSync(suite) ? false : 'conformance cases not present' },
  async (t) => {
    const modules = (parse(readFileSync(suite, 'utf8')) as { cases: { modules: string[] }[] }).cases[0]!.modules;
    type PatchCase = {
      comment?: string;
      doc: unknown;
      patch: unknown[];
      expected?: unknown;
      error?: string;
      opa_disabled?: boolean;
    };
    const cases = modules
      .filter((m) => m.includes('cases := ['))
      .flatMap((module): PatchCase[] => {
        const body = module.slice(module.indexOf('cases := [') + 'cases := '.length);
        // The Rego array literal is JSON with trailing commas.
        return JSON.parse(body.slice(0, body.lastIndexOf(']') + 1).replace(/,(\s*[\]}])/g, '$1')) as PatchCase[];
      });
    t.ok(cases.length > 80);
    cases.forEach((c, i) => {
      if (c.opa_disabled) return;
      const name = `${i}: ${c.comment ?? JSON.stringify(c.patch)}`;
      const answer = call('json.patch', [c.doc, c.patch]);
      if (c.error !== undefined) t.same(answer, { defined: false }, name);
      else if (c.expected !== undefined) t.same(answer.defined && answer.value, c.expected, name);
      else t.ok(answer.defined, name);
    });
  },
);
