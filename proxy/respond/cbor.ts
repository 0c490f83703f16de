/** CBOR major types (RFC 8949 §3.1) this encoder writes. */
const TEXT = 3;
const MAP = 5;

/**
 * encodeCborTextMap encodes a map of text strings to text strings as one definite-length CBOR map (RFC 8949), which
 * is all an rpc-v2-cbor error body needs: `{"__type": "AccessDeniedException", "message": "..."}`. Keys are written
 * in the object's order; Smithy's decoders accept any order.
 */
export function encodeCborTextMap(entries: Readonly<Record<string, string>>): Buffer {
  const pieces: Buffer[] = [];
  const pairs = Object.entries(entries);
  pieces.push(head(MAP, pairs.length));
  for (const [key, value] of pairs) pieces.push(text(key), text(value));
  return Buffer.concat(pieces);
}

function text(value: string): Buffer {
  const bytes = Buffer.from(value, 'utf8');
  return Buffer.concat([head(TEXT, bytes.length), bytes]);
}

/** head writes a major type and its argument in the shortest form (§3: 1, 2, 3 or 5 bytes). */
function head(major: number, argument: number): Buffer {
  const type = major << 5;
  if (argument < 24) return Buffer.from([type | argument]);
  if (argument < 0x100) return Buffer.from([type | 24, argument]);
  if (argument < 0x10000) {
    const bytes = Buffer.alloc(3);
    bytes[0] = type | 25;
    bytes.writeUInt16BE(argument, 1);
    return bytes;
  }
  const bytes = Buffer.alloc(5);
  bytes[0] = type | 26;
  bytes.writeUInt32BE(argument, 1);
  return bytes;
}
