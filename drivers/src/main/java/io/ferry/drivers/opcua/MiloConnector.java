package io.ferry.drivers.opcua;

import io.ferry.config.TlsFiles;
import io.ferry.drivers.opcua.security.ClientCertificate;
import io.ferry.drivers.opcua.security.EndpointSelector;
import io.ferry.drivers.opcua.security.Identity;
import io.ferry.drivers.opcua.security.ServerTrust;
import java.io.IOException;
import java.nio.file.Path;
import java.security.Provider;
import java.security.Security;
import java.security.cert.X509Certificate;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.milo.opcua.sdk.client.DiscoveryClient;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.OpcUaClientConfig;
import org.eclipse.milo.opcua.sdk.client.identity.AnonymousProvider;
import org.eclipse.milo.opcua.sdk.client.identity.IdentityProvider;
import org.eclipse.milo.opcua.sdk.client.identity.UsernameProvider;
import org.eclipse.milo.opcua.sdk.client.identity.X509IdentityProvider;
import org.eclipse.milo.opcua.sdk.client.typetree.DataTypeTreeFactory;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.security.CertificateValidator;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.structured.EndpointDescription;
import org.eclipse.milo.opcua.stack.core.util.EndpointUtil;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

/**
 * Opens a Milo client for a plan: GetEndpoints, endpoint selection, application certificate,
 * server-certificate trust, user identity, connect. A failed connection is closed here so nothing
 * retries behind the driver's back; a client whose session is lost is {@link #abandon abandoned} by
 * the drivers, which reconnect with their own configured backoff (Milo's reaches 16 s).
 */
final class MiloConnector {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(MiloConnector.class);
  static {
    // Aes256_Sha256_RsaPss signs with SHA256withRSA/PSS, which Milo asks of the Bouncy Castle provider.
    if (Security.getProvider("BC") == null) {
      try {
        Security.addProvider((Provider) Class.forName("org.bouncycastle.jce.provider.BouncyCastleProvider").getDeclaredConstructor().newInstance());
      } catch (ReflectiveOperationException | LinkageError e) {
        // without it only the RsaPss policy is unavailable; the connect error says so
      }
    }
  }

  private final OpcUaPlan plan;
  private final Path stateDir;
  private final ServerTrust trust;
  private final AtomicReference<String> lastRejection = new AtomicReference<>();

  MiloConnector(OpcUaPlan plan, Path stateDir, InstantSource clock) {
    this.plan = plan;
    this.stateDir = stateDir;
    this.trust = new ServerTrust(pkiDir(plan, stateDir), clock);
  }

  static Path pkiDir(OpcUaPlan plan, Path stateDir) {
    return plan.connection().pkiDir().orElse(stateDir.resolve("pki"));
  }

  ServerTrust trust() {
    return trust;
  }

