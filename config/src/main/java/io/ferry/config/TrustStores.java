package io.ferry.config;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Optional;
import javax.net.ssl.TrustManagerFactory;

/**
 * The trust a configured {@code caFile} key stands for, shared by every TLS client Ferry opens
 * (MQTT in and out): the CA certificates of that file, or the JVM's trust store when none is set.
 * There is deliberately no trust-all variant. The file is read by {@link TlsFiles}, as
 * {@code ferry check} read it: capped, regular files only.
 */
public final class TrustStores {
  private TrustStores() {}

  /** @param caFile PEM (or DER) file with one or more CA certificates; empty: the JVM's defaults */
  public static TrustManagerFactory fromCaFile(Optional<Path> caFile) throws GeneralSecurityException {
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    if (caFile.isEmpty()) {
      tmf.init((KeyStore) null);
      return tmf;
    }
    tmf.init(TlsFiles.trustStore(caFile.get()));
    return tmf;
  }
}
