package io.ferry.drivers.opcua.security;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.eclipse.milo.opcua.stack.core.Stack;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.enumerated.UserTokenType;
import org.eclipse.milo.opcua.stack.core.types.structured.EndpointDescription;
import org.eclipse.milo.opcua.stack.core.types.structured.UserTokenPolicy;

/** Picks the endpoint matching the configured security and user identity. Pure. */
public final class EndpointSelector {
  private EndpointSelector() {}

  /** The outcome: an endpoint, or a message listing what the server offers instead. */
  public sealed interface Selection {
    record Found(EndpointDescription endpoint) implements Selection {}

    record NotOffered(String message) implements Selection {}
  }

  public static Selection select(List<EndpointDescription> endpoints, SecurityChoice security, Identity identity) {
    UserTokenType wanted = tokenType(identity);
    List<EndpointDescription> secured = new ArrayList<>();
    for (EndpointDescription e : endpoints) {
      if (Stack.TCP_UASC_UABINARY_TRANSPORT_URI.equals(e.getTransportProfileUri()) || e.getEndpointUrl().toLowerCase(Locale.ROOT).startsWith("opc.tcp:")) {
        if (security.policy().getUri().equals(e.getSecurityPolicyUri()) && security.mode() == e.getSecurityMode()) {
          secured.add(e);
        }
      }
    }
    for (EndpointDescription e : secured) {
      if (offers(e, wanted)) {
        return new Selection.Found(e);
      }
    }
    if (!secured.isEmpty()) {
      return new Selection.NotOffered("the server's " + security + " endpoint does not accept " + identity.tokenName()
          + " users; it accepts: " + String.join(", ", tokenNames(secured.get(0))));
    }
    Set<String> offered = new LinkedHashSet<>();
    for (EndpointDescription e : endpoints) {
      String policy = SecurityPolicy.fromUriSafe(e.getSecurityPolicyUri()).map(Enum::name).orElse(e.getSecurityPolicyUri());
      offered.add(policy + "/" + e.getSecurityMode() + " (" + String.join(", ", tokenNames(e)) + ")");
    }
    return new Selection.NotOffered("the server offers no endpoint with securityPolicy " + security.policy().name()
        + " and securityMode " + security.mode() + "; it offers: " + (offered.isEmpty() ? "nothing" : String.join("; ", offered)));
  }

  public static UserTokenType tokenType(Identity identity) {
    if (identity instanceof Identity.UserPassword) {
      return UserTokenType.UserName;
    }
    if (identity instanceof Identity.X509) {
      return UserTokenType.Certificate;
    }
    return UserTokenType.Anonymous;
  }

  private static boolean offers(EndpointDescription e, UserTokenType type) {
    UserTokenPolicy[] policies = e.getUserIdentityTokens();
    if (policies == null) {
      return false;
    }
    for (UserTokenPolicy p : policies) {
      if (p.getTokenType() == type) {
        return true;
      }
    }
    return false;
  }

  private static List<String> tokenNames(EndpointDescription e) {
    List<String> names = new ArrayList<>();
    if (e.getUserIdentityTokens() != null) {
      for (UserTokenPolicy p : e.getUserIdentityTokens()) {
        String n = switch (p.getTokenType()) {
          case Anonymous -> "anonymous";
          case UserName -> "username";
          case Certificate -> "certificate";
          case IssuedToken -> "issued token";
        };
        if (!names.contains(n)) {
          names.add(n);
        }
      }
    }
    return names;
  }
}
