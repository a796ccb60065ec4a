package dev.detour.verdict;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What both vantages saw of one address in one round, as the verdict rules read it: this host's
 * observation with the host's genuine packets learned from clean rounds, and the control vantage's
 * (absent without one). Rules derive their own views of a side once ({@link Side#view}).
 */
public final class Sight {

  /** One vantage's observation, and the views rules made of it this round. */
  public static final class Side {
    private final Observation observation;
    private final HostTemplate template;
    private final Map<Object, Object> views = new HashMap<>(4);

    Side(Observation observation, HostTemplate template) {
      this.observation = observation;
      this.template = template;
    }

    public Observation observation() {
      return observation;
    }

    /** The host's genuine packets as learned from clean rounds (none for the control). */
    public HostTemplate template() {
      return template;
    }

    /** A rule's view of this side, made once a round however many checks ask for it. */
    @SuppressWarnings("unchecked")
    public <T> T view(Object key, Function<Side, T> make) {
      Object made = views.get(key);
      if (made == null) {
        made = make.apply(this);
        views.put(key, made);
      }
      return (T) made;
    }
  }

  private final Side here;
  private final Side there;
  private final List<VerdictRule> rules;
  private final Thresholds thresholds;
  private Boolean worksHere;
  private Boolean worksThere;

  Sight(
      Observation local,
      Observation control,
      HostTemplate template,
      List<VerdictRule> rules,
      Thresholds thresholds) {
    this.here = new Side(local, template);
    this.there = control == null ? null : new Side(control, HostTemplate.NONE);
    this.rules = rules;
    this.thresholds = thresholds;
  }

  /** The numbers users tuned. */
  public Thresholds thresholds() {
    return thresholds;
  }

  public Side here() {
    return here;
  }

  /** The control vantage's side; null without one. */
  public Side there() {
    return there;
  }

  /** Whether a control vantage probed the address (and ran). */
  public boolean withControl() {
    return there != null;
  }

  /** Whether anything answers here, by any rule's evidence. */
  public boolean worksHere() {
    if (worksHere == null) {
      worksHere = works(here);
    }
    return worksHere;
  }

  /** Whether anything answers through the control vantage. */
  public boolean worksThere() {
    if (worksThere == null) {
      worksThere = there != null && works(there);
    }
    return worksThere;
  }

  private boolean works(Side side) {
    return rules.stream().anyMatch(r -> r.answers(side));
  }
}
