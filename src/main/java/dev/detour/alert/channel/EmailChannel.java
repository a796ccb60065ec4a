package dev.detour.alert.channel;

import io.quarkus.mailer.Mail;
import io.quarkus.mailer.reactive.ReactiveMailer;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.List;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * E-mail through Quarkus' mailer ({@code quarkus.mailer.*}: host, port, TLS, login, from): the
 * title as subject, the text as a plain-text body. SMTP failures are all tried again: a full
 * mailbox or a greylisting server gets better with time, and a wrong address runs out of attempts.
 */
public final class EmailChannel implements AlertChannel {

  /**
   * {@code type=email}: the recipients; the server is Quarkus' mailer ({@code quarkus.mailer.*}).
   */
  @Singleton
  public static final class Kind implements ChannelKind {

    private final Instance<ReactiveMailer> mailer;

    public Kind(Instance<ReactiveMailer> mailer) {
      this.mailer = mailer;
    }

    @Override
    public String type() {
      return "email";
    }

    @Override
    public List<String> keys() {
      return List.of("to");
    }

    @Override
    public AlertChannel build(ChannelSettings s) {
      if (s.to().isEmpty()) {
        throw new IllegalStateException(s.prefix() + "to: the recipients, e.g. me@example.org");
      }
      for (String address : s.to()) {
        if (!address.matches("[^@\\s]+@[^@\\s]+")) {
          throw new IllegalStateException(s.prefix() + "to: " + address + " is no e-mail address");
        }
      }
      Config config = ConfigProvider.getConfig();
      if (config.getOptionalValue("quarkus.mailer.from", String.class).isEmpty()) {
        throw new IllegalStateException(
            s.prefix()
                + "type=email needs the mail server: set quarkus.mailer.from, quarkus.mailer.host,"
                + " quarkus.mailer.port (and username, password, tls as the server wants)");
      }
      return new EmailChannel(
          mailer.get(),
          s.to(),
          s.timeout(),
          config.getOptionalValue("quarkus.mailer.password", String.class).orElse(null));
    }
  }

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
