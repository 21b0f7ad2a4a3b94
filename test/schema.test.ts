/** The shipped JSON Schema (token-api-emulator/fixtures.schema.json) agrees with the run-time validation. */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { createEmulator, FixtureError } from '../src/index.js';

const schema = JSON.parse(readFileSync(new URL('../fixtures.schema.json', import.meta.url), 'utf8'));
const defaults = JSON.parse(readFileSync(new URL('../fixtures/default.json', import.meta.url), 'utf8'));
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

describe('fixtures.schema.json', () => {
  it('accepts the default fixtures', () => {
    expect(validate(defaults), JSON.stringify(validate.errors)).toBe(true);
  });

  it('rejects a fixture with a wrong type, like the run-time validation does', () => {
    const bad = structuredClone(defaults);
    bad.rackspace.users[1].apiKey = 42;
    expect(validate(bad)).toBe(false);
    expect(validate.errors?.[0].instancePath).toBe('/rackspace/users/1/apiKey');
    expect(() => createEmulator({ fixtures: bad })).toThrow(FixtureError);
    expect(() => createEmulator({ fixtures: bad })).toThrow('rackspace.users[1].apiKey: expected a string');
  });

  it('rejects unknown keys (typos) at every level', () => {
    expect(validate({ rackspce: {} })).toBe(false);
    expect(validate({ rackspace: { user: [] } })).toBe(false);
    expect(() => createEmulator({ fixtures: { rackspace: { user: [] } } })).toThrow('rackspace.user: unknown key');
  });

  it('describes every vendor', () => {
    for (const vendor of createEmulator().vendors) expect(Object.keys(schema.properties)).toContain(vendor);
  });
});
