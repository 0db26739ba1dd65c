package io.ferry.uplink.sparkplug;

/**
 * One metric of a DCMD, as a write asks for it: the metric's name (resolved from its alias when the
 * host sent the alias only) and the value in the words a write takes (a plain number, or true/false).
 */
record Command(String metric, String value) {}
