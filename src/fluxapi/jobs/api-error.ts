import type { ServerResponse } from 'node:http';

// fluxd's error kinds (flux pkg/errors): `user` (the request is wrong: 400), `missing` (no such thing: 404),
// `server` (our fault: 500). fluxctl prints Err and Help.
export const FluxErrorType = { user: 'user', missing: 'missing', server: 'server' } as const;
export type FluxErrorType = (typeof FluxErrorType)[keyof typeof FluxErrorType];

const STATUS: Record<FluxErrorType, number> = { user: 400, missing: 404, server: 500 };

// An error the fluxd API answers in flux's JSON form; `field` names the request field at fault, when one is.
export class FluxApiError extends Error {
  override name = 'FluxApiError';
  readonly type: FluxErrorType;
  readonly field: string | undefined;
  constructor(type: FluxErrorType, message: string, options?: ErrorOptions & { field?: string }) {
    super(options?.field ? `${options.field}: ${message}` : message, options);
    this.type = type;
    this.field = options?.field;
  }
}

// A user error naming the request field at fault.
export const userError = (field: string, message: string): FluxApiError => new FluxApiError(FluxErrorType.user, message, { field });

// Writes `{"Type","Help","Err"}` with the type's status code; anything not a FluxApiError is a server error whose
// message is not shown (it may name internal paths).
export function sendFluxError(res: ServerResponse, err: unknown): void {
  const e = err instanceof FluxApiError ? err : new FluxApiError(FluxErrorType.server, 'internal error');
  const help = e.type === FluxErrorType.user ? `The request was refused: ${e.message}` : e.message;
  res.writeHead(STATUS[e.type], { 'Content-Type': 'application/json' }).end(JSON.stringify({ Type: e.type, Help: help, Err: e.message }));
}

// Writes a JSON answer with 200.
export function sendJson(res: ServerResponse, value: unknown): void {
  res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(value));
}
