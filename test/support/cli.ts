/** The real executable (bin/ → dist/), started as a user would; every process started here is killed by `stopAll`. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/token-api-emulator.js', import.meta.url));
const children: ChildProcessWithoutNullStreams[] = [];

/** Kills what is still running (call it in `afterEach`). */
export function stopAll(): void {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
}

/** Starts `token-api-emulator ARGS`; `url` settles with the address it prints, or rejects if it exits first. */
export function startCli(args: string[]) {
  const child = spawn(process.execPath, [BIN, ...args]);
  children.push(child);
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (code, signal) => r(code ?? (signal ? -1 : null))));
  const url = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', () => {
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    exited.then((code) => reject(new Error(`exited ${code}: ${err}`)));
  });
  url.catch(() => undefined); // only a test that awaits the URL cares that it never came
  return { child, url, exited, out: () => out, err: () => err };
}
