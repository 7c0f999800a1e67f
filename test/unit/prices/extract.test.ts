import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeHtml, decodeHtmlInChunks } from '../../../shared/prices/extract/decode.ts';
import { type DomElement, type DomNode, isElement, isText } from '../../../shared/prices/extract/dom.ts';
import {
  extractProduct,
  extractProductFromBytes,
  parseHtml,
} from '../../../shared/prices/extract/extract.ts';
import { dropScriptAndStyleBodies } from '../../../shared/prices/extract/raw-text.ts';

const page = (head: string, body: string) =>
  `<!doctype html><html><head>${head}</head><body>${body}</body></html>`;
const ld = (obj: unknown) => `<script type="application/ld+json">${JSON.stringify(obj)}</script>`;

describe('JSON-LD', () => {
  it('reads a Product with one Offer, and its identifiers', () => {
    const html = page(
      ld({
        '@context': 'https://schema.org',
        '@type': 'Product',
        name: 'Anvil',
        sku: 'AN-1',
        gtin13: '4006381333931',
        brand: { '@type': 'Brand', name: 'ACME' },
        offers: {
          '@type': 'Offer',
          price: '119.99',
          priceCurrency: 'USD',
          availability: 'https://schema.org/InStock',
        },
      }),
      '<h1>Anvil</h1>',
    );
    expect(extractProduct(html)).toMatchObject({
      price: '119.99',
      currency: 'USD',
      availability: 'InStock',
      sku: 'AN-1',
      gtin: '4006381333931',
      brand: 'ACME',
      source: 'json-ld',
    });
  });

  it('finds the product in @graph and resolves @id references to offers', () => {
    const html = page(
      ld({
        '@context': 'https://schema.org',
        '@graph': [
          { '@type': 'WebPage', '@id': '#page' },
          { '@type': 'Product', name: 'Lamp', offers: { '@id': '#offer' } },
          {
            '@type': 'Offer',
            '@id': '#offer',
            price: 45.5,
            priceCurrency: 'EUR',
            availability: 'OutOfStock',
          },
        ],
      }),
      '<h1>Lamp</h1>',
    );
    expect(extractProduct(html)).toMatchObject({
      price: '45.5',
      currency: 'EUR',
      availability: 'OutOfStock',
    });
  });

  it('reads top-level arrays, AggregateOffer lowPrice and nested offers', () => {
    const html = page(
      ld([
        { '@type': 'BreadcrumbList' },
        {
          '@type': 'Product',
          name: 'Shirt',
          offers: {
            '@type': 'AggregateOffer',
            lowPrice: '20',
            highPrice: '30',
            priceCurrency: 'GBP',
            offers: [],
          },
        },
      ]),
      '<h1>Shirt</h1>',
    );
    expect(extractProduct(html)).toMatchObject({ price: '20', currency: 'GBP' });
    const nested = page(
      ld({
        '@type': 'Product',
        name: 'Tee',
        offers: [{ '@type': 'Offer', priceSpecification: { price: '9.90', priceCurrency: 'CHF' } }],
      }),
      '<h1>Tee</h1>',
    );
    expect(extractProduct(nested)).toMatchObject({ price: '9.90', currency: 'CHF' });
  });

  it('tolerates raw newlines and trailing commas in the script', () => {
    const html = page(
      '<script type="application/ld+json">{"@type":"Product","name":"A\nB","offers":{"price":"5.00","priceCurrency":"EUR",},}</script>',
      '',
    );
    expect(extractProduct(html)).toMatchObject({ price: '5', currency: 'EUR', source: 'json-ld' });
  });

  it('picks the main product by title when related products are marked up too', () => {
    const html = page(
      ld([
        { '@type': 'Product', name: 'Garden hose 20 m', offers: { price: '12', priceCurrency: 'EUR' } },
        { '@type': 'Product', name: 'Blue velvet armchair', offers: { price: '349', priceCurrency: 'EUR' } },
      ]),
      '<h1>Blue velvet armchair</h1>',
    );
    expect(extractProduct(html).price).toBe('349');
  });

  it('prefers the offer price the page shows when variants differ', () => {
    const html = page(
      ld({
        '@type': 'Product',
        name: 'Shoe',
        offers: [
          { price: '80', priceCurrency: 'EUR' },
          { price: '70', priceCurrency: 'EUR' },
        ],
      }),
      '<h1>Shoe</h1><div class="price">70,00 €</div><button>Add to cart</button>',
    );
    expect(extractProduct(html).price).toBe('70');
  });

  it('treats a zero price as no price', () => {
    const html = page(
      ld({ '@type': 'Product', name: 'X', offers: { price: '0', priceCurrency: 'EUR' } }),
      '<h1>X</h1>',
    );
    expect(extractProduct(html).price).toBeNull();
  });
});

