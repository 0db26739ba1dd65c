package io.ferry.mirror;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mirror's age budget: points whose timestamp is older than {@code retention} are deleted, at
 * most once per {@link #EVERY} (whichever worker comes by first does it), so the mirror cannot
 * fill the disk with history the site no longer needs.
 */
final class Retention {
  private static final Logger LOG = LoggerFactory.getLogger(Retention.class);
  static final Duration EVERY = Duration.ofHours(1);

  private final MirrorStore store;
  private final Duration retention;
  private final InstantSource clock;
  private Instant next = Instant.MIN;
  private long deleted;

  Retention(MirrorStore store, Duration retention, InstantSource clock) {
    this.store = store;
    this.retention = retention;
    this.clock = clock;
  }

  synchronized void maybePrune() throws SQLException {
    Instant now = clock.instant();
    if (now.isBefore(next)) {
      return;
    }
    next = now.plus(EVERY);
    long n = store.prune(now.minus(retention));
    deleted += n;
    if (n > 0) {
      LOG.info("mirror retention: deleted {} points older than {}", n, now.minus(retention));
    }
  }

  synchronized long deleted() {
    return deleted;
  }
}
