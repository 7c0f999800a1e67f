import { loginLocal, session } from '../api.js';
import { h, message, mount } from '../dom.js';

/** Cloud deployments publish config.json naming the Cognito hosted UI; locally it is absent. */
async function cloudConfig() {
  try {
    const res = await fetch('./config.json');
    return res.ok ? await res.json() : null;
  } catch {
    return null;
  }
}

/** Back from the Cognito hosted UI: the access token arrives in the URL fragment. */
export async function completeHostedLogin() {
  const params = new URLSearchParams(location.hash.replace(/^#/, ''));
  const token = params.get('access_token');
  if (!token) return;
  const claims = JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
  const groups = claims['cognito:groups'] ?? [];
  session.set(token, {
    username: claims.username,
    role: ['wco-admin', 'official', 'analyst'].find((g) => groups.includes(g)) ?? 'official',
    administration: claims['custom:administration'] ?? null,
  });
  history.replaceState(null, '', `${location.pathname}#/catalogue`);
}

export async function loginView(main, { navigate }) {
  const config = await cloudConfig();
  if (config?.cognito) {
    const { domain, clientId } = config.cognito;
    const redirect = `${location.origin}${location.pathname}`;
    const url = `https://${domain}/oauth2/authorize?response_type=token&client_id=${encodeURIComponent(clientId)}&redirect_uri=${encodeURIComponent(redirect)}&scope=openid`;
    mount(
      main,
      h(
        'section',
        { class: 'card narrow' },
        h('h1', {}, 'Sign in'),
        h('a', { class: 'button', href: url }, 'Sign in with your WCO account'),
      ),
    );
    return;
  }
  const status = h('div');
  const username = h('input', { name: 'username', autocomplete: 'username', required: true });
  const password = h('input', {
    name: 'password',
    type: 'password',
    autocomplete: 'current-password',
    required: true,
  });
  const form = h(
    'form',
    {
      class: 'card narrow',
      onsubmit: async (e) => {
        e.preventDefault();
        mount(status, message('Signing in…'));
        try {
          await loginLocal(username.value.trim(), password.value);
          navigate('#/catalogue');
        } catch (err) {
          mount(status, message(err.message, 'error'));
        }
      },
    },
    h('h1', {}, 'Sign in'),
    h('p', { class: 'hint' }, 'Local platform: use one of the demo accounts `bacuda start` printed.'),
    h('label', {}, 'Username', username),
    h('label', {}, 'Password', password),
    h('button', { type: 'submit' }, 'Sign in'),
    status,
    h('p', {}, 'No account? ', h('a', { href: '#/request-access' }, 'Request access')),
  );
  mount(main, form);
  username.focus();
}
