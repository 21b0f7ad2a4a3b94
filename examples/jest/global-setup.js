// One standalone emulator for the whole Jest run, on a free port; the workers inherit its URL through the
// environment (Jest starts them after globalSetup).
import { createEmulator } from 'token-api-emulator';

export default async function globalSetup() {
  const server = await createEmulator().listen({ port: 0 });
  process.env.TOKEN_API_EMULATOR_URL = server.url;
  globalThis.__tokenApiEmulator = server; // read by global-teardown.js, which runs in the same process
}
