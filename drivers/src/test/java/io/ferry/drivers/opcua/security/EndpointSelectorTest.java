package io.ferry.drivers.opcua.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.config.Secret;
import java.util.List;
import org.eclipse.milo.opcua.stack.core.Stack;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.builtin.ByteString;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.types.enumerated.UserTokenType;
import org.eclipse.milo.opcua.stack.core.types.structured.EndpointDescription;
import org.eclipse.milo.opcua.stack.core.types.structured.UserTokenPolicy;
import org.junit.jupiter.api.Test;

class EndpointSelectorTest {
  static EndpointDescription endpoint(SecurityPolicy policy, MessageSecurityMode mode, UserTokenType... tokens) {
    UserTokenPolicy[] policies = new UserTokenPolicy[tokens.length];
    for (int i = 0; i < tokens.length; i++) {
      policies[i] = new UserTokenPolicy("p" + i, tokens[i], null, null, null);
    }
    return new EndpointDescription("opc.tcp://plc:4840", null, ByteString.NULL_VALUE, mode, policy.getUri(), policies,
        Stack.TCP_UASC_UABINARY_TRANSPORT_URI, null);
  }

  static final List<EndpointDescription> OFFERED = List.of(
      endpoint(SecurityPolicy.None, MessageSecurityMode.None, UserTokenType.Anonymous),
      endpoint(SecurityPolicy.Basic256Sha256, MessageSecurityMode.Sign, UserTokenType.UserName),
      endpoint(SecurityPolicy.Basic256Sha256, MessageSecurityMode.SignAndEncrypt, UserTokenType.UserName, UserTokenType.Certificate));

  static final Identity USER = new Identity.UserPassword("u", new Secret("${env:P}", "p"));

  @Test
  void picksTheEndpointWithThePolicyModeAndUserToken() {
    var s = EndpointSelector.select(OFFERED, new SecurityChoice(SecurityPolicy.Basic256Sha256, MessageSecurityMode.SignAndEncrypt), USER);
    assertThat(s).isInstanceOfSatisfying(EndpointSelector.Selection.Found.class,
        f -> assertThat(f.endpoint().getSecurityMode()).isEqualTo(MessageSecurityMode.SignAndEncrypt));
  }

  @Test
  void saysWhichUsersTheEndpointAccepts() {
    var s = EndpointSelector.select(OFFERED, new SecurityChoice(SecurityPolicy.Basic256Sha256, MessageSecurityMode.Sign), new Identity.Anonymous());
    assertThat(s).isInstanceOfSatisfying(EndpointSelector.Selection.NotOffered.class,
        n -> assertThat(n.message()).contains("does not accept anonymous").contains("username"));
  }

  @Test
  void listsWhatTheServerOffersWhenThePolicyIsMissing() {
    var s = EndpointSelector.select(OFFERED, new SecurityChoice(SecurityPolicy.Aes256_Sha256_RsaPss, MessageSecurityMode.SignAndEncrypt), USER);
    assertThat(s).isInstanceOfSatisfying(EndpointSelector.Selection.NotOffered.class, n -> assertThat(n.message())
        .contains("no endpoint with securityPolicy Aes256_Sha256_RsaPss").contains("None/None (anonymous)")
        .contains("Basic256Sha256/SignAndEncrypt (username, certificate)"));
  }
}
