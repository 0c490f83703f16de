import { gzipSync } from 'node:zlib';

/**
 * writeBundle packs a compiled policy as an OPA bundle (`.tar.gz`), laid out as `opa build -t wasm` writes it:
 * `/policy.wasm`, `/data.json` and `/.manifest` naming the wasm module's entrypoints.
 */
export function writeBundle(wasm: Uint8Array, entrypoints: string[], data: unknown): Uint8Array {
  const manifest = {
    revision: '',
    roots: [''],
    wasm: [
      { entrypoint: entrypoints[0] ?? '', module: '/policy.wasm' },
      ...entrypoints.slice(1).map((e) => ({ entrypoint: e, module: '/policy.wasm' })),
    ],
    rego_version: 1,
  };
  const files: [string, Uint8Array][] = [
    ['/data.json', new TextEncoder().encode(JSON.stringify(data))],
    ['/policy.wasm', wasm],
    ['/.manifest', new TextEncoder().encode(JSON.stringify(manifest))],
  ];
  const blocks: Uint8Array[] = [];
  for (const [name, content] of files) {
    blocks.push(tarHeader(name, content.length), content, new Uint8Array((512 - (content.length % 512)) % 512));
  }
  blocks.push(new Uint8Array(1024));
  return gzipSync(Buffer.concat(blocks));
}

/** tarHeader writes a POSIX ustar header for a regular file. */
function tarHeader(name: string, size: number): Uint8Array {
  const header = Buffer.alloc(512);
  header.write(name, 0, 100, 'utf8');
  header.write('0000644\0', 100);
  header.write('0000000\0', 108);
  header.write('0000000\0', 116);
  header.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
  header.write(
    `${Math.floor(Date.now() / 1000)
      .toString(8)
      .padStart(11, '0')}\0`,
    136,
  );
  header.write('        ', 148);
  header.write('0', 156);
  header.write('ustar\0', 257);
  header.write('00', 263);
  let checksum = 0;
  for (const byte of header) checksum += byte;
  header.write(`${checksum.toString(8).padStart(6, '0')}\0 `, 148);
  return header;
}
