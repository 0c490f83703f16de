import t from 'tap';
import {
  formatAuthority,
  hostHeaderMatches,
  parseConnectAuthority,
  serverNameMatches,
} from '../../proxy/listen/connect-target.js';

const authorities: { note: string; authority: string; want: { host: string; port: number } | undefined }[] = [
  { note: 'a DNS name', authority: 'sts.amazonaws.com:443', want: { host: 'sts.amazonaws.com', port: 443 } },
  { note: 'upper case folded', authority: 'IAM.AmazonAWS.com:443', want: { host: 'iam.amazonaws.com', port: 443 } },
  { note: 'a non-default port', authority: 'localhost:8443', want: { host: 'localhost', port: 8443 } },
  { note: 'an IPv4 literal', authority: '127.0.0.1:443', want: { host: '127.0.0.1', port: 443 } },
  { note: 'an IPv6 literal', authority: '[::1]:443', want: { host: '::1', port: 443 } },
  {
    note: 'underscore label',
    authority: 'my_bucket.s3.amazonaws.com:443',
    want: { host: 'my_bucket.s3.amazonaws.com', port: 443 },
  },
  { note: 'port 65535', authority: 'a:65535', want: { host: 'a', port: 65535 } },
  { note: 'no port', authority: 'nohostport', want: undefined },
  { note: 'empty port', authority: 'a.example.com:', want: undefined },
  { note: 'port too large', authority: 'a:99999', want: undefined },
  { note: 'port 0', authority: 'a:0', want: undefined },
  { note: 'leading zero', authority: 'a:0443', want: undefined },
  { note: 'signed port', authority: 'a:+443', want: undefined },
  { note: 'two ports', authority: 'a:443:443', want: undefined },
  { note: 'empty host', authority: ':443', want: undefined },
  { note: 'trailing dot', authority: 'a.example.com.:443', want: undefined },
  { note: 'empty label', authority: 'a..example.com:443', want: undefined },
  { note: 'hyphen at label start', authority: '-a.example.com:443', want: undefined },
  { note: 'label over 63', authority: `${'a'.repeat(64)}.com:443`, want: undefined },
  { note: 'name over 253', authority: `${'a'.repeat(60)}.`.repeat(5) + 'com:443', want: undefined },
  { note: 'percent escape', authority: 'a%2eexample.com:443', want: undefined },
  { note: 'userinfo', authority: 'user@a.example.com:443', want: undefined },
  { note: 'a path', authority: 'a.example.com:443/x', want: undefined },
  { note: 'a URL', authority: 'https://a.example.com:443', want: undefined },
  { note: 'numeric last label, not IPv4', authority: '999.1.1.1:443', want: undefined },
  { note: 'short IPv4', authority: '1.2.3:443', want: undefined },
  { note: 'unbracketed IPv6', authority: '::1:443', want: undefined },
  { note: 'IPv6 zone', authority: '[fe80::1%eth0]:443', want: undefined },
  { note: 'bracketed non-IPv6', authority: '[a.example.com]:443', want: undefined },
  { note: 'non-ASCII', authority: 'bücher.example:443', want: undefined },
  { note: 'whitespace', authority: 'a.example.com :443', want: undefined },
];

t.test('parseConnectAuthority accepts only host:port with a valid host and port', async (t) => {
  for (const { note, authority, want } of authorities) t.same(parseConnectAuthority(authority), want, note);
});

t.test('hostHeaderMatches wants the CONNECT host, with the CONNECT port or none', async (t) => {
  const target = { host: 'sts.amazonaws.com', port: 443 };
  t.ok(hostHeaderMatches('sts.amazonaws.com', target));
  t.ok(hostHeaderMatches('STS.amazonaws.com:443', target));
  t.notOk(hostHeaderMatches('sts.amazonaws.com:8443', target), 'another port');
  t.notOk(hostHeaderMatches('iam.amazonaws.com', target), 'another host');
  t.notOk(hostHeaderMatches('sts.amazonaws.com.evil.example', target));
  t.notOk(hostHeaderMatches('', target));
  t.notOk(hostHeaderMatches('sts.amazonaws.com:', target));
  t.ok(hostHeaderMatches('[::1]:8443', { host: '::1', port: 8443 }));
  t.ok(hostHeaderMatches('[::1]', { host: '::1', port: 8443 }));
  t.notOk(hostHeaderMatches('::1', { host: '::1', port: 8443 }));
});

t.test('serverNameMatches ignores case and a port some Go clients append', async (t) => {
  const target = { host: 'localhost', port: 9443 };
  t.ok(serverNameMatches('localhost', target));
  t.ok(serverNameMatches('LOCALHOST:9443', target));
  t.notOk(serverNameMatches('example.com', target));
});

t.test('formatAuthority leaves out the default port and brackets IPv6', async (t) => {
  t.equal(formatAuthority({ host: 'sts.amazonaws.com', port: 443 }), 'sts.amazonaws.com');
  t.equal(formatAuthority({ host: 'localhost', port: 8443 }), 'localhost:8443');
  t.equal(formatAuthority({ host: '::1', port: 443 }), '[::1]');
  t.equal(formatAuthority({ host: '::1', port: 8443 }), '[::1]:8443');
});
