package dev.gatehouse.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code gatehouse export --org ORG}: the organization as NDJSON on standard output, as
 * {@code GET /v1/orgs/{org}/export} streams it. Exits 0 when the export is complete, 2 on any error (its
 * problem detail on standard error).
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write an organization's roles, members, groups and assignments as NDJSON to standard output.")
public final class ExportCommand implements Callable<Integer> {

    @Option(names = "--org", required = true, description = "the organization's id")
    long org;

    @Mixin
    Remote remote;

    @Override
    public Integer call() {
        try {
            HttpResponse<InputStream> res = remote.client().send(remote.request("/v1/orgs/" + org + "/export")
                    .GET().build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = res.body()) {
                if (res.statusCode() != 200) {
                    System.err.println("gatehouse export: " + Problems.describe(res.statusCode(), body.readAllBytes()));
                    return 2;
                }
                OutputStream out = System.out;
                body.transferTo(out);
                out.flush();
                String revision = res.headers().firstValue("Gatehouse-Revision").orElse("?");
                System.err.println("gatehouse export: organization " + org + " at revision " + revision);
                return 0;
            }
        } catch (IOException | IllegalArgumentException e) {
            System.err.println("gatehouse export: " + e.getMessage());
            return 2;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 2;
        }
    }
}
