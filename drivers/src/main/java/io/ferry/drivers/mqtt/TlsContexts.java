package io.ferry.drivers.mqtt;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/** Socket factories that verify the broker's certificate: against a CA file, or the JVM trust store. */
final class TlsContexts {
  private TlsContexts() {}

  /**
   * @param caFile PEM (or DER) file with one or more CA certificates; the JVM's default trust
   *     store when empty. There is deliberately no trust-all option.
   */
  static SSLSocketFactory socketFactory(Optional<Path> caFile) throws GeneralSecurityException, IOException {
    if (caFile.isEmpty()) {
      return SSLContext.getDefault().getSocketFactory();
    }
    Collection<? extends Certificate> certs;
    try (InputStream in = Files.newInputStream(caFile.get())) {
      certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
    }
    if (certs.isEmpty()) {
      throw new GeneralSecurityException("no certificate in " + caFile.get());
    }
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    int i = 0;
    for (Certificate c : certs) {
      trust.setCertificateEntry("ca-" + i++, c);
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx.getSocketFactory();
  }
}
