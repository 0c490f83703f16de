import t from 'tap';
import { createUpstreamResolver, hostnameOf } from '../../proxy/forward/upstream-routes.js';

t.test('picks the first matching route, else the AWS endpoint itself', async (t) => {
  const upstreamFor = createUpstreamResolver([
    { hosts: ['sts.amazonaws.com', 'IAM.amazonaws.com'], url: 'http://127.0.0.1:5001' },
    { hosts: ['*.s3.us-east-1.amazonaws.com'], url: 'https://localhost:9000' },
    { hosts: ['*.amazonaws.com'], url: 'http://127.0.0.1:5000/' },
  ]);
  const rows = [
    { note: 'exact name', authority: 'sts.amazonaws.com', want: 'http://127.0.0.1:5001' },
    { note: 'exact name, any case, any port', authority: 'iam.AMAZONAWS.com:443', want: 'http://127.0.0.1:5001' },
    { note: 'suffix, one level', authority: 'bucket.s3.us-east-1.amazonaws.com', want: 'https://localhost:9000' },
    {
      note: 'suffix, several levels',
      authority: 'my.dotted.bucket.s3.us-east-1.amazonaws.com',
      want: 'https://localhost:9000',
    },
    { note: 'later suffix catches the rest', authority: 'kms.eu-west-1.amazonaws.com', want: 'http://127.0.0.1:5000' },
    {
      note: 'a trailing dot is the same name',
      authority: 'kms.eu-west-1.amazonaws.com.',
      want: 'http://127.0.0.1:5000',
    },
    { note: 'the suffix itself does not match *.suffix', authority: 'amazonaws.com', want: 'https://amazonaws.com' },
    {
      note: 'unmatched: the host itself over TLS',
      authority: 'sts.amazonaws.com.cn',
      want: 'https://sts.amazonaws.com.cn',
    },
    { note: 'unmatched keeps an explicit port', authority: 'example.com:8443', want: 'https://example.com:8443' },
  ];
  for (const { note, authority, want } of rows) t.equal(upstreamFor(authority).origin, want, note);
  t.equal(upstreamFor('bucket.s3.us-east-1.amazonaws.com').hostname, 'localhost', 'TLS checks the upstream name');
  t.equal(upstreamFor('sts.amazonaws.com.cn').hostname, 'sts.amazonaws.com.cn');
});

t.test('a * route takes every host, IPv6 upstreams are unbracketed for TLS', async (t) => {
  const upstreamFor = createUpstreamResolver([{ hosts: ['*'], url: 'https://[::1]:8443' }]);
  t.same(upstreamFor('anything.example'), { origin: 'https://[::1]:8443', hostname: '::1' });
});

t.test('reads host names out of authorities', async (t) => {
  t.equal(hostnameOf('Host.Example:80'), 'host.example');
  t.equal(hostnameOf('[::1]:443'), '::1');
  t.equal(hostnameOf('[::1]'), '::1');
  t.equal(hostnameOf('10.0.0.1'), '10.0.0.1');
});

t.test('refuses routes that cannot work, naming the field', async (t) => {
  const rows = [
    { routes: [{ hosts: [], url: 'http://a' }], message: 'upstreams[0].hosts must be a non-empty list' },
    { routes: [{ hosts: ['a..b c'], url: 'http://a' }], message: 'upstreams[0].hosts[0] must be a host name' },
    { routes: [{ hosts: ['*.'], url: 'http://a' }], message: 'upstreams[0].hosts[0]' },
    { routes: [{ hosts: ['a.*.com'], url: 'http://a' }], message: 'upstreams[0].hosts[0]' },
    { routes: [{ hosts: ['a'], url: 'ftp://a' }], message: 'upstreams[0].url must be an http: or https: origin' },
    { routes: [{ hosts: ['a'], url: 'http://a/prefix' }], message: 'upstreams[0].url' },
    { routes: [{ hosts: ['a'], url: 'http://user:pw@a' }], message: 'upstreams[0].url' },
    { routes: [{ hosts: ['a'], url: 'http://a?x=1' }], message: 'upstreams[0].url' },
    { routes: [{ hosts: ['a'], url: 'not a url' }], message: 'upstreams[0].url' },
  ];
  for (const { routes, message } of rows) {
    t.throws(
      () => createUpstreamResolver(routes),
      { code: 'AIRLOCK_ERR_INVALID_ARGUMENT', message: new RegExp(`^${message.replace(/[[\].*]/g, '\\$&')}`) },
      message,
    );
  }
  t.throws(
    () =>
      createUpstreamResolver([
        { hosts: ['ok.example'], url: 'http://a' },
        { hosts: ['x y'], url: 'http://b' },
      ]),
    {
      message: /^upstreams\[1\]\.hosts\[0\]/,
    },
  );
});
