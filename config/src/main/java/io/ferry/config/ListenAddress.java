package io.ferry.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Whether the host of a listen address ({@code http.listen}) is something a server can bind:
 * an IPv4 or IPv6 literal, or {@code localhost}. Decided from the text alone: {@code ferry check}
 * touches no network, so a host name (which only DNS could turn into an address, differently at
 * each start) is refused rather than looked up.
 */
final class ListenAddress {
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern IPV4_LIKE = Pattern.compile("[\\d.]+");
  /** Hex digits, colons and an embedded IPv4 tail: starting with a hex digit or a colon, the JDK parses it as a literal, never a name. */
  private static final Pattern IPV6_LIKE = Pattern.compile("[0-9A-Fa-f:][0-9A-Fa-f:.]*");

  private ListenAddress() {}

  /** Empty when {@code host} can be bound; otherwise why not, naming it. */
  static Optional<String> problem(String host) {
    if (host.equalsIgnoreCase("localhost")) {
      return Optional.empty();
    }
    if (IPV4_LIKE.matcher(host).matches()) {
      if (!IPV4.matcher(host).matches()) {
        return Optional.of("\"" + host + "\" is not an IP address: write four numbers from 0 to 255, as in 127.0.0.1");
      }
      for (String part : host.split("\\.")) {
        if (Integer.parseInt(part) > 255) {
          return Optional.of("\"" + host + "\" is not an IP address: " + part + " is out of range (each of the four numbers is 0 to 255)");
        }
      }
      return Optional.empty();
    }
    if (host.contains(":")) {
      if (IPV6_LIKE.matcher(host).matches()) {
        try {
          InetAddress.getByName(host); // a literal: parsed, never looked up
          return Optional.empty();
        } catch (UnknownHostException e) {
          // fall through
        }
      }
      return Optional.of("\"" + host + "\" is not an IPv6 address (for example ::1, or :: for every interface)");
    }
    return Optional.of("\"" + host + "\" is not an IP address: give the address to listen on (127.0.0.1, ::1, 0.0.0.0 for every "
        + "interface, or one of this gateway's addresses) or localhost; host names are not looked up");
  }
}
