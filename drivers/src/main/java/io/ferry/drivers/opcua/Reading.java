package io.ferry.drivers.opcua;

import io.ferry.core.Sample;

/** What one DataValue of one node turned into. */
public sealed interface Reading {
  /** A sample to deliver (possibly with quality BAD or UNCERTAIN). */
  record Value(Sample sample) implements Reading {}

  /** Nothing this time (a Good status with no value yet). */
  record Empty() implements Reading {}

  /** The node cannot be used as configured (does not exist, not readable, not a scalar): report once and skip it. */
  record Unusable(String reason) implements Reading {}
}
