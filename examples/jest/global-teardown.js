export default async function globalTeardown() {
  await globalThis.__tokenApiEmulator?.close();
}
