import { type AnyNode, DomHandler, isText as isDhText, isTag } from 'domhandler';
import { Parser } from 'htmlparser2';
import { describe, expect, it } from 'vitest';
import { type DomElement, type DomNode, isElement, isText } from '../../../shared/prices/extract/dom.ts';
import { PARSER_OPTIONS, parseHtml } from '../../../shared/prices/extract/extract.ts';
import { scanRawText } from '../../../shared/prices/extract/raw-text.ts';
import { TreeBuilder } from '../../../shared/prices/extract/tree.ts';

const opts = PARSER_OPTIONS.xml;

/** domhandler's tree (what cheerio.load builds) without comments, directives and CDATA sections. */
function viaDomHandler(html: string): unknown[] {
  const h = new DomHandler(undefined, opts);
  new Parser(h, opts).end(html);
  const shape = (n: AnyNode): unknown[] =>
    isTag(n)
      ? [{ type: n.type, name: n.name, attribs: n.attribs, children: n.children.flatMap(shape) }]
      : isDhText(n)
        ? [{ text: n.data }]
        : [];
  return h.root.children.flatMap(shape);
}

function viaTreeBuilder(html: string): unknown[] {
  const b = new TreeBuilder();
  const p = new Parser(b, opts);
  // Several writes, as extraction feeds it.
  for (let i = 0; i < html.length; i += 5) p.write(html.slice(i, i + 5));
  p.end();
  const shape = (n: DomNode): unknown[] =>
    isElement(n)
      ? [{ type: n.type, name: n.name, attribs: n.attribs, children: n.children.flatMap(shape) }]
      : isText(n)
        ? [{ text: n.data }]
        : [];
  return (b.root as DomElement).children.flatMap(shape);
}

describe('the lean tree builder', () => {
  it.each([
    '<!doctype html><html><head><title>T</title></head><body><p>a<!--c-->b</p><p>c<?pi x?>d</p></body></html>',
    'x<![CDATA[y]]>z<br>w</br>v</p>u<p>t<div>s</div>',
    '<ul><li>1<li>2</ul><table><tr><td>3<td>4</table><select><option>5<option>6</select>',
    '<script>if (a < b) {}</script><style>p{}</style><svg><path d="M0"/><text>7</text></svg>',
    '<p>unclosed <b>bold <i>both</p> after',
    '</x><p>&amp; &lt;tag&gt; &euro; 1&nbsp;234,56</p><img src=a alt="b"><input value="9,99">',
  ])('splits text and nests elements like domhandler: %s', (html) => {
    expect(viaTreeBuilder(html)).toEqual(viaDomHandler(html));
  });

  it('parses bytes in small pieces like the whole string, also when the page ends inside a tag', () => {
    const lean = (root: DomNode): unknown[] => {
      const shape = (n: DomNode): unknown[] =>
        isElement(n)
          ? [{ type: n.type, name: n.name, attribs: n.attribs, children: n.children.flatMap(shape) }]
          : isText(n)
            ? [{ text: n.data }]
            : [];
      return (root as DomElement).children.flatMap(shape);
    };
    for (const html of [
      '<p>a<t</',
      'x<s\n/',
      '<p>1,99 €</itlecript1,99 €&#',
      '<div a="1" b',
      '<p>ok</p><!-- open',
      '<p>ok</p><script>open',
      '<p>ok</p>',
      '<p>ok</p>tail &amp',
    ]) {
      const bytes = Buffer.from(html, 'utf8');
      const expected = viaDomHandler(html);
      for (const chunkBytes of [4, 5, 7]) expect(lean(parseHtml(bytes, chunkBytes))).toEqual(expected);
    }
    expect(scanRawText(Buffer.from('<p>a<t</')).complete).toBe(false);
    expect(scanRawText(Buffer.from('<p>ok</p>tail')).complete).toBe(true);
  });

  it('builds the same tree from bytes in pieces as domhandler from the whole string, on random tag soup', () => {
    const parts = [
      '<script>',
      '</script>',
      '<style>',
      '</style >',
      '<!--',
      '-->',
      '<title>',
      '</title>',
      '<textarea>',
      '</textarea>',
      '<div a="<script>">',
      "<p b='x>y'>",
      '<![CDATA[',
      ']]>',
      '<!',
      '<?',
      '</',
      '>',
      '<',
      '/',
      '"',
      '=',
      ' ',
      '\n',
      'text',
      '&amp;',
      '&#',
      '&',
      '<br/>',
      '<script/>',
      '<script type="application/ld+json">',
      '<p>',
      '</p>',
      '<li>',
      '<td>',
      'é€',
      '1,99 €',
    ];
    const bodyRead = (a: Record<string, string>) => /ld\+json|itemprop|property/i.test(JSON.stringify(a));
    // Script/style bodies extraction does not read are dropped from bytes: leave them out on both sides.
    const prune = (nodes: unknown[], parent?: { name: string; attribs: Record<string, string> }): unknown[] =>
      nodes.flatMap((n) => {
        const x = n as {
          text?: string;
          name?: string;
          attribs?: Record<string, string>;
          children?: unknown[];
        };
        if (x.text !== undefined)
          return parent && (parent.name === 'script' || parent.name === 'style') && !bodyRead(parent.attribs)
            ? []
            : [n];
        return [
          { ...x, children: prune(x.children ?? [], x as { name: string; attribs: Record<string, string> }) },
        ];
      });
    let seed = 11;
    const rand = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const lean = (root: DomNode): unknown[] => {
      const shape = (n: DomNode): unknown[] =>
        isElement(n)
          ? [{ type: n.type, name: n.name, attribs: n.attribs, children: n.children.flatMap(shape) }]
          : isText(n)
            ? [{ text: n.data }]
            : [];
      return (root as DomElement).children.flatMap(shape);
    };
    for (let doc = 0; doc < 600; doc++) {
      let html = '';
      const len = 1 + Math.floor(rand() * 30);
      for (let k = 0; k < len; k++) html += parts[Math.floor(rand() * parts.length)];
      const got = prune(lean(parseHtml(Buffer.from(html, 'utf8'), 4 + Math.floor(rand() * 8))));
      const want = prune(viaDomHandler(html));
      if (JSON.stringify(got) !== JSON.stringify(want))
        expect.fail(`trees differ for ${JSON.stringify(html)}`);
    }
  });

  it('keeps each node linked to its parent', () => {
    const b = new TreeBuilder();
    new Parser(b, opts).end('<div><span>1</span>2</div>');
    const div = (b.root as DomElement).children[0] as DomElement;
    const span = div.children[0] as DomElement;
    expect(div.parent).toBe(b.root);
    expect(span.parent).toBe(div);
    expect(div.children[1].parent).toBe(div);
  });
});
