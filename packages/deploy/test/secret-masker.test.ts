import { describe, expect, it } from 'vitest';
import { SecretMasker } from '../src/index.js';
import { secretMark, tooShortToMask } from '../src/secrets/secret-masker.js';

const token = 'tok-9f8e7d6c5b4a';

describe('SecretMasker', () => {
  it('masks every occurrence of a value, leaving the rest of the line', () => {
    const masker = new SecretMasker([token]);
    expect(masker.mask(`token=${token} and again ${token}.`)).toBe(
      `token=${secretMark} and again ${secretMark}.`,
    );
    expect(masker.mask('nothing secret here')).toBe('nothing secret here');
  });

  it('masks a value read from a file with its trailing newline, and values with regex characters', () => {
    const masker = new SecretMasker([`${token}\n`, 'a.b*c(d)[e]$']);
    expect(masker.mask(`cat: ${token}`)).toBe(`cat: ${secretMark}`);
    expect(masker.mask('x a.b*c(d)[e]$ y')).toBe(`x ${secretMark} y`);
    expect(masker.mask('x aXb*c(d)[e]$ y')).toBe('x aXb*c(d)[e]$ y');
  });

  it('masks each line of a multi-line value on its own, and the whole value where it appears whole', () => {
    const masker = new SecretMasker(['first-half-7a1c\r\nsecond-half-33b0\n  ok\n']);
    expect(masker.mask('first-half-7a1c')).toBe(secretMark);
    expect(masker.mask('  second-half-33b0  ')).toBe(`  ${secretMark}  `);
    expect(masker.mask('first-half-7a1c\r\nsecond-half-33b0\n  ok\n')).toBe(secretMark);
    // "ok" is too short to mask on its own: output keeps its words.
    expect(masker.mask('ok')).toBe('ok');
  });

  it('masks base64 of a value, also inside a longer base64 string at any byte offset, and URL-safe', () => {
    const value = 'p@ss/word+?~secret';
    const masker = new SecretMasker([value]);
    expect(masker.mask(Buffer.from(value).toString('base64'))).not.toContain(
      Buffer.from(value).toString('base64').slice(0, 20),
    );
    for (const prefix of ['', 'a', 'ab', 'abc', 'user:']) {
      for (const suffix of ['', '\n', 'x', 'xy']) {
        const encoded = Buffer.from(`${prefix}${value}${suffix}`).toString('base64');
        const masked = masker.mask(encoded);
        expect(masked, encoded).toContain(secretMark);
        // What is left: the characters encoding the prefix and suffix (sharing bits with the value), padding.
        const left = Math.ceil((prefix.length * 8) / 6) + Math.ceil((suffix.length * 8) / 6) + 1 + 2;
        expect(masked.replace(secretMark, '').length, encoded).toBeLessThanOrEqual(left);
        const urlSafe = encoded.replaceAll('+', '-').replaceAll('/', '_');
        expect(masker.mask(urlSafe), urlSafe).toContain(secretMark);
      }
    }
  });

  it('masks the URL-encoded value', () => {
    const value = 'p@ss word/€';
    const masker = new SecretMasker([value]);
    expect(masker.mask(`https://host/?token=${encodeURIComponent(value)}&x=1`)).toBe(
      `https://host/?token=${secretMark}&x=1`,
    );
  });

  it('masks the longer of two overlapping values whole', () => {
    const masker = new SecretMasker(['abcd', 'abcdefgh']);
    expect(masker.mask('abcdefgh abcd')).toBe(`${secretMark} ${secretMark}`);
  });

  it('does not mask values shorter than 4 characters, and says which are too short', () => {
    const masker = new SecretMasker(['abc', '', '  \n']);
    expect(masker.masksAnything).toBe(false);
    expect(masker.mask('abc abcd')).toBe('abc abcd');
    expect(tooShortToMask('abc')).toBe(true);
    expect(tooShortToMask(' ab\n')).toBe(true);
    expect(tooShortToMask('')).toBe(false);
    expect(tooShortToMask('abcd')).toBe(false);
  });

  it('masks every string in events and results, leaving other values and the input alone', () => {
    const masker = new SecretMasker([token]);
    const event = {
      service: 'api',
      event: { type: 'log', line: `echo ${token}`, lines: ['a', token], count: 3, cached: false, none: null },
    };
    expect(masker.maskDeep(event)).toEqual({
      service: 'api',
      event: {
        type: 'log',
        line: `echo ${secretMark}`,
        lines: ['a', secretMark],
        count: 3,
        cached: false,
        none: null,
      },
    });
    expect(event.event.line).toBe(`echo ${token}`);
  });
});
