// Writes fixtures.schema.json (shipped as `token-api-emulator/fixtures.schema.json`) from the same schema objects
// that validate fixture files at run time, so the two cannot drift. Run by `npm run build`.
import { writeFileSync } from 'node:fs';
import { fileSchema } from '../dist/core/fixtures.js';
import { ALL_VENDORS } from '../dist/vendors/index.js';

const schema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://unpkg.com/token-api-emulator/fixtures.schema.json',
  title: 'token-api-emulator fixtures',
  ...fileSchema(ALL_VENDORS).jsonSchema(),
};
writeFileSync(new URL('../fixtures.schema.json', import.meta.url), `${JSON.stringify(schema, null, 2)}\n`);
