import t from 'tap';
import { arityOf, BUILTIN_DECLS, INFIX_BUILTINS } from '../../../../proxy/policy/compiler/builtins/catalogue.js';
import { formatType, T } from '../../../../proxy/policy/compiler/builtins/types.js';

t.test('the catalogue declares all of OPA 1.x’s built-ins', async (t) => {
  t.equal(BUILTIN_DECLS.size, 201);
  for (const name of [
    'plus',
    'eq',
    'assign',
    'equal',
    'internal.member_2',
    'internal.member_3',
    'internal.print',
    'print',
    'trace',
    'walk',
    'http.send',
    'time.now_ns',
    'io.jwt.decode_verify',
  ]) {
    t.ok(BUILTIN_DECLS.has(name), name);
  }
});

t.test('declarations carry arity, results and flags', async (t) => {
  t.equal(arityOf(BUILTIN_DECLS.get('object.get')!), 3);
  t.equal(BUILTIN_DECLS.get('print')!.result, undefined);
  t.same(BUILTIN_DECLS.get('print')!.variadic, T.any);
  t.equal(BUILTIN_DECLS.get('walk')!.relation, true);
  t.equal(BUILTIN_DECLS.get('time.now_ns')!.nondeterministic, true);
  t.equal(BUILTIN_DECLS.get('re_match')!.deprecated, true);
  for (const refused of ['http.send', 'net.lookup_ip_addr', 'opa.runtime', 'rand.intn']) {
    t.type(BUILTIN_DECLS.get(refused)!.refusal, 'string', refused);
  }
  t.equal(BUILTIN_DECLS.get('providers.aws.sign_req')!.refusal, undefined, 'signing is a pure function');
  t.equal(INFIX_BUILTINS.get('+'), 'plus');
  t.equal(INFIX_BUILTINS.get('in'), 'internal.member_2');
  t.equal(INFIX_BUILTINS.get(':='), 'assign');
});

t.test('types print as OPA prints them', async (t) => {
  t.equal(formatType(BUILTIN_DECLS.get('count')!.args[0]!), 'any<string, array[any], object[any: any], set[any]>');
  t.equal(formatType(BUILTIN_DECLS.get('time.date')!.result!), 'array<number, number, number>');
  t.equal(
    formatType(BUILTIN_DECLS.get('json.marshal_with_options')!.args[1]!),
    'object<indent: string, prefix: string, pretty: boolean>[string: any]',
  );
});
