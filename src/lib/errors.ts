/** A problem detail entry for one invalid input (RFC 9457 extension member `errors`). */
export interface FieldError {
  path: string;
  message: string;
}

/** The RFC 9110 reason phrase of each status Gazette answers with: a problem's `title`. */
export const statusTitles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  410: 'Gone',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
  507: 'Insufficient Storage',
};

/**
 * A failure the client can act on. Services throw these; the HTTP layer turns each into
 * application/problem+json with the matching status, so handlers never shape errors themselves.
 */
export abstract class DomainError extends Error {
  abstract readonly status: number;

  constructor(
    detail: string,
    readonly errors?: FieldError[],
  ) {
    super(detail);
  }

  get title(): string {
    return statusTitles[this.status] ?? 'Error';
  }
}

/** A DomainError class that always answers with `status`. */
function withStatus(status: number) {
  return class extends DomainError {
    readonly status = status;
  };
}

export class BadRequest extends withStatus(400) {}
export class Unauthorized extends withStatus(401) {}
export class Forbidden extends withStatus(403) {}
export class NotFound extends withStatus(404) {}
export class Conflict extends withStatus(409) {}
/** The resource existed and was deleted; unlike 404, this id or slug will not come back. */
export class Gone extends withStatus(410) {}
/** An `If-Match` that names another version than the current one, `currentEtag`. */
export class PreconditionFailed extends withStatus(412) {
  constructor(
    detail: string,
    readonly currentEtag: string,
  ) {
    super(detail);
  }
}
export class ContentTooLarge extends withStatus(413) {}
export class UnsupportedMediaType extends withStatus(415) {}
export class Unprocessable extends withStatus(422) {}
export class TooManyRequests extends withStatus(429) {}
/** Not now (a search past its deadline, another writer holding the lock); the same request may work later. */
export class ServiceUnavailable extends withStatus(503) {}
/** The database cannot grow: the disk (or the file's size limit) is full, or writing to it fails. */
export class InsufficientStorage extends withStatus(507) {}
