package io.ferry.uplink.mqtt;

import io.ferry.config.TrustStores;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS for the broker connection: the broker's certificate is verified against a CA file (or the
 * JVM trust store) and its host name is checked by Paho; a client certificate is presented when a
 * PKCS#12 key store is given. There is deliberately no way to turn verification off.
 */
final class MqttTls {
  private MqttTls() {}

  static SSLSocketFactory socketFactory(Optional<Path> caFile, Optional<Path> clientKeyStore, char[] keyStorePassword)
      throws GeneralSecurityException, IOException {
    TrustManagerFactory tmf = TrustStores.fromCaFile(caFile);
    KeyManagerFactory kmf = null;
    if (clientKeyStore.isPresent()) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(clientKeyStore.get())) {
        ks.load(in, keyStorePassword);
      }
      kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, keyStorePassword);
    }
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return ctx.getSocketFactory();
  }
}
