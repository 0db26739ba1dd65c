package io.ferry.config;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Enumeration;
import java.util.List;
import java.util.Optional;

/**
 * Reads the TLS material a configuration names (CA files, PKCS#12 key stores) the one way both
 * {@code ferry check} and {@code run} use it: through {@link ConfigFiles#read} (a regular file of
 * at most {@link ConfigFiles#MAX_TLS_BYTES}; a pipe is never opened, {@code /dev/zero} never read),
 * then parsed as the TLS client will: the certificates parse, the key store opens with its
 * password, the key entry opens and its private key belongs to its certificate. So a file that
 * passes {@code check} is one {@code run} can use, and a file that breaks later fails the connect
 * with the same sentence instead of spinning.
 *
 * <p>Every failure is an {@link Unusable} whose message is one sentence in words naming the file
 * (never its content, never a class name).
 */
public final class TlsFiles {
  private TlsFiles() {}

  /** A file that cannot be used as configured; the message names it and says why. */
  public static final class Unusable extends GeneralSecurityException {
    private static final long serialVersionUID = 1L;

    public Unusable(String message) {
      super(message);
    }
  }

  /** A client certificate with its private key, opened from a PKCS#12 file. */
  public record ClientKey(KeyStore store, String alias, PrivateKey key, X509Certificate certificate) {}

