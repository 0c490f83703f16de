import t from 'tap';
import { checkBuiltins, instantiate } from './runtime-harness.js';

const rt = instantiate();

t.test('walk lists every [path, value] pair, the value first, then depth first in key order', async (t) => {
  checkBuiltins(t, rt, [
    [['walk', '1'], '[[[],1]]', 'a scalar is its own only pair'],
    [['walk', '[]'], '[[[],[]]]'],
    [['walk', '[1,[2]]'], '[[[],[1,[2]]],[[0],1],[[1],[2]],[[1,0],2]]'],
    [['walk', '{"b":1,"a":{"c":2}}'], '[[[],{"a":{"c":2},"b":1}],[["a"],{"c":2}],[["a","c"],2],[["b"],1]]'],
    [['walk', '{{1,2}}'], '[[[],{{1,2}}],[[{1,2}],{1,2}],[[{1,2},1],1],[[{1,2},2],2]]', 'a member is its own key'],
    [['walk', '{1:"a",[2]:3}'], '[[[],{1:"a",[2]:3}],[[1],"a"],[[[2]],3]]', 'keys of any type'],
  ]);
});

t.test('walk paths are independent arrays', async (t) => {
  const pairs = rt.call('builtin_walk', rt.value('{"a":[{"b":1},{"c":2}]}'));
  // Paths that share a prefix must not share storage: later appends would overwrite earlier paths.
  t.equal(
    rt.rego(pairs),
    '[[[],{"a":[{"b":1},{"c":2}]}],[["a"],[{"b":1},{"c":2}]],[["a",0],{"b":1}],[["a",0,"b"],1],' +
      '[["a",1],{"c":2}],[["a",1,"c"],2]]',
  );
});
