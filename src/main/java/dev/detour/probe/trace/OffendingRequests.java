package dev.detour.probe.trace;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/** The first bytes a browser sends on a connection, as a censor reading requests sees them. */
public final class OffendingRequests {

  private OffendingRequests() {}

  public static byte[] httpGet(String host, String path) {
    return ("GET "
            + path
            + " HTTP/1.1\r\nHost: "
            + host
            + "\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64) Detour\r\nAccept: */*\r\n\r\n")
        .getBytes(StandardCharsets.ISO_8859_1);
  }

  /** A real TLS ClientHello naming {@code host} in SNI, from the JDK's own TLS engine. */
  public static byte[] clientHello(String host) {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, null, null);
      SSLEngine engine = context.createSSLEngine(host, 443);
      engine.setUseClientMode(true);
      SSLParameters parameters = engine.getSSLParameters();
      parameters.setServerNames(List.of(new SNIHostName(host)));
      engine.setSSLParameters(parameters);
      ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
      engine.wrap(ByteBuffer.allocate(0), out);
      out.flip();
      return Arrays.copyOf(out.array(), out.limit());
    } catch (SSLException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot build a ClientHello for " + host, e);
    }
  }
}
