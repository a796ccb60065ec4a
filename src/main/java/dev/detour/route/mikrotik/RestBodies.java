package dev.detour.route.mikrotik;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import dev.detour.route.RouterException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/** How {@link MikrotikRestBackend} reads RouterOS's answers: capped, and parsed as they arrive. */
final class RestBodies {

  private static final JsonFactory JSON = new JsonFactory();

  private RestBodies() {}

  private static RouterException protocol(String router, String message) {
    return new RouterException(RouterException.Kind.PROTOCOL, router + ": " + message);
  }

  /**
   * RouterOS's JSON read as it comes: an array of objects (a print) or one object, each value a
   * string (or null, left out), each object handed to the sink when it closes. Fed in pieces by
   * Jackson's non-blocking parser, so nothing but the object being read is held.
   */
  static final class Rows {

    private final JsonParser parser;
    private final ByteArrayFeeder feeder;
    private final RouterOsBackend.RowSink sink;
    private boolean array;
    private boolean finished;
    private Map<String, String> object;
    private String field;

    private final String router;

    Rows(RouterOsBackend.RowSink sink, String router) {
      this.sink = sink;
      this.router = router;
      try {
        this.parser = JSON.createNonBlockingByteArrayParser();
      } catch (IOException e) {
        throw new IllegalStateException("Jackson makes a non-blocking parser without input", e);
      }
      this.feeder = (ByteArrayFeeder) parser.getNonBlockingInputFeeder();
    }

    void feed(byte[] bytes, int from, int to) throws RouterException {
      try {
        feeder.feedInput(bytes, from, to);
        tokens();
      } catch (JsonProcessingException e) {
        throw protocol(router, "malformed JSON: " + e.getOriginalMessage());
      } catch (IOException e) {
        throw protocol(router, "unreadable JSON: " + e.getMessage());
      }
    }

    void end() throws RouterException {
      feeder.endOfInput();
      try {
        tokens();
      } catch (JsonProcessingException e) {
        throw protocol(router, "malformed JSON: " + e.getOriginalMessage());
      } catch (IOException e) {
        throw protocol(router, "unreadable JSON: " + e.getMessage());
      }
      if (!finished) {
        throw protocol(router, "malformed JSON: the answer ends early");
      }
    }

    private void tokens() throws IOException, RouterException {
      JsonToken token;
      while ((token = parser.nextToken()) != null && token != JsonToken.NOT_AVAILABLE) {
        if (finished) {
          throw new JsonParseException(parser, "more after the end");
        }
        if (object != null) {
          inObject(token);
        } else if (token == JsonToken.START_OBJECT) {
          object = new HashMap<>();
        } else if (token == JsonToken.START_ARRAY && !array) {
          array = true;
        } else if (token == JsonToken.END_ARRAY && array) {
          finished = true;
        } else {
          throw new JsonParseException(
              parser, array ? "expected an object in the array" : "expected an array or an object");
        }
      }
    }

    private void inObject(JsonToken token) throws IOException, RouterException {
      if (token == JsonToken.FIELD_NAME) {
        field = parser.currentName();
      } else if (token == JsonToken.END_OBJECT) {
        Map<String, String> done = object;
        object = null;
        finished = !array;
        sink.accept(done);
      } else if (token.isScalarValue()) {
        if (token != JsonToken.VALUE_NULL) {
          object.put(field, parser.getText());
        }
      } else {
        throw new JsonParseException(parser, "the value of " + field + " is no string");
      }
    }
  }

  /** An answer larger than its cap. */
  static final class TooLarge extends IOException {
    TooLarge(int cap) {
      super("answer larger than " + cap + " bytes");
    }
  }

  /**
   * Reads a body up to {@code cap} bytes, a piece at a time, and gives up past it without reading
   * the rest; completes with what {@link #finish} makes of it, or with the first failure.
   */
  abstract static class CappedSubscriber implements HttpResponse.BodySubscriber<byte[]> {

    private final int cap;
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private final byte[] chunk = new byte[64 << 10];
    private Flow.Subscription subscription;
    private long read;

    CappedSubscriber(int cap) {
      this.cap = cap;
    }

    /** Takes the next {@code n} bytes of the body. */
    abstract void take(byte[] bytes, int n) throws RouterException;

    /** The body's result once it has all come. */
    abstract byte[] finish() throws RouterException;

    @Override
    public CompletionStage<byte[]> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      this.subscription = subscription;
      subscription.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
      if (result.isDone()) {
        return;
      }
      try {
        for (ByteBuffer buffer : buffers) {
          read += buffer.remaining();
          if (read > cap) {
            fail(new TooLarge(cap));
            return;
          }
          while (buffer.hasRemaining()) {
            int n = Math.min(chunk.length, buffer.remaining());
            buffer.get(chunk, 0, n);
            take(chunk, n);
          }
        }
      } catch (RouterException e) {
        fail(e);
        return;
      }
      subscription.request(1);
    }

    private void fail(Exception failure) {
      subscription.cancel();
      result.completeExceptionally(failure);
    }

    @Override
    public void onError(Throwable failure) {
      result.completeExceptionally(failure);
    }

    @Override
    public void onComplete() {
      if (result.isDone()) {
        return;
      }
      try {
        result.complete(finish());
      } catch (RouterException e) {
        result.completeExceptionally(e);
      }
    }
  }

  /** Collects a body whole: a single entry, an error object. */
  static final class CappedBody extends CappedSubscriber {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    CappedBody(int cap) {
      super(cap);
    }

    @Override
    void take(byte[] chunk, int n) {
      bytes.write(chunk, 0, n);
    }

    @Override
    byte[] finish() {
      return bytes.toByteArray();
    }
  }

  /**
   * Parses a body as it arrives ({@link Rows}), handing each object to the sink: a list is never
   * held whole. Completes with nothing; a malformed answer or a row the sink refused fails it.
   */
  static final class StreamedRows extends CappedSubscriber {

    private final Rows rows;

    StreamedRows(int cap, RouterOsBackend.RowSink sink, String router) {
      super(cap);
      this.rows = new Rows(sink, router);
    }

    @Override
    void take(byte[] chunk, int n) throws RouterException {
      rows.feed(chunk, 0, n);
    }

    @Override
    byte[] finish() throws RouterException {
      rows.end();
      return new byte[0];
    }
  }
}
