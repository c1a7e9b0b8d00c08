/**
 * CSV reading for imports (RFC 4180 with the variations spreadsheets write): a strict UTF-8
 * decode that names the line of a bad byte, recognition of files that are not CSV at all
 * (workbooks, PDFs, images), delimiter detection from the header row, and a record-by-record
 * parser that reports broken quotes and oversized fields by row and column.
 *
 * Rows are numbered as a spreadsheet shows them: the header is row 1, the first record row 2.
 * Blank lines are skipped and do not count.
 *
 * The parser is small and written here rather than taken from a package because every error it
 * raises has to name a row and a column for the import's error answer, and because it runs over
 * the stored file in slices (resuming at a record index after a restart).
 */
import { isUtf8 } from 'node:buffer';

/** A file that cannot be read as CSV; `row`/`column` are 1-based when known. */
export class CsvFormatError extends Error {
  constructor(
    message: string,
    readonly row: number | null = null,
    readonly column: number | null = null,
  ) {
    super(message);
    this.name = 'CsvFormatError';
  }
}

export type Delimiter = ',' | ';' | '\t' | '|';
export const DELIMITERS: readonly Delimiter[] = [',', ';', '\t', '|'];

/** Longest single field accepted, in characters. */
export const MAX_FIELD_CHARS = 65_536;
/** Most columns a file may have. */
export const MAX_COLUMNS = 500;

const SIGNATURES: { bytes: number[]; what: string }[] = [
  { bytes: [0x50, 0x4b, 0x03, 0x04], what: 'a ZIP archive or an Excel workbook (.xlsx); save the sheet as CSV (UTF-8)' },
  { bytes: [0xd0, 0xcf, 0x11, 0xe0], what: 'an old Excel workbook (.xls); save the sheet as CSV (UTF-8)' },
  { bytes: [0x25, 0x50, 0x44, 0x46], what: 'a PDF document' },
  { bytes: [0x89, 0x50, 0x4e, 0x47], what: 'a PNG image' },
  { bytes: [0xff, 0xd8, 0xff], what: 'a JPEG image' },
  { bytes: [0x1f, 0x8b], what: 'a gzip archive' },
];

/** 1-based line of a byte offset. */
function lineAt(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line++;
  return line;
}

/** Offset of the first byte that breaks UTF-8, or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    let need: number;
    let min: number;
    if (b < 0x80) {
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else return i;
    let code = b & (need === 1 ? 0x1f : need === 2 ? 0x0f : 0x07);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      code = (code << 6) | (c & 0x3f);
    }
    if (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

/**
 * The file's text: UTF-8 (a byte-order mark is dropped). Refuses empty files, files that are
 * something else (by their signature or a NUL byte) and bytes that are not UTF-8, naming the line.
 */
export function decodeCsv(bytes: Uint8Array): string {
  if (bytes.length === 0) throw new CsvFormatError('The file is empty');
  for (const signature of SIGNATURES) {
    if (signature.bytes.every((byte, index) => bytes[index] === byte)) throw new CsvFormatError(`The file is not CSV: it looks like ${signature.what}`);
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0) throw new CsvFormatError(`The file is not CSV text: it contains binary data (a NUL byte on line ${lineAt(bytes, nul)})`, lineAt(bytes, nul));
  if (!isUtf8(bytes)) {
    const offset = firstInvalidUtf8(bytes);
    const line = lineAt(bytes, Math.max(0, offset));
    throw new CsvFormatError(`The file is not valid UTF-8: byte ${offset + 1} (line ${line}) is not part of a UTF-8 character; save the file as CSV (UTF-8)`, line);
  }
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * The delimiter the header row uses: the one of `, ; TAB |` that occurs most often outside
 * quotes on the first line (comma when none does: a one-column file).
 */
export function detectDelimiter(text: string): Delimiter {
  const counts = new Map<Delimiter, number>(DELIMITERS.map((d) => [d, 0]));
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && counts.has(ch as Delimiter)) counts.set(ch as Delimiter, counts.get(ch as Delimiter)! + 1);
  }
  let best: Delimiter = ',';
  for (const [delimiter, count] of counts) if (count > counts.get(best)!) best = delimiter;
  return best;
}

