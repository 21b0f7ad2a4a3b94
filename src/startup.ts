/**
 * What the CLI prints and watches once it listens: the lines that tell a user where each vendor is and where its
 * credentials come from, and the watch that stops an emulator started through npm when npm goes away.
 */
import type { VendorDefinition } from './core/types.js';

/**
 * One line per enabled vendor after the listening line: the base URL of each of its services and where in the
 * fixture file its credentials are. `url` is the server's origin (`http://127.0.0.1:4020`).
 */
export function startupBanner(url: string, vendors: readonly VendorDefinition[], fixtureFile: string): string {
  const width = Math.max(...vendors.map((v) => v.name.length));
  const lines = vendors.map((v) => {
    const urls = Object.entries(v.startup?.baseUrls ?? {}).map(([service, path]) => `${service} ${url}${path}`);
    const where = v.startup ? `; credentials: ${v.startup.credentials}` : '';
    return `  ${v.name.padEnd(width)}  ${urls.join(', ')}${where}`;
  });
  lines.push(`  credentials from ${fixtureFile}; control plane ${url}/__emulator/`);
  return lines.join('\n') + '\n';
}

/**
 * `npx token-api-emulator &` or `npm start &` followed by `kill $!` signals npm, which exits without passing the
 * signal on: the emulator would be left running, holding its port. Started by npm (npm sets `npm_lifecycle_event`
 * or `npm_command` for what it runs), the emulator therefore stops when its parent process is gone — on Linux and
 * macOS an orphan is re-parented, so `process.ppid` changes. A plain `node …/bin/token-api-emulator.js &` (or an
 * `exec` in a script) is the process itself and is stopped by `kill $!` directly; it is not watched, so `nohup`
 * and similar detached starts keep running as asked.
 */
export function stopWithNpm(stop: () => void, env: NodeJS.ProcessEnv = process.env, intervalMs = 500): void {
  if (!env.npm_lifecycle_event && !env.npm_command) return;
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid !== parent) {
      clearInterval(timer);
      stop();
    }
  }, intervalMs);
  timer.unref(); // never what keeps the process alive
}
