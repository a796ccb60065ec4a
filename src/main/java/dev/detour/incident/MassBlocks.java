package dev.detour.incident;

import dev.detour.verdict.BlockMethod;
import dev.detour.verdict.VerdictConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Groups blocks that come together. When {@code minWatches} watches turn blocked with the same
 * method within {@code window}, one mass-block incident is opened and their incidents become its
 * members; later blocks of that method join it while they keep coming within the window. One
 * message for a censor blocking a /16, not thousands.
 */
@ApplicationScoped
public class MassBlocks {

  private record Block(Instant at, long incident) {}

  private record Open(long incident, Instant last) {}

  private final int minWatches;
  private final Duration window;
  private final Incidents store;
  private final Map<BlockMethod, Deque<Block>> recent = new HashMap<>();
  private final Map<BlockMethod, Open> open = new HashMap<>();

  @Inject
  public MassBlocks(VerdictConfig config, Incidents store) {
    this(config.massBlockMinWatches(), config.massBlockWindow(), store);
  }

  MassBlocks(int minWatches, Duration window, Incidents store) {
    this.minWatches = minWatches;
    this.window = window;
    this.store = store;
  }

  /** A watch turned blocked: its incident joins or opens a mass block when it is one of many. */
  public synchronized void blocked(BlockMethod method, long incident, Instant at) {
    Open current = open.get(method);
    if (current != null && !current.last().plus(window).isBefore(at)) {
      store.join(current.incident(), method.label(), List.of(incident));
      open.put(method, new Open(current.incident(), at));
      return;
    }
    Deque<Block> blocks = recent.computeIfAbsent(method, m -> new ArrayDeque<>());
    blocks.addLast(new Block(at, incident));
    while (!blocks.isEmpty() && blocks.peekFirst().at().plus(window).isBefore(at)) {
      blocks.removeFirst();
    }
    if (blocks.size() >= minWatches) {
      long mass =
          store.massBlock(
              method.name(),
              method.label(),
              blocks.stream().map(Block::incident).toList(),
              blocks.peekFirst().at());
      open.put(method, new Open(mass, at));
      blocks.clear();
    }
  }
}
