// The container's entrypoint: the emulator's CLI (options from TOKEN_API_EMULATOR_* variables and arguments), with
// the control plane made safe for a container by default. Bound to 0.0.0.0, /__emulator/* must require an admin
// token: TOKEN_API_EMULATOR_ADMIN_TOKEN when it is set, otherwise a random one made here, printed once and kept in
// a file only this user can read, where the HEALTHCHECK (healthcheck.mjs) finds it.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { ADMIN_TOKEN_FILE } from './healthcheck.mjs';

if (!process.env.TOKEN_API_EMULATOR_ADMIN_TOKEN && !process.argv.slice(2).some((a) => a.startsWith('--admin-token'))) {
  const token = randomBytes(18).toString('base64url');
  process.env.TOKEN_API_EMULATOR_ADMIN_TOKEN = token;
  writeFileSync(ADMIN_TOKEN_FILE, token, { mode: 0o600 });
  process.stdout.write(
    `token-api-emulator: control plane admin token (generated; set TOKEN_API_EMULATOR_ADMIN_TOKEN to choose one): ${token}\n`,
  );
}
await import('../bin/token-api-emulator.js');
