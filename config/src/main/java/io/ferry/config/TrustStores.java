package io.ferry.config;

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
import javax.net.ssl.TrustManagerFactory;

/**
 * The trust a configured {@code caFile} key stands for, shared by every TLS client Ferry opens
 * (MQTT in and out): the CA certificates of that file, or the JVM's trust store when none is set.
 * There is deliberately no trust-all variant.
 */
public final class TrustStores {
  private TrustStores() {}

  /** @param caFile PEM (or DER) file with one or more CA certificates; empty: the JVM's defaults */
  public static TrustManagerFactory fromCaFile(Optional<Path> caFile) throws GeneralSecurityException, IOException {
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    if (caFile.isEmpty()) {
      tmf.init((KeyStore) null);
      return tmf;
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
    tmf.init(trust);
    return tmf;
  }
}
