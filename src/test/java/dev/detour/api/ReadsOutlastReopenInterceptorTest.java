package dev.detour.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.interceptor.InvocationContext;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

class ReadsOutlastReopenInterceptorTest {

  private final ReadsOutlastReopenInterceptor interceptor = new ReadsOutlastReopenInterceptor();
  private final AtomicInteger calls = new AtomicInteger();

  @GET
  String read() {
    return "read";
  }

  @POST
  String change() {
    return "change";
  }

  /** H2's failure as Hibernate hands it on: a closed database deep inside. */
  private static RuntimeException closed() {
    return new IllegalStateException(
        "could not execute statement",
        new SQLException("The database has been closed [90098-240]", "90098", 90098));
  }

  @Test
  void aReadIsAskedAgainWhileTheDatabaseReopens() throws Exception {
    Object answer = interceptor.read(call("read", n -> n <= 2 ? closed() : null));
    assertThat(answer).isEqualTo("read");
    assertThat(calls).hasValue(3);
  }

  @Test
  void aReadWhoseCommitWroteAnotherThreadsChangesIntoAFullDiskIsAskedAgain() throws Exception {
    RuntimeException writeFailed =
        new IllegalStateException(
            new SQLException(
                "General error: \"org.h2.mvstore.MVStoreException: Writing to detour.mv.db failed\"",
                "HY000",
                50000,
                new org.h2.mvstore.MVStoreException(
                    2, "Writing to detour.mv.db failed; length 24576 at 2289664")));
    assertThat(interceptor.read(call("read", n -> n == 1 ? writeFailed : null))).isEqualTo("read");
    assertThat(calls).hasValue(2);
  }

  @Test
  void aReadGivesUpAfterItsAttemptsWithTheDatabasesOwnFailure() {
    assertThatThrownBy(() -> interceptor.read(call("read", n -> closed())))
        .hasRootCauseMessage("The database has been closed [90098-240]");
    assertThat(calls).hasValue(ReadRetry.ATTEMPTS);
  }

  @Test
  void aChangeIsNeverAskedAgain() {
    assertThatThrownBy(() -> interceptor.read(call("change", n -> closed())))
        .isInstanceOf(IllegalStateException.class);
    assertThat(calls).hasValue(1);
  }

  @Test
  void aReadThatFailsForItsOwnReasonIsNotAskedAgain() {
    assertThatThrownBy(
            () ->
                interceptor.read(
                    call("read", n -> new IllegalArgumentException("no such group 'x'"))))
        .hasMessage("no such group 'x'");
    assertThat(calls).hasValue(1);
  }

  /** A call of {@code method} whose nth proceed throws what {@code failure} gives (null: none). */
  private InvocationContext call(String method, IntFunction<RuntimeException> failure)
      throws NoSuchMethodException {
    Method m = getClass().getDeclaredMethod(method);
    return new InvocationContext() {
      @Override
      public Object getTarget() {
        return ReadsOutlastReopenInterceptorTest.this;
      }

      @Override
      public Object getTimer() {
        return null;
      }

      @Override
      public Method getMethod() {
        return m;
      }

      @Override
      public Constructor<?> getConstructor() {
        return null;
      }

      @Override
      public Object[] getParameters() {
        return new Object[0];
      }

      @Override
      public void setParameters(Object[] params) {}

      @Override
      public Map<String, Object> getContextData() {
        return Map.of();
      }

      @Override
      public Object proceed() throws Exception {
        RuntimeException e = failure.apply(calls.incrementAndGet());
        if (e != null) {
          throw e;
        }
        return m.invoke(ReadsOutlastReopenInterceptorTest.this);
      }
    };
  }
}