  /** The server's endpoints (GetEndpoints over an unsecured discovery channel). */
  static List<EndpointDescription> endpoints(String url, long timeoutMillis) throws OpcUaConnectException {
    try {
      return DiscoveryClient.getEndpoints(url, b -> b.setConnectTimeout(uint(Math.min(timeoutMillis, Integer.MAX_VALUE))))
          .get(timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new OpcUaConnectException("cannot get the endpoints of " + url + ": " + reason(e.getCause()), false, e.getCause());
    } catch (TimeoutException e) {
      throw new OpcUaConnectException("cannot get the endpoints of " + url + ": no answer within " + timeoutMillis + " ms", false, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OpcUaConnectException("interrupted while connecting to " + url, false, e);
    }
  }

  /** Connects; on failure nothing is left running. */
  OpcUaClient connect() throws OpcUaConnectException {
    ConnectionSettings c = plan.connection();
    long timeout = c.requestTimeout().toMillis();
    long t0 = System.nanoTime();
    List<EndpointDescription> endpoints = endpoints(c.endpoint(), timeout);
    long t1 = System.nanoTime();
    EndpointSelector.Selection selection = EndpointSelector.select(endpoints, c.security(), c.identity());
    if (selection instanceof EndpointSelector.Selection.NotOffered n) {
      throw new OpcUaConnectException(c.endpoint() + ": " + n.message(), true, null);
    }
    EndpointDescription endpoint = ((EndpointSelector.Selection.Found) selection).endpoint();
    if (c.useEndpointHost()) {
      endpoint = EndpointUtil.updateUrl(endpoint, EndpointUtil.getHost(c.endpoint()), EndpointUtil.getPort(c.endpoint()));
    }
    ClientCertificate own;
    try {
      own = ClientCertificate.loadOrCreate(stateDir, plan.instrument().id());
    } catch (IOException e) {
      throw new OpcUaConnectException(e.getMessage(), true, e);
    }
    long t2 = System.nanoTime();
    lastRejection.set(null);
    CertificateValidator validator = trust.validator(c.endpoint(), plan.instrument().id(), lastRejection);
    OpcUaClientConfig config = OpcUaClientConfig.builder()
        .setApplicationName(LocalizedText.english("Ferry " + plan.instrument().id()))
        .setApplicationUri(own.applicationUri())
        .setProductUri("urn:io.ferry:agent")
        .setEndpoint(endpoint)
        .setKeyPair(own.keyPair())
        .setCertificate(own.certificate())
        .setCertificateChain(new X509Certificate[] {own.certificate()})
        .setCertificateValidator(validator)
        .setIdentityProvider(identity(c.identity(), validator))
        .setRequestTimeout(uint(timeout))
        .setSessionTimeout(uint(c.sessionTimeout().toMillis()))
        .setKeepAliveInterval(uint(Math.max(1000, Math.min(5000, timeout))))
        .setKeepAliveTimeout(uint(Math.max(1000, Math.min(5000, timeout))))
        .build();
    OpcUaClient client;
    try {
      client = OpcUaClient.create(config, b -> b.setConnectTimeout(uint(timeout)));
    } catch (UaException e) {
      throw new OpcUaConnectException("cannot create the OPC UA client: " + reason(e), true, e);
    }
    try {
      // Ferry reads scalars only: build the data type tree on demand, not at every session activation.
      client.setDataTypeTreeFactory(DataTypeTreeFactory.lazy());
      client.connectAsync().get(timeout * 2, TimeUnit.MILLISECONDS);
      LOG.debug("{}: GetEndpoints {} ms, certificate {} ms, session {} ms", plan.instrument().id(), (t1 - t0) / 1_000_000,
          (t2 - t1) / 1_000_000, (System.nanoTime() - t2) / 1_000_000);
      return client;
    } catch (ExecutionException | TimeoutException e) {
      close(client);
      String rejection = lastRejection.get();
      if (rejection != null) {
        throw new OpcUaConnectException(rejection, true, e);
      }
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      boolean operator = cause instanceof UaException ua && operatorStatus(ua.getStatusCode().getValue());
      throw new OpcUaConnectException("cannot connect to " + c.endpoint() + " (" + c.security() + ", " + c.identity().tokenName() + "): "
          + reason(cause), operator, cause);
    } catch (InterruptedException e) {
      close(client);
      Thread.currentThread().interrupt();
      throw new OpcUaConnectException("interrupted while connecting to " + c.endpoint(), false, e);
    }
  }

  static void close(OpcUaClient client) {
    try {
      client.disconnectAsync().get(5, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      // best effort: the server will expire the session
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Lets go of a client whose connection was lost, without waiting: disconnecting stops Milo's
   * own session reconnect, and a server that is down cannot answer CloseSession anyway.
   */
  static void abandon(OpcUaClient client) {
    try {
      client.disconnectAsync();
    } catch (RuntimeException e) {
      // best effort: the server will expire the session
    }
  }

  private static boolean operatorStatus(long status) {
    long code = status & 0xFFFF0000L;
    return code == StatusCodes.Bad_IdentityTokenInvalid || code == StatusCodes.Bad_IdentityTokenRejected
        || code == StatusCodes.Bad_UserAccessDenied || code == StatusCodes.Bad_CertificateUntrusted
        || code == StatusCodes.Bad_SecurityChecksFailed || code == StatusCodes.Bad_CertificateUriInvalid;
  }

  static String reason(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root && !(root instanceof UaException)) {
      root = root.getCause();
    }
    if (root instanceof UaException ua) {
      String name = StatusCodes.lookup(ua.getStatusCode().getValue()).map(s -> s[0]).orElse(ua.getStatusCode().toString());
      String msg = ua.getMessage() == null ? null : withoutClassNames(ua.getMessage());
      return msg == null || msg.isBlank() || msg.equals(name) ? name : name + ": " + msg;
    }
    if (root.getMessage() != null && !root.getMessage().isBlank()) {
      return withoutClassNames(root.getMessage());
    }
    return root instanceof TimeoutException ? "no answer in time" : "unexpected error without details";
  }

  /** An operator reads the cause in words; the Java class that carried it ({@code io.netty.…ConnectException: }) says nothing to them. */
  static String withoutClassNames(String message) {
    return io.ferry.config.IoCauses.withoutClassNames(message);
  }

  private static IdentityProvider identity(Identity identity, CertificateValidator validator) throws OpcUaConnectException {
    if (identity instanceof Identity.UserPassword u) {
      return new UsernameProvider(u.username(), u.password().reveal(), validator);
    }
    if (identity instanceof Identity.X509 x) {
      return x509(x);
    }
    return AnonymousProvider.INSTANCE;
  }

  private static IdentityProvider x509(Identity.X509 x) throws OpcUaConnectException {
    try {
      TlsFiles.ClientKey key = TlsFiles.clientKey(x.keyStore(), x.keyStorePassword().reveal().toCharArray(), x.alias(),
          "userCertificatePassword");
      return new X509IdentityProvider(key.certificate(), key.key());
    } catch (TlsFiles.Unusable e) {
      throw new OpcUaConnectException("cannot use the user certificate: " + e.getMessage(), true, e);
    }
  }

}
