import { spawnSync } from 'node:child_process';

/** Whether an external program (a real vendor client) can run here; CI installs them all, so CI never skips. */
export function available(command: string, args: string[]): boolean {
  const r = spawnSync(command, args, { stdio: 'ignore', timeout: 20_000 });
  return r.status === 0;
}

/** Skip a real-client test locally when the client is missing, but fail in CI, where `.ci/run` installs it. */
export function requireTool(name: string, ok: boolean): boolean {
  if (!ok && process.env.CI) throw new Error(`${name} is not installed, but CI must run this test (see .ci/run)`);
  return ok;
}
