package io.ferry.drivers.opcua.security;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;

/** Certificate fingerprints as operators see them (SHA-1 is what OPC UA tools call the thumbprint). */
public final class Thumbprints {
  private Thumbprints() {}

  /** SHA-1 of the DER encoding, upper-case hex without separators (the trust-directory file name). */
  public static String sha1(X509Certificate cert) {
    return digest("SHA-1", cert);
  }

  public static String sha256(X509Certificate cert) {
    return digest("SHA-256", cert);
  }

  /** {@code AB:CD:...}, for display. */
  public static String colons(String hex) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < hex.length(); i += 2) {
      if (i > 0) {
        sb.append(':');
      }
      sb.append(hex, i, Math.min(i + 2, hex.length()));
    }
    return sb.toString();
  }

  private static String digest(String algorithm, X509Certificate cert) {
    try {
      return HexFormat.of().withUpperCase().formatHex(MessageDigest.getInstance(algorithm).digest(cert.getEncoded()));
    } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
      throw new IllegalStateException("cannot fingerprint certificate", e);
    }
  }
}
