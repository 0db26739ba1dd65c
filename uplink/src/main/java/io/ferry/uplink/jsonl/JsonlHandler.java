package io.ferry.uplink.jsonl;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import io.ferry.buffer.IncrementRecord;
import io.ferry.buffer.Lease;
import io.ferry.buffer.RollupRecord;
import io.ferry.buffer.SampleRecord;
import io.ferry.uplink.BatchHandler;
import io.ferry.uplink.Delivery;
import io.ferry.uplink.Exchange;
import io.ferry.uplink.JsonBody;
import io.ferry.uplink.KeepOpenStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * Appends each lease as JSON lines and acknowledges only after {@link FileChannel#force} returned:
 * an acknowledged record is on disk. A crash mid-write can leave a partial last line; the next
 * open terminates it so later lines stay parseable (readers skip the one broken line).
 */
final class JsonlHandler implements BatchHandler {
  private final Path path;
  private FileChannel channel;

  JsonlHandler(Path path) {
    this.path = path;
  }

  @Override
  public Delivery deliver(Lease lease, Exchange exchange) {
    try {
      FileChannel ch = open();
      long before = ch.size();
      OutputStream out = new BufferedOutputStream(new KeepOpenStream(Channels.newOutputStream(ch)), 64 * 1024);
      try (JsonGenerator g = JsonBody.factory().createGenerator(out, JsonEncoding.UTF8)) {
        g.setRootValueSeparator(null);
        for (SampleRecord r : lease.samples()) {
          JsonlLines.sample(g, r);
          g.writeRaw('\n');
        }
        for (RollupRecord r : lease.rollups()) {
          JsonlLines.rollup(g, r);
          g.writeRaw('\n');
        }
        for (IncrementRecord r : lease.increments()) {
          JsonlLines.increment(g, r);
          g.writeRaw('\n');
        }
      }
      out.flush();
      ch.force(false);
      exchange.countCall(ch.size() - before);
      return new Delivery.Acked(0);
    } catch (IOException e) {
      closeQuietly();
      return new Delivery.Retry(Optional.empty(), "cannot write " + path + ": " + io.ferry.config.IoCauses.message(e));
    }
  }

  private FileChannel open() throws IOException {
    if (channel != null && channel.isOpen()) {
      return channel;
    }
    Path parent = path.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
    long size = ch.size();
    if (size > 0) {
      ByteBuffer last = ByteBuffer.allocate(1);
      ch.read(last, size - 1);
      if (last.get(0) != '\n') {
        ch.write(ByteBuffer.wrap(new byte[] {'\n'}), size);
      }
    }
    ch.position(ch.size()); // this process is the only writer: appending = writing at the end
    channel = ch;
    return ch;
  }

  @Override
  public void close() {
    closeQuietly();
  }

  private void closeQuietly() {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // nothing to save: unacknowledged records are sent again
      }
      channel = null;
    }
  }
}
