package io.ferry.drivers.opcua.security;

import io.ferry.config.Secret;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/** How the session authenticates the user. Secrets stay in {@link Secret} until the wire. */
public sealed interface Identity {

  /** The user token type the server must offer on the chosen endpoint. */
  String tokenName();

  record Anonymous() implements Identity {
    @Override
    public String tokenName() {
      return "anonymous";
    }
  }

  record UserPassword(String username, Secret password) implements Identity {
    public UserPassword {
      Objects.requireNonNull(username, "username");
      Objects.requireNonNull(password, "password");
    }

    @Override
    public String tokenName() {
      return "username";
    }
  }

  /**
   * X.509 user identity from a PKCS#12 key store (certificate and private key of the user).
   *
   * @param alias the entry to use; empty means the first key entry
   */
  record X509(Path keyStore, Secret keyStorePassword, Optional<String> alias) implements Identity {
    public X509 {
      Objects.requireNonNull(keyStore, "keyStore");
      Objects.requireNonNull(keyStorePassword, "keyStorePassword");
      Objects.requireNonNull(alias, "alias");
    }

    @Override
    public String tokenName() {
      return "certificate";
    }
  }
}
