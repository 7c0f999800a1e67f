import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

export type ByteSource = AsyncIterable<Uint8Array>;

/** Streams a local file in 1 MiB chunks. */
export function fileBytes(path: string): ByteSource {
  return createReadStream(path, { highWaterMark: 1 << 20 });
}

/** Bytes passed through unchanged while a hash and a byte count are kept of everything seen. */
export class ByteTap {
  readonly hash: Hash = createHash('sha256');
  bytes = 0;
  wrap(source: ByteSource): ByteSource {
    const self = this;
    return (async function* () {
      for await (const chunk of source) {
        self.hash.update(chunk);
        self.bytes += chunk.length;
        yield chunk;
      }
    })();
  }
  sha256(): string {
    return this.hash.copy().digest('hex');
  }
}

/** Whether the stream was gzip-compressed, known after the first chunk has been read. */
export interface Decompressed {
  bytes: ByteSource;
  compression(): 'gzip' | 'none';
}

/**
 * Gunzips the stream when it starts with the gzip magic bytes (1f 8b), whatever the file is called,
 * and passes it through otherwise.
 */
export function maybeGunzip(source: ByteSource): Decompressed {
  let kind: 'gzip' | 'none' = 'none';
  const bytes = (async function* () {
    const it = source[Symbol.asyncIterator]();
    let first = await it.next();
    while (!first.done && first.value.length < 2) {
      // Tiny first chunk: join with the next so the magic bytes can be seen.
      const more = await it.next();
      if (more.done) break;
      first = { done: false, value: Buffer.concat([first.value, more.value]) };
    }
    if (first.done) return;
    const head = first.value;
    const rest = (async function* () {
      yield head;
      for (;;) {
        const r = await it.next();
        if (r.done) return;
        yield r.value;
      }
    })();
    if (head[0] === 0x1f && head[1] === 0x8b) {
      kind = 'gzip';
      yield* Readable.from(rest).pipe(createGunzip({ chunkSize: 1 << 20 }));
    } else {
      yield* rest;
    }
  })();
  return { bytes, compression: () => kind };
}

/** Decodes UTF-8 chunks to text, keeping multi-byte characters split across chunks intact. */
export async function* decodeUtf8(source: ByteSource): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of source) {
    const text = decoder.decode(chunk, { stream: true });
    if (text) yield text;
  }
  const tail = decoder.decode();
  if (tail) yield tail;
}
