// The image's HEALTHCHECK: GET /__emulator/health on the container's own port, with the admin token the control
// plane requires (TOKEN_API_EMULATOR_ADMIN_TOKEN, or the one entrypoint.mjs generated). Exit 0 when healthy.
import { readFileSync } from 'node:fs';

export const ADMIN_TOKEN_FILE = '/tmp/token-api-emulator-admin-token';

if (import.meta.url === `file://${process.argv[1]}`) {
  let token = process.env.TOKEN_API_EMULATOR_ADMIN_TOKEN;
  try {
    token ||= readFileSync(ADMIN_TOKEN_FILE, 'utf8');
  } catch {}
  const port = process.env.TOKEN_API_EMULATOR_PORT || '4020';
  try {
    const res = await fetch(`http://127.0.0.1:${port}/__emulator/health`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
      signal: AbortSignal.timeout(2500),
    });
    process.exit(res.ok ? 0 : 1);
  } catch {
    process.exit(1);
  }
}
