package io.ferry.drivers.simulated;

/**
 * Stateless pseudo-random numbers keyed by (seed, a, b): the SplitMix64 finaliser applied to a
 * mix of the keys. Used instead of {@link java.util.Random} so that the value at a given time
 * never depends on how many values were drawn before (restarts reproduce the same series).
 */
final class Noise {
  private Noise() {}

  static long hash(long seed, long a, long b) {
    long z = seed * 0x9E3779B97F4A7C15L + a;
    z = mix(z) + b * 0xC2B2AE3D27D4EB4FL;
    return mix(z);
  }

  /** Uniform in [0, 1). */
  static double uniform(long seed, long a, long b) {
    return (hash(seed, a, b) >>> 11) * 0x1.0p-53;
  }

  /** Zero mean, unit variance (uniform on [-sqrt 3, sqrt 3]: cheap, and a walk of them looks Gaussian anyway). */
  static double unitStep(long seed, long a, long b) {
    return (uniform(seed, a, b) * 2 - 1) * 1.7320508075688772;
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
