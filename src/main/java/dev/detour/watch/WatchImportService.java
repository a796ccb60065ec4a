package dev.detour.watch;

import dev.detour.api.FieldError;
import dev.detour.api.ProblemException;
import dev.detour.probe.ProbeKind;
import dev.detour.targets.InvalidTargetException;
import dev.detour.targets.ParsedTarget;
import dev.detour.targets.Target;
import dev.detour.targets.TargetKind;
import dev.detour.targets.TargetParser;
import dev.detour.watch.io.FormatDetector;
import dev.detour.watch.io.ImportInput;
import dev.detour.watch.io.LimitedInputStream;
import dev.detour.watch.io.ListEntry;
import dev.detour.watch.io.ListFormat;
import dev.detour.watch.io.ListSink;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;
import org.jboss.logging.Logger;

/**
 * Imports lists of targets. The whole upload is read and checked before anything is written, and it
 * is written in one transaction: a strict import with a bad line stores nothing, and a failure
 * half-way leaves the watch lists as they were.
 */
@ApplicationScoped
public class WatchImportService {

  /** How a strict import's refusal tells API users to keep the good lines; pages say their own. */
  public static final String SKIP_INVALID_HINT =
      "pass ?mode=skip-invalid to import the valid lines only";

  private static final Logger LOG = Logger.getLogger(WatchImportService.class);
  private static final int FLUSH_EVERY = 1000;
  private static final int MAX_WARNINGS = 1000;

  public enum Mode {
    STRICT("strict"),
    SKIP_INVALID("skip-invalid");

    final String label;

    Mode(String label) {
      this.label = label;
    }

    public static Mode of(String label) {
      for (Mode mode : values()) {
        if (mode.label.equalsIgnoreCase(label.strip())) {
          return mode;
        }
      }
      return null;
    }
  }

  /**
   * @param format null to detect it
   * @param group the group of entries whose line names none (a RouterOS comment names its own)
   * @param tags added to every imported entry
   * @param charset the charset the client declared, or null
   * @param replace also delete the watches of the imported groups that the list no longer has
   * @param dryRun report what would happen and store nothing
   * @param disabled add the new watches disabled (a long list to look through before probing it)
   * @param declaredLength the upload's Content-Length, or null when it streams without one
   */
  public record Options(
      Long declaredLength,
      ListFormat format,
      String group,
      Mode mode,
      Set<String> tags,
      Charset charset,
      boolean replace,
      boolean dryRun,
      boolean disabled) {}

  private record Pending(
      String group,
      Target target,
      List<Integer> ports,
      Set<ProbeKind> probes,
      SortedSet<String> tags,
      String note,
      boolean enabled) {}

  private final TargetParser parser;
  private final WatchRules rules;
  private final GroupService groups;
  private final EntityManager em;
  private final ImportConfig config;

  public WatchImportService(
      TargetParser parser,
      WatchRules rules,
      GroupService groups,
      EntityManager em,
      ImportConfig config) {
    this.parser = parser;
    this.rules = rules;
    this.groups = groups;
    this.em = em;
    this.config = config;
  }

