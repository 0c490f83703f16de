import { isIP } from 'node:net';
import { InvalidArgumentError } from '../core/errors.js';

/**
 * UpstreamRoute sends the requests for some AWS hosts to another upstream: a test server (moto), a local emulator,
 * or a VPC endpoint. The request keeps the `host` header it was signed for; only the connection goes elsewhere.
 */
export interface UpstreamRoute {
  /**
   * Host names the route applies to, compared without port and case: exact names (`sts.amazonaws.com`),
   * `*.suffix` patterns matching any name below the suffix at any depth (`*.amazonaws.com` matches
   * `bucket.s3.us-east-1.amazonaws.com`, not `amazonaws.com`), or `*` for every host.
   */
  readonly hosts: readonly string[];
  /** The upstream origin, `http:` or `https:` with an optional port and nothing else: `http://127.0.0.1:5000`. */
  readonly url: string;
}

/** Upstream is where one request is sent. */
export interface Upstream {
  /** The origin the forwarder connects to: `https://sts.amazonaws.com`, `http://127.0.0.1:5000`. */
  readonly origin: string;
  /** The origin's host name (no brackets, no port): what TLS verifies the upstream's certificate against. */
  readonly hostname: string;
}

interface CompiledRoute {
  readonly exact: ReadonlySet<string>;
  readonly suffixes: readonly string[];
  readonly everything: boolean;
  readonly upstream: Upstream;
}

const NAME = /^[a-z0-9_](?:[a-z0-9_.-]*[a-z0-9_])?$/;

/**
 * createUpstreamResolver validates the routes once and returns the function that picks a request's upstream: the
 * first route whose hosts match, else `https://<authority>` (the AWS endpoint itself, port 443 unless the authority
 * names one).
 *
 * @throws InvalidArgumentError naming the first route field that cannot work
 */
export function createUpstreamResolver(routes: readonly UpstreamRoute[]): (authority: string) => Upstream {
  const compiled = routes.map(compileRoute);
  return function upstreamFor(authority: string): Upstream {
    const hostname = hostnameOf(authority);
    for (const route of compiled) {
      if (route.everything || route.exact.has(hostname) || route.suffixes.some((suffix) => hostname.endsWith(suffix))) {
        return route.upstream;
      }
    }
    return { origin: `https://${authority.toLowerCase()}`, hostname };
  };
}

function compileRoute(route: UpstreamRoute, index: number): CompiledRoute {
  const field = `upstreams[${index}]`;
  if (!Array.isArray(route.hosts) || route.hosts.length === 0) {
    throw new InvalidArgumentError(`${field}.hosts must be a non-empty list of host names or *.suffix patterns`);
  }
  const exact = new Set<string>();
  const suffixes: string[] = [];
  let everything = false;
  route.hosts.forEach((pattern: unknown, position) => {
    const name = typeof pattern === 'string' ? pattern.trim().toLowerCase() : '';
    if (name === '*') everything = true;
    else if (name.startsWith('*.') && NAME.test(name.slice(2))) suffixes.push(name.slice(1));
    else if (NAME.test(name) || isIP(name) !== 0) exact.add(name);
    else throw new InvalidArgumentError(`${field}.hosts[${position}] must be a host name, a *.suffix pattern or *`);
  });
  return { exact, suffixes, everything, upstream: parseUpstreamUrl(route.url, `${field}.url`) };
}

function parseUpstreamUrl(text: unknown, field: string): Upstream {
  const problem = `${field} must be an http: or https: origin with no path, query or credentials (http://127.0.0.1:5000)`;
  if (typeof text !== 'string') throw new InvalidArgumentError(problem);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InvalidArgumentError(problem);
  }
  const bare =
    url.pathname === '/' && url.search === '' && url.hash === '' && url.username === '' && url.password === '';
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !bare) throw new InvalidArgumentError(problem);
  return { origin: url.origin, hostname: url.hostname.replace(/^\[(.*)\]$/, '$1') };
}

/** hostnameOf takes the host name out of an authority (`host`, `host:port`, `[v6]:port`), lower case, no final dot. */
export function hostnameOf(authority: string): string {
  const lower = authority.toLowerCase();
  const name = lower.startsWith('[') ? lower.slice(1, lower.indexOf(']')) : lower.replace(/:\d*$/, '');
  return name.endsWith('.') ? name.slice(0, -1) : name;
}
