import { PassThrough, Writable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import t from 'tap';
import { type AuditExportFormat, exportAuditLog } from '../../proxy/audit/index.js';
import { InvalidArgumentError } from '../../proxy/core/errors.js';
import { writeLog } from './helpers.js';
import { MemoryAuditStorage } from './memory-audit-storage.js';

t.test('writes one JSON line per record, in order, fields in a fixed order', async (t) => {
  const { storage } = await writeLog(250);
  const output = new PassThrough();
  const chunks: Buffer[] = [];
  output.on('data', (chunk: Buffer) => chunks.push(chunk));
  t.equal(await exportAuditLog(storage, output, { format: 'jsonl' }), 250);
  const text = Buffer.concat(chunks).toString('utf8');
  t.ok(text.endsWith('\n'), 'the last line ends too');
  const lines = text.slice(0, -1).split('\n');
  t.equal(lines.length, 250);
  t.same(
    lines.map((line) => JSON.parse(line) as unknown),
    storage.records,
  );
  t.same(Object.keys(JSON.parse(lines[0]!) as object), ['seq', 'at', 'kind', 'data', 'prevHash', 'hash']);
  t.ok(output.writable, 'the output is left open by default, as stdout must be');
});

t.test('ends the output when asked, and exports an empty log as nothing', async (t) => {
  const output = new PassThrough();
  output.resume();
  t.equal(await exportAuditLog(new MemoryAuditStorage(), output, { format: 'jsonl', end: true }), 0);
  t.notOk(output.writable);
});

t.test('waits for a slow reader instead of buffering the log', async (t) => {
  const { storage } = await writeLog(300);
  const seqs: number[] = [];
  let mostBuffered = 0;
  const slow = new Writable({
    highWaterMark: 1024,
    write(chunk: Buffer, _encoding, callback) {
      seqs.push((JSON.parse(chunk.toString('utf8')) as { seq: number }).seq);
      mostBuffered = Math.max(mostBuffered, slow.writableLength);
      void nextTurn().then(() => callback());
    },
  });
  t.equal(await exportAuditLog(storage, slow, { format: 'jsonl' }), 300);
  t.same(
    seqs,
    Array.from({ length: 300 }, (_, index) => index + 1),
  );
  t.ok(mostBuffered < 4096, `at most a few records wait in the stream (${mostBuffered} bytes)`);
});

t.test('rejects an unknown format and a failing stream', async (t) => {
  const { storage } = await writeLog(3);
  await t.rejects(
    exportAuditLog(storage, new PassThrough(), { format: 'csv' as AuditExportFormat }),
    InvalidArgumentError,
  );
  const broken = new Writable({
    write(_chunk, _encoding, callback) {
      callback(new Error('EPIPE'));
    },
  });
  await t.rejects(exportAuditLog(storage, broken, { format: 'jsonl' }), { message: 'EPIPE' });
});
