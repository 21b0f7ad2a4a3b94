/**
 * The emulator in the page: `createEmulator()` (default fixtures, embedded in the browser build) behind MSW's
 * service worker at the vendors' real URLs. The rest is an ordinary page calling those URLs (src/api.js).
 * Build: `npm run build` (copies msw's mockServiceWorker.js into public/, bundles with plain esbuild), then serve
 * public/ with any static server.
 */
import { setupWorker } from 'msw/browser';
import { createEmulator } from 'token-api-emulator';
import { toMswHandlers } from 'token-api-emulator/msw';
import * as api from './api.js';

const emulator = createEmulator();
const worker = setupWorker(...toMswHandlers(emulator));
await worker.start({ quiet: true, onUnhandledRequest: 'bypass' });

// Default-fixture credentials (README: Rackspace, Ops Manager and Prefactor default fixtures).
const ALICE = { username: 'alice', apiKey: '0123456789abcdef0123456789abcdef' }; // monitoring:admin of 123456
const READ_ONLY = { publicKey: 'readonly', privateKey: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d' };
const ACME_PRODUCTION = '5e2211c17a3e5a48f5497df1';
const ACME_ACCOUNT = '01jgge1w00kgnrfpmczeqk3s5s5aarhr';
const ACME_BEARER = 'pf_test_acme_account_active';

const $ = (id) => document.getElementById(id);
const rows = (table, items, cells) => {
  table.replaceChildren(
    ...items.map((item) => {
      const tr = document.createElement('tr');
      for (const text of cells(item)) tr.appendChild(document.createElement('td')).textContent = text ?? '';
      return tr;
    }),
  );
};

async function showRackspace() {
  const session = await api.rackspaceLogin(ALICE);
  rows($('rackspace-tokens'), await api.listAgentTokens(session), (t) => [t.label, t.id]);
  return session;
}
const showOpsManager = async () => rows($('opsmanager-keys'), await api.listAgentApiKeys(READ_ONLY, ACME_PRODUCTION), (k) => [k.desc, k.key]);

$('rackspace-create').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  await api.createAgentToken(await api.rackspaceLogin(ALICE), form.label.value);
  form.reset();
  await showRackspace();
});
$('prefactor-create').addEventListener('click', async () => {
  const created = await api.createPrefactorToken(ACME_BEARER, ACME_ACCOUNT);
  const works = await api.prefactorPing(created.token);
  $('prefactor-tokens').appendChild(document.createElement('tr')).textContent = `${created.id} ${created.status}, ping ${works ? 'ok' : 'refused'}`;
});

await Promise.all([showRackspace(), showOpsManager()]);
$('status').textContent = `Served by token-api-emulator through MSW (${emulator.vendors.join(', ')}).`;

// For the DevTools console (inspect or seed the state: `example.emulator.rackspace.agentTokens.list('123456')`)
// and for the repository's browser test.
window.example = { emulator, worker, api, ALICE, READ_ONLY, ACME_PRODUCTION, ACME_ACCOUNT, ACME_BEARER };
