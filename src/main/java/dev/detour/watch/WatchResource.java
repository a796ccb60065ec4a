package dev.detour.watch;

import dev.detour.api.FieldError;
import dev.detour.api.ProblemException;
import dev.detour.api.ReadsOutlastReopen;
import dev.detour.targets.TargetKind;
import dev.detour.watch.io.ExportFormat;
import dev.detour.watch.io.ListFormat;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import jakarta.ws.rs.core.UriInfo;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Watches: the hosts, addresses and prefixes Detour probes. */
@Path("/api/watches")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "watches")
@ReadsOutlastReopen
public class WatchResource {

  private final WatchService watches;
  private final WatchImportService importer;
  private final WatchExportService exporter;
  private final WatchBulk bulk;

  public WatchResource(
      WatchService watches,
      WatchImportService importer,
      WatchExportService exporter,
      WatchBulk bulk) {
    this.bulk = bulk;
    this.watches = watches;
    this.importer = importer;
    this.exporter = exporter;
  }

  @GET
  @Operation(
      summary = "Watches, filtered and paged",
      description = "The total count of matches is in the X-Total-Count header.")
  public Response list(
      @QueryParam("group") String group,
      @QueryParam("tag") String tag,
      @QueryParam("q") String text,
      @QueryParam("kind") String kind,
      @QueryParam("enabled") Boolean enabled,
      @QueryParam("page") @DefaultValue("0") int page,
      @QueryParam("size") @DefaultValue("50") int size) {
    WatchService.Page result =
        watches.list(new WatchService.Query(group, tag, text, kind(kind), enabled, page, size));
    return Response.ok(result.items()).header("X-Total-Count", result.total()).build();
  }

  @GET
  @Path("{id: [0-9]+}")
  public WatchView get(@PathParam("id") long id) {
    return watches.get(id);
  }

  @POST
  @Operation(summary = "Watch a host, address or prefix")
  public Response create(WatchInput input, UriInfo uri) {
    WatchView created = watches.create(input);
    return Response.created(uri.getAbsolutePathBuilder().path(String.valueOf(created.id())).build())
        .entity(created)
        .build();
  }

  @PUT
  @Path("{id: [0-9]+}")
  @Operation(summary = "Replace a watch")
  public WatchView update(@PathParam("id") long id, WatchInput input) {
    return watches.update(id, input);
  }

  @POST
  @Path("bulk")
  @Operation(
      summary = "Enable, disable, pause, move or delete many watches in one transaction",
      description =
          "{\"action\": \"enable|disable|pause|move|delete\", \"ids\": [..] or \"filter\":"
              + " {\"group\", \"tag\", \"q\", \"kind\", \"enabled\"}, \"until\" (pause),"
              + " \"group\" (move), \"dryRun\"}: matched and changed counts; a dry run only"
              + " counts.")
  public WatchBulk.Result bulk(WatchBulk.Request request) {
    return bulk.run(request);
  }

  @DELETE
  @Path("{id: [0-9]+}")
  public Response delete(@PathParam("id") long id) {
    watches.delete(id);
    return Response.noContent().build();
  }

  @POST
  @Path("import")
  @Consumes(MediaType.WILDCARD)
  @Operation(
      summary = "Import a list (the request body is the file)",
      description =
          "Formats: plain (also .lst), cidr, registry-csv, routeros, json; detected when omitted."
              + " All-or-nothing unless mode=skip-invalid; disabled=true adds the new watches"
              + " disabled.")
  public ImportReport importList(
      InputStream body,
      @HeaderParam("Content-Type") String contentType,
      @HeaderParam("Content-Length") Long contentLength,
      @QueryParam("format") String format,
      @QueryParam("group") String group,
      @QueryParam("mode") @DefaultValue("strict") String mode,
      @QueryParam("tag") List<String> tags,
      @QueryParam("replace") @DefaultValue("false") boolean replace,
      @QueryParam("dryRun") @DefaultValue("false") boolean dryRun,
      @QueryParam("disabled") @DefaultValue("false") boolean disabled) {
    List<FieldError> errors = new ArrayList<>();
    ListFormat listFormat = null;
    if (format != null && !format.isBlank()) {
      listFormat = ListFormat.byName(format);
      if (listFormat == null) {
        errors.add(
            FieldError.field(
                "format",
                "unknown format '"
                    + format
                    + "'; use one of "
                    + ListFormat.allNames()
                    + ", or leave it out to detect it"));
      }
    }
    WatchImportService.Mode importMode = WatchImportService.Mode.of(mode);
    if (importMode == null) {
      errors.add(FieldError.field("mode", "mode is strict (the default) or skip-invalid"));
    }
    Charset charset = charset(contentType, errors);
    if (!errors.isEmpty()) {
      throw ProblemException.invalid("Invalid import options", errors);
    }
    return importer.importList(
        body,
        new WatchImportService.Options(
            contentLength,
            listFormat,
            group,
            importMode,
            new HashSet<>(tags == null ? List.of() : tags),
            charset,
            replace,
            dryRun,
            disabled));
  }

  @GET
  @Path("export")
  @Produces({MediaType.TEXT_PLAIN, MediaType.APPLICATION_JSON})
  @Operation(summary = "Export watches as plain, json or routeros")
  public Response export(
      @QueryParam("format") @DefaultValue("plain") String format,
      @QueryParam("group") String group,
      @QueryParam("tag") String tag,
      @QueryParam("q") String text,
      @QueryParam("gateway") @DefaultValue("gre-tunnel1") String gateway) {
    ExportFormat exportFormat = WatchExportService.format(format);
    if (!gateway.matches("[A-Za-z0-9._:%-]{1,64}")) {
      throw ProblemException.invalidField(
          "Invalid export",
          "gateway",
          "gateway is an interface name or an address, e.g. gre-tunnel1 or 192.168.0.1");
    }
    WatchService.Query query = new WatchService.Query(group, tag, text, null, null, 0, 1);
    StreamingOutput body = out -> exporter.export(query, exportFormat, gateway, out);
    String file =
        "detour-watches" + (group == null ? "" : "-" + group) + "." + exportFormat.extension();
    return Response.ok(body, exportFormat.mediaType())
        .header(
            "Content-Disposition",
            "attachment; filename=\"" + file.replaceAll("[^A-Za-z0-9._-]", "_") + "\"")
        .build();
  }

  private static TargetKind kind(String kind) {
    if (kind == null || kind.isBlank()) {
      return null;
    }
    try {
      return TargetKind.valueOf(kind.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw ProblemException.invalidField(
          "Invalid query", "kind", "kind is host, address or prefix");
    }
  }

  private static Charset charset(String contentType, List<FieldError> errors) {
    if (contentType == null) {
      return null;
    }
    String name;
    try {
      name = MediaType.valueOf(contentType).getParameters().get("charset");
    } catch (IllegalArgumentException e) {
      errors.add(FieldError.field("Content-Type", "cannot read the Content-Type header"));
      return null;
    }
    if (name == null) {
      return null;
    }
    try {
      Charset charset = Charset.forName(name.replace("\"", ""));
      // HTTP/1.1's old default: many clients declare it for any text without looking. Read as
      // undeclared, so a windows-1251 registry dump is not turned into Latin-1 mojibake.
      return charset.equals(StandardCharsets.ISO_8859_1) ? null : charset;
    } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
      errors.add(
          FieldError.field(
              "Content-Type", "unknown charset '" + name + "'; use utf-8 or windows-1251"));
      return null;
    }
  }
}
