import { describe, expect, it } from 'vitest';
import { baseContentType, sniffMismatch } from './content-types.ts';

const bytes = (text: string) => new Uint8Array(Buffer.from(text, 'latin1'));

describe('sniffMismatch', () => {
  it('accepts content that starts like its declared type', () => {
    expect(sniffMismatch('application/pdf', bytes('%PDF-1.7\n...'))).toBeNull();
    expect(sniffMismatch('image/png', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]))).toBeNull();
    expect(sniffMismatch('image/webp', bytes('RIFF\u0010\u0000\u0000\u0000WEBPVP8 '))).toBeNull();
    expect(sniffMismatch('text/plain; charset=utf-8', bytes('Meeting notes'))).toBeNull();
    expect(sniffMismatch('application/vnd.openxmlformats-officedocument.wordprocessingml.document', bytes('PK\u0003\u0004'))).toBeNull();
  });

  it('refuses an executable renamed to a document, whatever the declared type', () => {
    expect(sniffMismatch('application/pdf', bytes('MZ\u0090\u0000'))).toBe('the file is a Windows executable, not application/pdf');
    expect(sniffMismatch('text/plain', bytes('\u007fELF\u0002'))).toBe('the file is a ELF executable, not text/plain');
    expect(sniffMismatch('text/plain', bytes('#!/bin/sh\nrm -rf /'))).toBe('the file is a script, not text/plain');
  });

  it('refuses content that does not start like its declared type', () => {
    expect(sniffMismatch('application/pdf', bytes('hello'))).toBe("the file's content is not application/pdf");
    expect(sniffMismatch('image/png', bytes('GIF89a'))).toBe("the file's content is not image/png");
    expect(sniffMismatch('text/csv', new Uint8Array([0x61, 0x00, 0x62]))).toBe("the file's content is binary, not text/csv");
  });

  it('reduces a media type to its lower-cased essence', () => {
    expect(baseContentType('Text/Plain; charset=UTF-8')).toBe('text/plain');
  });
});
