import { isAscii, isUtf8 } from 'node:buffer';

/**
 * Decodes HTML bytes to text: BOM, then the HTTP charset, then <meta charset> in the first 4 KB, then
 * "valid UTF-8 or else windows-1252" (what browsers effectively do for pages that declare nothing).
 * Node's TextDecoder (full ICU) supports every WHATWG encoding label, so no extra library is needed.
 */
export interface Decoded {
  text: string;
  charset: string;
  /** False when the bytes are not valid in the charset used (replacement characters were substituted). */
  valid: boolean;
}

const META_CHARSET = /<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)/i;

function decoderFor(label: string): TextDecoder | null {
  try {
    return new TextDecoder(label);
  } catch {
    return null;
  }
}

/** How a page is to be decoded: its body (after any BOM), the charset, and whether the body is valid UTF-8. */
interface Plan {
  body: Uint8Array;
  charset: string;
  /** True when the body is to be decoded as UTF-8 and is valid (checked natively, without decoding). */
  utf8: boolean;
}

function plan(bytes: Uint8Array, httpCharset?: string | null): Plan {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    const body = bytes.subarray(3);
    return { body, charset: 'utf-8', utf8: isUtf8(body) };
  }
  if (bytes[0] === 0xff && bytes[1] === 0xfe)
    return { body: bytes.subarray(2), charset: 'utf-16le', utf8: false };
  if (bytes[0] === 0xfe && bytes[1] === 0xff)
    return { body: bytes.subarray(2), charset: 'utf-16be', utf8: false };
  const declared =
    httpCharset || META_CHARSET.exec(Buffer.from(bytes.subarray(0, 4096)).toString('latin1'))?.[1];
  const declaredDecoder = declared ? decoderFor(declared) : null;
  if (declaredDecoder) {
    const charset = declaredDecoder.encoding;
    if (charset === 'utf-8') return { body: bytes, charset, utf8: isUtf8(bytes) };
    // A page declaring a legacy charset but actually sent as UTF-8 is common; UTF-8 validity is decisive.
    // (Valid UTF-8 holding any byte >= 0x80 decodes to non-ASCII text, so this is checked on the bytes,
    // before decoding anything, and the page is decoded once.)
    if (!/^utf-?16/i.test(charset) && isUtf8(bytes) && !isAscii(bytes))
      return { body: bytes, charset: 'utf-8', utf8: true };
    return { body: bytes, charset, utf8: false };
  }
  if (isUtf8(bytes)) return { body: bytes, charset: 'utf-8', utf8: true };
  return { body: bytes, charset: 'windows-1252', utf8: false };
}

/** Decodes with a TextDecoder, strictly when it can (valid) and else with replacement characters. */
function legacyDecode(p: Plan): Decoded {
  try {
    return {
      text: new TextDecoder(p.charset, { fatal: true }).decode(p.body),
      charset: p.charset,
      valid: true,
    };
  } catch {
    return { text: new TextDecoder(p.charset).decode(p.body), charset: p.charset, valid: false };
  }
}

const asBuffer = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength);

export function decodeHtml(bytes: Uint8Array, httpCharset?: string | null): Decoded {
  const p = plan(bytes, httpCharset);
  if (!p.utf8) return legacyDecode(p);
  // Buffer's UTF-8 decoding is several times faster than TextDecoder's here.
  return { text: asBuffer(p.body).toString('utf8'), charset: p.charset, valid: true };
}

export interface ChunkOptions {
  /** Bytes per piece (default 32 KB). */
  chunkBytes?: number;
  /**
   * For a valid UTF-8 body: byte ranges to leave out, as flat ascending [start, end) pairs on character
   * boundaries (e.g. what the caller will not read). Charset detection and validity look at all the bytes.
   */
  leaveOut?: (body: Uint8Array) => number[];
}

/**
 * Like decodeHtml, but hands the text to `write` in pieces of at most `chunkBytes` bytes, never splitting a
 * character, for parsers that accept text in chunks (htmlparser2). V8 puts every string over ~128 KB into
 * its large-object space, which here cost about ten times more per byte than the ordinary young-generation
 * strings of a chunked decode; shop pages are often 0.3–1.6 MB. Legacy charsets are decoded whole.
 */
export function decodeHtmlInChunks(
  bytes: Uint8Array,
  httpCharset: string | null | undefined,
  write: (text: string) => void,
  opts: ChunkOptions = {},
): Omit<Decoded, 'text'> {
  const p = plan(bytes, httpCharset);
  if (!p.utf8) {
    const d = legacyDecode(p);
    write(d.text);
    return { charset: d.charset, valid: d.valid };
  }
  const buf = asBuffer(p.body);
  const size = Math.max(4, opts.chunkBytes ?? 32 * 1024);
  const out = opts.leaveOut ? opts.leaveOut(p.body) : [];
  let from = 0;
  for (let k = 0; k <= out.length; k += 2) {
    const to = k < out.length ? out[k] : buf.length;
    for (let start = from; start < to; ) {
      let end = Math.min(start + size, to);
      // Back up to the start of a character: UTF-8 continuation bytes are 10xxxxxx.
      while (end < to && (buf[end] & 0xc0) === 0x80) end--;
      write(buf.toString('utf8', start, end));
      start = end;
    }
    if (k < out.length) from = out[k + 1];
  }
  return { charset: p.charset, valid: true };
}
