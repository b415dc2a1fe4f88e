/** A problem detail entry for one invalid input (RFC 9457 extension member `errors`). */
export interface FieldError {
  path: string;
  message: string;
}

/**
 * A failure the client can act on. Services throw these; the HTTP layer turns each into
 * application/problem+json with the matching status, so handlers never shape errors themselves.
 */
export class DomainError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    detail: string,
    readonly errors?: FieldError[],
  ) {
    super(detail);
  }
}

export class BadRequest extends DomainError {
  constructor(detail: string, errors?: FieldError[]) {
    super(400, 'Bad Request', detail, errors);
  }
}

export class Unauthorized extends DomainError {
  constructor(detail: string) {
    super(401, 'Unauthorized', detail);
  }
}

export class Forbidden extends DomainError {
  constructor(detail: string) {
    super(403, 'Forbidden', detail);
  }
}

export class NotFound extends DomainError {
  constructor(detail: string) {
    super(404, 'Not Found', detail);
  }
}

export class Conflict extends DomainError {
  constructor(detail: string) {
    super(409, 'Conflict', detail);
  }
}

export class ContentTooLarge extends DomainError {
  constructor(detail: string) {
    super(413, 'Content Too Large', detail);
  }
}

export class UnsupportedMediaType extends DomainError {
  constructor(detail: string) {
    super(415, 'Unsupported Media Type', detail);
  }
}

export class Unprocessable extends DomainError {
  constructor(detail: string) {
    super(422, 'Unprocessable Content', detail);
  }
}

export class TooManyRequests extends DomainError {
  constructor(detail: string) {
    super(429, 'Too Many Requests', detail);
  }
}
