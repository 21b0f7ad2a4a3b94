/**
 * A very small validator for fixture files and snapshots.
 *
 * Why not ajv or zod: fixtures are validated on every start-up, and we want a message naming the JSON path
 * (`rackspace.users[1].apiKey: expected a string`) without paying for a schema compiler on the CLI's start-up.
 * Each schema can also describe itself as JSON Schema, so the shipped `fixtures.schema.json` is generated from
 * the same definitions that validate at run time.
 */

export class SchemaError extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path || '(root)'}: ${problem}`);
    this.name = 'SchemaError';
  }
}

/**
 * While false, `array` and `object` check without building copies and return the value they were given
 * (see `validateInPlace`).
 */
let building = true;

/**
 * Checks `value` without copying it (for data nobody else holds, like a freshly parsed file: half the memory at
 * the peak of loading a large fixture file). Returns `value` itself, typed.
 */
export function validateInPlace<T>(schema: Schema<T>, value: unknown, path = ''): T {
  const was = building;
  building = false;
  try {
    schema.parse(value, path);
    return value as T;
  } finally {
    building = was;
  }
}

export interface Schema<T> {
  /** Validate `value` (found at `path`) and return it typed, or throw a SchemaError. */
  parse(value: unknown, path?: string): T;
  /** The JSON Schema describing the same values. */
  jsonSchema(): Record<string, unknown>;
  readonly optional?: boolean;
}

export type Infer<S> = S extends Schema<infer T> ? T : never;

const describe = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v)}`;

export interface StringOptions {
  min?: number;
  max?: number;
  pattern?: RegExp;
  /** Human words for the pattern, used in the error message. */
  patternName?: string;
  description?: string;
}

export function string(opts: StringOptions = {}): Schema<string> {
  return {
    parse(v, path = '') {
      if (typeof v !== 'string') throw new SchemaError(path, `expected a string, got ${describe(v)}`);
      if (opts.min !== undefined && v.length < opts.min)
        throw new SchemaError(path, `expected at least ${opts.min} character${opts.min === 1 ? '' : 's'}`);
      if (opts.max !== undefined && v.length > opts.max) throw new SchemaError(path, `expected at most ${opts.max} characters`);
      if (opts.pattern && !opts.pattern.test(v))
        throw new SchemaError(path, `expected ${opts.patternName ?? `a string matching ${opts.pattern}`}, got ${JSON.stringify(v)}`);
      return v;
    },
    jsonSchema() {
      const s: Record<string, unknown> = { type: 'string' };
      if (opts.min !== undefined) s.minLength = opts.min;
      if (opts.max !== undefined) s.maxLength = opts.max;
      if (opts.pattern) s.pattern = opts.pattern.source;
      if (opts.description ?? opts.patternName) s.description = opts.description ?? opts.patternName;
      return s;
    },
  };
}

export function number(opts: { integer?: boolean; min?: number; max?: number; description?: string } = {}): Schema<number> {
  return {
    parse(v, path = '') {
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new SchemaError(path, `expected a number, got ${describe(v)}`);
      if (opts.integer && !Number.isInteger(v)) throw new SchemaError(path, `expected an integer, got ${v}`);
      if (opts.min !== undefined && v < opts.min) throw new SchemaError(path, `expected a number ≥ ${opts.min}, got ${v}`);
      if (opts.max !== undefined && v > opts.max) throw new SchemaError(path, `expected a number ≤ ${opts.max}, got ${v}`);
      return v;
    },
    jsonSchema() {
      const s: Record<string, unknown> = { type: opts.integer ? 'integer' : 'number' };
      if (opts.min !== undefined) s.minimum = opts.min;
      if (opts.max !== undefined) s.maximum = opts.max;
      if (opts.description) s.description = opts.description;
      return s;
    },
  };
}

export function boolean(): Schema<boolean> {
  return {
    parse(v, path = '') {
      if (typeof v !== 'boolean') throw new SchemaError(path, `expected a boolean, got ${describe(v)}`);
      return v;
    },
    jsonSchema: () => ({ type: 'boolean' }),
  };
}

