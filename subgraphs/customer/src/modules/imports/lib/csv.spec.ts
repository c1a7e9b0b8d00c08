import { describe, expect, it } from 'vitest';
import { CsvFormatError, csvLine, decodeCsv, detectDelimiter, firstInvalidUtf8, parseCsv } from './csv.ts';

const rows = (text: string, delimiter: ',' | ';' = ',') => [...parseCsv(text, { delimiter })].map((record) => [record.row, record.fields]);
const failure = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    if (error instanceof CsvFormatError) return { message: error.message, row: error.row, column: error.column };
    throw error;
  }
  throw new Error('expected a CsvFormatError');
};

describe('parseCsv', () => {
  it('reads quoted fields with delimiters, doubled quotes and line breaks, CRLF and LF, skipping blank lines', () => {
    expect(rows('a,b,c\r\n1,"x, y","say ""hi"""\n\n2,"two\nlines",\n3,,')).toEqual([
      [1, ['a', 'b', 'c']],
      [2, ['1', 'x, y', 'say "hi"']],
      [3, ['2', 'two\nlines', '']],
      [4, ['3', '', '']],
    ]);
  });

  it('names row and column of a quote never closed, text after a closing quote, and an oversized field', () => {
    expect(failure(() => rows('a,b\n1,"open\n2,3\n'))).toEqual({ message: 'Row 2, column 2: a quoted field is never closed (a " is missing)', row: 2, column: 2 });
    expect(failure(() => rows('a,b\n"x"y,2\n'))).toMatchObject({ row: 2, column: 1 });
    expect(failure(() => [...parseCsv(`a\n${'x'.repeat(20)}\n`, { delimiter: ',', maxFieldChars: 10 })])).toMatchObject({ row: 2, column: 1 });
    expect(failure(() => [...parseCsv(`a\n"${'x'.repeat(20)}"\n`, { delimiter: ',', maxFieldChars: 10 })])).toMatchObject({ row: 2, column: 1 });
  });
});

describe('decodeCsv', () => {
  it('drops a byte-order mark and refuses other formats, NUL bytes and bytes that are not UTF-8', () => {
    expect(decodeCsv(Buffer.from('\ufeffa,b\n'))).toBe('a,b\n');
    expect(failure(() => decodeCsv(new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x2d])))).toMatchObject({ message: 'The file is not CSV: it looks like a PDF document' });
    expect(failure(() => decodeCsv(Buffer.from('a,b\n1,\u0000\n')))).toMatchObject({ row: 2 });
    expect(failure(() => decodeCsv(Buffer.concat([Buffer.from('a\nb\n'), Buffer.from([0xc3, 0x28])])))).toMatchObject({ row: 3 });
    expect(failure(() => decodeCsv(new Uint8Array()))).toMatchObject({ message: 'The file is empty' });
  });

  it('finds the first byte that breaks UTF-8', () => {
    expect(firstInvalidUtf8(Buffer.from('héllo ✓ 😀'))).toBe(-1);
    expect(firstInvalidUtf8(new Uint8Array([0x61, 0xe2, 0x82]))).toBe(1);
    expect(firstInvalidUtf8(new Uint8Array([0xed, 0xa0, 0x80]))).toBe(0); // a UTF-16 surrogate
    expect(firstInvalidUtf8(new Uint8Array([0xc0, 0x80]))).toBe(0); // overlong
  });
});

describe('detectDelimiter and csvLine', () => {
  it('picks the delimiter of the header row', () => {
    expect(detectDelimiter('a;b;c\n1,2;3')).toBe(';');
    expect(detectDelimiter('"a,b"\tc\td\n')).toBe('\t');
    expect(detectDelimiter('name\n')).toBe(',');
  });

  it('quotes what needs quoting and defuses formulas, leaving phone numbers alone', () => {
    expect(csvLine(['a', 'b,c', 'say "hi"', null, 3, '+1 555 0100', '=SUM(A1)', '-x'])).toBe('a,"b,c","say ""hi""",,3,+1 555 0100,\'=SUM(A1),\'-x\r\n');
  });
});
