import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JWK } from 'jose';
import Provider from 'oidc-provider';

/**
 * A real OpenID provider (`oidc-provider` 9) for tests, listening on 127.0.0.1 on a free port. Tokens come from its
 * authorization-code flow with PKCE, driven over HTTP through its development login and consent pages, exactly as a
 * browser would: nothing here signs a token itself.
 */

/** TestAccount is a person the provider knows; the development login takes any password. */
export interface TestAccount {
  readonly sub: string;
  readonly email?: string;
  readonly emailVerified?: boolean;
  /** Put in the `groups` claim as it is, so a test can give a malformed one. */
  readonly groups?: unknown;
}

export interface TestProviderOptions {
  readonly accounts: readonly TestAccount[];
  /** The provider's signing keys (private JWKs); two providers given the same keys sign alike. */
  readonly signingKeys: readonly JWK[];
  readonly clientId?: string;
}

/** TestProvider is a running provider. */
export interface TestProvider {
  readonly issuer: string;
  readonly clientId: string;
  /** issueIdToken logs `sub` in, consents, redeems the code with its PKCE verifier and returns the ID token. */
  issueIdToken(sub: string): Promise<string>;
  /** How many times the discovery document was asked for, answered or not. */
  discoveryRequests(): number;
  /** failDiscovery makes the discovery document answer 503 until called with false. */
  failDiscovery(failing: boolean): void;
  close(): Promise<void>;
}

const REDIRECT_URI = 'http://127.0.0.1/callback';
// Each step of the flow is one redirect or form; a flow longer than this is a loop, not a login.
const MAX_FLOW_STEPS = 12;

/** startTestProvider starts a provider on 127.0.0.1 port 0; its issuer is `http://127.0.0.1:<port>`. */
export async function startTestProvider(options: TestProviderOptions): Promise<TestProvider> {
  const clientId = options.clientId ?? 'airlock';
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}`;
  const accounts = new Map(options.accounts.map((account) => [account.sub, account]));

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        token_endpoint_auth_method: 'none',
        redirect_uris: [REDIRECT_URI],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        id_token_signed_response_alg: options.signingKeys[0]?.alg ?? 'RS256',
      },
    ],
    jwks: { keys: options.signingKeys.map((key) => ({ ...key })) },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], groups: ['groups'] },
    scopes: ['openid', 'email', 'groups'],
    // The ID token from the token endpoint carries the scopes' claims, as identity providers set up for APIs do.
    conformIdTokenClaims: false,
    ttl: { AccessToken: 600, AuthorizationCode: 60, Grant: 600, IdToken: 600, Interaction: 600, Session: 600 },
    features: { devInteractions: { enabled: true } },
    async findAccount(_ctx, sub) {
      const account = accounts.get(sub);
      if (account === undefined) return undefined;
      return {
        accountId: sub,
        async claims() {
          return {
            sub,
            ...(account.email === undefined ? {} : { email: account.email }),
            ...(account.emailVerified === undefined ? {} : { email_verified: account.emailVerified }),
            ...(account.groups === undefined ? {} : { groups: account.groups }),
          };
        },
      };
    },
  });
  let discoveries = 0;
  let discoveryFailing = false;
  const callback = provider.callback();
  server.on('request', (request, response) => {
    if (request.url?.startsWith('/.well-known/openid-configuration')) {
      discoveries += 1;
      if (discoveryFailing) {
        response.writeHead(503).end();
        return;
      }
    }
    void callback(request, response);
  });

  return {
    issuer,
    clientId,
    issueIdToken: (sub) => runCodeFlow(issuer, clientId, sub),
    discoveryRequests: () => discoveries,
    failDiscovery: (failing) => {
      discoveryFailing = failing;
    },
    close: () => closeServer(server),
  };
}

async function runCodeFlow(issuer: string, clientId: string, sub: string): Promise<string> {
  const cookies = new Map<string, string>();
  const verifier = randomBytes(32).toString('base64url');
  const authorize = new URL('/auth', issuer);
  authorize.search = new URLSearchParams({
    client_id: clientId,
    response_type: 'code',
    redirect_uri: REDIRECT_URI,
    scope: 'openid email groups',
    state: randomBytes(8).toString('hex'),
    nonce: randomBytes(8).toString('hex'),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  }).toString();

  let next: { url: string; form?: Record<string, string> } = { url: authorize.toString() };
  for (let step = 0; step < MAX_FLOW_STEPS; step += 1) {
    if (next.url.startsWith(REDIRECT_URI)) {
      const answer = new URL(next.url).searchParams;
      const code = answer.get('code');
      if (code === null) throw new Error(`the provider refused the login: ${answer.get('error_description')}`);
      return redeemCode(issuer, clientId, code, verifier);
    }
    const response = await fetch(next.url, {
      method: next.form === undefined ? 'GET' : 'POST',
      redirect: 'manual',
      headers: {
        cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join('; '),
        ...(next.form === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
      },
      ...(next.form === undefined ? {} : { body: new URLSearchParams(next.form).toString() }),
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair = ''] = cookie.split(';');
      const separator = pair.indexOf('=');
      cookies.set(pair.slice(0, separator), pair.slice(separator + 1));
    }
    const location = response.headers.get('location');
    if (location !== null) {
      await response.body?.cancel();
      next = { url: new URL(location, next.url).toString() };
      continue;
    }
    const page = await response.text();
    if (page.includes('name="prompt" value="login"')) {
      next = { url: next.url, form: { prompt: 'login', login: sub, password: 'any' } };
    } else if (page.includes('name="prompt" value="consent"')) {
      next = { url: next.url, form: { prompt: 'consent' } };
    } else {
      throw new Error(`unexpected page in the login flow (HTTP ${response.status}): ${page.slice(0, 2000)}`);
    }
  }
  throw new Error('the login flow did not finish');
}

async function redeemCode(issuer: string, clientId: string, code: string, verifier: string): Promise<string> {
  const response = await fetch(new URL('/token', issuer), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      client_id: clientId,
      code_verifier: verifier,
    }).toString(),
  });
  const answer = (await response.json()) as { id_token?: string; error_description?: string };
  if (answer.id_token === undefined) throw new Error(`the token endpoint refused: ${answer.error_description}`);
  return answer.id_token;
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
}
