package dev.detour.probe.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * One HTTP(S) request and what came of it: the stage reached and, with a response, its status,
 * Location, title, body length and selected headers; the timings of each step; and the block page
 * it matched, if any.
 *
 * @param serverName the name sent as Host (and SNI), or null
 * @param blockPage the name of the known block page the answer matched, or null
 * @param connectMillis time to the TCP handshake, -1 when it did not complete
 * @param tlsMillis time of the TLS handshake, -1 without TLS or when it failed
 * @param firstByteMillis from sending the request to the first byte of the answer, -1 if none
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HttpEvidence(
    String url,
    String address,
    String serverName,
    HttpStage stage,
    String error,
    Integer status,
    String location,
    String title,
    Integer bodyLength,
    Map<String, String> headers,
    String blockPage,
    long connectMillis,
    long tlsMillis,
    long firstByteMillis) {}
