package io.ferry.drivers.opcua.security;

import java.util.List;
import java.util.Locale;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;

/**
 * The security an instrument asks for: a policy and a mode, validated as a pair at plan time
 * (None goes only with None; every other policy needs Sign or SignAndEncrypt).
 */
public record SecurityChoice(SecurityPolicy policy, MessageSecurityMode mode) {

  /** The YAML spellings of the supported policies (older, deprecated policies are refused on purpose). */
  public static final List<String> POLICIES = List.of("None", "Basic256Sha256", "Aes128_Sha256_RsaOaep", "Aes256_Sha256_RsaPss");

  public static final List<String> MODES = List.of("None", "Sign", "SignAndEncrypt");

  public static final SecurityChoice NONE = new SecurityChoice(SecurityPolicy.None, MessageSecurityMode.None);

  public boolean secure() {
    return policy != SecurityPolicy.None;
  }

  public static SecurityPolicy policy(String yaml) {
    return switch (yaml.toLowerCase(Locale.ROOT)) {
      case "none" -> SecurityPolicy.None;
      case "basic256sha256" -> SecurityPolicy.Basic256Sha256;
      case "aes128_sha256_rsaoaep" -> SecurityPolicy.Aes128_Sha256_RsaOaep;
      case "aes256_sha256_rsapss" -> SecurityPolicy.Aes256_Sha256_RsaPss;
      default -> throw new IllegalArgumentException("unsupported policy " + yaml);
    };
  }

  public static MessageSecurityMode mode(String yaml) {
    return switch (yaml.toLowerCase(Locale.ROOT)) {
      case "none" -> MessageSecurityMode.None;
      case "sign" -> MessageSecurityMode.Sign;
      case "signandencrypt" -> MessageSecurityMode.SignAndEncrypt;
      default -> throw new IllegalArgumentException("unsupported mode " + yaml);
    };
  }

  @Override
  public String toString() {
    return policy.name() + "/" + mode.name();
  }
}
