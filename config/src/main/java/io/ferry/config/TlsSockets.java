package io.ferry.config;

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
 * The one way Ferry builds a TLS client socket (MQTT in and out): the server's certificate is
 * verified against a configured {@code caFile} (or the JVM's trust store when none is set), and a
 * client certificate is presented when a PKCS#12 key store is given. There is deliberately no
 * trust-all variant and no way to turn verification off; host names are checked by the client
 * library. Both files are read by {@link TlsFiles} at each call, exactly as {@code ferry check} read
 * them (capped, regular files only, the key checked against its certificate), so a file replaced
 * after check by a device or a pipe fails at once in words.
 */
public final class TlsSockets {
  private TlsSockets() {}

  /** Verifies the server only; no client certificate. */
  public static SSLSocketFactory socketFactory(Optional<Path> caFile) throws GeneralSecurityException, IOException {
    return socketFactory(caFile, Optional.empty(), new char[0]);
  }

  /**
   * @param caFile PEM (or DER) file with one or more CA certificates; empty: the JVM's defaults
   * @param clientKeyStore PKCS#12 file whose key and certificate are presented to the server
   * @param keyStorePassword opens {@code clientKeyStore}; named {@code clientKeyStorePassword} in messages
   */
  public static SSLSocketFactory socketFactory(Optional<Path> caFile, Optional<Path> clientKeyStore, char[] keyStorePassword)
      throws GeneralSecurityException, IOException {
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    if (caFile.isPresent()) {
      tmf.init(TlsFiles.trustStore(caFile.get()));
    } else {
      tmf.init((KeyStore) null);
    }
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
