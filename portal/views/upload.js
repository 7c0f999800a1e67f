import { api, putWithProgress } from '../api.js';
import { h, message, mount } from '../dom.js';

const DATASETS = ['declarations', 'trade', 'revenue', 'tariffs', 'fx', 'prices'];

/** Keeps what the API accepts in a file name: letters, digits, '_', '-', '.'. */
const safeName = (name) =>
  name
    .replace(/[^A-Za-z0-9_.-]+/g, '_')
    .replace(/\.{2,}/g, '.')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 128) || 'upload.csv';

function uploadsTable(items) {
  return h(
    'table',
    { class: 'uploads' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ['File', 'Dataset', 'Status', 'Rows accepted', 'Rows rejected'].map((t) => h('th', {}, t)),
      ),
    ),
    h(
      'tbody',
      {},
      items.map((u) =>
        h(
          'tr',
          { dataset: { file: u.fileName, status: u.status } },
          h('td', {}, u.fileName),
          h('td', {}, u.dataset),
          h('td', {}, h('span', { class: `badge ${u.status}` }, u.status)),
          h('td', { class: 'num' }, u.manifest?.rowsAccepted ?? ''),
          h('td', { class: 'num' }, u.manifest?.rowsRejected ?? ''),
        ),
      ),
    ),
  );
}

/** Upload a file (progress bar), then watch ingestion turn it into rows accepted / rejected. */
export async function uploadView(main, { user }) {
  const admin = user.administration;
  const file = h('input', {
    type: 'file',
    name: 'file',
    required: true,
    accept: '.csv,.txt,.gz,.json,.xlsx',
  });
  const dataset = h(
    'select',
    { name: 'dataset' },
    DATASETS.map((d) => h('option', { value: d }, d)),
  );
  const progress = h('progress', { max: 1, value: 0, hidden: true });
  const status = h('div', { class: 'upload-status' });
  const list = h('div');

  const refresh = async () => {
    const { items } = await api('GET', '/v1/uploads', undefined, {
      query: { administration: admin, limit: 50 },
    });
    mount(list, items.length ? uploadsTable(items) : message('No uploads yet.'));
    return items;
  };

  const form = h(
    'form',
    {
      class: 'card',
      onsubmit: async (e) => {
        e.preventDefault();
        const f = file.files[0];
        if (!f) return;
        const fileName = safeName(f.name);
        progress.hidden = false;
        progress.value = 0;
        mount(status, message(`Uploading ${fileName}…`));
        try {
          const target = await api('POST', '/v1/uploads', {
            administration: admin,
            dataset: dataset.value,
            fileName,
            contentType: f.type || 'text/csv',
            size: f.size,
          });
          await putWithProgress(target.url, f, target.headers, (p) => {
            progress.value = p;
          });
          progress.value = 1;
          mount(status, message(`Uploaded ${fileName}; processing…`));
          for (let i = 0; i < 120; i++) {
            const items = await refresh();
            const mine = items.find((u) => u.key === target.key);
            if (mine && mine.status !== 'received') {
              mount(
                status,
                message(
                  `Processed ${fileName}: ${mine.status}, ${mine.manifest?.rowsAccepted ?? 0} rows accepted, ${mine.manifest?.rowsRejected ?? 0} rejected.`,
                  mine.status === 'unreadable' ? 'error' : 'ok',
                ),
              );
              return;
            }
            await new Promise((r) => setTimeout(r, 1000));
          }
          mount(status, message('Still processing; the list below updates when you come back.'));
        } catch (err) {
          mount(status, message(err.message, 'error'));
        }
      },
    },
    h('h1', {}, `Upload data for ${admin}`),
    h(
      'p',
      { class: 'hint' },
      'Anonymised, transaction-level files (CSV, optionally gzipped). Each upload is validated; rejected rows are kept in quarantine with a reason.',
    ),
    h('label', {}, 'Dataset', dataset),
    h('label', {}, 'File', file),
    h('button', { type: 'submit' }, 'Upload'),
    progress,
    status,
  );
  mount(main, form, h('h2', {}, 'Recent uploads'), list);
  await refresh();
}