export interface CsvRecord {
  /** Spreadsheet row number (header = 1). */
  row: number;
  fields: string[];
}

export interface ParseOptions {
  delimiter: Delimiter;
  maxFieldChars?: number;
  maxColumns?: number;
}

const QUOTE = 34;
const CR = 13;
const LF = 10;

/**
 * The records of `text`, one at a time. Throws `CsvFormatError` naming row and column for a
 * quoted field that is never closed, text after a closing quote, a field longer than
 * `maxFieldChars` or a row with more than `maxColumns` fields.
 */
export function* parseCsv(text: string, options: ParseOptions): Generator<CsvRecord> {
  const delimiter = options.delimiter.charCodeAt(0);
  const maxField = options.maxFieldChars ?? MAX_FIELD_CHARS;
  const maxColumns = options.maxColumns ?? MAX_COLUMNS;
  const length = text.length;
  let pos = 0;
  let row = 0;
  while (pos < length) {
    // blank lines between records are skipped
    const first = text.charCodeAt(pos);
    if (first === LF || first === CR) {
      pos++;
      continue;
    }
    row++;
    const fields: string[] = [];
    let done = false;
    while (!done) {
      const column = fields.length + 1;
      if (column > maxColumns) throw new CsvFormatError(`Row ${row} has more than ${maxColumns} columns`, row, column);
      let value: string;
      if (text.charCodeAt(pos) === QUOTE) {
        const start = pos;
        pos++;
        let parts = '';
        let from = pos;
        for (;;) {
          const close = text.indexOf('"', pos);
          if (close < 0) throw new CsvFormatError(`Row ${row}, column ${column}: a quoted field is never closed (a " is missing)`, row, column);
          if (text.charCodeAt(close + 1) === QUOTE) {
            parts += text.slice(from, close + 1);
            pos = close + 2;
            from = pos;
          } else {
            parts += text.slice(from, close);
            pos = close + 1;
            break;
          }
          if (pos - start > maxField) break;
        }
        value = parts;
        const next = text.charCodeAt(pos);
        if (value.length > maxField) throw new CsvFormatError(`Row ${row}, column ${column}: the field is longer than ${maxField} characters`, row, column);
        if (pos < length && next !== delimiter && next !== LF && next !== CR) {
          throw new CsvFormatError(`Row ${row}, column ${column}: unexpected text after a closing quote (quotes inside a quoted field must be doubled: "")`, row, column);
        }
      } else {
        const start = pos;
        while (pos < length) {
          const c = text.charCodeAt(pos);
          if (c === delimiter || c === LF || c === CR) break;
          pos++;
        }
        if (pos - start > maxField) throw new CsvFormatError(`Row ${row}, column ${column}: the field is longer than ${maxField} characters`, row, column);
        value = text.slice(start, pos);
      }
      fields.push(value);
      if (pos >= length) {
        done = true;
      } else {
        const c = text.charCodeAt(pos);
        if (c === delimiter) {
          pos++;
          if (pos >= length) {
            fields.push('');
            done = true;
          }
        } else {
          if (c === CR && text.charCodeAt(pos + 1) === LF) pos += 2;
          else pos++;
          done = true;
        }
      }
    }
    yield { row, fields };
  }
}

/**
 * RFC 4180 field: quoted when it holds a delimiter, quote or line break. Text a spreadsheet would
 * run as a formula (leading `=`, `@`, or `+`/`-` not followed by a number) gets a leading `'`.
 */
export function csvField(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && (/^[=@\t\r]/.test(text) || (/^[+-]/.test(text) && !/^[+-][0-9 ().\-/]*$/.test(text)))) text = `'${text}`;
  return /[",\r\n;\t|]/.test(text) || text !== text.trim() ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One CSV line (CRLF-terminated) of `values`. */
export function csvLine(values: readonly (string | number | boolean | null | undefined)[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}
