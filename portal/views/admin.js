import { api } from '../api.js';
import { badge, h, message, mount, when } from '../dom.js';

function requestsSection(reload) {
  const box = h('section', { class: 'card' }, h('h2', {}, 'Access requests'), message('Loading…'));
  api('GET', '/v1/access-requests', undefined, { query: { status: 'pending' } }).then(
    ({ items }) => {
      mount(
        box,
        h('h2', {}, 'Pending access requests'),
        items.length
          ? items.map((r) => {
              const status = h('div');
              const decide = async (verb) => {
                try {
                  const out = await api('POST', `/v1/access-requests/${r.id}/${verb}`, {
                    comment: verb === 'reject' ? 'not eligible' : '',
                  });
                  mount(
                    status,
                    message(
                      out.user?.temporaryPassword
                        ? `Account ${out.user.username} created. One-time password: ${out.user.temporaryPassword}`
                        : `Request ${out.request.status}.`,
                      'ok',
                    ),
                  );
                } catch (err) {
                  mount(status, message(err.message, 'error'));
                }
              };
              return h(
                'div',
                { class: 'request', dataset: { id: r.id } },
                h(
                  'p',
                  {},
                  h('strong', {}, r.name),
                  ` (${r.username}, ${r.email}) — ${r.role}${r.administration ? ` of ${r.administration}` : ''}, ${r.organisation}`,
                ),
                h('p', { class: 'meta' }, `${when(r.createdAt)} from ${r.sourceIp}: ${r.reason}`),
                h(
                  'div',
                  { class: 'actions' },
                  h(
                    'button',
                    { type: 'button', class: 'approve', onclick: () => decide('approve') },
                    'Approve',
                  ),
                  h('button', { type: 'button', class: 'reject', onclick: () => decide('reject') }, 'Reject'),
                ),
                status,
              );
            })
          : message('No pending requests.'),
      );
    },
    (err) => mount(box, message(err.message, 'error')),
  );
  return box;
}

function grantsSection(user, reload) {
  const box = h('section', { class: 'card' }, h('h2', {}, 'Analyst access grants'), message('Loading…'));
  const admin = h('input', {
    name: 'administration',
    value: user.administration ?? '',
    readonly: user.role === 'official',
    pattern: '[A-Z]{2,8}',
    required: true,
  });
  const analyst = h('input', {
    name: 'analyst',
    required: true,
    placeholder: 'username, or * for all analysts',
  });
  const expires = h('input', { name: 'expiresAt', type: 'date' });
  const status = h('div');
  const form = h(
    'form',
    {
      class: 'inline',
      onsubmit: async (e) => {
        e.preventDefault();
        try {
          await api('POST', '/v1/grants', {
            administration: admin.value.trim(),
            analyst: analyst.value.trim(),
            expiresAt: expires.value ? `${expires.value}T23:59:59Z` : null,
          });
          reload();
        } catch (err) {
          mount(status, message(err.message, 'error'));
        }
      },
    },
    h('label', {}, 'Administration', admin),
    h('label', {}, 'Analyst', analyst),
    h('label', {}, 'Until (optional)', expires),
    h('button', { type: 'submit' }, 'Grant'),
  );
  api('GET', '/v1/grants', undefined, { query: { limit: 200 } }).then(
    ({ items }) => {
      mount(
        box,
        h('h2', {}, 'Analyst access grants'),
        h(
          'p',
          { class: 'hint' },
          'Analysts see an administration’s anonymised data only with an active grant and after accepting the confidentiality statement.',
        ),
        form,
        status,
        items.length
          ? h(
              'table',
              {},
              h(
                'thead',
                {},
                h(
                  'tr',
                  {},
                  ['Administration', 'Analyst', 'Granted', 'Until', 'State', ''].map((t) => h('th', {}, t)),
                ),
              ),
              h(
                'tbody',
                {},
                items.map((g) =>
                  h(
                    'tr',
                    {},
                    h('td', {}, g.administration),
                    h('td', {}, g.analyst),
                    h('td', {}, `${when(g.grantedAt)} by ${g.grantedBy.name}`),
                    h('td', {}, g.expiresAt ? when(g.expiresAt) : '—'),
                    h('td', {}, badge(g.revokedAt ? 'revoked' : 'active')),
                    h(
                      'td',
                      {},
                      g.revokedAt
                        ? ''
                        : h(
                            'button',
                            {
                              type: 'button',
                              class: 'link',
                              onclick: async () => {
                                await api('DELETE', `/v1/grants/${g.administration}/${g.id}`);
                                reload();
                              },
                            },
                            'Revoke',
                          ),
                    ),
                  ),
                ),
              ),
            )
          : message('No grants yet.'),
      );
    },
    (err) => mount(box, message(err.message, 'error')),
  );
  return box;
}

function auditSection() {
  const box = h('section', { class: 'card' }, h('h2', {}, 'Audit log (last 7 days)'), message('Loading…'));
  api('GET', '/v1/audit', undefined, { query: { limit: 50 } }).then(
    ({ items }) => {
      mount(
        box,
        h('h2', {}, 'Audit log (last 7 days)'),
        h(
          'table',
          { class: 'audit' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ['When', 'Who', 'What', 'Resource', 'Outcome', 'From'].map((t) => h('th', {}, t)),
            ),
          ),
          h(
            'tbody',
            {},
            items.map((e) =>
              h(
                'tr',
                {},
                h('td', {}, when(e.at)),
                h('td', {}, e.actor?.name ?? 'anonymous'),
                h('td', {}, e.action),
                h('td', { class: 'mono' }, e.resource),
                h('td', {}, e.outcome),
                h('td', {}, e.sourceIp),
              ),
            ),
          ),
        ),
      );
    },
    (err) => mount(box, message(err.message, 'error')),
  );
  return box;
}

/** Access management: requests (WCO administrators), grants (both), audit log (both, scoped). */
export async function adminView(main, { user }) {
  const reload = () => adminView(main, { user });
  mount(
    main,
    h('h1', {}, 'Access'),
    user.role === 'wco-admin' ? requestsSection(reload) : null,
    grantsSection(user, reload),
    auditSection(),
  );
}
