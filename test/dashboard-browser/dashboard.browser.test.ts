/**
 * The dashboard in a real browser: Debian's chromium driven by playwright-core (never a downloaded browser), against
 * the real CLI (`bin/token-api-emulator.js`, the built bundle), with curl as the client under test.
 * Run: `npm run build && npm run test:dashboard`. Writes docs/dashboard.png (the README's screenshot).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send } from '../support/raw-http.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // A host name that resolves to loopback, as after DNS rebinding.
  '--host-resolver-rules=MAP rebound.test 127.0.0.1',
];
const ALICE_KEY = '0123456789abcdef0123456789abcdef';
const LOGIN = JSON.stringify({ auth: { 'RAX-KSKEY:apiKeyCredentials': { username: 'alice', apiKey: ALICE_KEY } } });
const OWNER = 'ownerkey:7c6c2f1e-3b4a-4d5e-8f90-1a2b3c4d5e6f';
const GROUP = '5e2211c17a3e5a48f5497df1';
const PREFACTOR = 'Authorization: Bearer pf_test_acme_account_active';

interface Cli {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** The real command, as a user starts it, on a free loopback port. */
async function startCli(...args: string[]): Promise<Cli> {
  const child: ChildProcess = spawn(process.execPath, [join(ROOT, 'bin/token-api-emulator.js'), '--port', '0', '--quiet', ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`the CLI exited (${code}) before listening: ${out}`)));
  });
  return {
    url,
    port: Number(new URL(url).port),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** curl, the client under test: status and body. */
function curl(...args: string[]): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) =>
    execFile('curl', ['-sS', '-w', '\n%{http_code}', ...args], (err, stdout) => {
      if (err) return reject(err);
      const i = stdout.lastIndexOf('\n');
      resolve({ status: Number(stdout.slice(i + 1)), body: stdout.slice(0, i) });
    }),
  );
}

async function control<T = any>(cli: Cli, path: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(`${cli.url}/__emulator${path}`, init);
  return res.status === 204 ? (undefined as T) : ((await res.json()) as T);
}

let context: BrowserContext;
let profile: string;
const consoleErrors: string[] = [];

