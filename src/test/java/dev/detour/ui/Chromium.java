package dev.detour.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Playwright;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

/**
 * Debian's Chromium driven by Playwright, headless, started inside a lab host's network namespace
 * (through a small wrapper, {@code ip netns exec}) so that it reaches Detour where Detour listens.
 * Playwright never downloads a browser here.
 */
public final class Chromium implements AutoCloseable {

  static final Path EXECUTABLE = Path.of("/usr/bin/chromium");

  private final Playwright playwright;
  private final Browser browser;
  private final Path wrapper;

  private Chromium(Playwright playwright, Browser browser, Path wrapper) {
    this.playwright = playwright;
    this.browser = browser;
    this.wrapper = wrapper;
  }

  /** Starts the browser in {@code namespace} (or this one, if null). */
  public static Chromium start(String namespace) throws IOException {
    assertThat(EXECUTABLE)
        .as("Debian's chromium (apt-get install chromium; .ci/prepare does it as root)")
        .exists();
    Path wrapper = null;
    Path executable = EXECUTABLE;
    if (namespace != null) {
      wrapper = Files.createTempFile("chromium-in-" + namespace + "-", ".sh");
      Files.writeString(
          wrapper, "#!/bin/sh\nexec ip netns exec " + namespace + " " + EXECUTABLE + " \"$@\"\n");
      Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwx------"));
      executable = wrapper;
    }
    Playwright playwright =
        Playwright.create(
            new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
    try {
      Browser browser =
          playwright
              .chromium()
              .launch(
                  new BrowserType.LaunchOptions()
                      .setExecutablePath(executable)
                      .setHeadless(true)
                      .setArgs(
                          List.of(
                              "--no-sandbox",
                              "--disable-gpu",
                              "--disable-quic",
                              "--no-first-run",
                              "--disable-background-networking",
                              "--disable-component-update",
                              "--disable-sync",
                              "--disable-dev-shm-usage")));
      return new Chromium(playwright, browser, wrapper);
    } catch (RuntimeException e) {
      playwright.close();
      throw e;
    }
  }

  public Browser browser() {
    return browser;
  }

  @Override
  public void close() throws IOException {
    try {
      browser.close();
    } finally {
      playwright.close();
      if (wrapper != null) {
        Files.deleteIfExists(wrapper);
      }
    }
  }
}
