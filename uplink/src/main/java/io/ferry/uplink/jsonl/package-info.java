/**
 * The {@code jsonl} uplink: appends delivered records as JSON lines to a local file. A lease is
 * acknowledged only after its lines were written and {@code FileChannel.force} returned, so an
 * acknowledged record is on disk; a crash before that repeats the lines (at least once). The file
 * has a single writer (this uplink); a partial last line left by a crash is terminated on open.
 */
package io.ferry.uplink.jsonl;
