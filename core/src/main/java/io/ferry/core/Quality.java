package io.ferry.core;

/** How far a value can be trusted; travels with every sample from driver to cloud. */
public enum Quality {
  GOOD,
  UNCERTAIN,
  BAD;

  /** Stable small code for storage: 0 good, 1 uncertain, 2 bad. */
  public int code() {
    return ordinal();
  }

  public static Quality ofCode(int code) {
    return switch (code) {
      case 0 -> GOOD;
      case 1 -> UNCERTAIN;
      case 2 -> BAD;
      default -> throw new IllegalArgumentException("unknown quality code " + code);
    };
  }
}
