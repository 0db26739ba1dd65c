package io.ferry.drivers.opcua;

import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;

/** What the status of one node's HistoryRead result (or of the whole call) means for a backfill. Pure. */
enum HistoryAnswer {
  /** Values (possibly none) and maybe a continuation point. */
  DATA,
  /** The server does not read history (at all or of this kind): the instrument's backfill stops. */
  UNSUPPORTED,
  /** This node cannot be read (no history, no access, unknown): report it and go on with the others. */
  NODE_FAILED;

  static HistoryAnswer of(StatusCode status) {
    long code = status.getValue() & 0xFFFF0000L;
    if (code == StatusCodes.Bad_HistoryOperationUnsupported || code == StatusCodes.Bad_HistoryOperationInvalid
        || code == StatusCodes.Bad_ServiceUnsupported) {
      return UNSUPPORTED;
    }
    if (code == StatusCodes.Bad_NoData) {
      return DATA; // nothing in the window: some servers say it with a Bad status
    }
    return status.isBad() ? NODE_FAILED : DATA;
  }

  /** The status in the words of the specification ({@code Bad_HistoryOperationUnsupported}). */
  static String name(StatusCode status) {
    return StatusCodes.lookup(status.getValue()).map(s -> s[0]).orElse(status.toString());
  }
}
