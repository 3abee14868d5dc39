/** Kinds of failure a user cannot fix in their repository files, after cdktf's commons errors. */
export type PrismErrorKind = 'usage' | 'external' | 'internal';

/** A failure that stops a command. Only `cli/main.ts` maps these to exit codes. */
export class PrismError extends Error {
  constructor(
    readonly kind: PrismErrorKind,
    message: string,
    readonly options: { readonly cause?: unknown; readonly hint?: string } = {},
  ) {
    super(message);
    this.name = 'PrismError';
  }
}

/** Bad flags or configuration: exit code 2. */
export function usageError(message: string, hint?: string): PrismError {
  return new PrismError('usage', message, { hint });
}

/** terraform, git, GitHub or AWS failed: exit code 3. Keeps the cause. */
export function externalError(message: string, cause?: unknown): PrismError {
  return new PrismError('external', message, { cause });
}

/** A bug in Prism. */
export function internalError(message: string, cause?: unknown): PrismError {
  return new PrismError('internal', message, { cause });
}
