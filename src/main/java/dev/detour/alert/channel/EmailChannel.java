package dev.detour.alert.channel;

import io.quarkus.mailer.Mail;
import io.quarkus.mailer.reactive.ReactiveMailer;
import java.time.Duration;
import java.util.List;

/**
 * E-mail through Quarkus' mailer ({@code quarkus.mailer.*}: host, port, TLS, login, from): the
 * title as subject, the text as a plain-text body. SMTP failures are all tried again: a full
 * mailbox or a greylisting server gets better with time, and a wrong address runs out of attempts.
 */
public final class EmailChannel implements AlertChannel {

  private final ReactiveMailer mailer;
  private final List<String> to;
  private final Duration timeout;
  private final String password;

  /**
   * @param password the mail server's ({@code quarkus.mailer.password}), or null: masked in errors
   */
  public EmailChannel(ReactiveMailer mailer, List<String> to, Duration timeout, String password) {
    this.mailer = mailer;
    this.to = List.copyOf(to);
    this.timeout = timeout;
    this.password = password;
  }

  @Override
  public void send(Message m) throws DeliveryException {
    Mail mail = new Mail().setSubject(m.title()).setText(m.text()).setTo(to);
    mail.addHeader("X-Detour-Delivery", String.valueOf(m.id()));
    try {
      mailer.send(mail).await().atMost(timeout);
    } catch (RuntimeException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw DeliveryException.retry("SMTP: " + cause.getMessage());
    }
  }

  @Override
  public String destination() {
    return String.join(", ", to);
  }

  @Override
  public java.util.Collection<String> secrets() {
    return password == null ? List.of() : List.of(password);
  }
}
