/**
 * Typed errors that vendor handlers throw. Each vendor renders them in its own envelope in one place
 * (its `errors.ts`); the core never builds a vendor error body itself.
 *
 * `code` is the vendor's own name for the problem (`invalidLimit`, `NOT_IN_GROUP`, `invalid_action`, …) when the
 * generic kind is not precise enough; `details` carries whatever else the vendor's envelope shows.
 */
export class EmulatorError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
    readonly details?: unknown,
    /** Extra response headers (e.g. `WWW-Authenticate`). */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

type Args = [message: string, code?: string, details?: unknown, headers?: Record<string, string>];

export class BadRequest extends EmulatorError {
  constructor(...a: Args) {
    super(400, ...a);
  }
}
export class Unauthorized extends EmulatorError {
  constructor(...a: Args) {
    super(401, ...a);
  }
}
export class Forbidden extends EmulatorError {
  constructor(...a: Args) {
    super(403, ...a);
  }
}
export class NotFound extends EmulatorError {
  constructor(...a: Args) {
    super(404, ...a);
  }
}
export class MethodNotAllowed extends EmulatorError {
  constructor(...a: Args) {
    super(405, ...a);
  }
}
export class Conflict extends EmulatorError {
  constructor(...a: Args) {
    super(409, ...a);
  }
}
export class PayloadTooLarge extends EmulatorError {
  constructor(...a: Args) {
    super(413, ...a);
  }
}
export class UnprocessableEntity extends EmulatorError {
  constructor(...a: Args) {
    super(422, ...a);
  }
}
export class TooManyRequests extends EmulatorError {
  constructor(...a: Args) {
    super(429, ...a);
  }
}
export class InternalError extends EmulatorError {
  constructor(...a: Args) {
    super(500, ...a);
  }
}
export class ServiceUnavailable extends EmulatorError {
  constructor(...a: Args) {
    super(503, ...a);
  }
}
