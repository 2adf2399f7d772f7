package dev.gatehouse.cli;

import picocli.CommandLine.Option;

/** {@code --org ORG}: the organization a command works in. A picocli mixin; not thread-safe. */
final class OrgOption {

    @Option(names = "--org", required = true, paramLabel = "ORG", description = "the organization's id")
    long id;
}
