import { EmulatorError } from '../../core/errors.js';
import { isJsonContentType, parseJson, readText, type EmulatorRequest } from '../../core/http.js';
import { omError } from './errors.js';

/**
 * A body whose Content-Type says it is something else than JSON → 415 [inf: what a JAX-RS resource that consumes
 * application/json answers]. No Content-Type at all is read as JSON (lenient).
 */
const REJECT_NON_JSON_CONTENT_TYPE = true;

/**
 * Every JSON body of this API, read the same way: the content type (415), then JSON (`MALFORMED_JSON` [doc]).
 * `undefined` for an empty body: each resource decides what is missing.
 */
export async function readJsonBody(request: EmulatorRequest): Promise<unknown> {
  const contentType = request.headers.get('content-type');
  if (REJECT_NON_JSON_CONTENT_TYPE && contentType !== null && !isJsonContentType(contentType))
    throw new EmulatorError(415, `Content-Type ${contentType} is not supported; send application/json.`);
  const parsed = parseJson(await readText(request));
  if (!parsed.ok) throw omError('MALFORMED_JSON');
  return parsed.empty ? undefined : parsed.value;
}
