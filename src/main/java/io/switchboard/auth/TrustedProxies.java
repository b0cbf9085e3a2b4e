package io.switchboard.auth;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The client's address behind reverse proxies: {@code X-Forwarded-For} is believed only from a trusted proxy
 * (Ferro's {@code TRUSTED_PROXIES}, loopback by default), and then only up to the first address that is not one,
 * reading from the right, since everything left of it was written by someone the gateway does not trust.
 */
public final class TrustedProxies {
  private record Range(byte[] network, int prefix) {
    boolean contains(byte[] address) {
      if (address.length != network.length) {
        return false;
      }
      int full = prefix / 8;
      for (int i = 0; i < full; i++) {
        if (address[i] != network[i]) {
          return false;
        }
      }
      int rest = prefix % 8;
      if (rest == 0) {
        return true;
      }
      int mask = 0xff << (8 - rest) & 0xff;
      return (address[full] & mask) == (network[full] & mask);
    }
  }

  public static final List<String> DEFAULT = List.of("127.0.0.0/8", "::1/128");

  private final List<Range> ranges;

  private TrustedProxies(List<Range> ranges) {
    this.ranges = ranges;
  }

  /**
   * {@code cidrs}: addresses or ranges such as {@code 10.0.0.0/8} or {@code fd00::/8}.
   *
   * @throws IllegalArgumentException naming the entry that is not one
   */
  public static TrustedProxies of(List<String> cidrs) {
    List<Range> ranges = new ArrayList<>();
    for (String cidr : cidrs) {
      ranges.add(range(cidr.strip()));
    }
    return new TrustedProxies(List.copyOf(ranges));
  }

  private static Range range(String cidr) {
    int slash = cidr.indexOf('/');
    byte[] network;
    try {
      network = InetAddress.ofLiteral(slash < 0 ? cidr : cidr.substring(0, slash)).getAddress();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("\"" + cidr + "\" is not an address or a CIDR range");
    }
    int bits = network.length * 8;
    int prefix = bits;
    if (slash >= 0) {
      try {
        prefix = Integer.parseInt(cidr.substring(slash + 1));
      } catch (NumberFormatException e) {
        prefix = -1;
      }
      if (prefix < 0 || prefix > bits) {
        throw new IllegalArgumentException("\"" + cidr + "\" has a prefix length outside 0 to " + bits);
      }
    }
    return new Range(network, prefix);
  }

  /** The client's address: {@code peer}, or what trusted proxies in front of it say in {@code forwardedFor}. */
  public String client(String peer, String forwardedFor) {
    if (forwardedFor == null || !trusted(peer)) {
      return peer;
    }
    String[] hops = forwardedFor.split(",");
    String client = peer;
    for (int i = hops.length - 1; i >= 0; i--) {
      String hop = hops[i].strip();
      if (hop.isEmpty()) {
        continue;
      }
      client = hop;
      if (!trusted(hop)) {
        break;
      }
    }
    return client;
  }

  private boolean trusted(String address) {
    byte[] bytes;
    try {
      bytes = InetAddress.ofLiteral(address).getAddress();
    } catch (IllegalArgumentException e) {
      return false;  // a name, or garbage: never a trusted proxy
    }
    for (Range r : ranges) {
      if (r.contains(bytes)) {
        return true;
      }
    }
    return false;
  }
}
