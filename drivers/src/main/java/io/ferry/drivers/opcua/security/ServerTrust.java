package io.ferry.drivers.opcua.security;

import io.ferry.config.ConfigFiles;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.security.CertificateValidator;

/**
 * The server certificates an instrument trusts: one DER file per certificate, named by its SHA-1
 * thumbprint, in {@code trusted/}. A certificate presented by a server and not found there is
 * written to {@code rejected/} (so the operator can inspect it) and the connection is refused with
 * {@link #untrustedMessage}. There is no trust-all switch: trusting is an explicit act
 * ({@code ferry opcua trust}).
 */
public final class ServerTrust {
  private final Path trusted;
  private final Path rejected;
  private final InstantSource clock;

  /** @param pkiDir holds {@code trusted/} and {@code rejected/} */
  public ServerTrust(Path pkiDir, InstantSource clock) {
    this.trusted = pkiDir.resolve("trusted");
    this.rejected = pkiDir.resolve("rejected");
    this.clock = clock;
  }

  public Path trustedDir() {
    return trusted;
  }

  public Path rejectedDir() {
    return rejected;
  }

  public boolean isTrusted(X509Certificate cert) {
    Path file = trusted.resolve(Thumbprints.sha1(cert) + ".der");
    return bytes(file).map(b -> Arrays.equals(b, encodedOrEmpty(cert))).orElse(false);
  }

  /** Stores the certificate as trusted (atomically) and returns its file. */
  public Path trust(X509Certificate cert) throws IOException {
    Files.createDirectories(trusted);
    Path file = trusted.resolve(Thumbprints.sha1(cert) + ".der");
    write(file, encoded(cert));
    Files.deleteIfExists(rejected.resolve(file.getFileName()));
    return file;
  }

  /** The trusted certificates (unreadable files are skipped). */
  public List<X509Certificate> trustedCertificates() {
    if (!Files.isDirectory(trusted)) {
      return List.of();
    }
    try (var files = Files.list(trusted)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".der")).sorted()
          .flatMap(p -> read(p).stream()).toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  /**
   * The validator Milo calls for the server's certificate. {@code lastRejection} receives the
   * operator message of the last refusal, so the driver can report it instead of Milo's wrapping.
   */
  public CertificateValidator validator(String endpoint, String instrument, AtomicReference<String> lastRejection) {
    return (chain, applicationUri, hostnames) -> {
      if (chain == null || chain.isEmpty()) {
        throw new UaException(StatusCodes.Bad_SecurityChecksFailed, "the server presented no certificate");
      }
      X509Certificate leaf = chain.get(0);
      if (!isTrusted(leaf)) {
        keepRejected(leaf);
        String message = untrustedMessage(endpoint, instrument, leaf);
        lastRejection.set(message);
        throw new UaException(StatusCodes.Bad_CertificateUntrusted, message);
      }
      Instant now = clock.instant();
      if (now.isAfter(leaf.getNotAfter().toInstant()) || now.isBefore(leaf.getNotBefore().toInstant())) {
        String message = "the trusted server certificate of " + endpoint + " (SHA-1 " + Thumbprints.colons(Thumbprints.sha1(leaf))
            + ") is valid only from " + leaf.getNotBefore().toInstant() + " to " + leaf.getNotAfter().toInstant()
            + "; renew it on the server, then run: ferry opcua trust --config DIR --instrument " + instrument;
        lastRejection.set(message);
        throw new UaException(StatusCodes.Bad_CertificateTimeInvalid, message);
      }
    };
  }

  /** The documented refusal message: what was presented and the exact command that trusts it. */
  public static String untrustedMessage(String endpoint, String instrument, X509Certificate cert) {
    return "server certificate of " + endpoint + " is not trusted (subject " + cert.getSubjectX500Principal().getName()
        + ", SHA-1 thumbprint " + Thumbprints.colons(Thumbprints.sha1(cert)) + "). Check the thumbprint with the server's"
        + " administrator, then trust it with: ferry opcua trust --config DIR --instrument " + instrument
        + " (DIR is Ferry's configuration directory, /etc/ferry by default)";
  }

  private void keepRejected(X509Certificate cert) {
    try {
      Files.createDirectories(rejected);
      Path file = rejected.resolve(Thumbprints.sha1(cert) + ".der");
      if (!Files.exists(file)) {
        write(file, encoded(cert));
      }
    } catch (IOException e) {
      // Keeping a copy is a courtesy to the operator; the refusal itself does not depend on it.
    }
  }

  private static byte[] encoded(X509Certificate cert) throws IOException {
    try {
      return cert.getEncoded();
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new IOException("cannot encode certificate", e);
    }
  }

  private static void write(Path file, byte[] bytes) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.write(tmp, bytes);
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static Optional<X509Certificate> read(Path p) {
    Optional<byte[]> bytes = bytes(p);
    if (bytes.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of((X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(bytes.get())));
    } catch (CertificateException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** A file of trusted/ as the configuration reader reads files: regular, capped (a pipe there must not block a connect). */
  private static Optional<byte[]> bytes(Path p) {
    return ConfigFiles.read(p, ConfigFiles.MAX_TLS_BYTES) instanceof ConfigFiles.Bytes b ? Optional.of(b.bytes()) : Optional.empty();
  }

  private static byte[] encodedOrEmpty(X509Certificate cert) {
    try {
      return cert.getEncoded();
    } catch (java.security.cert.CertificateEncodingException e) {
      return new byte[0];
    }
  }
}
