package dev.detour.api;

import jakarta.annotation.Priority;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;
import jakarta.ws.rs.GET;

/** A resource's GET asked again on fresh connections when the embedded database closed under it. */
@ReadsOutlastReopen
@Interceptor
@Priority(Interceptor.Priority.PLATFORM_BEFORE)
public class ReadsOutlastReopenInterceptor {

  @AroundInvoke
  Object read(InvocationContext call) throws Exception {
    if (!call.getMethod().isAnnotationPresent(GET.class)) {
      return call.proceed();
    }
    return ReadRetry.call(call.getMethod().getName(), call::proceed);
  }
}
