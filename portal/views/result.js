import { api, session } from '../api.js';
import { badge, h, message, mount, when } from '../dom.js';
import { decisionForm } from './approvals.js';

async function download(r, file) {
  const res = await fetch(
    `/v1/results/${r.administration}/${r.series}/${encodeURIComponent(r.id)}/files/${encodeURIComponent(file)}`,
    {
      headers: { authorization: `Bearer ${session.token}` },
    },
  );
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  const url = URL.createObjectURL(await res.blob());
  const a = h('a', { href: url, download: file });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** One result: summary, files, decision history, and approve/reject for the owning administration. */
export async function resultView(main, { args, user }) {
  const [admin, series, id] = args;
  const r = await api('GET', `/v1/results/${admin}/${series}/${encodeURIComponent(id)}`);
  const status = h('div');
  mount(
    main,
    h(
      'article',
      { class: 'card' },
      h('h1', {}, r.title, ' ', badge(r.status)),
      h(
        'p',
        { class: 'meta' },
        `${r.series} · ${r.administration} · ${when(r.createdAt)}${r.source ? ` · from ${r.source}` : ''}`,
      ),
      r.summary ? h('p', {}, r.summary) : null,
      h('h2', {}, 'Files'),
      r.files.length
        ? h(
            'ul',
            {},
            r.files.map((f) =>
              h(
                'li',
                {},
                h(
                  'button',
                  {
                    type: 'button',
                    class: 'link',
                    onclick: () => download(r, f).catch((e) => mount(status, message(e.message, 'error'))),
                  },
                  f,
                ),
              ),
            ),
          )
        : h('p', { class: 'meta' }, 'No files.'),
      h('h2', {}, 'History'),
      h(
        'ol',
        {},
        r.history.map((d) =>
          h(
            'li',
            {},
            badge(d.status),
            ` ${when(d.at)}${d.by ? ` by ${d.by.name}` : ''}${d.comment ? ` — “${d.comment}”` : ''}`,
          ),
        ),
      ),
      r.status === 'preliminary' && user.role === 'official' && user.administration === r.administration
        ? decisionForm(r, () => resultView(main, { args, user }))
        : null,
      status,
    ),
  );
}
