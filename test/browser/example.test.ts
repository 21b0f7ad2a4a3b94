/**
 * The emulator in a real browser: examples/browser, built by scripts/test-browser.sh in a new project from the packed
 * tarball with plain esbuild (`--platform=browser`), served on 127.0.0.1 and driven in Debian's Chromium
 * (playwright-core, never a downloaded browser). Every request below goes from the page's own `fetch` through MSW's
 * service worker to the emulator running in the page.
 */
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { gzipSync } from 'node:zlib';
import { decode, extractPartition, isPfid } from '@prefactor/pfid';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const publicDir = process.env.BROWSER_EXAMPLE_DIR;
if (!publicDir) throw new Error('BROWSER_EXAMPLE_DIR is not set: run the suite with `npm run test:browser`');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.map': 'application/json' };

let server: Server;
let origin: string;
let profile: string;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const file = normalize(join(publicDir, path === '/' ? 'index.html' : path));
    if (!file.startsWith(normalize(publicDir)) || !statSync(file, { throwIfNoEntry: false })?.isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    res.end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;

  profile = mkdtempSync(join(tmpdir(), 'tae-chromium-'));
  context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS, timeout: 30_000 });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  await page.goto(`${origin}/`);
  await page.waitForFunction(() => 'example' in window, undefined, { timeout: 30_000 });
});

afterAll(async () => {
  await context?.close();
  await new Promise((resolve) => server?.close(resolve));
  if (profile) rmSync(profile, { recursive: true, force: true });
});

