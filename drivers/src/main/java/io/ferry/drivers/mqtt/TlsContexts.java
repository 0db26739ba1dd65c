package io.ferry.drivers.mqtt;

import io.ferry.config.TrustStores;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;

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
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, TrustStores.fromCaFile(caFile).getTrustManagers(), null);
    return ctx.getSocketFactory();
  }
}