/** Every page of the suite reports console errors and uncaught exceptions here (the admin-token page aside). */
function watch(page: Page, into = consoleErrors): Page {
  page.on('console', (m) => {
    if (m.type() === 'error') into.push(`${page.url()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => into.push(`${page.url()}: uncaught ${e.message}`));
  return page;
}

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'dist/dashboard/app.js'))) throw new Error('dist/dashboard/ is missing: run `npm run build` first');
  profile = mkdtempSync(join(tmpdir(), 'tae-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: { width: 1280, height: 800 },
  });
});

afterAll(async () => {
  await context?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

describe('the dashboard, no admin token', () => {
  let cli: Cli;
  let page: Page;
  let fixtures: unknown;
  let authToken: string;

  beforeAll(async () => {
    cli = await startCli();
    fixtures = await control(cli, '/state');
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: cli.url });
    page = watch(await context.newPage());
    await page.goto(`${cli.url}/__emulator/`);
    await page.locator('#conn[data-kind="live"]').waitFor();
  });
  afterAll(async () => {
    await page?.close();
    await cli?.stop();
  });

  it('shows a request made with curl within 1 s, with its details redacted and a working copy-as-curl', async () => {
    const login = await curl(`${cli.url}/v2.0/tokens`, '-H', 'Content-Type: application/json', '-d', LOGIN);
    expect(login.status).toBe(200);
    authToken = JSON.parse(login.body).access.token.id;
    // Within 1 s of curl's answer: the long poll is answered as soon as the journal has the entry.
    const row = page.locator('#requests tr', { hasText: '/v2.0/tokens' });
    await row.waitFor({ timeout: 1000 });
    await expect(row.locator('td').nth(5).textContent()).resolves.toBe('200');

    await row.click();
    const detail = page.locator('#detail');
    await detail.waitFor();
    const text = (await detail.textContent())!;
    expect(text).toContain('identity.tokens.create');
    expect(text).toContain('[REDACTED]');
    expect(text).not.toContain(ALICE_KEY);
    expect(text).not.toContain(authToken);
    const command = (await page.locator('#curl').textContent())!;
    expect(command.split(' \\\n  ')[0]).toBe(`curl -X POST ${cli.url}/v2.0/tokens`);
    expect(command).toContain('"apiKey":"<apiKey>"');

    await page.locator('#copy-curl').click();
    await expect(page.evaluate(() => navigator.clipboard.readText())).resolves.toBe(command);
    // The copied command works once its placeholder is filled in.
    const replay = await new Promise<string>((resolve, reject) =>
      execFile('bash', ['-c', `${command.replace('<apiKey>', ALICE_KEY)} -sS -o /dev/null -w '%{http_code}'`], (err, out) =>
        err ? reject(err) : resolve(out),
      ),
    );
    expect(replay).toBe('200');
  });

  it('filters requests by vendor, status class and text', async () => {
    await curl(`${cli.url}/v1.0/123456/agent_tokens`, '-H', 'X-Auth-Token: wrong');
    await curl('--digest', '-u', OWNER, `${cli.url}/api/public/v1.0/groups/${GROUP}/agentapikeys`);
    const rows = page.locator('#requests tr:not([hidden])');
    await page.locator('#requests tr', { hasText: '/agentapikeys' }).first().waitFor({ timeout: 1000 });
    await page.selectOption('#f-status', '4');
    const paths4xx = await rows.locator('td.path').allTextContents();
    expect(paths4xx.length).toBeGreaterThanOrEqual(2); // the bad token and the digest challenge
    expect(paths4xx).not.toContain('/v2.0/tokens');
    await page.selectOption('#f-status', '');
    await page.selectOption('#f-vendor', 'opsmanager');
    expect(new Set(await rows.locator('td.path').allTextContents())).toEqual(new Set([`/api/public/v1.0/groups/${GROUP}/agentapikeys`]));
    await page.selectOption('#f-vendor', '');
    await page.fill('#f-text', 'tokens.create');
    expect(new Set(await rows.locator('td.path').allTextContents())).toEqual(new Set(['/v2.0/tokens']));
    await page.fill('#f-text', '');
  });

  it('a token created by a client appears in the state view, with secrets masked', async () => {
    await page.click('#tab-state');
    await page.locator('[data-collection="rackspace.agentTokens"]').waitFor();
    const created = await curl(`${cli.url}/v1.0/123456/agent_tokens`, '-H', `X-Auth-Token: ${authToken}`, '-H', 'Content-Type: application/json', '-d', '{"label":"made-by-curl"}');
    expect(created.status).toBe(201);
    const row = page.locator('[data-collection="rackspace.agentTokens"] tr', { hasText: 'made-by-curl' });
    await row.waitFor({ timeout: 2000 });
    const state = await control(cli, '/state');
    const token = state.rackspace.agentTokens.find((t: { label: string }) => t.label === 'made-by-curl').token as string;
    const cells = await row.locator('td').allTextContents();
    expect(cells).toContain('[REDACTED]');
    expect(cells.join(' ')).toContain(`${token.slice(0, 6)}… [REDACTED]`);
    // No secret of the state reaches the page: API keys, passwords, tokens, private keys.
    const content = await page.content();
    for (const secret of [ALICE_KEY, 'Alice-Passw0rd', token, authToken, '7c6c2f1e-3b4a-4d5e-8f90-1a2b3c4d5e6f', 'pf_test_acme_account_active'])
      expect(content).not.toContain(secret);

    await page.fill('#state-search', 'made-by-curl');
    expect(await page.locator('#state table').count()).toBe(1);
    await page.fill('#state-search', 'suspended');
    await expect(page.locator('[data-collection="prefactor.apiTokens"] .badge.state-suspended').count()).resolves.toBeGreaterThan(0);
    await page.fill('#state-search', '');

    const download = page.waitForEvent('download');
    await page.click('#state-download');
    const file = await (await download).path();
    const { readFileSync } = await import('node:fs');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(await control(cli, '/state'));
  });

  it('a fault added from the page makes the next vendor request fail as configured', async () => {
    await page.click('#tab-controls');
    await page.selectOption('#fault-vendor', 'rackspace');
    await page.selectOption('#fault-method', 'POST');
    await page.fill('#fault-path', '/v1.0/*/agent_tokens');
    await page.fill('#fault-status', '503');
    await page.fill('#fault-times', '1');
    await page.click('#fault-form button[type="submit"]');
    await page.locator('#faults tr[data-fault]').waitFor();
    expect((await control(cli, '/faults')).faults).toMatchObject([{ vendor: 'rackspace', method: 'POST', path: '/v1.0/*/agent_tokens', status: 503, times: 1 }]);

    const create = () =>
      curl(`${cli.url}/v1.0/123456/agent_tokens`, '-H', `X-Auth-Token: ${authToken}`, '-H', 'Content-Type: application/json', '-d', '{"label":"x"}');
    const failed = await create();
    expect(failed.status).toBe(503);
    expect(JSON.parse(failed.body)).toMatchObject({ type: 'systemFailureError', code: 503 });
    expect((await create()).status).toBe(201);
    // The rule fired its one time: the list on the page follows.
    await page.locator('#faults tr[data-fault]').waitFor({ state: 'detached', timeout: 2000 });

    // A bad rule is refused with the control plane's message, nothing added.
    await page.fill('#fault-path', 'no-slash');
    await page.click('#fault-form button[type="submit"]');
    // The page shows the answer once it arrives: polled, not read at once.
    await expect.poll(() => page.locator('#control-error').textContent(), { timeout: 5000 }).toBe('invalid fault rule: path: expected a pattern starting with "/"');
    expect((await control(cli, '/faults')).faults).toEqual([]);
    consoleErrors.splice(consoleErrors.findIndex((e) => e.includes('400')), 1); // the browser logs that 400 answer
  });

  it('the clock and rate limits are driven from the page', async () => {
    const before = (await control(cli, '/clock')).epochMs as number;
    await page.fill('#clock-advance-by', '25h');
    await page.click('#clock-advance button[type="submit"]');
    await expect.poll(async () => (await control(cli, '/clock')).epochMs - before).toBeGreaterThanOrEqual(25 * 3600_000);
    await page.click('#clock-freeze');
    await expect.poll(async () => (await control(cli, '/clock')).frozen).toBe(true);
    await expect.poll(() => page.locator('#clock-freeze').getAttribute('aria-pressed'), { timeout: 5000 }).toBe('true');
    await page.fill('#clock-set-to', '2030-01-01T00:00:00Z');
    await page.click('#clock-set button[type="submit"]');
    await expect.poll(async () => (await control(cli, '/clock')).now).toBe('2030-01-01T00:00:00.000Z');
    await expect.poll(() => page.locator('#clock-value').textContent(), { timeout: 5000 }).toBe('2030-01-01T00:00:00Z');
    await page.click('#clock-freeze');
    await expect.poll(async () => (await control(cli, '/clock')).frozen).toBe(false);

    await page.selectOption('#rate-vendor', 'prefactor');
    await page.fill('#rate-limit', '1');
    await page.fill('#rate-window', '1h');
    await page.click('#rate-form button[type="submit"]');
    await page.locator('#rates tr', { hasText: 'prefactor' }).waitFor();
    expect(await control(cli, '/rate-limits')).toEqual({ prefactor: { limit: 1, windowMs: 3600_000 } });
    expect((await curl(`${cli.url}/api/v1/ping`, '-H', PREFACTOR)).status).toBe(200);
    expect((await curl(`${cli.url}/api/v1/ping`, '-H', PREFACTOR)).status).toBe(429);
    await page.click('#rates button');
    await expect.poll(() => control(cli, '/rate-limits')).toEqual({});
  });

  it('reset from the page, after a confirmation, restores the fixtures', async () => {
    expect(await control(cli, '/state')).not.toEqual(fixtures);
    await page.click('#reset');
    await page.locator('#reset-dialog[open]').waitFor();
    await page.click('#reset-cancel'); // cancelling changes nothing
    expect(await control(cli, '/state')).not.toEqual(fixtures);
    await page.click('#reset');
    await page.click('#reset-confirm');
    await expect.poll(() => control(cli, '/state')).toEqual(fixtures);
    await expect.poll(() => page.locator('#requests tr').count()).toBe(0);
    await page.click('#tab-state');
    await page.locator('[data-collection="rackspace.agentTokens"]').waitFor();
    await expect.poll(() => page.locator('#state tr', { hasText: 'made-by-curl' }).count()).toBe(0);
  });

  it('is keyboard-navigable: tabs with arrow keys, rows with Enter, Escape closes details and the dialog', async () => {
    await page.click('#tab-requests');
    await curl(`${cli.url}/v2.0/tokens`, '-H', 'Content-Type: application/json', '-d', LOGIN);
    await page.locator('#requests tr').first().waitFor({ timeout: 1000 });
    await page.focus('#tab-requests');
    await page.keyboard.press('ArrowRight');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('tab-state');
    expect(await page.locator('#panel-state').isVisible()).toBe(true);
    await page.keyboard.press('End');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('tab-controls');
    await page.keyboard.press('Home');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('tab-requests');
    // Tab walks from the tabs through the filters to the first row.
    for (let i = 0; i < 12 && !(await page.evaluate(() => document.activeElement?.matches('#requests tr'))); i++) await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.matches('#requests tr'))).toBe(true);
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('detail');
    await page.keyboard.press('Escape');
    expect(await page.locator('#detail').isVisible()).toBe(false);
    expect(await page.evaluate(() => document.activeElement?.matches('#requests tr'))).toBe(true);

    await page.click('#tab-controls');
    await page.focus('#reset');
    await page.keyboard.press('Enter');
    await page.locator('#reset-dialog[open]').waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('reset-cancel');
    await page.keyboard.press('Escape');
    await page.locator('#reset-dialog[open]').waitFor({ state: 'detached' });
    expect((await control(cli, '/requests')).count).toBeGreaterThan(0); // not reset
  });

  it('fits a narrow window without sideways scrolling of the page', async () => {
    await page.setViewportSize({ width: 375, height: 800 });
    try {
      for (const tab of ['requests', 'state', 'controls']) {
        await page.click(`#tab-${tab}`);
        await page.waitForTimeout(150);
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
      }
      await page.click('#tab-requests');
      await page.locator('#requests tr').first().click();
      expect(await page.locator('#detail').isVisible()).toBe(true);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
      await page.keyboard.press('Escape');
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
  });

  it('takes the README screenshot (docs/dashboard.png) at 1280×800', async () => {
    await control(cli, '/reset', { method: 'POST' });
    const login = JSON.parse((await curl(`${cli.url}/v2.0/tokens`, '-H', 'Content-Type: application/json', '-d', LOGIN)).body);
    const token = login.access.token.id as string;
    const auth = ['-H', `X-Auth-Token: ${token}`];
    await curl(`${cli.url}/v1.0/123456/agent_tokens`, ...auth, '-H', 'Content-Type: application/json', '-d', '{"label":"web-03"}');
    await curl(`${cli.url}/v1.0/123456/agent_tokens?limit=2`, ...auth);
    await curl(`${cli.url}/v1.0/654321/agent_tokens`, ...auth);
    await curl('--digest', '-u', OWNER, `${cli.url}/api/public/v1.0/groups/${GROUP}/agentapikeys`, '-H', 'Content-Type: application/json', '-d', '{"desc":"build agents"}');
    await curl(`${cli.url}/api/v1/ping`, '-H', PREFACTOR);
    await curl('-X', 'POST', `${cli.url}/api/v1/api_token`, '-H', PREFACTOR, '-H', 'Content-Type: application/json', '-d', '{"details":{"token_scope":"account"}}');
    await curl('-X', 'DELETE', `${cli.url}/api/v1/api_token/01jgk3wem0kgnrfp4s7mxydqjb5sca0q`, '-H', 'Authorization: Bearer nope');
    await page.click('#tab-requests');
    await expect.poll(() => page.locator('#requests tr').count()).toBe(9);
    await page.locator('#requests tr', { hasText: 'agentapikeys' }).first().click(); // the create, after its digest challenge
    await page.mouse.move(0, 0);
    await page.screenshot({ path: join(ROOT, 'docs/dashboard.png') });
  });

  it('logged no console errors and no uncaught exceptions', () => {
    expect(consoleErrors).toEqual([]);
  });
});

