package dev.gatehouse.cli;

import picocli.CommandLine.Option;

/**
 * {@code --org ORG} or {@code --deployment}: what {@code import} and {@code export} work on — one organization, or
 * every organization of the deployment (a service key's). A picocli argument group, exclusive and required, so that
 * naming neither or both is a usage error before anything is sent; not thread-safe.
 */
final class BulkScope {

    @Option(names = "--org", required = true, paramLabel = "ORG", description = "the organization's id")
    Long org;

    @Option(names = "--deployment", required = true,
            description = "every organization of the deployment, each after an organization line (service key)")
    boolean deployment;
}
