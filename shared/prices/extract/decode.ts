import { isUtf8 } from 'node:buffer';

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

export function decodeHtml(bytes: Uint8Array, httpCharset?: string | null): Decoded {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)
    return strictOrLoose(bytes.subarray(3), 'utf-8');
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return strictOrLoose(bytes.subarray(2), 'utf-16le');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return strictOrLoose(bytes.subarray(2), 'utf-16be');
  const declared =
    httpCharset || META_CHARSET.exec(Buffer.from(bytes.subarray(0, 4096)).toString('latin1'))?.[1];
  if (declared && decoderFor(declared)) {
    const d = strictOrLoose(bytes, declared);
    // A page declaring a legacy charset but actually sent as UTF-8 is common; UTF-8 validity is decisive.
    if (d.charset !== 'utf-8' && !/^utf-?16/i.test(d.charset)) {
      const asUtf8 = tryUtf8(bytes);
      if (asUtf8 !== null && /[\u0080-\uffff]/.test(asUtf8))
        return { text: asUtf8, charset: 'utf-8', valid: true };
    }
    return d;
  }
  const asUtf8 = tryUtf8(bytes);
  if (asUtf8 !== null) return { text: asUtf8, charset: 'utf-8', valid: true };
  return { text: new TextDecoder('windows-1252').decode(bytes), charset: 'windows-1252', valid: true };
}

// Buffer's native UTF-8 validation and decoding (simdutf) are several times faster than TextDecoder here.
function tryUtf8(bytes: Uint8Array): string | null {
  return isUtf8(bytes)
    ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')
    : null;
}

function strictOrLoose(bytes: Uint8Array, label: string): Decoded {
  const charset = decoderFor(label)?.encoding ?? 'utf-8';
  if (charset === 'utf-8') {
    const text = tryUtf8(bytes);
    if (text !== null) return { text, charset, valid: true };
  }
  try {
    return { text: new TextDecoder(charset, { fatal: true }).decode(bytes), charset, valid: true };
  } catch {
    return { text: new TextDecoder(charset).decode(bytes), charset, valid: false };
  }
}
