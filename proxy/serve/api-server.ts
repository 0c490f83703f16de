import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
import type { Logger } from 'pino';
import { createRestApi } from '../api/index.js';
import { createApprovalPages } from '../api/pages/index.js';
import { createSlackInteractivity } from '../api/slack/index.js';
import type { ApprovalService } from '../approvals/index.js';
import { approverForBearerToken, createApproverAuthenticator, createOidcVerifier } from '../approvers/index.js';
import type { AuditLog } from '../audit/index.js';
import type { AirlockConfig } from '../config/index.js';
import type { AirlockMetrics } from '../metrics/index.js';
import type { Store } from '../store/index.js';

/** ApiServerParts are what the API, the approval pages and Slack's endpoint act through. */
export interface ApiServerParts {
  readonly config: AirlockConfig;
  readonly store: Store;
  readonly audit: AuditLog;
  readonly approvals: ApprovalService;
  readonly metrics: AirlockMetrics;
  readonly linkKey: Uint8Array;
  readonly log: Logger;
}

/** ApiServer is the listening approvers' server. */
export interface ApiServer {
  readonly address: { readonly host: string; readonly port: number };
  close(): Promise<void>;
}

/**
 * startApiServer serves the approvers' side on `config.api`, never on the agents' port: the REST API, the approval
 * pages that chat links open, and, when a Slack app is configured, its interactivity endpoint. Every door votes
 * through the same approval service.
 */
export async function startApiServer(parts: ApiServerParts): Promise<ApiServer> {
  const { config, store, audit, approvals, metrics, linkKey, log } = parts;
  const clock = () => new Date();
  const oidc = config.approvers.oidc;
  const authenticator = createApproverAuthenticator({
    store,
    clock,
    ...(oidc === undefined
      ? {}
      : {
          oidc: createOidcVerifier({
            issuer: oidc.issuer,
            audience: oidc.audience,
            groupsClaim: oidc.groupsClaim,
            clock,
          }),
        }),
  });
  // The page's sign-in gets ID tokens issued to Airlock's client id, which may differ from the API's audience.
  const clientId = oidc?.clientId ?? oidc?.audience;
  const oidcLogin =
    oidc === undefined || clientId === undefined
      ? undefined
      : {
          verifier: createOidcVerifier({
            issuer: oidc.issuer,
            audience: clientId,
            groupsClaim: oidc.groupsClaim,
            clock,
          }),
          clientId,
          ...(oidc.clientSecret === undefined ? {} : { clientSecret: oidc.clientSecret }),
          publicUrl: config.approvals.publicUrl,
        };
  const app = new Hono();
  app.route('/', createRestApi({ approvals, authenticator, metrics, audit, clock, log }));
  app.route(
    '/',
    createApprovalPages({
      approvals,
      linkKey,
      authenticate: approverForBearerToken(authenticator),
      audit,
      clock,
      secureCookies: config.approvals.publicUrl.startsWith('https:'),
      ...(oidcLogin === undefined ? {} : { oidcLogin }),
      log,
    }),
  );
  const slack = config.notify.slack;
  if (slack?.signingSecret !== undefined) {
    const users = new Map(slack.users.map((user) => [user.slackUserId, user] as const));
    app.route('/', createSlackInteractivity({ approvals, signingSecret: slack.signingSecret, users, audit, clock }));
  }

  const server: Server = createServer(getRequestListener(app.fetch));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.api.port, config.api.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return {
    address: { host: address.address, port: address.port },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
