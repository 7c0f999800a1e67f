import { api } from '../api.js';
import { h, message, mount, when } from '../dom.js';

/** Analysts read and accept the current statement before any administration's data is shown to them. */
export async function confidentialityView(main) {
  const [statement, me] = await Promise.all([api('GET', '/v1/confidentiality'), api('GET', '/v1/me')]);
  const status = h('div');
  const accepted = me.confidentiality.acceptedAt;
  mount(
    main,
    h(
      'article',
      { class: 'card narrow' },
      h('h1', {}, statement.title, h('small', {}, ` version ${statement.version}`)),
      statement.text.split('\n\n').map((p) => h('p', {}, p)),
      accepted
        ? message(
            `You accepted this version on ${when(accepted)}. Administrations you may read: ${me.readableAdministrations.join(', ') || 'none yet'}.`,
            'ok',
          )
        : h(
            'button',
            {
              type: 'button',
              onclick: async () => {
                try {
                  await api('POST', '/v1/confidentiality/accept', { version: statement.version });
                  await confidentialityView(main);
                } catch (err) {
                  mount(status, message(err.message, 'error'));
                }
              },
            },
            'I accept this statement',
          ),
      status,
    ),
  );
}
