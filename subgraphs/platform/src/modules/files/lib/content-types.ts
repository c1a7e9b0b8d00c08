/**
 * Which files may be attached, and a cheap check of the first bytes against the declared type,
 * so an executable renamed `.pdf` is refused whatever its name or declared type says.
 */

/** Types accepted by default: documents, spreadsheets, presentations, images, text. */
export const DEFAULT_ALLOWED_CONTENT_TYPES: readonly string[] = [
  'application/pdf',
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'text/plain',
  'text/csv',
  'application/zip',
  'application/msword',
  'application/vnd.ms-excel',
  'application/vnd.ms-powerpoint',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
];

/** Bytes read before the check runs (all of a smaller file). */
export const SNIFF_BYTES = 512;

const ZIP = [0x50, 0x4b];
const OLE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

/** Signatures the first bytes of a type must start with; types without one get the generic checks only. */
const SIGNATURES: Record<string, ReadonlyArray<ReadonlyArray<number | null>>> = {
  'application/pdf': [[0x25, 0x50, 0x44, 0x46, 0x2d]],
  'image/png': [[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
  'image/jpeg': [[0xff, 0xd8, 0xff]],
  'image/gif': [
    [0x47, 0x49, 0x46, 0x38, 0x37, 0x61],
    [0x47, 0x49, 0x46, 0x38, 0x39, 0x61],
  ],
  'image/webp': [[0x52, 0x49, 0x46, 0x46, null, null, null, null, 0x57, 0x45, 0x42, 0x50]],
  'application/zip': [ZIP],
  'application/msword': [OLE],
  'application/vnd.ms-excel': [OLE],
  'application/vnd.ms-powerpoint': [OLE],
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': [ZIP],
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': [ZIP],
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': [ZIP],
};

/** Executables and scripts refused whatever the declared type. */
const EXECUTABLES: ReadonlyArray<{ name: string; bytes: ReadonlyArray<number> }> = [
  { name: 'Windows executable', bytes: [0x4d, 0x5a] },
  { name: 'ELF executable', bytes: [0x7f, 0x45, 0x4c, 0x46] },
  { name: 'Mach-O executable', bytes: [0xcf, 0xfa, 0xed, 0xfe] },
  { name: 'Mach-O executable', bytes: [0xfe, 0xed, 0xfa, 0xcf] },
  { name: 'Mach-O universal binary', bytes: [0xca, 0xfe, 0xba, 0xbe] },
  { name: 'script', bytes: [0x23, 0x21] },
];

const TEXT_TYPES = new Set(['text/plain', 'text/csv']);

const startsWith = (head: Uint8Array, signature: ReadonlyArray<number | null>) =>
  head.length >= signature.length && signature.every((byte, i) => byte === null || head[i] === byte);

/** The media type without parameters, lower-cased (`Text/Plain; charset=utf-8` → `text/plain`). */
export function baseContentType(contentType: string): string {
  return contentType.split(';')[0]!.trim().toLowerCase();
}

/**
 * Why the first bytes do not fit `contentType`, or null when they do. `head` is the first
 * `SNIFF_BYTES` bytes (or the whole file when it is smaller).
 */
export function sniffMismatch(contentType: string, head: Uint8Array): string | null {
  const type = baseContentType(contentType);
  const executable = EXECUTABLES.find((candidate) => startsWith(head, candidate.bytes));
  if (executable) return `the file is a ${executable.name}, not ${type}`;
  const signatures = SIGNATURES[type];
  if (signatures && !signatures.some((signature) => startsWith(head, signature))) return `the file's content is not ${type}`;
  if (TEXT_TYPES.has(type) && head.includes(0)) return `the file's content is binary, not ${type}`;
  return null;
}
