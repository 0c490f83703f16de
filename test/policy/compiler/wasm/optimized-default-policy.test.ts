import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { type LoadedPolicy, loadPolicy } from '@open-policy-agent/opa-wasm';
import fc from 'fast-check';
import t from 'tap';
import {
  createHostBuiltins,
  HOST_NAME_ALIASES,
  hostBuiltinNames,
} from '../../../../proxy/policy/compiler/builtins/host/index.js';
import { checkModules } from '../../../../proxy/policy/compiler/check/index.js';
import type { Module } from '../../../../proxy/policy/compiler/parse/ast.js';
import { parseModule } from '../../../../proxy/policy/compiler/parse/parser.js';
import { Planner } from '../../../../proxy/policy/compiler/plan/index.js';
import { optimizePolicy } from '../../../../proxy/policy/compiler/plan/optimize.js';
import { emitWasm } from '../../../../proxy/policy/compiler/wasm/emit.js';
import { loadPolicySources } from '../../../../proxy/policy/sources.js';

/*
 * The default policy (rego/) compiled as Airlock compiles it (IR optimized, constant collections made at
 * start-up) against the same policy without either: the same decision for every call.
 */

const REGO_DIR = fileURLToPath(new URL('../../../../rego', import.meta.url));
const ENTRYPOINT = 'airlock/decision';

async function load(optimized: boolean): Promise<LoadedPolicy> {
  const sources = loadPolicySources([REGO_DIR], { includeTests: false });
  const modules = Object.entries(sources.modules).map(([file, source]): Module => {
    const parsed = parseModule(source, file);
    if (!parsed.module) throw new Error(`${file} does not parse`);
    return parsed.module;
  });
  const checked = checkModules(modules, [ENTRYPOINT]);
  if (!checked.program) throw new Error('the default policy does not check');
  const planned = new Planner(checked.program).plan([ENTRYPOINT]);
  const wasm = emitWasm(optimized ? optimizePolicy(planned) : planned, {
    hostBuiltins: hostBuiltinNames('typed'),
    hostBuiltinAliases: HOST_NAME_ALIASES,
    foldConstantCollections: optimized,
  });
  const policy = await loadPolicy(wasm, undefined, createHostBuiltins({ encoding: 'typed' }).builtins);
  policy.setData(sources.data);
  return policy;
}

const ACTIONS = [
  'iam:CreateRole',
  'iam:ListRoles',
  'iam:DeleteRolePolicy',
  'iam:CreateAccessKey',
  'sts:AssumeRole',
  's3:GetObject',
  's3:PutBucketPolicy',
  's3:PutBucketAcl',
  'kms:ScheduleKeyDeletion',
  'cloudtrail:StopLogging',
  'dynamodb:DeleteTable',
  'ec2:TerminateInstances',
  'lambda:AddPermission',
];

const action = fc.oneof(
  fc.constantFrom(...ACTIONS),
  fc.tuple(fc.constantFrom('iam', 's3', 'ec2'), fc.string({ maxLength: 12 })).map(([s, a]) => `${s}:${a}`),
);

const call = fc
  .record({
    iamAction: action,
    environment: fc.constantFrom('prod', 'dev', 'staging', 'unknown', ''),
    readOnly: fc.boolean(),
    decoded: fc.boolean(),
  })
  .map(({ iamAction, environment, readOnly, decoded }) => {
    const [service, name] = iamAction.split(':');
    return {
      agent: { id: 'deploy-bot', groups: ['ci'] },
      call: {
        cloud: 'aws',
        service,
        action: name,
        iam_action: iamAction,
        environment,
        read_only: readOnly,
        decoded,
        params: {},
      },
    };
  });

t.test('the optimized default policy decides every call as the unoptimized one', async (t) => {
  const [optimized, plain] = await Promise.all([load(true), load(false)]);
  fc.assert(
    fc.property(call, (input) =>
      isDeepStrictEqual(optimized.evaluate(input, ENTRYPOINT), plain.evaluate(input, ENTRYPOINT)),
    ),
    { numRuns: 1000 },
  );
  t.pass('1000 random calls');
  for (const iamAction of ACTIONS) {
    const [service, name] = iamAction.split(':');
    const input = { call: { service, action: name, iam_action: iamAction, environment: 'prod', decoded: true } };
    t.same(optimized.evaluate(input, ENTRYPOINT), plain.evaluate(input, ENTRYPOINT), iamAction);
  }
});