describe('microdata, RDFa and meta tags', () => {
  it('reads microdata with a nested Offer', () => {
    const html = page(
      '',
      `<div itemscope itemtype="https://schema.org/Product"><h1 itemprop="name">Kettle</h1>
       <span itemprop="brand" itemscope itemtype="https://schema.org/Brand"><span itemprop="name">Boil</span></span>
       <meta itemprop="sku" content="K-9">
       <div itemprop="offers" itemscope itemtype="https://schema.org/Offer">
         <span itemprop="price" content="29.99">29,99 €</span><meta itemprop="priceCurrency" content="EUR">
         <link itemprop="availability" href="https://schema.org/InStock">
       </div></div>
       <div itemscope itemtype="https://schema.org/Product"><span itemprop="name">Mug</span>
         <div itemprop="offers" itemscope itemtype="https://schema.org/Offer"><span itemprop="price">4.00</span></div></div>`,
    );
    expect(extractProduct(html)).toMatchObject({
      price: '29.99',
      currency: 'EUR',
      sku: 'K-9',
      brand: 'Boil',
      availability: 'InStock',
      source: 'microdata',
    });
  });

  it('reads RDFa', () => {
    const html = page(
      '',
      `<div vocab="https://schema.org/" typeof="Product"><h1 property="name">Drill</h1>
       <div property="offers" typeof="Offer"><span property="price" content="89.00">89 $</span>
       <span property="priceCurrency" content="CAD"></span></div></div>`,
    );
    expect(extractProduct(html)).toMatchObject({ price: '89', currency: 'CAD', source: 'rdfa' });
  });

  it('reads OpenGraph product price tags', () => {
    const html = page(
      `<meta property="og:title" content="Sofa"><meta property="product:price:amount" content="1299.00">
       <meta property="product:price:currency" content="SEK"><meta property="product:availability" content="in stock">`,
      '<h1>Sofa</h1>',
    );
    expect(extractProduct(html)).toMatchObject({
      price: '1299',
      currency: 'SEK',
      availability: 'InStock',
      source: 'meta',
    });
  });

  it('uses the JSON-LD price before microdata and meta', () => {
    const html = page(
      `${ld({ '@type': 'Product', name: 'A', offers: { price: '10', priceCurrency: 'EUR' } })}<meta property="og:price:amount" content="11">`,
      '<div itemscope itemtype="http://schema.org/Product"><span itemprop="price">12</span></div>',
    );
    expect(extractProduct(html)).toMatchObject({ price: '10', source: 'json-ld' });
  });
});

describe('visible-text heuristics', () => {
  it('takes the current price near the title and buy button, not the struck-through one', () => {
    const html = page(
      '',
      `<header><div class="minicart">Basket £0.00</div></header>
       <h1>Walnut desk</h1>
       <div class="pricing"><del class="was-price">£399.00</del> <span class="price-now">£299.00</span></div>
       <button>Add to basket</button>
       <section class="related-products"><h2>You may also like</h2><div class="price">£49.00</div></section>`,
    );
    expect(extractProduct(html)).toMatchObject({ price: '299', currency: 'GBP', source: 'text' });
  });

  it('ignores "from" and per-unit prices', () => {
    const html = page(
      '',
      `<h1>Olive oil 5 l</h1><div class="unit-price">€6.00 / l</div><div class="product-price">€30.00</div>
       <p>Other sizes from €9.99</p><button>In den Warenkorb</button>`,
    );
    expect(extractProduct(html).price).toBe('30');
  });

  it('ignores instalment prices, variant swatches and multi-price containers', () => {
    const html = page(
      '',
      `<h1>Robot vacuum</h1>
       <ul class="swatches"><li><span class="price">€199.00</span></li></ul>
       <div class="box"><s>€349,00</s> <span class="now">€299,00</span></div>
       <table><tr><td>Pay monthly: 每期<span>$<span>25</span></span></td></tr></table>
       <button>Add to cart</button>`,
    );
    expect(extractProduct(html).price).toBe('299');
  });

  it('treats a price whose container says "RRP" as old', () => {
    const html = page('', '<h1>Boots</h1><p>RRP <span>£120.00</span></p><p><span>£89.00</span></p>');
    expect(extractProduct(html).price).toBe('89');
  });

  it('joins a superscript fraction to the amount', () => {
    const html = page('', '<h1>Cable</h1><span class="price">$87<sup>11</sup></span>');
    expect(extractProduct(html).price).toBe('87.11');
  });

  it('returns no price when the page has none', () => {
    expect(extractProduct(page('', '<h1>About us</h1><p>Founded in 1999, 25 shops.</p>'))).toMatchObject({
      price: null,
      currency: null,
      source: null,
    });
  });

  it('survives broken HTML', () => {
    const html = '<html><body><h1>Chair<div class="price">12,50 €<span></table></body>';
    expect(extractProduct(html)).toMatchObject({ price: '12.50', currency: 'EUR' });
  });
});