  /**
   * The certificates of a CA file: PEM (one or more {@code -----BEGIN CERTIFICATE-----} blocks)
   * or DER.
   */
  public static List<X509Certificate> caCertificates(Path file) throws Unusable {
    byte[] bytes = read("CA file", file);
    Collection<? extends Certificate> certs;
    try {
      certs = CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(bytes));
    } catch (GeneralSecurityException | RuntimeException e) {
      throw notCertificates(file);
    }
    if (certs.isEmpty()) {
      throw notCertificates(file);
    }
    List<X509Certificate> out = new ArrayList<>(certs.size());
    for (Certificate c : certs) {
      out.add((X509Certificate) c);
    }
    return out;
  }

  /**
   * Opens a PKCS#12 key store with {@code password} and its key entry ({@code alias}, or the
   * first key entry), and checks that the private key belongs to the certificate.
   *
   * @param passwordKey the configuration key the password came from, for the message
   */
  public static ClientKey clientKey(Path file, char[] password, Optional<String> alias, String passwordKey) throws Unusable {
    byte[] bytes = read("key store", file);
    KeyStore ks;
    try {
      ks = KeyStore.getInstance("PKCS12");
      ks.load(new ByteArrayInputStream(bytes), password);
    } catch (IOException e) {
      if (e.getCause() instanceof UnrecoverableKeyException) {
        throw new Unusable("key store " + file + " does not open with " + passwordKey + " (wrong password)");
      }
      throw new Unusable("key store " + file + " is not a PKCS#12 file (.p12 or .pfx with the client certificate and its key)");
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new Unusable("key store " + file + " is not a PKCS#12 file (.p12 or .pfx with the client certificate and its key)");
    }
    try {
      String chosen = alias.orElse(null);
      if (chosen == null) {
        for (Enumeration<String> e = ks.aliases(); e.hasMoreElements(); ) {
          String a = e.nextElement();
          if (ks.isKeyEntry(a)) {
            chosen = a;
            break;
          }
        }
      }
      if (chosen == null || !ks.isKeyEntry(chosen)) {
        throw new Unusable("key store " + file + " holds no private key" + alias.map(a -> " named \"" + a + "\"").orElse(""));
      }
      Key key;
      try {
        key = ks.getKey(chosen, password);
      } catch (UnrecoverableKeyException e) {
        throw new Unusable("key store " + file + ": the private key \"" + chosen + "\" does not open with " + passwordKey);
      }
      if (!(key instanceof PrivateKey pk) || !(ks.getCertificate(chosen) instanceof X509Certificate cert)) {
        throw new Unusable("key store " + file + ": the entry \"" + chosen + "\" is not a private key with its certificate");
      }
      if (!belongTogether(pk, cert)) {
        throw new Unusable("key store " + file + ": the private key \"" + chosen + "\" does not belong to its certificate ("
            + cert.getSubjectX500Principal().getName() + ")");
      }
      return new ClientKey(ks, chosen, pk, cert);
    } catch (Unusable e) {
      throw e;
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new Unusable("key store " + file + ": the key entry cannot be read");
    }
  }

  /** A trust store holding the CA file's certificates, for a {@code TrustManagerFactory}. */
  public static KeyStore trustStore(Path caFile) throws Unusable {
    List<X509Certificate> certs = caCertificates(caFile);
    try {
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      int i = 0;
      for (X509Certificate c : certs) {
        trust.setCertificateEntry("ca-" + i++, c);
      }
      return trust;
    } catch (GeneralSecurityException | IOException e) {
      throw new Unusable("CA file " + caFile + ": its certificates cannot be used for trust");
    }
  }

  // ---- for planners: the same reads, reported as located problems

  /** Checks the CA file named at {@code key}; its path, or empty after an error at the key. */
  public static Optional<Path> checkCaFile(Fields f, String key) {
    Optional<Path> file = f.string(key).map(Path::of);
    if (file.isEmpty()) {
      return file;
    }
    try {
      caCertificates(file.get());
      return file;
    } catch (Unusable e) {
      f.error(key, e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * Checks the PKCS#12 file named at {@code key}: opened with {@code password}, or only read when
   * there is none to try (a password that failed to resolve is already its own error); its path,
   * or empty after an error at the key.
   *
   * @param passwordKey the password's key as the operator reads it, for the wrong-password message
   */
  public static Optional<Path> checkClientKey(Fields f, String key, Optional<char[]> password, String passwordKey,
      Optional<String> alias) {
    Optional<Path> file = f.string(key).map(Path::of);
    if (file.isEmpty()) {
      return file;
    }
    try {
      if (password.isPresent()) {
        clientKey(file.get(), password.get(), alias, passwordKey);
      } else {
        read("key store", file.get());
      }
      return file;
    } catch (Unusable e) {
      f.error(key, e.getMessage());
      return Optional.empty();
    }
  }

  private static byte[] read(String what, Path file) throws Unusable {
    ConfigFiles.Outcome outcome = ConfigFiles.read(file, ConfigFiles.MAX_TLS_BYTES);
    if (outcome instanceof ConfigFiles.Bytes b) {
      return b.bytes();
    }
    if (outcome instanceof ConfigFiles.Refused r) {
      throw new Unusable(what + " " + file + " " + r.reason());
    }
    throw new Unusable(what + " " + file + " does not exist");
  }

  private static Unusable notCertificates(Path file) {
    return new Unusable("CA file " + file + " holds no certificate (expected PEM, -----BEGIN CERTIFICATE-----, or DER)");
  }

  /** Signs a probe with the key and verifies it with the certificate: the one test that works for every key type. */
  private static boolean belongTogether(PrivateKey key, X509Certificate cert) throws GeneralSecurityException {
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      case "DSA" -> "SHA256withDSA";
      case "Ed25519", "EdDSA" -> "Ed25519";
      case "Ed448" -> "Ed448";
      default -> null;
    };
    if (algorithm == null) {
      return true; // a key type without a known signature: the TLS handshake is the judge
    }
    byte[] probe = "ferry key check".getBytes(StandardCharsets.US_ASCII);
    Signature sign = Signature.getInstance(algorithm);
    sign.initSign(key);
    sign.update(probe);
    byte[] signature = sign.sign();
    try {
      Signature verify = Signature.getInstance(algorithm);
      verify.initVerify(cert.getPublicKey()); // an EC certificate refuses an RSA probe here
      verify.update(probe);
      return verify.verify(signature);
    } catch (java.security.InvalidKeyException | java.security.SignatureException e) {
      return false;
    }
  }
}
