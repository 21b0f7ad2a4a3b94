// Over real HTTP: the emulator that global-setup.js started for the whole run.
import { expect, test } from '@jest/globals';

test('reaches the run’s standalone emulator at TOKEN_API_EMULATOR_URL', async () => {
  const url = process.env.TOKEN_API_EMULATOR_URL;
  expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  const res = await fetch(`${url}/api/v1/ping`, { headers: { authorization: 'Bearer pf_test_acme_account_active' } });
  expect(res.status).toBe(200);
  expect(await res.json()).toMatchObject({ status: 'success' });
});
