package io.ferry.uplink;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Keeps a Jackson generator (which closes its stream when it is closed) from closing a stream
 * someone else owns: OkHttp's socket stream ({@link JsonBody}), the jsonl file kept open across
 * batches. Closing only flushes.
 */
public final class KeepOpenStream extends FilterOutputStream {
  public KeepOpenStream(OutputStream out) {
    super(out);
  }

  /** Passes the whole slice on (FilterOutputStream would write it byte by byte). */
  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    out.write(b, off, len);
  }

  @Override
  public void close() throws IOException {
    out.flush();
  }
}
