package io.ferry.agent.plan;

import io.ferry.buffer.Buffer;
import java.time.InstantSource;

/** What an optional service gets: the open buffer (and its database file) and the clock. */
public record ExtraContext(Buffer buffer, InstantSource clock) {}
