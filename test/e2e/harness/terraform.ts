import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { signWireRequest } from '../../../proxy/sign/index.js';
import type { Moto } from '../../harness/moto.js';
import { type AgentKeys, type AirlockProcess, type RunResult, run } from './airlock.js';

// Terraform as an agent: the real binary with its built-in S3 backend and `terraform_data` resources (no providers),
// reaching the real AWS host names through HTTPS_PROXY. Go never proxies loopback names, so the backend keeps AWS's
// own S3 endpoint and Airlock's `upstreams` sends it to moto.

/** The region of every state bucket; the backend's S3 endpoint is this region's. */
const TERRAFORM_REGION = 'us-east-1';
const S3_HOST = `s3.${TERRAFORM_REGION}.amazonaws.com`;

/**
 * disableSignatureChecks turns moto's SigV4 checking off for the rest of its life: its checker rejects valid
 * signatures on S3 keys and queries with percent-escapes (Terraform lists `prefix=env%3A%2F`), which the AWS CLI
 * shows without any proxy in between. Airlock still verifies the agent's signature and re-signs every call.
 */
export async function disableSignatureChecks(moto: Moto): Promise<void> {
  const response = await request(`${moto.url}/moto-api/reset-auth`, { method: 'POST', body: 'inf' });
  const text = await response.body.text();
  if (response.statusCode !== 200) throw new Error(`moto reset-auth: ${response.statusCode} ${text}`);
}

/** S3Answer is moto's answer to one S3 request sent to it directly. */
export interface S3Answer {
  readonly status: number;
  readonly body: string;
}

/** motoS3 sends one path-style S3 request straight to moto, signed with the real credentials (not through Airlock). */
export async function motoS3(moto: Moto, method: 'GET' | 'PUT', path: string): Promise<S3Answer> {
  const signed = await signWireRequest(
    { method, host: S3_HOST, path, headers: { host: S3_HOST }, body: Buffer.alloc(0) },
    moto.credentials,
    { service: 's3', region: TERRAFORM_REGION },
    { signedHeaders: new Set(['host']) },
  );
  const response = await request(`${moto.url}${path}`, {
    method,
    headers: signed.headers as Record<string, string>,
  });
  return { status: response.statusCode, body: await response.body.text() };
}

/** createStateBucket creates a bucket in moto directly. */
export async function createStateBucket(moto: Moto, bucket: string): Promise<void> {
  const created = await motoS3(moto, 'PUT', `/${bucket}`);
  if (created.status !== 200) throw new Error(`creating ${bucket}: ${created.status} ${created.body}`);
}

/** readObject returns an object's body from moto, or undefined when moto has no such object. */
export async function readObject(moto: Moto, bucket: string, key: string): Promise<string | undefined> {
  const answer = await motoS3(moto, 'GET', `/${bucket}/${key}`);
  if (answer.status === 404) return undefined;
  if (answer.status !== 200) throw new Error(`reading s3://${bucket}/${key}: ${answer.status} ${answer.body}`);
  return answer.body;
}

/** StateLocation is where a configuration's S3 backend keeps its state. */
export interface StateLocation {
  readonly bucket: string;
  readonly key: string;
}

/** TerraformProject is a temporary working directory with one configuration, run as one agent through Airlock. */
export interface TerraformProject {
  readonly directory: string;
  /** terraform runs `terraform -chdir=<directory> ARGS` with the agent's environment. */
  terraform(args: readonly string[]): Promise<RunResult>;
  remove(): void;
}

/**
 * createTerraformProject writes a configuration whose S3 backend keeps its state at `state`, with S3-native locking
 * (`use_lockfile`, no DynamoDB) and one `terraform_data` resource holding `marker`.
 */
export function createTerraformProject(
  airlock: AirlockProcess,
  keys: AgentKeys,
  state: StateLocation,
  marker: string,
): TerraformProject {
  const directory = mkdtempSync(join(tmpdir(), 'airlock-terraform-'));
  const configDir = join(directory, 'config');
  mkdirSync(configDir);
  writeFileSync(join(configDir, 'main.tf'), terraformConfiguration(state, marker));
  // An empty CLI configuration, so the machine's own (plugin caches, credentials for registries) plays no part.
  const cliConfig = join(directory, 'terraform.rc');
  writeFileSync(cliConfig, '');
  const env = terraformEnvironment(airlock, keys, { dataDir: join(directory, 'data'), cliConfig });
  return {
    directory,
    terraform: (args) => run('terraform', [`-chdir=${configDir}`, ...args], env),
    remove: () => rmSync(directory, { recursive: true, force: true }),
  };
}

/**
 * terraformConfiguration is the backend block docs/terraform.md shows. The skips keep Terraform off STS and the
 * instance metadata service: the backend talks only to S3, path style, on the region's real endpoint.
 */
export function terraformConfiguration(state: StateLocation, marker: string): string {
  return `terraform {
  backend "s3" {
    bucket       = "${state.bucket}"
    key          = "${state.key}"
    region       = "${TERRAFORM_REGION}"
    use_lockfile = true

    endpoints = {
      s3 = "https://${S3_HOST}"
    }
    use_path_style              = true
    skip_credentials_validation = true
    skip_requesting_account_id  = true
    skip_region_validation      = true
    skip_metadata_api_check     = true
  }
}

resource "terraform_data" "marker" {
  input = "${marker}"
}

output "marker" {
  value = terraform_data.marker.output
}
`;
}

/**
 * terraformEnvironment is what Terraform needs to run through Airlock: the agent's Airlock keys, the proxy, and
 * Airlock's CA in AWS_CA_BUNDLE (which the Go AWS stack prefers to SSL_CERT_FILE; a preset one would win otherwise).
 * Nothing else of the caller's AWS or proxy settings is passed on.
 */
export function terraformEnvironment(
  airlock: AirlockProcess,
  keys: AgentKeys,
  paths: { readonly dataDir: string; readonly cliConfig: string },
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^(AWS_|TF_|CHECKPOINT_|HTTPS?_PROXY$|NO_PROXY$|https?_proxy$|no_proxy$)/.test(name)) env[name] = value;
  }
  return {
    ...env,
    AWS_ACCESS_KEY_ID: keys.accessKeyId,
    AWS_SECRET_ACCESS_KEY: keys.secretAccessKey,
    AWS_CA_BUNDLE: airlock.caPath,
    AWS_CONFIG_FILE: '/nonexistent',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
    AWS_EC2_METADATA_DISABLED: 'true',
    HTTPS_PROXY: airlock.proxyUrl,
    https_proxy: airlock.proxyUrl,
    CHECKPOINT_DISABLE: '1',
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    TF_DATA_DIR: paths.dataDir,
    TF_CLI_CONFIG_FILE: paths.cliConfig,
  };
}