  public ImportReport importList(InputStream body, Options options) {
    long started = System.nanoTime();
    List<FieldError> optionErrors = new ArrayList<>();
    String defaultGroup =
        options.group() == null ? null : rules.groupName(options.group(), "group", optionErrors);
    SortedSet<String> extraTags = rules.tags(options.tags(), "tag", optionErrors);
    if (!optionErrors.isEmpty()) {
      throw ProblemException.invalid("Invalid import options", optionErrors);
    }

    long limit = config.maxBytes();
    if (options.declaredLength() != null && options.declaredLength() > limit) {
      throw tooLarge("the upload has " + options.declaredLength() + " bytes", limit);
    }
    LimitedInputStream limited = new LimitedInputStream(body, limit);
    Collector collector = new Collector(defaultGroup, extraTags);
    ListFormat format = options.format();
    ImportInput input;
    boolean gzipped = false;
    try {
      BufferedInputStream buffered = new BufferedInputStream(limited, 64 * 1024);
      byte[] head = peek(buffered);
      if (FormatDetector.gzip(head)) {
        // A compressed list is read as it is; the limit holds for what it unpacks to.
        gzipped = true;
        buffered =
            new BufferedInputStream(
                new LimitedInputStream(new GZIPInputStream(buffered, 64 * 1024), limit), 64 * 1024);
        head = peek(buffered);
      }
      String binary = FormatDetector.binary(head);
      if (binary != null) {
        throw ProblemException.invalidField(
            "Not a list",
            "body",
            "the upload is "
                + binary
                + (gzipped ? " inside gzip" : "")
                + ", not a list of targets: unpack it and upload the list inside (one target per"
                + " line, or a file in one of "
                + ListFormat.allNames()
                + "; a .gz is read as it is)");
      }
      if (format == null) {
        format = FormatDetector.detect(buffered);
      }
      collector.format = format;
      input = new ImportInput(buffered, options.charset());
      format.reader().read(input, collector);
    } catch (LimitedInputStream.TooLarge e) {
      throw tooLarge(
          gzipped ? "the list unpacks to more than that" : "the upload is larger than that",
          e.limit());
    } catch (java.util.zip.ZipException | java.io.EOFException e) {
      throw ProblemException.invalidField(
          "Not a list",
          "body",
          "the upload starts as gzip but does not unpack ("
              + e.getMessage()
              + "): send the whole file again, or the list uncompressed");
    } catch (IOException e) {
      throw new UncheckedIOException("reading the upload failed", e);
    }
    int lines = Math.max(input.lines(), collector.lastLine);

    if (collector.pending.isEmpty() && collector.invalid.isEmpty()) {
      throw ProblemException.invalidField(
          "Empty import",
          "body",
          "the upload holds no entries ("
              + lines
              + " lines read as "
              + format.label()
              + "): send one target per line, or the file in one of "
              + ListFormat.allNames());
    }
    long invalidCount = collector.invalidCount;
    List<FieldError> invalidShown = collector.invalid;
    if (invalidCount > 0 && options.mode() == Mode.STRICT) {
      throw new ProblemException(
          422,
          "import-invalid",
          "Import refused",
          invalidCount
              + " of "
              + lines
              + " lines are invalid, so nothing was imported; fix them, or "
              + SKIP_INVALID_HINT
              + ". First: line "
              + collector.invalid.get(0).line()
              + ": "
              + collector.invalid.get(0).message(),
          invalidShown,
          invalidCount);
    }

    Written written;
    try {
      written =
          QuarkusTransaction.requiringNew()
              .call(
                  () -> {
                    Written w = write(collector.pending, options.replace(), options.disabled());
                    if (options.dryRun()) {
                      throw new DryRun(w);
                    }
                    return w;
                  });
    } catch (DryRun dryRun) {
      written = dryRun.written;
    }
    long elapsed = (System.nanoTime() - started) / 1_000_000;
    LOG.infof(
        "Import (%s%s): %d lines, %d created, %d existing, %d removed, %d invalid in %d ms",
        format.label(),
        options.dryRun() ? ", dry run" : "",
        lines,
        written.created,
        written.existing,
        written.removed,
        invalidCount,
        elapsed);
    return new ImportReport(
        format.label() + (gzipped ? "+gzip" : ""),
        options.mode().label,
        options.dryRun(),
        lines,
        collector.pending.size(),
        written.created,
        written.existing,
        collector.duplicates,
        written.removed,
        invalidCount,
        invalidShown.isEmpty() ? null : List.copyOf(invalidShown),
        collector.warningCount,
        collector.warnings.isEmpty() ? null : collector.warnings,
        written.groupsCreated.isEmpty() ? null : written.groupsCreated,
        elapsed);
  }

  /** The first bytes of the upload, left to be read again. */
  private static byte[] peek(BufferedInputStream in) throws IOException {
    in.mark(FormatDetector.PEEK);
    byte[] head = in.readNBytes(FormatDetector.PEEK);
    in.reset();
    return head;
  }

  /** Thrown to roll a dry run back, carrying what it would have done. */
  private static final class DryRun extends RuntimeException {
    final transient Written written;

    DryRun(Written written) {
      super(null, null, false, false);
      this.written = written;
    }
  }

  private static final class Written {
    int created;
    int existing;
    int removed;
    final List<String> groupsCreated = new ArrayList<>();
  }

  private Written write(List<Pending> pending, boolean replace, boolean disabled) {
    Written written = new Written();
    Map<String, List<Pending>> byGroup = new LinkedHashMap<>();
    for (Pending p : pending) {
      byGroup.computeIfAbsent(p.group(), g -> new ArrayList<>()).add(p);
    }
    Instant now = Instant.now();
    int sinceFlush = 0;
    for (Map.Entry<String, List<Pending>> entry : byGroup.entrySet()) {
      Long groupId = groups.findOrCreate(entry.getKey(), written.groupsCreated).id;
      Map<String, Long> existing = new HashMap<>();
      em.createQuery("select w.target, w.id from Watch w where w.group.id = :g", Object[].class)
          .setParameter("g", groupId)
          .getResultStream()
          .forEach(row -> existing.put((String) row[0], (Long) row[1]));
      Set<String> listed = new HashSet<>();
      for (Pending p : entry.getValue()) {
        listed.add(p.target().value());
        if (existing.containsKey(p.target().value())) {
          written.existing++;
          continue;
        }
        Watch watch = new Watch();
        watch.group = em.getReference(WatchGroup.class, groupId);
        watch.target = p.target().value();
        watch.kind = p.target().kind();
        watch.ports = p.ports();
        watch.probes = p.probes();
        watch.tags = p.tags();
        watch.note = p.note();
        watch.enabled = p.enabled() && !disabled;
        watch.createdAt = watch.updatedAt = now;
        em.persist(watch);
        written.created++;
        if (++sinceFlush == FLUSH_EVERY) {
          em.flush();
          em.clear();
          sinceFlush = 0;
        }
      }
      if (replace) {
        List<Long> stale =
            existing.entrySet().stream()
                .filter(e -> !listed.contains(e.getKey()))
                .map(Map.Entry::getValue)
                .toList();
        for (int i = 0; i < stale.size(); i += FLUSH_EVERY) {
          written.removed +=
              em.createQuery("delete from Watch w where w.id in :ids")
                  .setParameter("ids", stale.subList(i, Math.min(stale.size(), i + FLUSH_EVERY)))
                  .executeUpdate();
        }
      }
    }
    em.flush();
    return written;
  }

