import { REDACTED, redactBody } from '../core/journal.js';

/** Long secrets keep this many leading characters, enough to tell rows apart and far too few to use. */
const KEPT = 6;

/** A declared secret as shown: `5e0890… [REDACTED]` for long ones (ids that are credentials), else `[REDACTED]`. */
export function maskValue(value: unknown): unknown {
  if (value === null || value === undefined) return value;
  return typeof value === 'string' && value.length >= 32 ? `${value.slice(0, KEPT)}… ${REDACTED}` : REDACTED;
}

/** Whether the journal redacts a field by its name alone (`apiKey`, `token` …). */
const journalSecretName = (key: string) => (redactBody({ [key]: 'x' }) as Record<string, unknown>)[key] === REDACTED;

/**
 * One record of `/__emulator/state` as the dashboard shows it: whatever the journal would redact (keys like
 * `apiKey`, `token`, anything shaped like a JWT) is `[REDACTED]`, and the other fields the vendor declares secret
 * (`secrets.state`: an identity token's id, an agent token's id that is its token) are masked as `maskValue` does.
 */
export function maskRecord(record: unknown, secretFields: readonly string[] = []): unknown {
  const out = redactBody(record);
  if (!out || typeof out !== 'object' || Array.isArray(out)) return out;
  const masked = { ...(out as Record<string, unknown>) };
  for (const k of secretFields) if (k in masked && !journalSecretName(k)) masked[k] = maskValue((record as Record<string, unknown>)[k]);
  return masked;
}