describe('the bundle', () => {
  const bundle = () => readFileSync(join(publicDir, 'app.js'), 'utf8');

  it('has no node: built-in (import, require or dynamic import)', () => {
    const found = [...bundle().matchAll(/(?:from\s*|import\s*\(\s*|require\s*\(\s*|import\s+)["'](node:[\w/]+)["']/g)].map((m) => m[1]);
    expect(found).toEqual([]);
    expect(bundle()).not.toMatch(/["']node:(crypto|fs|http|module|url|net|buffer)["']/);
  });

  it('loads without errors and renders what the emulator serves', async () => {
    expect(pageErrors).toEqual([]);
    const status = await page.textContent('#status');
    for (const vendor of ['rackspace', 'opsmanager', 'prefactor']) expect(status).toContain(vendor);
    expect(await page.locator('#rackspace-tokens tr').count()).toBeGreaterThan(0);
    expect(await page.locator('#opsmanager-keys tr').count()).toBeGreaterThan(0);
    console.log(`browser bundle: ${(bundle().length / 1024).toFixed(0)} KiB, ${(gzipSync(bundle()).length / 1024).toFixed(0)} KiB gzip (with msw)`);
  });
});

describe('Rackspace through the service worker', () => {
  it('logs in, creates an agent token (Location and X-Object-ID readable), gets it and lists it', async () => {
    const r = await page.evaluate(async () => {
      const { api, ALICE } = window.example;
      const session = await api.rackspaceLogin(ALICE);
      const created = await api.createAgentToken(session, 'from-the-page');
      const got = await api.getAgentToken(session, created.id);
      const listed = await api.listAgentTokens(session, 2);
      return { session, created, got, listedIds: listed.map((t: { id: string }) => t.id) };
    });
    expect(r.session.monitoringUrl).toBe('https://monitoring.api.rackspacecloud.com/v1.0/123456');
    expect(r.session.token).toMatch(/^AA/);
    expect(r.created.id).toMatch(/^[0-9a-f]{64}\.123456$/);
    expect(r.created.location).toBe(`https://monitoring.api.rackspacecloud.com/v1.0/123456/agent_tokens/${r.created.id}`);
    expect(r.got).toMatchObject({ id: r.created.id, label: 'from-the-page', token: r.created.id });
    expect(r.listedIds).toContain(r.created.id);
  });

  it('answers a wrong API key with the vendor 401', async () => {
    const status = await page.evaluate(async () => {
      const { api, ALICE } = window.example;
      return api.rackspaceLogin({ ...ALICE, apiKey: 'f'.repeat(32) }).then(
        () => 200,
        (e: { status: number }) => e.status,
      );
    });
    expect(status).toBe(401);
  });
});

describe('Prefactor through the service worker', () => {
  it('pings, creates a token and pings with its new JWT; the id is a PFID of the account', async () => {
    const r = await page.evaluate(async () => {
      const { api, ACME_BEARER, ACME_ACCOUNT } = window.example;
      const before = await api.prefactorPing(ACME_BEARER);
      const suspended = await api.prefactorPing('pf_test_acme_account_suspended');
      const created = await api.createPrefactorToken(ACME_BEARER, ACME_ACCOUNT);
      const after = await api.prefactorPing(created.token);
      return { before, suspended, created, after, now: Date.now() };
    });
    expect(r).toMatchObject({ before: true, suspended: false, after: true });
    expect(r.created).toMatchObject({ status: 'active', token_scope: 'account', account_id: '01jgge1w00kgnrfpmczeqk3s5s5aarhr' });
    expect(r.created.token.split('.')).toHaveLength(3);
    // Made in the page by the browser variant, checked here by @prefactor/pfid itself.
    expect(isPfid(r.created.id)).toBe(true);
    expect(extractPartition(r.created.id)).toBe(extractPartition('01jgge1w00kgnrfpmczeqk3s5s5aarhr'));
    const binary = decode(r.created.id);
    const stamped = binary.readUIntBE(0, 6);
    expect(Math.abs(stamped - r.now)).toBeLessThan(60_000);
  });
});

describe('Ops Manager through the service worker', () => {
  it('lists agent API keys with HTTP Digest computed in the page after the 401 challenge', async () => {
    const r = await page.evaluate(async () => {
      const { api, READ_ONLY, ACME_PRODUCTION, emulator } = window.example;
      const url = `https://cloud.mongodb.com/api/public/v1.0/groups/${ACME_PRODUCTION}/agentapikeys`;
      const challenge = await fetch(url);
      const seeded = emulator.opsmanager.agentApiKeys.create({ groupId: ACME_PRODUCTION, desc: 'seeded in the page' });
      const keys = await api.listAgentApiKeys(READ_ONLY, ACME_PRODUCTION);
      const wrong = await api
        .listAgentApiKeys({ ...READ_ONLY, privateKey: '00000000-0000-4000-8000-000000000000' }, ACME_PRODUCTION)
        .then(() => 200, (e: { status: number }) => e.status);
      return { status: challenge.status, wwwAuthenticate: challenge.headers.get('www-authenticate'), seeded, keys, wrong, now: Date.now() };
    });
    expect(r.status).toBe(401);
    expect(r.wwwAuthenticate).toMatch(/^Digest realm="MMS Public API", domain="", nonce="[\w-]{32}", algorithm=MD5, qop="auth", stale=false$/);
    expect(r.seeded._id).toMatch(/^[0-9a-f]{24}$/);
    expect(Math.abs(parseInt(r.seeded._id.slice(0, 8), 16) * 1000 - r.now)).toBeLessThan(60_000);
    const mine = r.keys.find((k: { _id: string }) => k._id === r.seeded._id);
    expect(mine).toMatchObject({ desc: 'seeded in the page', key: `${'*'.repeat(r.seeded.key.length - 4)}${r.seeded.key.slice(-4)}` });
    expect(r.wrong).toBe(401);
  });

  it('serves a self-hosted Ops Manager on any origin, the page\'s own included (same-origin requests)', async () => {
    const r = await page.evaluate(async () => {
      const { api, READ_ONLY, ACME_PRODUCTION } = window.example;
      const keys = await api.listAgentApiKeys(READ_ONLY, ACME_PRODUCTION, location.origin);
      return { count: keys.length, page: await (await fetch('/')).text() };
    });
    expect(r.count).toBeGreaterThan(0);
    expect(r.page).toContain('<title>Agent tokens'); // the page's own files are not intercepted
  });
});

describe('the emulator in the page', () => {
  it('reset() returns to the embedded default fixtures', async () => {
    const r = await page.evaluate(async () => {
      const { api, ALICE, emulator } = window.example;
      const session = await api.rackspaceLogin(ALICE);
      await api.createAgentToken(session, 'before-reset');
      const before = (await api.listAgentTokens(session)).map((t: { label: string }) => t.label);
      emulator.reset();
      const again = await api.rackspaceLogin(ALICE);
      const after = (await api.listAgentTokens(again)).map((t: { label: string }) => t.label);
      return { before, after, fixtures: Object.keys(emulator.fixtures) };
    });
    expect(r.before).toContain('before-reset');
    expect(r.after).not.toContain('before-reset');
    expect(r.after).not.toContain('from-the-page');
    expect(r.fixtures).toEqual(expect.arrayContaining(['rackspace', 'opsmanager', 'prefactor']));
  });

  it('serves the control plane through the worker: a fault, the journal, the clock', async () => {
    const r = await page.evaluate(async () => {
      const { api, ALICE } = window.example;
      const control = 'http://token-api-emulator.local/__emulator';
      const json = { 'content-type': 'application/json' };
      await fetch(`${control}/requests`, { method: 'DELETE' });
      const fault = await fetch(`${control}/faults`, { method: 'POST', headers: json, body: JSON.stringify({ vendor: 'rackspace', status: 503, times: 1 }) });
      const failed = await api.rackspaceLogin(ALICE).then(() => 200, (e: { status: number }) => e.status);
      const session = await api.rackspaceLogin(ALICE);
      const journal = await (await fetch(`${control}/requests`)).json();
      const clock = await (await fetch(`${control}/clock`, { method: 'POST', headers: json, body: JSON.stringify({ advance: '25h' }) })).json();
      // An X-Auth-Token lives 24 hours: after 25 the session is refused.
      const expired = await api.listAgentTokens(session).then(() => 200, (e: { status: number }) => e.status);
      return { fault: fault.status, failed, statuses: journal.requests?.map((e: { status: number }) => e.status), clock, expired };
    });
    expect(r.fault).toBe(201);
    expect(r.failed).toBe(503);
    expect(r.statuses).toEqual(expect.arrayContaining([503, 200]));
    expect(r.clock.frozen).toBe(false);
    expect(r.expired).toBe(401);
  });

  it('says that listen() needs Node.js', async () => {
    const message = await page.evaluate(() =>
      window.example.emulator.listen().then(
        () => 'listening',
        (e: Error) => e.message,
      ),
    );
    expect(message).toMatch(/needs Node\.js; in a browser serve the emulator through MSW: setupWorker/);
  });
});

declare global {
  interface Window {
    // What examples/browser/src/main.js exposes (plain JavaScript).
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    example: any;
  }
}
