/**
 * Small SVG charts for the fraud and forecast pages.
 *
 * Why not Vega-Lite here: the portal is served with CSP `script-src 'self'` (no 'unsafe-eval'), and Vega compiles
 * its encoders and expressions with `Function()`, which that CSP blocks. Vega's CSP-safe path (vega-interpreter) is
 * only published as an ES module with bare imports ("vega-util"), which needs an import map — an inline script, also
 * blocked. A line chart with bands and a bar chart are a few dozen lines of SVG, so we draw them directly.
 */

const NS = 'http://www.w3.org/2000/svg';

function svgEl(tag, attrs = {}, ...children) {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs))
    if (v !== undefined && v !== null) node.setAttribute(k, String(v));
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

/** "Nice" tick values covering [min, max]. */
export function ticks(min, max, count = 5) {
  if (!(max > min)) return [min];
  const raw = (max - min) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step)
    out.push(Number(v.toPrecision(12)));
  return out;
}

const defaultFormat = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 2 }).format;

/**
 * A line chart on a categorical or numeric x axis.
 * @param {object} o
 * @param {(string|number)[]} o.x                 x values in order (periods, k%…)
 * @param {{name:string,color:string,values:(number|null)[],dash?:string,points?:boolean}[]} o.lines
 * @param {{name:string,color:string,opacity:number,lo:(number|null)[],hi:(number|null)[]}[]} [o.bands]
 * @param {(v:number)=>string} [o.yFormat]
 * @param {string} [o.xTitle] @param {string} [o.yTitle] @param {[number,number]} [o.yDomain]
 */
export function lineChart(o) {
  const W = 640;
  const H = 280;
  const m = { top: 12, right: 12, bottom: 40, left: 56 };
  const iw = W - m.left - m.right;
  const ih = H - m.top - m.bottom;
  const all = [
    ...o.lines.flatMap((l) => l.values),
    ...(o.bands ?? []).flatMap((b) => [...b.lo, ...b.hi]),
  ].filter((v) => typeof v === 'number' && Number.isFinite(v));
  let [y0, y1] = o.yDomain ?? [Math.min(0, ...all), Math.max(...all, 1e-9)];
  if (y1 === y0) y1 = y0 + 1;
  const yt = ticks(y0, y1);
  y0 = Math.min(y0, yt[0]);
  y1 = Math.max(y1, yt[yt.length - 1]);
  const n = o.x.length;
  const sx = (i) => m.left + (n <= 1 ? iw / 2 : (i / (n - 1)) * iw);
  const sy = (v) => m.top + ih - ((v - y0) / (y1 - y0)) * ih;
  const fmt = o.yFormat ?? defaultFormat;
  const svg = svgEl('svg', {
    viewBox: `0 0 ${W} ${H}`,
    role: 'img',
    'aria-label': o.label ?? 'chart',
    preserveAspectRatio: 'xMidYMid meet',
    style: 'width:100%;height:auto;max-width:100%',
  });
  const grid = svgEl('g', { class: 'grid' });
  for (const t of yt) {
    grid.append(svgEl('line', { x1: m.left, x2: W - m.right, y1: sy(t), y2: sy(t), stroke: '#e3e8ee' }));
    grid.append(
      svgEl(
        'text',
        { x: m.left - 6, y: sy(t) + 4, 'text-anchor': 'end', 'font-size': 11, fill: '#4a5868' },
        fmt(t),
      ),
    );
  }
  const every = Math.max(1, Math.ceil(n / 10));
  o.x.forEach((label, i) => {
    if (i % every !== 0 && i !== n - 1) return;
    grid.append(
      svgEl(
        'text',
        { x: sx(i), y: H - m.bottom + 16, 'text-anchor': 'middle', 'font-size': 11, fill: '#4a5868' },
        label,
      ),
    );
  });
  if (o.xTitle)
    grid.append(
      svgEl(
        'text',
        { x: m.left + iw / 2, y: H - 6, 'text-anchor': 'middle', 'font-size': 11, fill: '#4a5868' },
        o.xTitle,
      ),
    );
  if (o.yTitle)
    grid.append(
      svgEl(
        'text',
        {
          x: 12,
          y: m.top + ih / 2,
          transform: `rotate(-90 12 ${m.top + ih / 2})`,
          'text-anchor': 'middle',
          'font-size': 11,
          fill: '#4a5868',
        },
        o.yTitle,
      ),
    );
  svg.append(grid);
  for (const b of o.bands ?? []) {
    const idx = o.x.map((_, i) => i).filter((i) => Number.isFinite(b.lo[i]) && Number.isFinite(b.hi[i]));
    if (!idx.length) continue;
    const top = idx.map((i) => `${sx(i)},${sy(b.hi[i])}`);
    const bottom = idx.reverse().map((i) => `${sx(i)},${sy(b.lo[i])}`);
    svg.append(
      svgEl(
        'polygon',
        {
          class: 'band',
          'data-band': b.name,
          points: [...top, ...bottom].join(' '),
          fill: b.color,
          'fill-opacity': b.opacity,
        },
        svgEl('title', {}, b.name),
      ),
    );
  }
  for (const l of o.lines) {
    const segs = [];
    let cur = [];
    l.values.forEach((v, i) => {
      if (Number.isFinite(v)) cur.push(`${sx(i)},${sy(v)}`);
      else if (cur.length) {
        segs.push(cur);
        cur = [];
      }
    });
    if (cur.length) segs.push(cur);
    for (const s of segs)
      svg.append(
        svgEl(
          'polyline',
          {
            class: 'line',
            'data-line': l.name,
            points: s.join(' '),
            fill: 'none',
            stroke: l.color,
            'stroke-width': 2,
            'stroke-dasharray': l.dash,
          },
          svgEl('title', {}, l.name),
        ),
      );
    if (l.points)
      l.values.forEach((v, i) => {
        if (Number.isFinite(v))
          svg.append(
            svgEl(
              'circle',
              { class: 'point', cx: sx(i), cy: sy(v), r: 3.5, fill: l.color },
              svgEl('title', {}, `${l.name} ${o.x[i]}: ${fmt(v)}`),
            ),
          );
      });
  }
  return svg;
}

/** Horizontal bars, largest first: [{label, value}]. */
export function barChart(items, o = {}) {
  const W = 640;
  const row = 20;
  const left = 190;
  const H = items.length * row + 10;
  const max = Math.max(1e-12, ...items.map((i) => i.value));
  const fmt = o.format ?? defaultFormat;
  const svg = svgEl('svg', {
    viewBox: `0 0 ${W} ${H}`,
    role: 'img',
    'aria-label': o.label ?? 'bar chart',
    style: 'width:100%;height:auto;max-width:100%',
  });
  items.forEach((item, k) => {
    const y = 5 + k * row;
    const w = ((W - left - 70) * item.value) / max;
    svg.append(
      svgEl(
        'text',
        { x: left - 6, y: y + 13, 'text-anchor': 'end', 'font-size': 11, fill: '#1d2733' },
        item.label,
      ),
    );
    svg.append(
      svgEl(
        'rect',
        {
          class: 'bar',
          x: left,
          y: y + 2,
          width: Math.max(1, w),
          height: row - 6,
          fill: o.color ?? '#4c78a8',
        },
        svgEl('title', {}, `${item.label}: ${fmt(item.value)}`),
      ),
    );
    svg.append(
      svgEl('text', { x: left + w + 4, y: y + 13, 'font-size': 11, fill: '#4a5868' }, fmt(item.value)),
    );
  });
  return svg;
}
