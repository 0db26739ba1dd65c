package io.ferry.drivers.opcua.security;

import io.ferry.config.ConfigFiles;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Period;
import org.eclipse.milo.opcua.stack.core.util.CertificateUtil;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateBuilder;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateGenerator;

/**
 * The client application instance certificate: generated on first start (RSA 2048, SHA-256,
 * valid 5 years, application URI {@code urn:io.ferry:<host>:<instrument>}) and kept in
 * {@code <stateDir>/pki/own/client.p12} (file mode 600; the key store password only guards the
 * format, the file permissions guard the key). Servers that require trust will list it under
 * their rejected certificates on the first secure connection.
 */
public record ClientCertificate(KeyPair keyPair, X509Certificate certificate, String applicationUri) {
  private static final String ALIAS = "ferry-client";
  private static final char[] STORE_PASSWORD = "ferry".toCharArray();

  public static Path file(Path stateDir) {
    return stateDir.resolve("pki").resolve("own").resolve("client.p12");
  }

  /** Loads the certificate, generating and storing it when there is none yet. */
  public static synchronized ClientCertificate loadOrCreate(Path stateDir, String instrument) throws IOException {
    Path file = file(stateDir);
    try {
      if (Files.isRegularFile(file)) {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        // Read as every configured file is: capped, so a file replaced by something huge cannot exhaust memory.
        if (!(ConfigFiles.read(file, ConfigFiles.MAX_TLS_BYTES) instanceof ConfigFiles.Bytes bytes)) {
          throw new IOException(file + " cannot be read as a key store (too large or not a regular file); move it away to generate a new certificate");
        }
        ks.load(new ByteArrayInputStream(bytes.bytes()), STORE_PASSWORD);
        X509Certificate cert = (X509Certificate) ks.getCertificate(ALIAS);
        PrivateKey key = (PrivateKey) ks.getKey(ALIAS, STORE_PASSWORD);
        if (cert == null || key == null) {
          throw new IOException(file + " holds no entry \"" + ALIAS + "\"; move the file away to generate a new certificate");
        }
        String uri = CertificateUtil.getSanUri(cert).orElseThrow(() -> new IOException(file + ": certificate has no application URI"));
        return new ClientCertificate(new KeyPair(cert.getPublicKey(), key), cert, uri);
      }
      Files.createDirectories(file.getParent());
      String host = hostname();
      String uri = "urn:io.ferry:" + host + ":" + instrument;
      KeyPair kp = SelfSignedCertificateGenerator.generateRsaKeyPair(2048);
      X509Certificate cert = new SelfSignedCertificateBuilder(kp)
          .setCommonName("Ferry " + instrument)
          .setOrganization("Ferry edge agent")
          .setApplicationUri(uri)
          .addDnsName(host)
          .setValidityPeriod(Period.ofYears(5))
          .build();
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, STORE_PASSWORD);
      ks.setKeyEntry(ALIAS, kp.getPrivate(), STORE_PASSWORD, new X509Certificate[] {cert});
      Path tmp = file.resolveSibling("client.p12.tmp");
      try (OutputStream out = Files.newOutputStream(tmp)) {
        ks.store(out, STORE_PASSWORD);
      }
      try {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system: nothing more to do
      }
      Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      return new ClientCertificate(kp, cert, uri);
    } catch (IOException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException("cannot load or create the client certificate " + file + ": " + e.getMessage(), e);
    }
  }

  private static String hostname() {
    try {
      String h = InetAddress.getLocalHost().getHostName();
      return h == null || h.isBlank() ? "localhost" : h;
    } catch (IOException e) {
      return "localhost";
    }
  }

}
