/*
 * The declarations of every built-in function of OPA 1.x: names, argument and result types, infix operators, and
 * which ones Airlock refuses to run. The facts (names, arities, types) are OPA's, from its capabilities file for
 * v1.5.0 (`capabilities/v1.5.0.json` in open-policy-agent/opa, the release the conformance cases come from); the
 * check/ stage types calls against these, and the planner decides native or host dispatch from them.
 */

import { T, type TypeDecl } from './types.js';

export type { TypeDecl } from './types.js';

/** BuiltinDecl declares one built-in function. */
export interface BuiltinDecl {
  /** OPA's name, dotted: `io.jwt.decode`. */
  name: string;
  /** Types of the fixed arguments, in order. */
  args: readonly TypeDecl[];
  /** Type of the result; undefined for a function with no result (`print`, `internal.print`). */
  result: TypeDecl | undefined;
  /** Type of each extra argument of a variadic function (only `print`). */
  variadic?: TypeDecl;
  /** The operator a call may be written as (`plus` is `+`, `internal.member_2` is `in`). */
  infix?: string;
  /** True for a relation: a call binds its output to each of several results (only `walk`). */
  relation?: boolean;
  /** True when two calls with the same arguments may answer differently (time, randomness, I/O). */
  nondeterministic?: boolean;
  /** True for built-ins Rego v1 rejects as deprecated (`rego_type_error: deprecated built-in function calls`). */
  deprecated?: boolean;
  /**
   * Why Airlock refuses to compile a call to this built-in. Set for built-ins that must never run inside Airlock's
   * decision stage; the checker reports a call as `rego_unsupported_error` with this text.
   */
  refusal?: string;
}

const { any, boolean, number, string } = T;
const stringArray = T.arrayOf(string);
const anyArray = T.arrayOf(any);
const anySet = T.setOf(any);
const anyObject = T.objectOf(any, any);
const stringKeyedObject = T.objectOf(string, any);
/** A collection of any values: OPA's `any<array[any], set[any]>`. */
const anyCollection = T.anyOf(anyArray, anySet);
/** A number of nanoseconds, or `[ns, timezone]` as the time built-ins take it. */
const timeInstant = T.anyOf(number, T.tuple(number, string));
/** A path into a document: a `/`-separated string or an array of keys (json.filter, json.remove). */
const documentPath = T.anyOf(string, anyArray);
/** A JSON document given as its text or as a value (json.match_schema, graphql.*). */
const textOrObject = T.anyOf(string, anyObject);
const cidrOrIpCollection = T.anyOf(
  string,
  T.arrayOf(documentPath),
  T.objectOf(string, documentPath),
  T.setOf(documentPath),
);

type DeclOptions = Omit<BuiltinDecl, 'name' | 'args' | 'result'>;

function decl(
  name: string,
  args: readonly TypeDecl[],
  result: TypeDecl | undefined,
  options: DeclOptions = {},
): BuiltinDecl {
  return { name, args, result, ...options };
}

const unaryStringToString = (name: string): BuiltinDecl => decl(name, [string], string);
const binaryStringToString = (name: string): BuiltinDecl => decl(name, [string, string], string);
const stringPredicate = (name: string): BuiltinDecl => decl(name, [string, string], boolean);
const jwtVerify = (name: string): BuiltinDecl => decl(name, [string, string], boolean);
const typeTest = (name: string): BuiltinDecl => decl(name, [any], boolean);
const numberBinary = (name: string, infix?: string): BuiltinDecl =>
  decl(name, [number, number], number, infix === undefined ? {} : { infix });
const comparison = (name: string, infix: string): BuiltinDecl => decl(name, [any, any], boolean, { infix });

const REFUSED = {
  network:
    'performs network I/O from inside the policy: a decision must depend only on the call, its input and data, ' +
    'so that it is fast, cannot be steered by a remote server, and can be replayed from the audit log',
  random: 'is random: a decision must be reproducible from the audit log',
  runtime: "exposes the engine's environment and configuration, which Airlock does not give to policies",
  testOnly: 'exists only for `opa test`',
};

