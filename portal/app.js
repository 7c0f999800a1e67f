import { session } from './api.js';
import { h, message, mount } from './dom.js';
import { adminView } from './views/admin.js';
import { approvalsView } from './views/approvals.js';
import { catalogueView } from './views/catalogue.js';
import { confidentialityView } from './views/confidentiality.js';
import { completeHostedLogin, loginView } from './views/login.js';
import { requestAccessView } from './views/request-access.js';
import { resultView } from './views/result.js';
import { uploadView } from './views/upload.js';

/**
 * The portal shell: hash routes (so the static host needs no rewrite rules), a nav that shows what the
 * signed-in role may use, and one view at a time in <main>.
 */
const ROUTES = {
  login: { view: loginView, public: true },
  'request-access': { view: requestAccessView, public: true, label: 'Request access', anonymousOnly: true },
  catalogue: { view: catalogueView, label: 'Series' },
  upload: { view: uploadView, label: 'Upload', roles: ['official'] },
  approvals: { view: approvalsView, label: 'Approvals', roles: ['official'] },
  confidentiality: { view: confidentialityView, label: 'Confidentiality', roles: ['analyst'] },
  admin: { view: adminView, label: 'Access', roles: ['official', 'wco-admin'] },
  result: { view: resultView },
};

const EXTERNAL = [
  { href: './pages/mirror.html', label: 'Mirror & gap' },
  { href: './pages/pipeline.html', label: 'Pipeline' },
  { href: './pages/prices.html', label: 'Valuation flags' },
  { href: './pages/fraud.html', label: 'Fraud detection' },
  { href: './pages/forecast.html', label: 'Revenue forecast' },
];

function allowed(route, user) {
  if (route.anonymousOnly && user) return false;
  if (route.public) return true;
  if (!user) return false;
  return !route.roles || route.roles.includes(user.role);
}

function renderNav(current) {
  const user = session.user;
  const links = Object.entries(ROUTES)
    .filter(([, r]) => r.label && allowed(r, user))
    .map(([name, r]) =>
      h('a', { href: `#/${name}`, 'aria-current': name === current ? 'page' : undefined }, r.label),
    );
  if (user) links.push(...EXTERNAL.map((e) => h('a', { href: e.href }, e.label)));
  mount(document.getElementById('nav'), links);
  mount(
    document.getElementById('user'),
    user
      ? [
          h(
            'span',
            { class: 'who', 'data-testid': 'who' },
            `${user.name ?? user.username} · ${user.role}${user.administration ? ` · ${user.administration}` : ''}`,
          ),
          h('button', { type: 'button', class: 'link', onclick: logout }, 'Sign out'),
        ]
      : [h('a', { href: '#/login' }, 'Sign in')],
  );
}

function logout() {
  session.clear();
  location.hash = '#/login';
}

async function render() {
  const [name = '', ...args] = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  const user = session.user;
  let routeName = name || (user ? 'catalogue' : 'login');
  let route = ROUTES[routeName];
  if (!route) {
    routeName = user ? 'catalogue' : 'login';
    route = ROUTES[routeName];
  }
  if (!allowed(route, user)) {
    routeName = user ? 'catalogue' : 'login';
    route = ROUTES[routeName];
  }
  renderNav(routeName);
  const main = document.getElementById('view');
  mount(main, message('Loading…'));
  try {
    await route.view(main, { args, user, navigate: (hash) => (location.hash = hash) });
  } catch (err) {
    mount(main, message(err.message, 'error'));
  }
  main.focus({ preventScroll: true });
}

addEventListener('hashchange', render);
addEventListener('DOMContentLoaded', async () => {
  await completeHostedLogin();
  render();
});
