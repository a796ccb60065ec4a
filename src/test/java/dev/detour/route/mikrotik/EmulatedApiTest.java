package dev.detour.route.mikrotik;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The emulated API server's sentences, word for word, against what the RouterOS API manual says a
 * router sends: {@code !empty} from 7.18 on, {@code .tag} on every reply to a tagged command,
 * {@code =category=} on traps, one {@code !trap} per failed item, {@code .about} notes and the
 * query words.
 */
class EmulatedApiTest {

  private final RouterOsEmulator router = new RouterOsEmulator();
  private Socket socket;
  private InputStream in;
  private OutputStream out;

  @AfterEach
  void close() throws IOException {
    if (socket != null) {
      socket.close();
    }
    router.close();
  }

  private void login() throws IOException {
    socket = new Socket(InetAddress.getLoopbackAddress(), router.apiPort());
    socket.setSoTimeout(5_000);
    in = new BufferedInputStream(socket.getInputStream());
    out = new BufferedOutputStream(socket.getOutputStream());
    assertThat(
            talk(
                "/login",
                "=name=" + RouterOsEmulator.USER,
                "=password=" + RouterOsEmulator.PASSWORD))
        .containsExactly(List.of("!done"));
  }

  /** Sends one command and reads its reply up to and including {@code !done}. */
  private List<List<String>> talk(String... words) throws IOException {
    ApiConnection.writeSentence(out, List.of(words));
    out.flush();
    List<List<String>> reply = new ArrayList<>();
    while (true) {
      List<String> sentence = ApiConnection.readSentence(in, new ApiConnection.Budget(1 << 20));
      reply.add(sentence);
      if (sentence.get(0).equals("!done")) {
        return reply;
      }
    }
  }

  private static List<String> firstWords(List<List<String>> reply) {
    return reply.stream().map(s -> s.get(0)).toList();
  }

  @Test
  void fromRouterOs718APrintThatFindsNothingAnswersEmptyThenDone() throws IOException {
    router.resource("7.18.2 (stable)", "CHR");
    login();

    assertThat(talk("/ip/route/print", "?comment=nothing has this"))
        .containsExactly(List.of("!empty"), List.of("!done"));
    assertThat(firstWords(talk("/ip/route/print", "?dst-address=0.0.0.0/0")))
        .containsExactly("!re", "!done");
  }

  @Test
  void beforeRouterOs718APrintThatFindsNothingIsOnlyDone() throws IOException {
    router.resource("7.17.2 (stable)", "CHR");
    login();

    assertThat(talk("/ip/route/print", "?comment=nothing has this"))
        .containsExactly(List.of("!done"));
  }

  @Test
  void everyReplyToATaggedCommandEndsWithItsTag() throws IOException {
    router.resource("7.19.1 (stable)", "CHR");
    login();

    List<List<String>> print = talk("/ip/route/print", "?dynamic=true", ".tag=print-1");
    assertThat(print).hasSize(3).allSatisfy(s -> assertThat(s).last().isEqualTo(".tag=print-1"));
    assertThat(talk("/ip/route/print", "?comment=none", ".tag=9"))
        .containsExactly(List.of("!empty", ".tag=9"), List.of("!done", ".tag=9"));
    assertThat(talk("/ip/route/remove", "=.id=*FFF", ".tag=x"))
        .containsExactly(
            List.of("!trap", "=category=0", "=message=no such item", ".tag=x"),
            List.of("!done", ".tag=x"));
    assertThat(talk("/ip/route/print", "?comment=none"))
        .containsExactly(List.of("!empty"), List.of("!done"));
  }

  @Test
  void trapsCarryTheManualsCategoryWhereOneFits() throws IOException {
    login();

    assertThat(talk("/ip/route/remove", "=.id=*FFF").get(0))
        .containsExactly("!trap", "=category=0", "=message=no such item");
    assertThat(talk("/ip/route/frobnicate").get(0))
        .containsExactly("!trap", "=category=0", "=message=no such command");
    assertThat(talk("/ip/route/add", "=dst-address=10.0.0.300/8", "=gateway=gre-tunnel1").get(0))
        .containsExactly("!trap", "=category=1", "=message=invalid value for argument dst-address");
    talk("/ip/route/add", "=dst-address=10.0.0.0/8", "=gateway=gre-tunnel1");
    assertThat(talk("/ip/route/add", "=dst-address=10.0.0.0/8", "=gateway=gre-tunnel1").get(0))
        .containsExactly("!trap", "=message=failure: already have such route");
  }

  @Test
  void aChangeToSeveralIdsTrapsOnceForEachThatFails() throws IOException {
    login();
    String id =
        talk("/ip/route/add", "=dst-address=10.0.0.0/8", "=gateway=gre-tunnel1")
            .get(0)
            .get(1)
            .substring("=ret=".length());

    assertThat(talk("/ip/route/remove", "=.id=*FFE," + id + ",*FFF"))
        .containsExactly(
            List.of("!trap", "=category=0", "=message=no such item"),
            List.of("!trap", "=category=0", "=message=no such item"),
            List.of("!done"));
    assertThat(router.route("10.0.0.0/8")).isNull();
  }

  @Test
  void anAboutNoteIsShownWhateverTheProplist() throws IOException {
    router.put(
        "ip/route",
        "dst-address",
        "10.9.0.0/16",
        "gateway",
        "192.0.2.1",
        "routing-table",
        "main",
        ".about",
        "gateway is unreachable");
    login();

    assertThat(talk("/ip/route/print", "=.proplist=dst-address", "?dst-address=10.9.0.0/16"))
        .containsExactly(
            List.of("!re", "=dst-address=10.9.0.0/16", "=.about=gateway is unreachable"),
            List.of("!done"));
  }

  @Test
  void queriesAreTheManualsStackOfBooleans() throws IOException {
    login();

    // The manual's own example: every ethernet and VLAN interface (here: ether and bridge).
    assertThat(
            names(
                talk("/interface/print", "=.proplist=name", "?type=ether", "?type=bridge", "?#|")))
        .containsExactly("ether1", "bridge");
    assertThat(
            names(
                talk("/interface/print", "=.proplist=name", "?type=ether", "?type=bridge", "?#|!")))
        .containsExactly("gre-tunnel1");
    assertThat(names(talk("/interface/print", "=.proplist=name", "?-type"))).isEmpty();
    assertThat(names(talk("/interface/print", "=.proplist=name", "?>name=c", "?<name=f")))
        .containsExactly("ether1");
  }

  @Test
  void asRouterOs6QueriesSeeTheRoutingMark() throws IOException {
    router.resource("6.49.10 (long-term)", "RB951Ui-2HnD").routingTable("detour");
    login();
    talk(
        "/ip/route/add",
        "=dst-address=10.1.0.0/16",
        "=gateway=gre-tunnel1",
        "=routing-mark=detour");

    assertThat(firstWords(talk("/ip/route/print", "?routing-mark=detour")))
        .containsExactly("!re", "!done");
    assertThat(firstWords(talk("/ip/route/print", "?routing-table"))).containsExactly("!done");
  }

  private static List<String> names(List<List<String>> reply) {
    return reply.stream()
        .filter(s -> s.get(0).equals("!re"))
        .map(s -> s.get(1).substring("=name=".length()))
        .toList();
  }
}
