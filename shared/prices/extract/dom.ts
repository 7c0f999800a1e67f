/**
 * Minimal structural view of an htmlparser2 tree: the domhandler tree that cheerio builds (the crawler's
 * path) or the lean one of tree.ts (extraction from bytes). Walking the raw nodes (instead of wrapping every
 * element in a Cheerio object) keeps extraction well above 50 pages/s.
 */
export interface DomNode {
  type: string;
  parent: DomNode | null;
}
export interface DomElement extends DomNode {
  name: string;
  attribs: Record<string, string>;
  children: DomNode[];
}
export interface DomText extends DomNode {
  data: string;
}

export const isElement = (n: DomNode): n is DomElement =>
  n.type === 'tag' || n.type === 'script' || n.type === 'style';
export const isText = (n: DomNode): n is DomText => n.type === 'text';

const SKIP_TEXT = new Set(['script', 'style', 'noscript', 'template', 'svg', 'head', 'select', 'option']);

/**
 * Visible-ish text of an element. A 2-digit <sup> right after digits becomes a decimal fraction
 * ("$87<sup>11</sup>" → "$87.11"), and block boundaries become spaces.
 */
export function textOf(el: DomElement, limit = 400): string {
  const acc: TextAcc = { out: '', limit };
  const kids = el.children;
  for (let i = 0; i < kids.length; i++) if (!textWalk(kids[i], acc)) break;
  return decodeLeftovers(acc.out).replace(/\s+/g, ' ').trim();
}

// A module-level walker with an explicit accumulator rather than a closure made on every textOf call (it is
// called for thousands of short elements per page): V8 keeps one optimised copy and allocates less.
interface TextAcc {
  out: string;
  limit: number;
}
function textWalk(n: DomNode, acc: TextAcc): boolean {
  if (acc.out.length > acc.limit) return false;
  if (isText(n)) {
    acc.out += n.data;
    return true;
  }
  if (!isElement(n) || SKIP_TEXT.has(n.name)) return true;
  if (n.name === 'sup' && /\d$/.test(acc.out.trimEnd())) {
    const inner = textOf(n, 10).trim();
    if (/^\d{2}$/.test(inner)) {
      acc.out = `${acc.out.trimEnd()}.${inner}`;
      return true;
    }
  }
  if (n.name === 'br' || n.name === 'div' || n.name === 'p' || n.name === 'li') acc.out += ' ';
  const kids = n.children;
  for (let i = 0; i < kids.length; i++) if (!textWalk(kids[i], acc)) return false;
  if (n.name === 'div' || n.name === 'p' || n.name === 'li' || n.name === 'td') acc.out += ' ';
  return true;
}

/** htmlparser2 decodes entities; this only normalises odd spaces that survive. */
function decodeLeftovers(s: string): string {
  return s.replace(/[\u200b\u200e\u200f\ufeff]/g, '');
}

/** Depth-first pre-order walk over elements; the callback returns false to skip an element's subtree. */
export function walkElements(root: DomNode, visit: (el: DomElement) => boolean | undefined): void {
  const stack: DomNode[] = [root];
  while (stack.length) {
    const n = stack.pop()!;
    if (isElement(n)) {
      if (visit(n) === false) continue;
    } else if (n.type !== 'root') continue;
    const kids = (n as DomElement).children;
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]);
  }
}
