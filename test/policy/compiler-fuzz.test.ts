import fc from 'fast-check';
import t from 'tap';
import { loadCases } from '../../scripts/conformance/cases.js';
import { CompileError, compileRego } from '../../proxy/policy/compiler/index.js';

/*
 * Bad policies never crash or hang the compiler: mutated conformance modules and random token soup go through
 * the whole compile, and the only failure allowed is a CompileError with located diagnostics. Bounded in count
 * and time so the suite stays fast.
 */

const corpus = loadCases('../shared/conformance/opa-v1')
  .flatMap((c) => c.modules)
  .filter((m) => m.length < 2000);

const TOKENS = [
  'package p',
  'import rego.v1',
  'if',
  'contains',
  'else',
  'default',
  'some',
  'every',
  'in',
  'not',
  'with',
  'as',
  ':=',
  '=',
  '==',
  '!=',
  '<',
  '+',
  '-',
  '*',
  '/',
  '%',
  '&',
  '|',
  '{',
  '}',
  '[',
  ']',
  '(',
  ')',
  ',',
  ';',
  '.',
  ':',
  'x',
  'y',
  'p',
  'q',
  'f',
  'input',
  'data',
  '_',
  '1',
  '2.5',
  '-3',
  '"s"',
  '`raw`',
  'true',
  'null',
  'count',
  'sum',
  'set()',
  '\n',
  ' ',
];

async function compilesCleanly(source: string): Promise<string | undefined> {
  try {
    await compileRego({ 'fuzz.rego': source }, ['p/q']);
    return undefined;
  } catch (err) {
    if (err instanceof CompileError) {
      const unlocated = err.diagnostics.find((d) => !(d.location.row >= 1 && d.location.col >= 1));
      return unlocated ? `diagnostic without a location: ${err.message}` : undefined;
    }
    return `crashed: ${err instanceof Error ? err.stack : String(err)}`;
  }
}

t.test('mutated real policies give clean compile errors or compile', async (t) => {
  const mutation = fc.record({
    index: fc.nat({ max: corpus.length - 1 }),
    at: fc.nat(),
    cut: fc.nat({ max: 20 }),
    insert: fc.constantFrom(...TOKENS),
  });
  await fc.assert(
    fc.asyncProperty(mutation, async ({ index, at, cut, insert }) => {
      const source = corpus[index] ?? '';
      const pos = at % (source.length + 1);
      const mutated = `${source.slice(0, pos)}${insert}${source.slice(pos + cut)}`;
      const problem = await compilesCleanly(mutated);
      if (problem) throw new Error(`${problem}\n--- source ---\n${mutated}`);
    }),
    { numRuns: 400, interruptAfterTimeLimit: 30_000 },
  );
  t.pass('no crash');
});

t.test('random token soup gives clean compile errors', async (t) => {
  const soup = fc.array(fc.constantFrom(...TOKENS), { maxLength: 60 }).map((ts) => `package p\n${ts.join(' ')}`);
  await fc.assert(
    fc.asyncProperty(soup, async (source) => {
      const problem = await compilesCleanly(source);
      if (problem) throw new Error(`${problem}\n--- source ---\n${source}`);
    }),
    { numRuns: 400, interruptAfterTimeLimit: 30_000 },
  );
  t.pass('no crash');
});
