import { Diagnostic } from '../core/diagnostics';

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Where the first invalid UTF-8 sequence starts, or -1. Only called once fast decoding has failed. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    let need = 0;
    if (b < 0x80) need = 0;
    else if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) need = 2;
    else if (b >= 0xf0 && b <= 0xf4) need = 3;
    else return i;
    if (i + need >= bytes.length && need > 0) return i;
    for (let k = 1; k <= need; k++) {
      if ((bytes[i + k] & 0xc0) !== 0x80) return i;
    }
    i += need + 1;
  }
  return -1;
}

function lineColOfByte(bytes: Uint8Array, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * Decodes a user file's bytes as UTF-8 text, or explains why it is not a text file
 * (empty, binary with a NUL byte, or invalid UTF-8 at a given line and column).
 */
export function decodeUserFile(path: string, bytes: Uint8Array): { text: string } | { diagnostic: Diagnostic } {
  if (bytes.length === 0 || bytes.every((b) => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d)) {
    return {
      diagnostic: {
        code: 'file/empty',
        severity: 'error',
        message: `${path} is empty; expected ${expectedContent(path)}`,
        location: { file: path, line: 1, column: 1 },
        hint: 'Delete the file, or give it content.',
      },
    };
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    return {
      diagnostic: {
        code: 'file/binary',
        severity: 'error',
        message: `${path} contains a NUL byte at byte ${nul}, so it is binary; expected ${expectedContent(path)}`,
        location: { file: path, ...lineColOfByte(bytes, nul) },
      },
    };
  }
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    return {
      diagnostic: {
        code: 'file/encoding',
        severity: 'error',
        message: `${path} is not valid UTF-8: byte 0x${bytes[Math.max(at, 0)].toString(16).padStart(2, '0')} at byte offset ${at} starts an invalid sequence`,
        location: { file: path, ...lineColOfByte(bytes, Math.max(at, 0)) },
        hint: 'Save the file as UTF-8.',
      },
    };
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return { text };
}

function expectedContent(path: string): string {
  if (path.endsWith('.json')) return 'a JSON document';
  return 'a YAML mapping';
}
