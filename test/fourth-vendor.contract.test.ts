/**
 * A vendor of the user's own, registered through the public API only: it gets routing, its own error envelope,
 * faults, the journal (with its declared secrets redacted), state, reset, snapshots, rate limits, HEAD, host
 * scoping, the last-resort 500 and the control plane — through both front doors.
 */
import { request as httpRequest } from 'node:http';
import { expect, it } from 'vitest';
import { ALL_VENDORS, empty, errors, json, readText, schema, type EmulatorResponse, type VendorDefinition } from '../src/index.js';
import { describeDoors, type Door } from './support/doors.js';

interface Widget {
  id: string;
  name: string;
}

class WidgetModel {
  readonly widgets = new Map<string, Widget>();
  constructor(fixture: { widgets: Widget[] }) {
    for (const w of fixture.widgets) this.widgets.set(w.id, { ...w });
  }
}

const fixtureSchema = schema.object({
  widgets: schema.array(schema.object({ id: schema.string(), name: schema.string() })),
});

const widgetError = (err: errors.EmulatorError): EmulatorResponse => {
  // A renderer that itself breaks: the emulator's last-resort 500 answers instead.
  if (err.details === 'renderer breaks') throw new Error('the renderer broke');
  return json({ oops: { status: err.status, why: err.message } }, err.status, { ...(err.headers ?? {}), 'x-widget-error': '1' });
};

const widgets: VendorDefinition<WidgetModel, { widgets: Widget[] }> = {
  name: 'widgets',
  title: 'Widgets (a test vendor)',
  services: { api: { origins: ['https://api.widgets.example'] } },
  pathPrefixes: ['/widgets'],
  fixtureSchema: {
    ...fixtureSchema,
    parse: (value, path) => {
      const v = (value ?? {}) as { widgets?: Widget[] };
      return fixtureSchema.parse({ widgets: v.widgets ?? [{ id: 'w1', name: 'seeded' }] }, path) as { widgets: Widget[] };
    },
  },
  createState: (fixture) => new WidgetModel(fixture),
  exportState: (state) => ({ widgets: [...state.widgets.values()].map((w) => ({ ...w })) }),
  routes: [
    {
      method: 'GET',
      path: '/widgets',
      name: 'widgets.list',
      handler: (_request, ctx) => json({ widgets: [...ctx.state.widgets.values()] }),
    },
    {
      method: 'POST',
      path: '/widgets',
      name: 'widgets.create',
      async handler(request, ctx) {
        if (request.headers.get('x-widget-key') !== 'sesame') throw new errors.Unauthorized('no key');
        const body = JSON.parse(await readText(request)) as { name: string };
        const widget = { id: `w${ctx.state.widgets.size + 1}`, name: body.name };
        ctx.state.widgets.set(widget.id, widget);
        return json(widget, 201);
      },
    },
    {
      method: 'DELETE',
      path: '/widgets/:id',
      name: 'widgets.delete',
      handler(_request, ctx) {
        if (!ctx.state.widgets.delete(ctx.params.id)) throw new errors.NotFound(`no widget ${ctx.params.id}`);
        return empty(204);
      },
    },
    {
      method: 'GET',
      path: '/widgets/boom',
      name: 'widgets.boom',
      handler: () => {
        throw new Error('renderer breaks');
      },
    },
  ],
  renderError: (err) => widgetError(err),
  decorate: (response) => response.headers.set('x-widgets', 'yes'),
  secrets: { headers: ['x-widget-key'] },
};

// One of the built-in vendors beside it, to show the host decides.
const options = { vendors: [...ALL_VENDORS.filter((v) => v.name === 'prefactor'), widgets] };

