import fc from 'fast-check';
import t from 'tap';
import { auditRecordHash, chainedRecordHash, GENESIS_HASH } from '../../proxy/audit/audit-chain.js';
import { canonicalJson } from '../../proxy/audit/canonical-json.js';
import { testAuditKeys } from './helpers.js';

const { hmacKey } = testAuditKeys();

t.test('chainedRecordHash is auditRecordHash of the record its canonical data belongs to', async (t) => {
  fc.assert(
    fc.property(
      fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 })),
      fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
      fc.string(),
      (data, seq, kind) => {
        const fields = { seq, at: '2026-11-21T03:00:00.000Z', kind, prevHash: GENESIS_HASH };
        const expected = auditRecordHash(hmacKey, { ...fields, data: JSON.parse(JSON.stringify(data)) });
        return chainedRecordHash(hmacKey, fields, canonicalJson(data)) === expected;
      },
    ),
    { numRuns: 300, seed: 7 },
  );
  t.pass('300 generated records');
  const awkward = { '\u20ac': 'é\u2028', '10': [-0, 1e21, '\ud800'], '2': { b: null, a: true }, __proto__: null };
  t.equal(
    chainedRecordHash(
      hmacKey,
      { seq: 7, at: '2026-11-21T03:00:00.000Z', kind: 'call.decided', prevHash: 'a'.repeat(64) },
      canonicalJson(awkward),
    ),
    auditRecordHash(hmacKey, {
      seq: 7,
      at: '2026-11-21T03:00:00.000Z',
      kind: 'call.decided',
      prevHash: 'a'.repeat(64),
      data: awkward,
    }),
    'integer-like keys, negative zero, exponents, separators and a lone surrogate',
  );
});
