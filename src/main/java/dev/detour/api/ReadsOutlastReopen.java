package dev.detour.api;

import jakarta.interceptor.InterceptorBinding;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * On a resource class: its GET methods are asked again, a few times, when the embedded database was
 * closed under them by another thread's write that failed (a full disk). H2 closes the whole
 * database on a write it cannot make — a background job's lock, Quartz's check-in, a round — and
 * every connection dies with it, the readers' included, although a new connection opens the file
 * again and reads at once. Changes are never asked again: a refused change is the client's to see.
 */
@InterceptorBinding
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface ReadsOutlastReopen {}
