import { api } from '../api.js';
import { h, message, mount, when } from '../dom.js';

/** Approve / reject with a comment (required to reject), as in the publication workflow. */
export function decisionForm(r, onDone) {
  const comment = h('textarea', {
    name: 'comment',
    rows: 2,
    maxlength: 2000,
    placeholder: 'Comment (required to reject)',
  });
  const status = h('div');
  const decide = async (verb) => {
    mount(status, message(verb === 'approve' ? 'Approving…' : 'Rejecting…'));
    try {
      await api('POST', `/v1/results/${r.administration}/${r.series}/${encodeURIComponent(r.id)}/${verb}`, {
        comment: comment.value,
      });
      mount(
        status,
        message(verb === 'approve' ? 'Approved: it is now visible in the catalogue.' : 'Rejected.'),
      );
      onDone?.();
    } catch (err) {
      mount(status, message(err.message, 'error'));
    }
  };
  return h(
    'div',
    { class: 'decision' },
    h('label', {}, 'Decision', comment),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'button', class: 'approve', onclick: () => decide('approve') }, 'Approve'),
      h('button', { type: 'button', class: 'reject', onclick: () => decide('reject') }, 'Reject'),
    ),
    status,
  );
}

/** Preliminary results of the official's administration awaiting a decision. */
export async function approvalsView(main) {
  const render = async () => {
    const { items } = await api('GET', '/v1/approvals', undefined, { query: { limit: 100 } });
    mount(
      main,
      h('h1', {}, 'Approvals inbox'),
      h(
        'p',
        { class: 'hint' },
        'Nothing leaves your administration until you approve it. Rejections need a comment.',
      ),
      items.length
        ? items.map((r) =>
            h(
              'section',
              { class: 'card pending', dataset: { id: r.id } },
              h(
                'h2',
                {},
                h(
                  'a',
                  { href: `#/result/${r.administration}/${r.series}/${encodeURIComponent(r.id)}` },
                  r.title,
                ),
              ),
              h('p', { class: 'meta' }, `${r.series} · ${when(r.createdAt)} · ${r.files.length} file(s)`),
              r.summary ? h('p', {}, r.summary) : null,
              decisionForm(r, () => setTimeout(render, 800)),
            ),
          )
        : message('No results are waiting for your decision.'),
    );
  };
  await render();
}
