package io.ferry.drivers.opcua;

import io.ferry.drivers.opcua.security.EndpointSelector;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.types.structured.EndpointDescription;
import org.eclipse.milo.opcua.stack.core.util.CertificateUtil;

/** Fetches the certificate a server presents (for {@code ferry opcua trust}); no session is opened. */
public final class ServerCertificates {
  private ServerCertificates() {}

  /**
   * The certificate of the endpoint the plan would use (or, when the server does not offer that
   * security, of any endpoint that carries one).
   */
  public static X509Certificate fetch(OpcUaPlan plan) throws OpcUaConnectException {
    ConnectionSettings c = plan.connection();
    List<EndpointDescription> endpoints = MiloConnector.endpoints(c.endpoint(), c.requestTimeout().toMillis());
    EndpointSelector.Selection s = EndpointSelector.select(endpoints, c.security(), c.identity());
    Optional<EndpointDescription> chosen = s instanceof EndpointSelector.Selection.Found f ? Optional.of(f.endpoint()) : Optional.empty();
    EndpointDescription e = chosen.filter(x -> x.getServerCertificate() != null && !x.getServerCertificate().isNullOrEmpty())
        .or(() -> endpoints.stream().filter(x -> x.getServerCertificate() != null && !x.getServerCertificate().isNullOrEmpty()).findFirst())
        .orElseThrow(() -> new OpcUaConnectException(c.endpoint() + " presents no certificate on any endpoint", true, null));
    try {
      return CertificateUtil.decodeCertificates(e.getServerCertificate().bytesOrEmpty()).get(0);
    } catch (UaException ex) {
      throw new OpcUaConnectException(c.endpoint() + " presents a certificate that cannot be decoded: " + MiloConnector.reason(ex), true, ex);
    }
  }

  public static Optional<String> applicationUri(X509Certificate cert) {
    return CertificateUtil.getSanUri(cert);
  }
}
