import t from 'tap';
import { createHostBuiltins } from '../../../../proxy/policy/compiler/builtins/host/index.js';

t.test('internal.print prints each combination of operand values', async (t) => {
  const lines: string[] = [];
  const host = createHostBuiltins({ print: (line) => lines.push(line) });
  const print = host.builtins['internal.print']!;
  t.equal(print([['x'], [1, 2], []]), true, 'a print call is always defined');
  t.same(lines, ['x 1 <undefined>', 'x 2 <undefined>']);
  lines.length = 0;
  print([[{ a: [1, 'b'] }]]);
  t.same(lines, ['{"a": [1, "b"]}']);
});

t.test('internal.print output is discarded by default', async (t) => {
  t.equal(createHostBuiltins().builtins['internal.print']!([['x']]), true);
});
