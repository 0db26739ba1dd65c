package io.ferry.uplink.mqtt;

import io.ferry.config.TlsFiles;
import io.ferry.config.TrustStores;
import java.io.IOException;
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
 * PKCS#12 key store is given. There is deliberately no way to turn verification off. Both files
 * are read by {@link TlsFiles} exactly as {@code ferry check} read them (capped, regular files
 * only, the key checked against its certificate).
 */
final class MqttTls {
  private MqttTls() {}

  static SSLSocketFactory socketFactory(Optional<Path> caFile, Optional<Path> clientKeyStore, char[] keyStorePassword)
      throws GeneralSecurityException, IOException {
    TrustManagerFactory tmf = TrustStores.fromCaFile(caFile);
    KeyManagerFactory kmf = null;
    if (clientKeyStore.isPresent()) {
      TlsFiles.ClientKey key = TlsFiles.clientKey(clientKeyStore.get(), keyStorePassword, Optional.empty(), "clientKeyStorePassword");
      // Only the checked entry is offered, so the key presented is the one check verified.
      KeyStore one = KeyStore.getInstance("PKCS12");
      one.load(null, null);
      one.setKeyEntry(key.alias(), key.key(), keyStorePassword, key.store().getCertificateChain(key.alias()));
      kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(one, keyStorePassword);
    }
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return ctx.getSocketFactory();
  }
}
