package dev.detour.testing;

import java.io.ByteArrayInputStream;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/** A POST whose body has no declared length: HTTP/1.1 sends it chunked. */
public final class Chunked {

  private Chunked() {}

  /** POSTs {@code json} chunked to {@code url} with the given header pairs. */
  public static HttpResponse<String> post(URL url, String json, String... headers)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(url.toURI())
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofInputStream(
                    () -> new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8))));
    for (int i = 0; i + 1 < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .build()
        .send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