/** A request to `path` addressed to `host` (the Host header on the server door, the URL's host through MSW). */
function onHost(door: Door, host: string, path: string, method = 'GET'): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  if (door.kind === 'msw')
    return fetch(`https://${host}${path}`, { method }).then(async (r) => ({ status: r.status, headers: Object.fromEntries(r.headers), body: await r.text() }));
  const base = new URL(door.origin('widgets'));
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: base.hostname, port: base.port, path, method, headers: { host } }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describeDoors(
  'a fourth vendor through the public API',
  (door) => {
    const url = (path: string) => `${door.origin('widgets')}${path}`;
    const ctl = (path: string, init?: RequestInit) => fetch(`${door.control()}/__emulator${path}`, init);

    it('answers its routes, keeps state, and goes back to its fixtures on reset', async () => {
      expect(await (await fetch(url('/widgets'))).json()).toEqual({ widgets: [{ id: 'w1', name: 'seeded' }] });
      const created = await fetch(url('/widgets'), { method: 'POST', headers: { 'x-widget-key': 'sesame' }, body: '{"name":"new"}' });
      expect(created.status).toBe(201);
      expect(created.headers.get('x-widgets')).toBe('yes');
      expect(door.emulator.model<WidgetModel>('widgets').widgets.size).toBe(2);
      expect((await (await ctl('/state')).json()).widgets.widgets).toHaveLength(2);
      expect((await ctl('/reset', { method: 'POST' })).status).toBe(204);
      expect(door.emulator.model<WidgetModel>('widgets').widgets.size).toBe(1);
    });

    it('renders its own errors: 404 under its prefix, 405 with Allow, handler errors', async () => {
      const missing = await fetch(url('/widgets/nope'), { method: 'DELETE' });
      expect(missing.status).toBe(404);
      expect(await missing.json()).toEqual({ oops: { status: 404, why: 'no widget nope' } });
      const unknown = await fetch(url('/widgets/a/b'));
      expect(unknown.status).toBe(404);
      expect(unknown.headers.get('x-widget-error')).toBe('1');
      const put = await fetch(url('/widgets'), { method: 'PUT' });
      expect(put.status).toBe(405);
      expect(put.headers.get('allow')).toBe('GET, POST');
      const denied = await fetch(url('/widgets'), { method: 'POST', body: '{"name":"x"}' });
      expect(await denied.json()).toEqual({ oops: { status: 401, why: 'no key' } });
    });

    it('gets faults from the control plane in its own envelope', async () => {
      const rule = await ctl('/faults', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"vendor":"widgets","status":503,"times":1}' });
      expect(rule.status).toBe(201);
      const faulted = await fetch(url('/widgets'));
      expect(faulted.status).toBe(503);
      expect((await faulted.json()).oops.status).toBe(503);
      expect((await fetch(url('/widgets'))).status).toBe(200);
      await expect(fetch(url('/widgets'), { headers: { 'x-emulator-fault': 'reset' } })).rejects.toThrow();
    });

    it('is journaled with its declared secret header redacted', async () => {
      await fetch(url('/widgets'), { method: 'POST', headers: { 'x-widget-key': 'sesame', 'content-type': 'application/json' }, body: '{"name":"j"}' });
      const list = await (await ctl('/requests?vendor=widgets')).json();
      expect(list.count).toBe(1);
      expect(list.requests[0]).toMatchObject({ vendor: 'widgets', operation: 'widgets.create', method: 'POST', path: '/widgets', status: 201 });
      expect(list.requests[0].requestHeaders['x-widget-key']).toBe('[REDACTED]');
      expect(list.requests[0].requestBody).toEqual({ name: 'j' });
      expect(JSON.stringify(list)).not.toContain('sesame');
    });

    it('gets a configured rate limit with the common headers and a 429 in its envelope', async () => {
      const set = await ctl('/rate-limits', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"widgets":{"limit":1,"window":"1m"}}' });
      expect(set.status).toBe(200);
      const first = await fetch(url('/widgets'));
      expect(first.headers.get('x-ratelimit-limit')).toBe('1');
      expect(first.headers.get('x-ratelimit-remaining')).toBe('0');
      const over = await fetch(url('/widgets'));
      expect(over.status).toBe(429);
      expect((await over.json()).oops.status).toBe(429);
      await ctl('/rate-limits', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"widgets":null}' });
    });

    it('HEAD: the GET answer without a body, on every door', async () => {
      const head = await fetch(url('/widgets'), { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(head.headers.get('content-type')).toBe('application/json');
      expect(head.headers.get('x-widgets')).toBe('yes');
      expect(await head.text()).toBe('');
      const health = await ctl('/health', { method: 'HEAD' });
      expect(health.status).toBe(200);
      expect(await health.text()).toBe('');
    });

    it('answers with the last-resort 500 when even its error renderer fails', async () => {
      const res = await fetch(url('/widgets/boom'));
      expect(res.status).toBe(500);
      expect(await res.json()).toEqual({ error: 'internal', message: 'The emulator failed to answer this request' });
      // The emulator keeps answering.
      expect((await fetch(url('/widgets'))).status).toBe(200);
    });

    it('scopes by host: on its own host only its routes answer, another vendor\'s path gets its 404', async () => {
      const own = await onHost(door, 'api.widgets.example', '/widgets');
      expect(own.status).toBe(200);
      const foreign = await onHost(door, 'api.widgets.example', '/api/v1/api_token');
      expect(foreign.status).toBe(404);
      expect(JSON.parse(foreign.body)).toEqual({ oops: { status: 404, why: 'Cannot find resource /api/v1/api_token' } });
      // On Prefactor's host, the widgets path is Prefactor's 404.
      const other = await onHost(door, 'app.prefactorai.com', '/widgets');
      expect(other.status).toBe(404);
      expect(JSON.parse(other.body)).toMatchObject({ status: 'error', code: 'not_found' });
    });

    it('is listed by the control plane', async () => {
      expect(await (await ctl('/health')).json()).toEqual({ status: 'ok', vendors: ['prefactor', 'widgets'] });
    });
  },
  options,
);
