package dev.detour.route.mikrotik;

import dev.detour.route.RouterException;
import dev.detour.route.RouterSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A RouterOS router over its API protocol ({@code api} on port 8728, {@code api-ssl} on 8729 with
 * {@code tls}; the api-ssl service needs a certificate, as Java has no anonymous TLS). RouterOS 6
 * and 7 both speak it, but name a route's table differently ({@link #routerOs6}): the major version
 * is read from {@code /system/resource} once per connection, as an upgrade reboots the router.
 *
 * <p>One connection, made and logged into on the first call and kept; a failure that leaves it in
 * doubt (a timeout, the router closing it, a malformed reply) drops it and the next call connects
 * again. A refused command ({@code !trap}) keeps it.
 */
public final class MikrotikApiBackend extends RouterOsBackend {

  private ApiConnection connection;

  /** The major version of the router behind {@link #connection}, once asked. */
  private Integer major;

  public MikrotikApiBackend(RouterSettings settings) {
    super(settings);
  }

  @Override
  boolean routerOs6() throws RouterException {
    if (major == null) {
      major = major(release(resource()));
    }
    return major < 7;
  }

  @Override
  void print(String menu, List<String> proplist, Map<String, String> query, int cap, RowSink rows)
      throws RouterException {
    List<String> sentence = new ArrayList<>();
    sentence.add("/" + menu + "/print");
    sentence.add("=.proplist=" + String.join(",", proplist));
    query.forEach((k, v) -> sentence.add("?" + k + "=" + v));
    talk(sentence, cap, rows);
  }

  @Override
  Map<String, String> addEntry(String menu, Map<String, String> attributes) throws RouterException {
    List<String> sentence = new ArrayList<>();
    sentence.add("/" + menu + "/add");
    attributes.forEach((k, v) -> sentence.add("=" + k + "=" + v));
    String id = talk(sentence, ANSWER_CAP, row -> {}).get("ret");
    return id == null ? Map.of() : Map.of(".id", id);
  }

  @Override
  Map<String, String> entry(String menu, String id, List<String> proplist) throws RouterException {
    List<Map<String, String>> rows = new ArrayList<>();
    print(menu, proplist, Map.of(".id", id), ANSWER_CAP, rows::add);
    return rows.isEmpty() ? null : rows.get(0);
  }

  @Override
  void removeEntry(String menu, String id) throws RouterException {
    talk(List.of("/" + menu + "/remove", "=.id=" + id), ANSWER_CAP, row -> {});
  }

  @Override
  void setEntry(String menu, String id, Map<String, String> attributes) throws RouterException {
    List<String> sentence = new ArrayList<>();
    sentence.add("/" + menu + "/set");
    sentence.add("=.id=" + id);
    attributes.forEach((k, v) -> sentence.add("=" + k + "=" + v));
    talk(sentence, ANSWER_CAP, row -> {});
  }

  @Override
  void unsetEntry(String menu, String id, String attribute) throws RouterException {
    talk(
        List.of("/" + menu + "/unset", "=.id=" + id, "=value-name=" + attribute),
        ANSWER_CAP,
        row -> {});
  }

  @Override
  public synchronized void close() {
    if (connection != null) {
      connection.close();
      connection = null;
    }
  }

  private Map<String, String> talk(List<String> sentence, int cap, RowSink rows)
      throws RouterException {
    if (connection == null) {
      connection = ApiConnection.open(settings);
      major = null;
    }
    try {
      return connection.command(sentence, cap, rows);
    } finally {
      if (connection.isClosed()) {
        connection = null;
      }
    }
  }
}
