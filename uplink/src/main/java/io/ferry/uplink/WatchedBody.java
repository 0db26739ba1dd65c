package io.ferry.uplink;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.MediaType;
import okhttp3.RequestBody;
import okio.Buffer;
import okio.BufferedSink;
import okio.ForwardingSink;
import okio.Okio;

/**
 * A request body sent unchanged while OkHttp's writing of it is watched: whether the writing
 * started, or how many bytes it wrote. The one wrapper for what the engine and the handlers need
 * to know about a body on its way out.
 */
public final class WatchedBody extends RequestBody {
  private final RequestBody delegate;
  private final AtomicBoolean started;
  /** Null when the bytes are not counted: the body then writes straight to OkHttp's sink, unbuffered. */
  private final AtomicLong written;

  private WatchedBody(RequestBody delegate, AtomicBoolean started, AtomicLong written) {
    this.delegate = delegate;
    this.started = started;
    this.written = written;
  }

  /**
   * Sets {@code started} when OkHttp starts writing the body: from then on the request may reach
   * the server. Before it (DNS, connect refused, TLS handshake) nothing was sent and a resend is
   * always safe.
   */
  public static RequestBody notingStart(RequestBody body, AtomicBoolean started) {
    return new WatchedBody(body, started, null);
  }

  /** Adds the bytes the body writes to {@code written} (after compression: what goes on the wire). */
  public static RequestBody counting(RequestBody body, AtomicLong written) {
    return new WatchedBody(body, new AtomicBoolean(), written);
  }

  @Override
  public MediaType contentType() {
    return delegate.contentType();
  }

  @Override
  public long contentLength() throws IOException {
    return delegate.contentLength();
  }

  @Override
  public void writeTo(BufferedSink sink) throws IOException {
    started.set(true);
    if (written == null) {
      delegate.writeTo(sink);
      return;
    }
    BufferedSink counted = Okio.buffer(new ForwardingSink(sink) {
      @Override
      public void write(Buffer source, long byteCount) throws IOException {
        super.write(source, byteCount);
        written.addAndGet(byteCount);
      }
    });
    delegate.writeTo(counted);
    counted.emit();
  }
}
