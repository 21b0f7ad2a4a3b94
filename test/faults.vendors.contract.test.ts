/** Injected faults answer in each vendor's own envelope, through both front doors, with no vendor code in the control plane. */
import { expect, it } from 'vitest';
import { describeDoors } from './support/doors.js';

describeDoors('faults in every vendor envelope', (door) => {
  const cases = [
    {
      vendor: 'rackspace',
      url: () => `${door.origin('rackspace', 'monitoring')}/v1.0/123456/agent_tokens`,
      check: (status: number, body: Record<string, unknown>) =>
        expect(body).toMatchObject({ type: status === 503 ? 'systemFailureError' : 'internalError', code: status, txnId: expect.any(String) }),
    },
    {
      vendor: 'opsmanager',
      url: () => `${door.origin('opsmanager', 'api')}/api/public/v1.0/groups/5e2211c17a3e5a48f5497df1/agentapikeys`,
      check: (status: number, body: Record<string, unknown>) => expect(body).toMatchObject({ error: status, reason: expect.any(String), detail: expect.any(String) }),
    },
    {
      vendor: 'prefactor',
      url: () => `${door.origin('prefactor', 'api')}/api/v1/ping`,
      check: (_status: number, body: Record<string, unknown>) =>
        expect(body).toMatchObject({ status: 'error', code: 'unexpected', message: expect.any(String) }),
    },
  ];

  for (const c of cases) {
    it(`${c.vendor}: 503 and 500 from a rule, 429 from the header`, async () => {
      door.emulator.faults.add({ vendor: c.vendor, status: 503, times: 1 });
      door.emulator.faults.add({ vendor: c.vendor, status: 500, times: 1 });
      for (const status of [503, 500]) {
        const res = await fetch(c.url());
        expect(res.status).toBe(status);
        expect(res.headers.get('content-type')).toMatch(/json/);
        c.check(status, await res.json());
      }
      const limited = await fetch(c.url(), { headers: { 'x-emulator-fault': '429' } });
      expect(limited.status).toBe(429);
      expect(limited.headers.get('content-type')).toMatch(/json/);
      await expect(fetch(c.url(), { headers: { 'x-emulator-fault': 'reset' } })).rejects.toThrow();
      expect(door.emulator.journal.list({ vendor: c.vendor }).map((e) => e.status)).toEqual([503, 500, 429, 0]);
    });
  }
});
