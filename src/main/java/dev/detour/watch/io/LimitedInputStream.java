package dev.detour.watch.io;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Passes at most {@code limit} bytes, then fails with {@link TooLarge} instead of reading on. */
public final class LimitedInputStream extends FilterInputStream {

  private final long limit;
  private long count;
  private long mark;

  public LimitedInputStream(InputStream in, long limit) {
    super(in);
    this.limit = limit;
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0) {
      count(1);
    }
    return b;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    int n = super.read(buffer, offset, length);
    if (n > 0) {
      count(n);
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    long skipped = super.skip(n);
    count(skipped);
    return skipped;
  }

  @Override
  public synchronized void mark(int readLimit) {
    super.mark(readLimit);
    mark = count;
  }

  @Override
  public synchronized void reset() throws IOException {
    super.reset();
    count = mark;
  }

  public long count() {
    return count;
  }

  private void count(long n) throws TooLarge {
    count += n;
    if (count > limit) {
      throw new TooLarge(limit);
    }
  }

  /** The upload is larger than the configured limit. */
  public static final class TooLarge extends IOException {
    private final long limit;

    public TooLarge(long limit) {
      super("the upload is larger than " + limit + " bytes", null);
      this.limit = limit;
    }

    public long limit() {
      return limit;
    }
  }
}
