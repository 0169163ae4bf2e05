/**
 * Reads a byte stream looking for delimiters, holding at most one chunk plus a
 * delimiter's length in memory: the pieces the streamed multipart parser is
 * built from.
 */

/** Where `needle` first occurs in `haystack` at or after `from`, or -1. */
export function indexOfBytes(haystack: Uint8Array, needle: Uint8Array, from = 0): number {
  const first = needle[0];
  const last = haystack.length - needle.length;
  outer: for (let i = haystack.indexOf(first ?? 0, from); i !== -1 && i <= last; i = haystack.indexOf(first ?? 0, i + 1)) {
    for (let j = 1; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a, 0);
  joined.set(b, a.length);
  return joined;
}

/** The stream ended where more was expected: a cut-off upload. */
export class TruncatedBodyError extends Error {
  override readonly name = "TruncatedBodyError";
}

/** A part's headers or a form field longer than the parser accepts. */
export class OversizedHeaderError extends Error {
  override readonly name = "OversizedHeaderError";
}

export class ByteScanner {
  private buffer: Uint8Array = new Uint8Array(0);
  private ended = false;
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;

  constructor(stream: ReadableStream<Uint8Array>) {
    this.reader = stream.getReader();
  }

  /** Reads one more chunk into the buffer; false at the end of the stream. */
  private async fill(): Promise<boolean> {
    if (this.ended) return false;
    const { done, value } = await this.reader.read();
    if (done) {
      this.ended = true;
      return false;
    }
    this.buffer = concat(this.buffer, value);
    return true;
  }

  /** At least `count` bytes buffered (fewer only at the end of the stream); returns them without consuming. */
  async peek(count: number): Promise<Uint8Array> {
    while (this.buffer.length < count && (await this.fill()));
    return this.buffer.subarray(0, count);
  }

  /** Drops `count` buffered bytes. */
  skip(count: number): void {
    this.buffer = this.buffer.subarray(count);
  }

  /** The bytes before `needle` (at most `limit` of them), consuming the needle too. */
  async readUntil(needle: Uint8Array, limit: number): Promise<Uint8Array> {
    for (;;) {
      const at = indexOfBytes(this.buffer, needle);
      if (at !== -1) {
        const before = this.buffer.slice(0, at);
        this.skip(at + needle.length);
        return before;
      }
      if (this.buffer.length > limit + needle.length) throw new OversizedHeaderError(`no delimiter within ${limit} bytes`);
      if (!(await this.fill())) throw new TruncatedBodyError("the body ended inside a multipart header or field");
    }
  }

  /**
   * Yields the bytes before `needle` as they arrive and consumes the needle;
   * throws TruncatedBodyError if the stream ends first. Only the last
   * `needle.length - 1` bytes are ever held back (they might start the needle).
   */
  async *streamUntil(needle: Uint8Array): AsyncGenerator<Uint8Array> {
    for (;;) {
      const at = indexOfBytes(this.buffer, needle);
      if (at !== -1) {
        if (at > 0) yield this.buffer.slice(0, at);
        this.skip(at + needle.length);
        return;
      }
      const safe = this.buffer.length - (needle.length - 1);
      if (safe > 0) {
        yield this.buffer.slice(0, safe);
        this.skip(safe);
      }
      if (!(await this.fill())) throw new TruncatedBodyError("the body ended before the multipart boundary");
    }
  }

  /** Stops reading: the rest of the body is not needed. */
  async cancel(): Promise<void> {
    await this.reader.cancel().catch(() => undefined);
  }
}
