import { DEFAULT_FIXTURES_PATH as defaultPath, readTextFile } from '#platform';
import { object, optional, string, SchemaError, validateInPlace, type Schema } from './schema.js';
import type { VendorDefinition } from './types.js';

/** A fixture file could not be used; `message` names the file (when there is one) and the JSON path. */
export class FixtureError extends Error {
  constructor(
    message: string,
    readonly file?: string,
    readonly jsonPath?: string,
  ) {
    super(message);
    this.name = 'FixtureError';
  }
}

/**
 * The default seed data shipped in the package (`fixtures/default.json`); in a browser build, the name of the same
 * data embedded in the bundle (src/platform/).
 */
export const DEFAULT_FIXTURES_PATH: string = defaultPath;

/**
 * The whole fixture document: one optional key per known vendor (`known`: the enabled ones and any others a file
 * may mention — a file stays valid whichever vendors are enabled; the keys of disabled vendors are checked and then
 * ignored).
 */
export function fileSchema(vendors: readonly VendorDefinition[], known: readonly VendorDefinition[] = []): Schema<Record<string, unknown>> {
  const shape: Record<string, Schema<unknown>> = { $schema: optional(string()) };
  for (const v of [...vendors, ...known.filter((k) => !vendors.some((e) => e.name === k.name))]) shape[v.name] = optional(v.fixtureSchema);
  return object(shape, { description: 'token-api-emulator fixtures: the seed state of each vendor' }) as Schema<Record<string, unknown>>;
}

/** Validates (and deep-copies) a parsed fixture document. */
export function parseFixtures(
  vendors: readonly VendorDefinition[],
  data: unknown,
  file?: string,
  /** The data is ours alone (a freshly parsed file): check it without copying it. */
  owned = false,
  known: readonly VendorDefinition[] = [],
): Record<string, unknown> {
  try {
    const schema = fileSchema(vendors, known);
    const parsed = owned ? validateInPlace(schema, data, '') : schema.parse(data, '');
    for (const k of Object.keys(parsed)) if (k !== '$schema' && !vendors.some((v) => v.name === k)) delete parsed[k];
    return parsed;
  } catch (e) {
    if (e instanceof SchemaError) throw new FixtureError(file ? `${file}: ${e.message}` : e.message, file, e.path);
    throw e;
  }
}

export function loadFixtureFile(vendors: readonly VendorDefinition[], file: string, known: readonly VendorDefinition[] = []): Record<string, unknown> {
  let text: string;
  try {
    text = readTextFile(file);
  } catch (e) {
    throw new FixtureError(`${file}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, file);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new FixtureError(`${file}: not valid JSON (${(e as Error).message})`, file);
  }
  text = ''; // let the file's text go before validation copies the data (a 100k-token file is ~20 MB)
  return parseFixtures(vendors, data, file, true, known);
}
