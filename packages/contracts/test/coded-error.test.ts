import { describe, expect, expectTypeOf, it } from 'vitest';
import { CodedError } from '../src/index.js';

type ExampleErrorCode = 'NOT_FOUND' | 'REFUSED';

// The shape every package's error takes: its own name and codes, and fields of its own beside them.
class ExampleError extends CodedError<ExampleErrorCode> {
  override readonly name = 'ExampleError';
  readonly ref: string;

  constructor(code: ExampleErrorCode, message: string, details: { ref: string; cause?: unknown }) {
    super(code, message, details.cause === undefined ? undefined : { cause: details.cause });
    this.ref = details.ref;
  }
}

describe('CodedError', () => {
  it('carries the code and message it was given, and a cause', () => {
    const cause = new Error('connection refused');
    const error = new CodedError('REFUSED', 'the registry refused', { cause });
    expect(error.code).toBe('REFUSED');
    expect(error.message).toBe('the registry refused');
    expect(error.cause).toBe(cause);
    expect(error.name).toBe('CodedError');
    expect(error).toBeInstanceOf(Error);
  });

  it('has no cause unless one is given', () => {
    const error = new CodedError('NOT_FOUND', 'no such image');
    expect('cause' in error).toBe(false);
  });

  it("keeps a subclass's name, fields and instanceof, in stack traces too", () => {
    const cause = new Error('404');
    const error = new ExampleError('NOT_FOUND', 'no image at example.test/app:1', {
      ref: 'example.test/app:1',
      cause,
    });
    expect(error.name).toBe('ExampleError');
    expect(String(error)).toBe('ExampleError: no image at example.test/app:1');
    expect(error.stack?.split('\n')[0]).toBe('ExampleError: no image at example.test/app:1');
    expect(error.code).toBe('NOT_FOUND');
    expect(error.ref).toBe('example.test/app:1');
    expect(error.cause).toBe(cause);
    expect(error).toBeInstanceOf(ExampleError);
    expect(error).toBeInstanceOf(CodedError);
    expect(error).toBeInstanceOf(Error);
    expect(new CodedError('NOT_FOUND', 'plain')).not.toBeInstanceOf(ExampleError);
    // name and code stay own properties, as they were when each class declared them itself.
    expect(Object.keys(error)).toEqual(['name', 'code', 'ref']);
  });

  it("types code as the subclass's codes", () => {
    expectTypeOf<ExampleError['code']>().toEqualTypeOf<ExampleErrorCode>();
    expectTypeOf<ExampleError['name']>().toEqualTypeOf<'ExampleError'>();
  });
});