describe('with --admin-token', () => {
  let cli: Cli;
  beforeAll(async () => {
    cli = await startCli('--admin-token', 'sesame-1234');
  });
  afterAll(() => cli?.stop());

  it('asks for the token, keeps it for the tab only and sends it as a bearer, never in a URL', async () => {
    const errors: string[] = [];
    const page = watch(await context.newPage(), errors);
    const seen: { url: string; auth: string | undefined }[] = [];
    page.on('request', (r) => seen.push({ url: r.url(), auth: r.headers().authorization }));
    try {
      await page.goto(`${cli.url}/__emulator/`);
      await page.locator('#login-token').waitFor();
      expect(await page.locator('#main').isVisible()).toBe(false);
      // Before signing in, only the page and its assets were fetched: no call that could 401.
      expect(seen.map((s) => new URL(s.url).pathname).sort()).toEqual(['/__emulator/', '/__emulator/assets/app.css', '/__emulator/assets/app.js', '/__emulator/assets/icon.svg']);

      await page.fill('#login-token', 'wrong');
      await page.press('#login-token', 'Enter');
      await expect.poll(() => page.locator('#login-error').textContent()).toBe('That token was not accepted.');
      expect(await page.evaluate(() => sessionStorage.length)).toBe(0);

      await page.fill('#login-token', 'sesame-1234');
      await page.press('#login-token', 'Enter');
      await page.locator('#conn[data-kind="live"]').waitFor();
      await curl(`${cli.url}/api/v1/ping`, '-H', PREFACTOR);
      await page.locator('#requests tr', { hasText: '/api/v1/ping' }).waitFor({ timeout: 1000 });

      const api = seen.filter((s) => /\/__emulator\/(health|requests|clock)/.test(s.url));
      expect(api.length).toBeGreaterThan(2);
      expect(api.filter((s) => !s.url.endsWith('/health') || s.auth === 'Bearer sesame-1234').every((s) => s.auth === 'Bearer sesame-1234')).toBe(true);
      expect(seen.some((s) => s.url.includes('sesame'))).toBe(false);
      expect(page.url()).toBe(`${cli.url}/__emulator/`);

      await page.click('#logout');
      await page.locator('#login-token').waitFor();
      expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
      // The only console error: the browser's own note of the refused wrong token.
      expect(errors.every((e) => e.includes('401'))).toBe(true);
    } finally {
      await page.close();
    }
  });
});

