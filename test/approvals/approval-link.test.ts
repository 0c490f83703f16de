import fc from 'fast-check';
import t from 'tap';
import { MIN_LINK_KEY_BYTES, signApprovalLink, verifyApprovalLink } from '../../proxy/approvals/index.js';
import { InvalidArgumentError } from '../../proxy/core/errors.js';

/* Signed, expiring links to an approval's page: a round trip, and every way a token can be wrong. */

const KEY = Buffer.alloc(32, 7);
const OTHER_KEY = Buffer.alloc(32, 8);
const NOW = new Date('2026-11-21T03:00:00Z');
const EXPIRES = new Date('2026-11-21T03:15:00Z');
const ID = 'apv_01JD2X7Q9V3K';
const token = signApprovalLink({ approvalId: ID, expiresAt: EXPIRES }, KEY);

t.test('a token verifies for its approval until it expires', async (t) => {
  t.match(token, /^[A-Za-z0-9_-]+$/, 'base64url, safe in a URL');
  t.same(verifyApprovalLink(token, ID, KEY, NOW), { ok: true, expiresAt: EXPIRES });
  t.same(verifyApprovalLink(token, ID, KEY, new Date(EXPIRES.getTime() - 1)), { ok: true, expiresAt: EXPIRES });
});

t.test('a token is refused from its expiry on', async (t) => {
  t.same(verifyApprovalLink(token, ID, KEY, EXPIRES), { ok: false, reason: 'expired' });
  t.same(verifyApprovalLink(token, ID, KEY, new Date(EXPIRES.getTime() + 86_400_000)), {
    ok: false,
    reason: 'expired',
  });
});

t.test('a genuine token for another approval is wrong-approval', async (t) => {
  t.same(verifyApprovalLink(token, 'apv_01JD2X7Q9V3L', KEY, NOW), { ok: false, reason: 'wrong-approval' });
  t.same(verifyApprovalLink(token, `${ID}x`, KEY, NOW), { ok: false, reason: 'wrong-approval' });
  t.same(verifyApprovalLink(token, '', KEY, NOW), { ok: false, reason: 'wrong-approval' });
});

t.test('a token signed with another key is forged', async (t) => {
  const foreign = signApprovalLink({ approvalId: ID, expiresAt: EXPIRES }, OTHER_KEY);
  t.same(verifyApprovalLink(foreign, ID, KEY, NOW), { ok: false, reason: 'forged' });
  t.same(verifyApprovalLink(token, ID, OTHER_KEY, NOW), { ok: false, reason: 'forged' });
});

t.test('a token whose expiry was pushed back is forged', async (t) => {
  const bytes = Buffer.from(token, 'base64url');
  bytes.writeBigUInt64BE(BigInt(EXPIRES.getTime() + 3_600_000), 1);
  t.same(verifyApprovalLink(bytes.toString('base64url'), ID, KEY, NOW), { ok: false, reason: 'forged' });
});

t.test('a token moved to another approval id is forged, not wrong-approval', async (t) => {
  const bytes = Buffer.from(token, 'base64url');
  bytes[bytes.length - 33] = 'L'.charCodeAt(0);
  t.same(verifyApprovalLink(bytes.toString('base64url'), 'apv_01JD2X7Q9V3L', KEY, NOW), {
    ok: false,
    reason: 'forged',
  });
});

t.test('changing any one character of a token makes it forged (property)', async () => {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  fc.assert(
    fc.property(fc.nat({ max: token.length - 1 }), fc.constantFrom(...alphabet), (index, replacement) => {
      fc.pre(token[index] !== replacement);
      const tampered = `${token.slice(0, index)}${replacement}${token.slice(index + 1)}`;
      const result = verifyApprovalLink(tampered, ID, KEY, NOW);
      return !result.ok && result.reason === 'forged';
    }),
  );
});

t.test('any approval id and expiry survive a round trip (property)', async () => {
  fc.assert(
    fc.property(
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
      fc.integer({ min: 1, max: 10 ** 12 }),
      (approvalId, lifetimeMs) => {
        const expiresAt = new Date(NOW.getTime() + lifetimeMs);
        const signed = signApprovalLink({ approvalId, expiresAt }, KEY);
        const result = verifyApprovalLink(signed, approvalId, KEY, NOW);
        return result.ok && result.expiresAt.getTime() === expiresAt.getTime();
      },
    ),
  );
});

t.test('malformed tokens are forged', async (t) => {
  const bytes = Buffer.from(token, 'base64url');
  const rows: Array<[string, string]> = [
    ['empty', ''],
    ['not base64url', `${token.slice(0, -1)}+`],
    ['padded base64', `${token}=`],
    ['with a space', ` ${token}`],
    ['truncated', token.slice(0, -4)],
    ['only the MAC', bytes.subarray(bytes.length - 32).toString('base64url')],
    ['no approval id', Buffer.concat([bytes.subarray(0, 9), bytes.subarray(bytes.length - 32)]).toString('base64url')],
    ['far too long', 'A'.repeat(100_000)],
  ];
  const otherVersion = Buffer.from(bytes);
  otherVersion[0] = 2;
  rows.push(['another version', otherVersion.toString('base64url')]);
  for (const [note, candidate] of rows) {
    t.same(verifyApprovalLink(candidate, ID, KEY, NOW), { ok: false, reason: 'forged' }, note);
  }
});

t.test('a token has one spelling: unused trailing bits must be zero', async (t) => {
  // 9 + 15 + 32 = 56 bytes: 56 mod 3 = 2, so the last character carries 2 unused bits.
  const approvalId = 'apv_01JD2X7Q9V3';
  const token = signApprovalLink({ approvalId, expiresAt: EXPIRES }, KEY);
  t.equal(Buffer.from(token, 'base64url').length % 3, 2);
  const last = token.at(-1)!;
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const sibling = alphabet[alphabet.indexOf(last) ^ 1]!;
  const respelt = `${token.slice(0, -1)}${sibling}`;
  t.same(Buffer.from(respelt, 'base64url'), Buffer.from(token, 'base64url'), "Node's decoder reads both alike");
  t.same(verifyApprovalLink(token, approvalId, KEY, NOW), { ok: true, expiresAt: EXPIRES });
  t.same(verifyApprovalLink(respelt, approvalId, KEY, NOW), { ok: false, reason: 'forged' });
});

t.test('keys, ids and dates that cannot work are refused at once', async (t) => {
  const short = Buffer.alloc(MIN_LINK_KEY_BYTES - 1, 1);
  t.throws(() => signApprovalLink({ approvalId: ID, expiresAt: EXPIRES }, short), InvalidArgumentError);
  t.throws(() => verifyApprovalLink(token, ID, short, NOW), InvalidArgumentError);
  t.throws(() => signApprovalLink({ approvalId: '', expiresAt: EXPIRES }, KEY), InvalidArgumentError);
  t.throws(() => signApprovalLink({ approvalId: 'x'.repeat(257), expiresAt: EXPIRES }, KEY), InvalidArgumentError);
  t.throws(() => signApprovalLink({ approvalId: ID, expiresAt: new Date(Number.NaN) }, KEY), InvalidArgumentError);
  t.throws(() => signApprovalLink({ approvalId: ID, expiresAt: new Date(-1) }, KEY), InvalidArgumentError);
  t.throws(() => verifyApprovalLink(token, ID, KEY, new Date(Number.NaN)), InvalidArgumentError);
  t.ok(signApprovalLink({ approvalId: 'x'.repeat(256), expiresAt: EXPIRES }, KEY), 'a 256-byte id is accepted');
});