const DECLARATIONS: readonly BuiltinDecl[] = [
  // Operators and unification. The compiler plans `eq`, `assign` and the `in` forms itself.
  decl('eq', [any, any], boolean, { infix: '=' }),
  decl('assign', [any, any], boolean, { infix: ':=' }),
  comparison('equal', '=='),
  comparison('neq', '!='),
  comparison('gt', '>'),
  comparison('gte', '>='),
  comparison('lt', '<'),
  comparison('lte', '<='),
  decl('internal.member_2', [any, any], boolean, { infix: 'in' }),
  decl('internal.member_3', [any, any, any], boolean, { infix: 'in' }),

  // Arithmetic and set arithmetic.
  numberBinary('plus', '+'),
  decl('minus', [T.anyOf(number, anySet), T.anyOf(number, anySet)], T.anyOf(number, anySet), { infix: '-' }),
  numberBinary('mul', '*'),
  numberBinary('div', '/'),
  numberBinary('rem', '%'),
  decl('abs', [number], number),
  decl('ceil', [number], number),
  decl('floor', [number], number),
  decl('round', [number], number),
  decl('numbers.range', [number, number], T.arrayOf(number)),
  decl('numbers.range_step', [number, number, number], T.arrayOf(number)),
  decl('and', [anySet, anySet], anySet, { infix: '&' }),
  decl('or', [anySet, anySet], anySet, { infix: '|' }),
  decl('intersection', [T.setOf(anySet)], anySet),
  decl('union', [T.setOf(anySet)], anySet),
  decl('set_diff', [anySet, anySet], anySet, { deprecated: true }),

  // Aggregates.
  decl('count', [T.anyOf(string, anyArray, anyObject, anySet)], number),
  decl('sum', [T.anyOf(T.arrayOf(number), T.setOf(number))], number),
  decl('product', [T.anyOf(T.arrayOf(number), T.setOf(number))], number),
  decl('max', [anyCollection], any),
  decl('min', [anyCollection], any),
  decl('sort', [anyCollection], anyArray),
  decl('all', [anyCollection], boolean, { deprecated: true }),
  decl('any', [anyCollection], boolean, { deprecated: true }),

  // Arrays.
  decl('array.concat', [anyArray, anyArray], anyArray),
  decl('array.reverse', [anyArray], anyArray),
  decl('array.slice', [anyArray, number, number], anyArray),

  // Bits.
  numberBinary('bits.and'),
  numberBinary('bits.or'),
  numberBinary('bits.xor'),
  numberBinary('bits.lsh'),
  numberBinary('bits.rsh'),
  decl('bits.negate', [number], number),

  // Types and conversions.
  typeTest('is_array'),
  typeTest('is_boolean'),
  typeTest('is_null'),
  typeTest('is_number'),
  typeTest('is_object'),
  typeTest('is_set'),
  typeTest('is_string'),
  decl('type_name', [any], string),
  decl('to_number', [T.anyOf(T.null, boolean, number, string)], number),
  decl('cast_array', [any], anyArray, { deprecated: true }),
  decl('cast_boolean', [any], boolean, { deprecated: true }),
  decl('cast_null', [any], T.null, { deprecated: true }),
  decl('cast_object', [any], anyObject, { deprecated: true }),
  decl('cast_set', [any], anySet, { deprecated: true }),
  decl('cast_string', [any], string, { deprecated: true }),

  // Strings.
  decl('concat', [string, T.anyOf(stringArray, T.setOf(string))], string),
  stringPredicate('contains'),
  stringPredicate('startswith'),
  stringPredicate('endswith'),
  decl('format_int', [number, number], string),
  decl('indexof', [string, string], number),
  decl('indexof_n', [string, string], T.arrayOf(number)),
  unaryStringToString('lower'),
  unaryStringToString('upper'),
  decl('replace', [string, string, string], string),
  decl('split', [string, string], stringArray),
  decl('sprintf', [string, anyArray], string),
  decl('substring', [string, number, number], string),
  binaryStringToString('trim'),
  binaryStringToString('trim_left'),
  binaryStringToString('trim_prefix'),
  binaryStringToString('trim_right'),
  binaryStringToString('trim_suffix'),
  unaryStringToString('trim_space'),
  decl(
    'strings.any_prefix_match',
    [T.anyOf(string, stringArray, T.setOf(string)), T.anyOf(string, stringArray, T.setOf(string))],
    boolean,
  ),
  decl(
    'strings.any_suffix_match',
    [T.anyOf(string, stringArray, T.setOf(string)), T.anyOf(string, stringArray, T.setOf(string))],
    boolean,
  ),
  decl('strings.count', [string, string], number),
  decl('strings.render_template', [string, stringKeyedObject], string),
  decl('strings.replace_n', [T.objectOf(string, string), string], string),
  unaryStringToString('strings.reverse'),

  // Regular expressions and globs.
  decl('regex.is_valid', [string], boolean),
  stringPredicate('regex.match'),
  decl('re_match', [string, string], boolean, { deprecated: true }),
  decl('regex.find_all_string_submatch_n', [string, string, number], T.arrayOf(stringArray)),
  decl('regex.find_n', [string, string, number], stringArray),
  stringPredicate('regex.globs_match'),
  decl('regex.replace', [string, string, string], string),
  decl('regex.split', [string, string], stringArray),
  decl('regex.template_match', [string, string, string, string], boolean),
  decl('glob.match', [string, T.anyOf(T.null, stringArray), string], boolean),
  unaryStringToString('glob.quote_meta'),

  // Encodings.
  unaryStringToString('base64.decode'),
  unaryStringToString('base64.encode'),
  decl('base64.is_valid', [string], boolean),
  unaryStringToString('base64url.decode'),
  unaryStringToString('base64url.encode'),
  unaryStringToString('base64url.encode_no_pad'),
  unaryStringToString('hex.decode'),
  unaryStringToString('hex.encode'),
  unaryStringToString('urlquery.decode'),
  decl('urlquery.decode_object', [string], T.objectOf(string, stringArray)),
  unaryStringToString('urlquery.encode'),
  decl('urlquery.encode_object', [T.objectOf(string, T.anyOf(string, stringArray, T.setOf(string)))], string),
  decl('json.is_valid', [string], boolean),
  decl('json.marshal', [any], string),
  decl(
    'json.marshal_with_options',
    [any, T.objectWith({ indent: string, prefix: string, pretty: boolean }, { key: string, value: any })],
    string,
  ),
  decl('json.unmarshal', [string], any),
  decl('yaml.is_valid', [string], boolean),
  decl('yaml.marshal', [any], string),
  decl('yaml.unmarshal', [string], any),

  // JSON documents.
  decl('json.filter', [anyObject, T.anyOf(T.arrayOf(documentPath), T.setOf(documentPath))], any),
  decl('json.remove', [anyObject, T.anyOf(T.arrayOf(documentPath), T.setOf(documentPath))], any),
  decl('json.patch', [any, T.arrayOf(T.objectWith({ op: string, path: any }, { key: any, value: any }))], any),
  decl(
    'json.match_schema',
    [textOrObject, textOrObject],
    T.tuple(boolean, T.arrayOf(T.objectWith({ desc: string, error: string, field: string, type: string }))),
  ),
  decl('json.verify_schema', [textOrObject], T.tuple(boolean, T.anyOf(T.null, string))),

  // Objects.
  decl('object.filter', [anyObject, T.anyOf(anyArray, anyObject, anySet)], any),
  decl('object.get', [anyObject, any, any], any),
  decl('object.keys', [anyObject], anySet),
  decl('object.remove', [anyObject, T.anyOf(anyArray, anyObject, anySet)], any),
  decl('object.subset', [T.anyOf(anyArray, anyObject, anySet), T.anyOf(anyArray, anyObject, anySet)], any),
  decl('object.union', [anyObject, anyObject], any),
  decl('object.union_n', [T.arrayOf(anyObject)], any),

  // Graphs and documents.
  decl('graph.reachable', [T.objectOf(any, anyCollection), anyCollection], anySet),
  decl('graph.reachable_paths', [T.objectOf(any, anyCollection), anyCollection], T.setOf(anyArray)),
  decl('walk', [any], T.tuple(anyArray, any), { relation: true }),

  // Time. The clock is read once per evaluation (see host/context.ts).
  decl('time.now_ns', [], number, { nondeterministic: true }),
  decl('time.parse_ns', [string, string], number),
  decl('time.parse_rfc3339_ns', [string], number),
  decl('time.parse_duration_ns', [string], number),
  decl('time.format', [T.anyOf(number, T.tuple(number, string), T.tuple(number, string, string))], string),
  decl('time.date', [timeInstant], T.tuple(number, number, number)),
  decl('time.clock', [timeInstant], T.tuple(number, number, number)),
  decl('time.weekday', [timeInstant], string),
  decl('time.add_date', [number, number, number, number], number),
  decl('time.diff', [timeInstant, timeInstant], T.tuple(number, number, number, number, number, number)),

  // Networks.
  stringPredicate('net.cidr_contains'),
  stringPredicate('net.cidr_intersects'),
  decl('net.cidr_overlap', [string, string], boolean, { deprecated: true }),
  decl('net.cidr_is_valid', [string], boolean),
  decl('net.cidr_expand', [string], T.setOf(string)),
  decl('net.cidr_merge', [T.anyOf(T.arrayOf(T.anyOf(string)), T.setOf(string))], T.setOf(string)),
  decl('net.cidr_contains_matches', [cidrOrIpCollection, cidrOrIpCollection], T.setOf(T.tuple(any, any))),
  decl('net.lookup_ip_addr', [string], T.setOf(string), { nondeterministic: true, refusal: REFUSED.network }),

  // Units, semantic versions, UUIDs.
  decl('units.parse', [string], number),
  decl('units.parse_bytes', [string], number),
  decl('semver.compare', [string, string], number),
  decl('semver.is_valid', [any], boolean),
  decl('uuid.parse', [string], stringKeyedObject),
  decl('uuid.rfc4122', [string], string, { nondeterministic: true }),

  // Cryptography.
  unaryStringToString('crypto.md5'),
  unaryStringToString('crypto.sha1'),
  unaryStringToString('crypto.sha256'),
  binaryStringToString('crypto.hmac.md5'),
  binaryStringToString('crypto.hmac.sha1'),
  binaryStringToString('crypto.hmac.sha256'),
  binaryStringToString('crypto.hmac.sha512'),
  stringPredicate('crypto.hmac.equal'),
  decl('crypto.parse_private_keys', [string], T.arrayOf(stringKeyedObject)),
  decl('crypto.x509.parse_certificates', [string], T.arrayOf(stringKeyedObject)),
  decl('crypto.x509.parse_and_verify_certificates', [string], T.tuple(boolean, T.arrayOf(stringKeyedObject))),
  decl(
    'crypto.x509.parse_and_verify_certificates_with_options',
    [string, stringKeyedObject],
    T.tuple(boolean, T.arrayOf(stringKeyedObject)),
  ),
  decl('crypto.x509.parse_certificate_request', [string], stringKeyedObject),
  decl('crypto.x509.parse_keypair', [string, string], stringKeyedObject),
  decl('crypto.x509.parse_rsa_private_key', [string], stringKeyedObject),

  // JSON Web Tokens. Verification and signing are nondeterministic in OPA (clock, random signatures).
  decl('io.jwt.decode', [string], T.tuple(anyObject, anyObject, string)),
  decl('io.jwt.decode_verify', [string, stringKeyedObject], T.tuple(boolean, anyObject, anyObject), {
    nondeterministic: true,
  }),
  decl('io.jwt.encode_sign', [stringKeyedObject, stringKeyedObject, stringKeyedObject], string, {
    nondeterministic: true,
  }),
  decl('io.jwt.encode_sign_raw', [string, string, string], string, { nondeterministic: true }),
  jwtVerify('io.jwt.verify_es256'),
  jwtVerify('io.jwt.verify_es384'),
  jwtVerify('io.jwt.verify_es512'),
  jwtVerify('io.jwt.verify_hs256'),
  jwtVerify('io.jwt.verify_hs384'),
  jwtVerify('io.jwt.verify_hs512'),
  jwtVerify('io.jwt.verify_ps256'),
  jwtVerify('io.jwt.verify_ps384'),
  jwtVerify('io.jwt.verify_ps512'),
  jwtVerify('io.jwt.verify_rs256'),
  jwtVerify('io.jwt.verify_rs384'),
  jwtVerify('io.jwt.verify_rs512'),
  jwtVerify('io.jwt.verify_eddsa'),

  // GraphQL.
  decl('graphql.is_valid', [textOrObject, textOrObject], boolean),
  decl('graphql.parse', [textOrObject, textOrObject], T.tuple(anyObject, anyObject)),
  decl('graphql.parse_and_verify', [textOrObject, textOrObject], T.tuple(boolean, anyObject, anyObject)),
  decl('graphql.parse_query', [string], anyObject),
  decl('graphql.parse_schema', [string], anyObject),
  decl('graphql.schema_is_valid', [textOrObject], boolean),

  // Rego itself. `rego.metadata.*` are answered by the compiler from annotations, never called at run time.
  decl('rego.metadata.chain', [], anyArray),
  decl('rego.metadata.rule', [], any),
  decl('rego.parse_module', [string, string], stringKeyedObject),

  // Signing: a pure function of the request, the credentials and the time passed in.
  decl('providers.aws.sign_req', [stringKeyedObject, stringKeyedObject, number], anyObject),

  // Debugging. `print` is compiled to `internal.print` of an array of sets (one set of values per argument);
  // `trace` only writes to OPA's tracer, so the compiler plans it as `true`.
  decl('print', [], undefined, { variadic: any }),
  decl('internal.print', [T.arrayOf(anySet)], undefined),
  decl('trace', [string], boolean),

  // Refused: see REFUSED for why.
  decl('http.send', [stringKeyedObject], anyObject, { nondeterministic: true, refusal: REFUSED.network }),
  decl('opa.runtime', [], stringKeyedObject, { nondeterministic: true, refusal: REFUSED.runtime }),
  decl('rand.intn', [string, number], number, { nondeterministic: true, refusal: REFUSED.random }),
  decl('internal.test_case', [anyArray], undefined, { refusal: REFUSED.testOnly }),
];

/** BUILTIN_DECLS maps each of OPA 1.x's built-in function names to its declaration. */
export const BUILTIN_DECLS: ReadonlyMap<string, BuiltinDecl> = new Map(DECLARATIONS.map((d) => [d.name, d]));

/** INFIX_BUILTINS maps an infix operator to the built-in it calls (`+` to `plus`); `in` maps to `internal.member_2`. */
export const INFIX_BUILTINS: ReadonlyMap<string, string> = new Map(
  DECLARATIONS.filter((d) => d.infix !== undefined && d.name !== 'internal.member_3').map((d) => [d.infix!, d.name]),
);

/** arityOf is the number of arguments a call to `decl` takes (not counting a relation's or function's output). */
export function arityOf(decl: BuiltinDecl): number {
  return decl.args.length;
}
