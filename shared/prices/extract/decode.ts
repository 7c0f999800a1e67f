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

export interface DecodeOptions {
  /**
   * Applied to the bytes just before they are decoded as (already validated) UTF-8, e.g. to drop what the
   * caller will not read. Charset detection and validity always look at the bytes as given.
   */
  beforeUtf8?: (bytes: Uint8Array) => Uint8Array;
}

export function decodeHtml(
  bytes: Uint8Array,
  httpCharset?: string | null,
  opts: DecodeOptions = {},
): Decoded {
  const prep = opts.beforeUtf8;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)
    return strictOrLoose(bytes.subarray(3), 'utf-8', prep);
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return strictOrLoose(bytes.subarray(2), 'utf-16le');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return strictOrLoose(bytes.subarray(2), 'utf-16be');
  const declared =
    httpCharset || META_CHARSET.exec(Buffer.from(bytes.subarray(0, 4096)).toString('latin1'))?.[1];
  const declaredDecoder = declared ? decoderFor(declared) : null;
  if (declared && declaredDecoder) {
    const charset = declaredDecoder.encoding;
    // A page declaring a legacy charset but actually sent as UTF-8 is common; UTF-8 validity is decisive.
    // (Valid UTF-8 holding any byte >= 0x80 decodes to non-ASCII text, so this is checked on the bytes,
    // before decoding anything, and the page is decoded once.)
    if (charset !== 'utf-8' && !/^utf-?16/i.test(charset) && isUtf8(bytes) && !isAscii(bytes))
      return { text: utf8(bytes, prep), charset: 'utf-8', valid: true };
    return strictOrLoose(bytes, declared, prep);
  }
  if (isUtf8(bytes)) return { text: utf8(bytes, prep), charset: 'utf-8', valid: true };
  return { text: new TextDecoder('windows-1252').decode(bytes), charset: 'windows-1252', valid: true };
}

// Buffer's native UTF-8 validation (simdutf) is far faster than a fatal TextDecoder; decoding is done by Buffer.
function utf8(bytes: Uint8Array, prep?: (b: Uint8Array) => Uint8Array): string {
  const b = prep ? prep(bytes) : bytes;
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8');
}

function strictOrLoose(bytes: Uint8Array, label: string, prep?: (b: Uint8Array) => Uint8Array): Decoded {
  const charset = decoderFor(label)?.encoding ?? 'utf-8';
  if (charset === 'utf-8' && isUtf8(bytes)) return { text: utf8(bytes, prep), charset, valid: true };
  try {
    return { text: new TextDecoder(charset, { fatal: true }).decode(bytes), charset, valid: true };
  } catch {
    return { text: new TextDecoder(charset).decode(bytes), charset, valid: false };
  }
}
