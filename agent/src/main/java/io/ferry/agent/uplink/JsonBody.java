package io.ferry.agent.uplink;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
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
  private static final JsonFactory FACTORY = JsonFactory.builder().build();

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
    OutputStream out = gzip ? new GZIPOutputStream(raw, 16 * 1024) : raw;
    try (JsonGenerator g = FACTORY.createGenerator(new KeepOpenStream(out), JsonEncoding.UTF8)) {
      writer.write(g);
    }
    if (out instanceof GZIPOutputStream z) {
      z.finish();
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
}
