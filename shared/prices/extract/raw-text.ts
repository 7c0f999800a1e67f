/**
 * Drops the bodies of <script> and <style> elements from HTML bytes before they are decoded and parsed.
 *
 * On real shop pages about half of the bytes are inline scripts and style sheets, which extraction never reads
 * (only JSON-LD scripts, and the text of an element that is itself a microdata/RDFa property). Decoding them
 * into a two-byte string and tokenising them was a large share of the extraction time.
 *
 * This is hand-written rather than done with a library because it must agree exactly with htmlparser2's own
 * tokenizer (htmlparser2 10, the parser cheerio uses here) about where each script/style body begins and ends:
 * it is a byte-level port of that tokenizer's states, keeping only what decides where tags, comments,
 * declarations and raw-text bodies (script, style, title, textarea, xmp — including htmlparser2's quirk that
 * also treats <tmp>, <xitle> and <xextarea> so) start and end. Parsing the result gives the same tree as parsing
 * the input, except that dropped script/style elements are empty. Bodies are kept whenever the opening tag
 * could matter to extraction: it mentions ld+json, itemprop or property, or holds an entity. Anything the scan
 * cannot follow to its end (an unclosed tag, comment or body) stops the dropping there, keeping the rest as is.
 *
 * Only for ASCII-compatible encodings whose multi-byte sequences never contain bytes below 0x80 (UTF-8 here).
 */

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const EQ = 0x3d;
const DQ = 0x22;
const SQ = 0x27;
const BANG = 0x21;
const QMARK = 0x3f;
const DASH = 0x2d;
const LBRACKET = 0x5b;

const seq = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const SCRIPT_END = seq('</script');
const STYLE_END = seq('</style');
const TITLE_END = seq('</title');
const TEXTAREA_END = seq('</textarea');
const XMP_END = seq('</xmp');
const COMMENT_END = seq('-->');
const CDATA_END = seq(']]>');
const CDATA = seq('CDATA[');

const isWs = (c: number) => c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0c || c === 0x0d;
const isEndOfTagSection = (c: number) => c === SLASH || c === GT || isWs(c);
const isAlpha = (c: number) => (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);

/** Which raw-text body a tag name opens in htmlparser2's tokenizer (its end sequence), or null. */
function specialEnd(b: Uint8Array, start: number, end: number): Uint8Array | null {
  const len = end - start;
  if (len < 3 || len > 8) return null;
  const c0 = b[start] | 0x20;
  const c1 = b[start + 1] | 0x20;
  let s: Uint8Array | null = null;
  if (c0 === 0x73 /* s */) s = c1 === 0x63 ? SCRIPT_END : c1 === 0x74 ? STYLE_END : null;
  else if (c0 === 0x74 /* t */ || c0 === 0x78 /* x */)
    s = c1 === 0x69 ? TITLE_END : c1 === 0x65 ? TEXTAREA_END : c1 === 0x6d ? XMP_END : null;
  // The tokenizer matched the first two letters above; the rest of the name must be the sequence's remainder.
  if (s === null || len !== s.length - 2) return null;
  for (let i = 2; i < len; i++) if ((b[start + i] | 0x20) !== s[i + 2]) return null;
  return s;
}

/**
 * The '>' that ends an opening tag's attributes, as its index times two plus one when the tag was
 * self-closing (a number rather than an object: this runs for every tag); -1 at EOF.
 */
function scanAttributes(b: Uint8Array, i: number): number {
  // States of htmlparser2's tokenizer inside an opening tag. A state that "reconsumes" the character hands it
  // to the next state without advancing i.
  const BEFORE_NAME = 0;
  const SELF_CLOSING = 1;
  const NAME = 2;
  const AFTER_NAME = 3;
  const BEFORE_VALUE = 4;
  const VALUE_NQ = 5;
  let state = BEFORE_NAME;
  const n = b.length;
  while (i < n) {
    const c = b[i];
    if (state === BEFORE_NAME) {
      if (c === GT) return i * 2;
      if (c === SLASH) state = SELF_CLOSING;
      else if (!isWs(c)) state = NAME;
    } else if (state === NAME) {
      if (c === EQ || isEndOfTagSection(c)) {
        state = AFTER_NAME;
        continue; // reconsume
      }
    } else if (state === AFTER_NAME) {
      if (c === EQ) state = BEFORE_VALUE;
      else if (c === SLASH || c === GT) {
        state = BEFORE_NAME;
        continue; // reconsume
      } else if (!isWs(c)) state = NAME;
    } else if (state === BEFORE_VALUE) {
      if (c === DQ || c === SQ) {
        const close = b.indexOf(c, i + 1);
        if (close < 0) break;
        i = close;
        state = BEFORE_NAME;
      } else if (!isWs(c)) {
        state = VALUE_NQ;
        continue; // reconsume
      }
    } else if (state === VALUE_NQ) {
      if (isWs(c) || c === GT) {
        state = BEFORE_NAME;
        continue; // reconsume
      }
    } else {
      // SELF_CLOSING
      if (c === GT) return i * 2 + 1;
      if (!isWs(c)) {
        state = BEFORE_NAME;
        continue; // reconsume
      }
    }
    i++;
  }
  return -1;
}