export function literal<const L extends readonly (string | number)[]>(...values: L): Schema<L[number]> {
  return {
    parse(v, path = '') {
      if (!values.includes(v as L[number]))
        throw new SchemaError(path, `expected one of ${values.map((x) => JSON.stringify(x)).join(', ')}, got ${describe(v)}`);
      return v as L[number];
    },
    jsonSchema: () => ({ enum: [...values] }),
  };
}

export function nullable<T>(inner: Schema<T>): Schema<T | null> {
  return {
    parse: (v, path = '') => (v === null ? null : inner.parse(v, path)),
    jsonSchema: () => ({ anyOf: [inner.jsonSchema(), { type: 'null' }] }),
  };
}

export function optional<T>(inner: Schema<T>): Schema<T | undefined> {
  return {
    optional: true,
    parse: (v, path = '') => (v === undefined ? undefined : inner.parse(v, path)),
    jsonSchema: () => inner.jsonSchema(),
  };
}

export function array<T>(item: Schema<T>, opts: { description?: string } = {}): Schema<T[]> {
  return {
    parse(v, path = '') {
      if (!Array.isArray(v)) throw new SchemaError(path, `expected an array, got ${describe(v)}`);
      if (!building) {
        for (let i = 0; i < v.length; i++) item.parse(v[i], `${path}[${i}]`);
        return v as T[];
      }
      return v.map((x, i) => item.parse(x, `${path}[${i}]`));
    },
    jsonSchema: () => ({ type: 'array', items: item.jsonSchema(), ...(opts.description ? { description: opts.description } : {}) }),
  };
}

type Shape = Record<string, Schema<unknown>>;
type OptionalKeys<S extends Shape> = { [K in keyof S]: S[K] extends { optional: true } ? K : undefined extends Infer<S[K]> ? K : never }[keyof S];
type RequiredKeys<S extends Shape> = Exclude<keyof S, OptionalKeys<S>>;
export type ObjectOf<S extends Shape> = { [K in RequiredKeys<S>]: Infer<S[K]> } & { [K in OptionalKeys<S>]?: Infer<S[K]> };

/** A closed object: unknown keys are an error (a typo in a fixture file should not pass silently). */
export function object<S extends Shape>(shape: S, opts: { description?: string; open?: boolean } = {}): Schema<ObjectOf<S>> {
  const keys = Object.keys(shape);
  return {
    parse(v, path = '') {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new SchemaError(path, `expected an object, got ${describe(v)}`);
      const rec = v as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const k of keys) {
        const s = shape[k];
        const sub = path ? `${path}.${k}` : k;
        if (!(k in rec) || rec[k] === undefined) {
          if (s.optional) continue;
          throw new SchemaError(sub, 'is required');
        }
        const parsed = s.parse(rec[k], sub);
        if (parsed !== undefined && building) out[k] = parsed;
      }
      if (!opts.open)
        for (const k of Object.keys(rec))
          if (!(k in shape)) throw new SchemaError(path ? `${path}.${k}` : k, `unknown key (expected one of ${keys.join(', ')})`);
      return (building ? out : rec) as ObjectOf<S>;
    },
    jsonSchema() {
      const properties: Record<string, unknown> = {};
      const required: string[] = [];
      for (const k of keys) {
        properties[k] = shape[k].jsonSchema();
        if (!shape[k].optional) required.push(k);
      }
      return {
        type: 'object',
        ...(opts.description ? { description: opts.description } : {}),
        properties,
        ...(required.length ? { required } : {}),
        additionalProperties: !!opts.open,
      };
    },
  };
}

/** A schema that adds a check across fields after the shape is validated. */
export function refine<T>(inner: Schema<T>, check: (value: T, path: string) => void): Schema<T> {
  return {
    optional: inner.optional,
    parse(v, path = '') {
      const parsed = inner.parse(v, path);
      check(parsed, path);
      return parsed;
    },
    jsonSchema: () => inner.jsonSchema(),
  };
}
