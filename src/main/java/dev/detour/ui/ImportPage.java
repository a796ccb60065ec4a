package dev.detour.ui;

import dev.detour.api.FieldError;
import dev.detour.api.Problem;
import dev.detour.api.ProblemException;
import dev.detour.api.ReadsOutlastReopen;
import dev.detour.watch.GroupService;
import dev.detour.watch.GroupView;
import dev.detour.watch.ImportReport;
import dev.detour.watch.WatchImportService;
import dev.detour.watch.io.ListFormat;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

/**
 * Bulk import from the browser: paste a list or upload a file in any format the API reads. The same
 * rule as the API: one bad line refuses the whole import (the bad lines are listed, each with what
 * to fix) unless "skip invalid lines" is chosen; a dry run stores nothing.
 */
@Path("/watches/import")
@Produces(MediaType.TEXT_HTML)
@ReadsOutlastReopen
public class ImportPage {

  /** How many bad lines the page lists; the count says how many there were in all. */
  static final int SHOWN_ERRORS = 200;

  @CheckedTemplate
  static class Templates {
    static native TemplateInstance importer(
        Map<String, String> form,
        List<GroupView> groups,
        List<String> formats,
        ImportReport report,
        Problem problem,
        Map<String, String> errors);
  }

  private final WatchImportService importer;
  private final GroupService groups;

  private final UiContext ui;
  private final KeptUploads kept;

  public ImportPage(
      WatchImportService importer, GroupService groups, UiContext ui, KeptUploads kept) {
    this.kept = kept;
    this.ui = ui;
    this.importer = importer;
    this.groups = groups;
  }

  @GET
  @Operation(hidden = true)
  public TemplateInstance form() {
    AdminsOnly.require(ui, "Importing a list", "/watches");
    return page(Map.of("mode", "strict"), null, null, Map.of());
  }

  @POST
  @Consumes(MediaType.MULTIPART_FORM_DATA)
  @Operation(hidden = true)
  public Response submit(
      @RestForm("list") String list,
      @RestForm("file") FileUpload file,
      @RestForm("format") String format,
      @RestForm("group") String group,
      @RestForm("tags") String tags,
      @RestForm("mode") String mode,
      @RestForm("replace") String replace,
      @RestForm("dryRun") String dryRun,
      @RestForm("disabled") String disabled,
      @RestForm("kept") String keptToken,
      @RestForm("keptName") String keptName) {
    Map<String, String> form = new HashMap<>();
    form.put("list", Forms.nz(list));
    form.put("format", Forms.nz(format));
    form.put("group", Forms.nz(group));
    form.put("tags", Forms.nz(tags));
    form.put("mode", mode == null ? "strict" : mode);
    if (replace != null) {
      form.put("replace", "on");
    }
    if (dryRun != null) {
      form.put("dryRun", "on");
    }
    if (disabled != null) {
      form.put("disabled", "on");
    }
    // A new file first; else the list box; else the file held from the submit before.
    java.nio.file.Path source = null;
    String name = null;
    boolean fresh = file != null && file.size() > 0;
    if (fresh) {
      source = file.uploadedFile();
      name = file.fileName();
    } else if (Forms.nz(list).isBlank() && kept.find(keptToken) != null) {
      source = kept.find(keptToken);
      name = Forms.nz(keptName);
    }
    boolean uploaded = source != null;
    if (uploaded) {
      form.put("file", name);
    }
    try {
      if (!uploaded && Forms.nz(list).isBlank()) {
        throw ProblemException.invalidField(
            "Nothing to import", "list", "paste a list here, or choose a file to upload");
      }
      ListFormat listFormat = null;
      if (format != null && !format.isBlank()) {
        listFormat = ListFormat.byName(format);
        if (listFormat == null) {
          throw ProblemException.invalidField(
              "Invalid import", "format", "one of " + ListFormat.allNames());
        }
      }
      WatchImportService.Mode importMode =
          WatchImportService.Mode.of(mode == null ? "strict" : mode);
      if (importMode == null) {
        throw ProblemException.invalidField(
            "Invalid import", "mode", "strict (all or nothing) or skip-invalid");
      }
      ImportReport report;
      try (InputStream body = body(source, list)) {
        report =
            importer.importList(
                body,
                new WatchImportService.Options(
                    uploaded
                        ? Files.size(source)
                        : (long) list.getBytes(StandardCharsets.UTF_8).length,
                    listFormat,
                    group == null || group.isBlank() ? null : group,
                    importMode,
                    new LinkedHashSet<>(Forms.words(tags)),
                    uploaded ? null : StandardCharsets.UTF_8,
                    replace != null,
                    dryRun != null,
                    disabled != null));
      }
      if (dryRun != null) {
        hold(form, fresh, source, keptToken);
      } else {
        kept.drop(keptToken);
      }
      return Forms.page(page(form, report, null, Map.of()), 200);
    } catch (ProblemException e) {
      if (uploaded) {
        hold(form, fresh, source, keptToken);
      }
      Problem p = e.toProblem("/watches/import");
      List<FieldError> shown =
          p.errors() == null ? List.of() : p.errors().stream().limit(SHOWN_ERRORS).toList();
      // The table is of bad lines; a field's error shows at its field, not as an empty row.
      List<FieldError> lines = shown.stream().filter(f -> f.line() != null).toList();
      Problem cut =
          new Problem(
              p.type(),
              p.title(),
              p.status(),
              // The form's own option, not the API's query parameter.
              p.detail() == null
                  ? null
                  : p.detail()
                      .replace(
                          WatchImportService.SKIP_INVALID_HINT,
                          "choose \u201cimport the good lines, skip the bad\u201d under Bad lines"),
              p.instance(),
              lines,
              p.errorCount() != null ? p.errorCount() : (long) lines.size());
      Map<String, String> fields = new HashMap<>();
      shown.stream()
          .filter(f -> f.field() != null)
          // The API's "body" is the page's list box.
          .forEach(
              f ->
                  fields.merge(
                      f.field().equals("body") ? "list" : f.field(),
                      f.message(),
                      (a, b) -> a + "; " + b));
      return Forms.page(page(form, null, cut, fields), e.status());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static InputStream body(java.nio.file.Path file, String list) throws IOException {
    return file != null
        ? Files.newInputStream(file)
        : new ByteArrayInputStream(list.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The upload held for the next submit: a new file kept, a held one kept on (when it cannot be
   * copied, the page asks for the file again, as before).
   */
  private void hold(
      Map<String, String> form, boolean fresh, java.nio.file.Path source, String token) {
    try {
      form.put("kept", fresh ? kept.keep(source) : token);
      form.put("keptName", form.get("file"));
    } catch (IOException e) {
      form.remove("kept");
    }
  }

  private TemplateInstance page(
      Map<String, String> form, ImportReport report, Problem problem, Map<String, String> errors) {
    return Templates.importer(
            form,
            groups.list(),
            Arrays.stream(ListFormat.values()).map(ListFormat::label).toList(),
            report,
            problem,
            errors)
        .data("nav", "watches");
  }
}
