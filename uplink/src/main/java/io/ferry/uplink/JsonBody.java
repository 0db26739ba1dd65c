package io.ferry.uplink;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import okhttp3.MediaType;
import okhttp3.RequestBody;
import okio.BufferedSink;

/**
 * A request body written straight to the socket by a Jackson {@link JsonGenerator} (optionally
 * through gzip): the JSON of a batch never exists as one string or byte array. Writing is
 * deterministic, so OkHttp may call {@link #writeTo} again and get the same bytes.
 */
public final class JsonBody extends RequestBody {
  public static final MediaType JSON = MediaType.get("application/json");
  /**
   * Doubles are printed with Jackson's Schubfach writer: the same Java notation as
   * {@link Double#toString} (e.g. {@code 21.5}, {@code 1.0E-5}) at several times the speed; on the
   * rare values where JDK 17's {@code Double.toString} prints more digits than needed, it prints the
   * shortest text that reads back to the same double (what JDK 19+ prints too).
   */
  private static final JsonFactory FACTORY = JsonFactory.builder().enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER).build();
  /**
   * Gzip at {@link Deflater#BEST_SPEED}: on the bench it deflates several times faster than the
   * default level 6 for about a third more bytes on the wire; a catch-up on a LAN or a typical
   * WAN uplink is bound by the CPU of a small gateway long before it is bound by the link.
   */
  static final int GZIP_LEVEL = Deflater.BEST_SPEED;

  /** Writes one JSON document. */
  @FunctionalInterface
  public interface Writer {
    void write(JsonGenerator g) throws IOException;
  }

  private final Writer writer;
  private final boolean gzip;

  public JsonBody(Writer writer, boolean gzip) {
    this.writer = writer;
    this.gzip = gzip;
  }

  @Override
  public MediaType contentType() {
    return JSON;
  }

  @Override
  public void writeTo(BufferedSink sink) throws IOException {
    OutputStream raw = sink.outputStream();
    OutputStream out = gzip ? new FastGzip(raw) : raw;
    try (JsonGenerator g = FACTORY.createGenerator(new KeepOpenStream(out), JsonEncoding.UTF8)) {
      writer.write(g);
    }
    if (out instanceof FastGzip z) {
      z.finishAndRelease();
    }
    out.flush();
  }

  /** Encodes to a string (tests and small bodies). */
  public static String toJson(Writer writer) throws IOException {
    var bytes = new java.io.ByteArrayOutputStream();
    try (JsonGenerator g = FACTORY.createGenerator(bytes, JsonEncoding.UTF8)) {
      writer.write(g);
    }
    return bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
  }

  public static JsonFactory factory() {
    return FACTORY;
  }

  /** A gzip stream at {@link #GZIP_LEVEL} (GZIPOutputStream has no constructor taking a level). */
  private static final class FastGzip extends GZIPOutputStream {
    FastGzip(OutputStream out) throws IOException {
      super(out, 64 * 1024);
      def.setLevel(GZIP_LEVEL);
    }

    /** Writes the trailer and frees the deflater's native memory now (the socket stays open: not closed). */
    void finishAndRelease() throws IOException {
      try {
        finish();
      } finally {
        def.end();
      }
    }
  }
}
