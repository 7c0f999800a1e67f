import { api } from '../api.js';
import { badge, h, mount, when } from '../dom.js';

const PAGES = { mirror: './pages/mirror.html', gap: './pages/mirror.html' };

export function resultLink(r) {
  return h(
    'li',
    { class: 'result', dataset: { id: r.id, status: r.status, administration: r.administration } },
    badge(r.status),
    ' ',
    h('a', { href: `#/result/${r.administration}/${r.series}/${encodeURIComponent(r.id)}` }, r.title),
    h('span', { class: 'meta' }, ` ${r.administration} · ${when(r.createdAt)}`),
  );
}

/** The five Series, what each does in plain words, and the results the caller may see. */
export async function catalogueView(main) {
  const { items } = await api('GET', '/v1/series');
  mount(
    main,
    h('h1', {}, 'BACUDA Series'),
    h(
      'p',
      { class: 'hint' },
      'Results marked preliminary are visible only to the administration that owns the data until one of its officials approves them.',
    ),
    h(
      'div',
      { class: 'grid' },
      items.map((s) =>
        h(
          'section',
          { class: 'card series', id: `series-${s.id}` },
          h('h2', {}, s.name),
          h('p', { class: 'objective' }, s.objective),
          h(
            'details',
            {},
            h('summary', {}, 'How it works'),
            h('p', {}, s.method),
            h('p', {}, h('strong', {}, 'Outputs: '), s.outputs),
          ),
          PAGES[s.id] ? h('p', {}, h('a', { href: PAGES[s.id] }, 'Open the dashboard →')) : null,
          h('h3', {}, 'Results'),
          s.results.length
            ? h('ul', { class: 'results' }, s.results.map(resultLink))
            : h('p', { class: 'meta' }, 'No results you may see yet.'),
        ),
      ),
    ),
  );
}