/** Where a raw-text body ends: the index of its closing sequence (e.g. "</script"), or -1 if unclosed. */
function specialBodyEnd(b: Uint8Array, i: number, s: Uint8Array): number {
  const n = b.length;
  // <title> decodes entities, so the tokenizer walks it character by character; the others fast-forward to '<'.
  const fastForward = s !== TITLE_END;
  let k = 0;
  for (; i < n; i++) {
    const c = b[i];
    if (k === s.length) {
      if (c === GT || isWs(c)) return i - s.length;
      k = 0;
    }
    if ((c | 0x20) === s[k]) k++;
    else if (k === 0) {
      if (fastForward) {
        const j = b.indexOf(LT, i + 1);
        if (j < 0) return -1;
        i = j;
        k = 1;
      }
    } else k = c === LT ? 1 : 0;
  }
  return -1;
}

/** End of a comment or CDATA section (index of its final '>'), or -1; k is how much of the end is matched. */
function commentLikeEnd(b: Uint8Array, i: number, s: Uint8Array, k: number): number {
  const n = b.length;
  for (; i < n; i++) {
    const c = b[i];
    if (c === s[k]) {
      if (++k === s.length) return i;
    } else if (k === 0) {
      const j = b.indexOf(s[0], i + 1);
      if (j < 0) return -1;
      i = j;
      k = 1;
    } else if (c !== s[k - 1]) k = 0;
  }
  return -1;
}

/** Index just after the next '>' at or after i, or -1. */
function afterGt(b: Uint8Array, i: number): number {
  const j = b.indexOf(GT, i);
  return j < 0 ? -1 : j + 1;
}

/** Does b[start, end) contain the ASCII word (case-insensitive)? The word must be lower-case. */
function containsCi(b: Uint8Array, start: number, end: number, word: Uint8Array): boolean {
  const last = end - word.length;
  outer: for (let i = start; i <= last; i++) {
    for (let k = 0; k < word.length; k++) if ((b[i + k] | 0x20) !== word[k]) continue outer;
    return true;
  }
  return false;
}
const LD_JSON = seq('ld+json');
const ITEMPROP = seq('itemprop');
const PROPERTY = seq('property');

/** Whether extraction may read the body of the script/style whose opening tag is b[start, end]. */
function bodyMayMatter(b: Uint8Array, start: number, end: number, isScript: boolean): boolean {
  if (b.subarray(start, end).includes(0x26 /* & */)) return true;
  return (
    (isScript && containsCi(b, start, end, LD_JSON)) ||
    containsCi(b, start, end, ITEMPROP) ||
    containsCi(b, start, end, PROPERTY)
  );
}

export interface RawTextScan {
  /**
   * The bodies of <script> and <style> elements that extraction does not read, as [start, end) byte ranges
   * (flat pairs, ascending). Each range starts after a '>' and ends at a '<', so never inside a character.
   */
  drops: number[];
  /**
   * False when the page ends inside a tag, comment, declaration or raw-text body. htmlparser2 then turns the
   * unfinished tail into text differently when it was given the page in pieces, so such a page is best parsed
   * in one piece.
   */
  complete: boolean;
}

export function scanRawText(b: Uint8Array): RawTextScan {
  const n = b.length;
  const drops: number[] = [];
  let i = 0;
  while (i >= 0 && i < n) {
    const lt = b.indexOf(LT, i);
    if (lt < 0) return { drops, complete: true };
    if (lt + 1 >= n) break;
    const c = b[lt + 1];
    if (c === SLASH || c === QMARK) {
      // Closing tags, bogus comments (</ …>) and processing instructions all end at the next '>'.
      i = afterGt(b, lt + 2);
      continue;
    }
    if (c === BANG) {
      const d = b[lt + 2];
      if (d === DASH) {
        if (b[lt + 3] === DASH) {
          const e = commentLikeEnd(b, lt + 4, COMMENT_END, 2);
          i = e < 0 ? -1 : e + 1;
        } else i = afterGt(b, lt + 4);
        continue;
      }
      if (d === LBRACKET) {
        let k = 0;
        let p = lt + 3;
        while (p < n && k < CDATA.length && b[p] === CDATA[k]) {
          p++;
          k++;
        }
        if (k === CDATA.length) {
          const e = commentLikeEnd(b, p, CDATA_END, 0);
          i = e < 0 ? -1 : e + 1;
        } else i = afterGt(b, p);
        continue;
      }
      // A declaration (<!doctype …>); the character after '!' is never its end.
      i = afterGt(b, lt + 3);
      continue;
    }
    if (!isAlpha(c)) {
      i = lt + 1;
      continue;
    }
    let nameEnd = lt + 2;
    while (nameEnd < n && !isEndOfTagSection(b[nameEnd])) nameEnd++;
    const tag = scanAttributes(b, nameEnd);
    if (tag < 0) break;
    i = Math.floor(tag / 2) + 1;
    const s = tag % 2 === 1 ? null : specialEnd(b, lt + 1, nameEnd);
    if (s === null) continue;
    const close = specialBodyEnd(b, i, s);
    if (close < 0) break;
    if ((s === SCRIPT_END || s === STYLE_END) && close > i && !bodyMayMatter(b, lt, i, s === SCRIPT_END)) {
      drops.push(i, close);
    }
    i = afterGt(b, close + s.length);
  }
  return { drops, complete: i === n };
}

/** The bytes without the bodies scanRawText finds to drop (the input itself when there are none). */
export function dropScriptAndStyleBodies(b: Uint8Array): Uint8Array {
  const { drops } = scanRawText(b);
  if (drops.length === 0) return b;
  const parts: Uint8Array[] = [];
  let from = 0;
  for (let k = 0; k < drops.length; k += 2) {
    parts.push(b.subarray(from, drops[k]));
    from = drops[k + 1];
  }
  parts.push(b.subarray(from));
  return Buffer.concat(parts);
}