describe('bytes and encodings', () => {
  it('reads gzip bytes and honours a meta charset', () => {
    const latin1 = Buffer.from(
      '<html><head><meta charset="iso-8859-1"></head><body><h1>Caf\xe9</h1><span class="price">3,50 \x80</span></body></html>',
      'latin1',
    );
    const r = extractProductFromBytes(gzipSync(latin1));
    expect(r).toMatchObject({ price: '3.50', currency: 'EUR', name: 'Café' });
  });

  it('detects undeclared UTF-8 and flags invalid bytes in a declared charset', () => {
    expect(decodeHtml(Buffer.from('<p>42 €</p>', 'utf8')).text).toBe('<p>42 €</p>');
    const bad = decodeHtml(Buffer.from([0x3c, 0x70, 0x3e, 0xff, 0xfe, 0x3c]), 'utf-8');
    expect(bad.valid).toBe(false);
  });

  it('decodes a page declared as a legacy charset but sent as UTF-8 as UTF-8, and an ASCII one as declared', () => {
    const utf8 = Buffer.from('<meta charset="windows-1252"><p>Café 9,90 €</p>', 'utf8');
    expect(decodeHtml(utf8)).toEqual({ text: utf8.toString('utf8'), charset: 'utf-8', valid: true });
    const ascii = Buffer.from('<meta charset="windows-1252"><p>9.90</p>', 'utf8');
    expect(decodeHtml(ascii)).toMatchObject({ charset: 'windows-1252', valid: true });
    expect(decodeHtml(Buffer.from([0xef, 0xbb, 0xbf, 0x41, 0xe2, 0x82, 0xac]))).toEqual({
      text: 'A€',
      charset: 'utf-8',
      valid: true,
    });
  });

  it('hands UTF-8 text over in chunks that never split a character', () => {
    const text = `<p>${'aé€🙂'.repeat(500)}</p>`;
    const bytes = Buffer.from(text, 'utf8');
    for (const chunkBytes of [4, 5, 7, 64, 1 << 20]) {
      const parts: string[] = [];
      const r = decodeHtmlInChunks(bytes, null, (t) => parts.push(t), { chunkBytes });
      expect(r).toEqual({ charset: 'utf-8', valid: true });
      expect(parts.join('')).toBe(text);
      expect(parts.every((p) => !/[\ud800-\udbff]$/.test(p))).toBe(true);
    }
    const cut: string[] = [];
    const ab = Buffer.from('<a>é</a><b>€€</b><c>🙂</c>', 'utf8');
    decodeHtmlInChunks(ab, null, (t) => cut.push(t), { chunkBytes: 4, leaveOut: () => [3, 5, 12, 18] });
    expect(cut.join('')).toBe('<a></a><b></b><c>🙂</c>');
    const parts: string[] = [];
    const legacy = Buffer.from('<meta charset="iso-8859-1"><p>Caf\xe9</p>', 'latin1');
    expect(decodeHtmlInChunks(legacy, null, (t) => parts.push(t))).toMatchObject({ valid: true });
    expect(parts).toEqual(['<meta charset="iso-8859-1"><p>Café</p>']);
  });

  it('parses bytes in small chunks into the same tree as the whole string', () => {
    const html =
      '<!doctype html><html lang="de"><head><title>T &amp; U</title><meta property="og:title" content="K&auml;se &euro;">' +
      '<script>var a = "</div>";</script></head><body><h1 class="x" data-a=\'1\'>Käse &mdash; 1&nbsp;kg</h1>' +
      '<!-- comment --><p>Preis: 12,99&#8364; <b>statt</b> <s>14,99 €</s></p><img src=/a.png alt="a &lt; b"/>' +
      '<div itemscope itemtype="https://schema.org/Product"><span itemprop="price" content="12.99">12,99 €</span></div>' +
      '</body></html>';
    const shape = (n: DomNode): unknown =>
      isElement(n)
        ? { name: n.name, attribs: n.attribs, children: n.children.map(shape) }
        : { type: n.type, data: isText(n) ? n.data : undefined };
    const kids = (n: DomNode) => (n as DomElement).children.map(shape);
    const bytes = Buffer.from(html, 'utf8');
    // Chunking alone: the same page as one string, with the script body dropped as byte parsing does.
    const expected = JSON.stringify(
      kids(parseHtml(Buffer.from(dropScriptAndStyleBodies(bytes)).toString('utf8'))),
    );
    expect(expected).not.toContain('var a');
    expect(expected).toContain('Käse €');
    for (const chunkBytes of [4, 5, 6, 7, 11, 32 * 1024])
      expect(JSON.stringify(kids(parseHtml(bytes, chunkBytes)))).toBe(expected);
    expect(extractProductFromBytes(Buffer.from(html, 'utf8'))).toEqual(extractProduct(html));
  });
});
