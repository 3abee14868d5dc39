import { SourceLocation } from '../core/source-location';

/** The kinds of user file Prism reads. */
export type FileKind = 'policy' | 'policy-meta' | 'permission-set' | 'assignment' | 'settings';

/** A parsed user file: its value plus a way back from a JSON pointer to a line and column. */
export interface ParsedFile<T = unknown> {
  /** Path relative to the repository root, with forward slashes. */
  readonly path: string;
  readonly kind: FileKind;
  readonly text: string;
  readonly value: T;
  /** Where the value at `pointer` starts; falls back to the nearest ancestor that exists. */
  locate(pointer: string): SourceLocation;
  /** Where the key of the property at `pointer` starts (the value's own start for array items). */
  locateKey(pointer: string): SourceLocation;
}

/** A file's bytes as found on disk or in a git tree, or the reason it could not be read as a file. */
export type RawEntry =
  | { readonly path: string; readonly bytes: Buffer }
  | { readonly path: string; readonly problem: { readonly code: string; readonly message: string; readonly hint?: string } };

/** Most bytes Prism reads from one user file; IAM documents are a few KiB at most. */
export const MAX_FILE_BYTES = 1024 * 1024;
