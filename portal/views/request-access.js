import { api } from '../api.js';
import { h, message, mount } from '../dom.js';

/** Anyone may ask for an account; a WCO administrator decides. */
export async function requestAccessView(main) {
  const field = (label, input) => h('label', {}, label, input);
  const role = h(
    'select',
    { name: 'role' },
    h('option', { value: 'official' }, 'Official of a customs administration'),
    h('option', { value: 'analyst' }, 'BACUDA analyst'),
  );
  const admin = h('input', {
    name: 'administration',
    pattern: '[A-Z]{2,8}',
    placeholder: 'e.g. XAA',
    maxlength: 8,
  });
  const inputs = {
    name: h('input', { name: 'name', required: true, maxlength: 120 }),
    email: h('input', { name: 'email', type: 'email', required: true, maxlength: 254 }),
    username: h('input', { name: 'username', required: true, pattern: '[a-z][a-z0-9._\\-]{2,63}' }),
    organisation: h('input', { name: 'organisation', required: true, maxlength: 200 }),
    reason: h('textarea', { name: 'reason', required: true, minlength: 10, maxlength: 2000, rows: 4 }),
  };
  const status = h('div');
  const form = h(
    'form',
    {
      class: 'card narrow',
      onsubmit: async (e) => {
        e.preventDefault();
        try {
          const body = Object.fromEntries(Object.entries(inputs).map(([k, el]) => [k, el.value.trim()]));
          const out = await api('POST', '/v1/access-requests', {
            ...body,
            role: role.value,
            administration: role.value === 'official' ? admin.value.trim().toUpperCase() : null,
          });
          mount(
            main,
            h(
              'section',
              { class: 'card narrow' },
              h('h1', {}, 'Request sent'),
              message(
                `Your request ${out.id} is waiting for a WCO administrator. You will receive your account details by e-mail.`,
                'ok',
              ),
            ),
          );
        } catch (err) {
          mount(status, message(err.message, 'error'));
        }
      },
    },
    h('h1', {}, 'Request access'),
    field('Full name', inputs.name),
    field('E-mail', inputs.email),
    field('Username you would like', inputs.username),
    field('Organisation', inputs.organisation),
    field('Role', role),
    field('Administration code (officials)', admin),
    field('Why you need access', inputs.reason),
    h('button', { type: 'submit' }, 'Send request'),
    status,
  );
  mount(main, form);
}