describe('a foreign Host or Origin', () => {
  let cli: Cli;
  let attacker: Server;
  let attackerUrl: string;
  beforeAll(async () => {
    cli = await startCli();
    // Another origin on this machine (any web page the developer has open): it tries to drive the emulator.
    attacker = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<!doctype html><title>elsewhere</title><script>
        const base = 'http://127.0.0.1:${cli.port}/__emulator';
        const simple = { mode: 'no-cors', headers: { 'content-type': 'text/plain' } };
        Promise.allSettled([
          fetch(base + '/faults', { ...simple, method: 'POST', body: '{"status":503}' }),
          fetch(base + '/clock', { ...simple, method: 'POST', body: '{"advance":"3650d"}' }),
        ]).then(() => { document.title = 'done'; });
      </script>`);
    });
    await new Promise<void>((r) => attacker.listen(0, '127.0.0.1', r));
    attackerUrl = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    attacker?.closeAllConnections();
    await new Promise((r) => attacker?.close(r));
    await cli?.stop();
  });

  it('cannot load the page under another host name (DNS rebinding)', async () => {
    const page = await context.newPage();
    try {
      const res = await page.goto(`http://rebound.test:${cli.port}/__emulator/`);
      expect(res!.status()).toBe(403);
      expect(await page.locator('#main').count()).toBe(0);
    } finally {
      await page.close();
    }
    for (const headers of [{ host: `rebound.test:${cli.port}` }, { origin: 'http://elsewhere.example' }] as Record<string, string>[])
      expect((await send(cli.url, '/__emulator/', { headers })).status).toBe(403);
  });

  // The control plane's Host/Origin guard (control.ts) protects the page and the endpoints it calls alike.
  it('cannot drive the control plane the page uses', async () => {
    const page = await context.newPage();
    try {
      await page.goto(attackerUrl);
      await page.waitForFunction(() => document.title === 'done');
    } finally {
      await page.close();
    }
    expect((await control(cli, '/faults')).faults).toEqual([]);
    expect((await control(cli, '/clock')).epochMs).toBeLessThan(Date.now() + 86_400_000);
    const foreign: Record<string, string>[] = [
      { host: `rebound.test:${cli.port}` },
      { origin: 'http://elsewhere.example', 'content-type': 'application/json' },
    ];
    for (const headers of foreign) {
      expect((await send(cli.url, '/__emulator/faults', { method: 'POST', headers, chunks: ['{"status":503}'] })).status).toBe(403);
      expect((await send(cli.url, '/__emulator/requests', { headers })).status).toBe(403);
    }
    expect((await control(cli, '/faults')).faults).toEqual([]);
  });
});