  /** Validates each entry as the reader yields it; keeps the good ones and every bad line. */
  private final class Collector implements ListSink {
    final String defaultGroup;
    final SortedSet<String> extraTags;
    ListFormat format;
    final List<Pending> pending = new ArrayList<>();
    final List<FieldError> invalid = new ArrayList<>();
    long invalidCount;
    final List<FieldError> warnings = new ArrayList<>();
    final Map<String, Integer> firstLine = new HashMap<>();
    long warningCount;
    int duplicates;
    int lastLine;

    Collector(String defaultGroup, SortedSet<String> extraTags) {
      this.defaultGroup = defaultGroup;
      this.extraTags = extraTags;
    }

    @Override
    public void entry(ListEntry entry) {
      int line = entry.line();
      lastLine = Math.max(lastLine, line);
      String group = defaultGroup;
      if (entry.group() != null) {
        group = WatchRules.slug(entry.group());
        if (group == null) {
          invalid(line, entry.target(), "'" + entry.group() + "' gives no usable group name");
          return;
        }
        if (!group.equals(entry.group())) {
          warning(line, "'" + entry.group() + "' is imported as group '" + group + "'");
        }
      }
      if (group == null) {
        invalid(
            line,
            entry.target(),
            "no group for this entry: pass ?group=NAME (a RouterOS route names its group in its"
                + " comment)");
        return;
      }
      ParsedTarget parsed;
      try {
        parsed = parser.parse(entry.target());
      } catch (InvalidTargetException e) {
        invalid(line, entry.target(), e.getMessage());
        return;
      }
      if (format.addressesOnly() && parsed.target().kind() == TargetKind.HOST) {
        invalid(
            line,
            entry.target(),
            format.label() + " lists hold addresses and prefixes only; import host names as plain");
        return;
      }
      List<FieldError> errors = new ArrayList<>(0);
      List<Integer> ports = rules.ports(entry.ports(), "ports", errors);
      Set<ProbeKind> probes = rules.probes(entry.probes(), "probes", errors);
      SortedSet<String> tags = new TreeSet<>(rules.tags(entry.tags(), "tags", errors));
      String note = rules.note(entry.note(), "note", errors);
      if (!errors.isEmpty()) {
        FieldError e = errors.get(0);
        invalid(line, entry.target(), e.field() + ": " + e.message());
        return;
      }
      tags.addAll(extraTags);
      String key = group + ' ' + parsed.target().value();
      Integer seen = firstLine.putIfAbsent(key, line);
      if (seen != null) {
        duplicates++;
        if (!format.repeatsExpected()) {
          warning(
              line,
              parsed.target().value()
                  + " is listed again (first on line "
                  + seen
                  + "); imported once");
        }
        return;
      }
      for (String w : parsed.warnings()) {
        warning(line, w);
      }
      pending.add(
          new Pending(
              group,
              parsed.target(),
              ports,
              probes,
              tags,
              note,
              entry.enabled() == null || entry.enabled()));
    }

    @Override
    public void invalid(int line, String text, String reason) {
      lastLine = Math.max(lastLine, line);
      invalidCount++;
      if (invalid.size() < config.maxReportedErrors()) {
        invalid.add(FieldError.line(line, abbreviate(text), reason));
      }
    }

    @Override
    public void warning(int line, String message) {
      warningCount++;
      if (warnings.size() < MAX_WARNINGS) {
        warnings.add(FieldError.line(line, null, message));
      }
    }

    private static String abbreviate(String text) {
      if (text == null) {
        return null;
      }
      return text.length() <= 200 ? text : text.substring(0, 200) + "…";
    }
  }

  /** Refused before anything is stored, whether the size was declared or found while reading. */
  private static ProblemException tooLarge(String found, long limit) {
    return new ProblemException(
        413,
        "too-large",
        "Import too large",
        found
            + "; Detour accepts at most "
            + limit
            + " bytes (detour.import.max-bytes): split the list or raise the limit",
        List.of(),
        0);
  }
}
