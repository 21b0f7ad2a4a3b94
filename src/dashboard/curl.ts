import { REDACTED } from '../core/journal.js';

/** The fields of a journal entry (`GET /__emulator/requests`) a curl command is rebuilt from. */
export interface CurlSource {
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  requestHeaders: Record<string, string>;
  requestBody: unknown;
}

/** Headers curl sets itself, or that would make it misbehave when replayed (a stale length, a compressed answer). */
const SKIPPED = new Set(['host', 'content-length', 'connection', 'transfer-encoding', 'expect', 'accept-encoding', 'keep-alive']);

/** POSIX shell quoting: single quotes, each `'` written as `'\''` (works for any text, newlines included). */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * The request as a curl command against `origin`, built from its journal entry: the journal has already replaced
 * secrets with `[REDACTED]`, and those become named placeholders (`<x-auth-token>`, `<apiKey>`, a digest login as
 * `--digest -u 'USER:<password>'`) for the reader to fill in. Nothing secret can appear that the journal did not show.
 */
export function curlCommand(entry: CurlSource, origin: string): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(entry.query)) for (const one of Array.isArray(v) ? v : [v]) params.append(k, one);
  // Brackets kept readable (Prefactor's `pagination[offset]`); -g below stops curl reading them as globs.
  const search = params.toString().replace(/%5B/gi, '[').replace(/%5D/gi, ']');
  const url = `${origin}${entry.path}${search ? `?${search}` : ''}`;
  // One option per line: `curl [-g] [-X METHOD] URL`, then headers, the digest login and the body.
  let first = 'curl';
  if (/[[\]{}]/.test(url)) first += ' -g';
  const hasBody = entry.requestBody !== null && entry.requestBody !== undefined;
  if (entry.method !== 'GET' || hasBody) first += ` -X ${shellQuote(entry.method)}`;
  const lines = [`${first} ${shellQuote(url)}`];
  for (const [name, value] of Object.entries(entry.requestHeaders)) {
    if (SKIPPED.has(name)) continue;
    if (name === 'authorization' && /^digest /i.test(value)) {
      const user = /\busername="?([^",]*)"?/i.exec(value)?.[1] ?? '<username>';
      lines.push(`--digest -u ${shellQuote(`${user}:<password>`)}`);
    } else if (name === 'authorization' && value.endsWith(REDACTED)) {
      const scheme = value.slice(0, -REDACTED.length).trim();
      const secret = scheme.toLowerCase() === 'bearer' ? '<token>' : '<credentials>';
      lines.push(`-H ${shellQuote(`${name}: ${scheme ? `${scheme} ` : ''}${secret}`)}`);
    } else lines.push(`-H ${shellQuote(`${name}: ${value === REDACTED ? `<${name}>` : value}`)}`);
  }
  if (hasBody) {
    const body = typeof entry.requestBody === 'string' ? placeholder(entry.requestBody, 'body') : JSON.stringify(withPlaceholders(entry.requestBody, 'value'));
    lines.push(`--data-raw ${shellQuote(body)}`);
  }
  return lines.join(' \\\n  ');
}

function placeholder(value: string, key: string): string {
  return value === REDACTED ? `<${key}>` : value;
}

/** A redacted JSON body with each `[REDACTED]` replaced by `<its key>`. */
function withPlaceholders(value: unknown, key: string): unknown {
  if (typeof value === 'string') return placeholder(value, key);
  if (Array.isArray(value)) return value.map((v) => withPlaceholders(v, key));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withPlaceholders(v, k)]));
  return value;
}
