package dev.gatehouse.cli;

import dev.gatehouse.client.MemberRef;
import picocli.CommandLine.Option;

/** {@code --user USER_ID} or {@code --member-id ID}: the member a command is about. A picocli mixin. */
final class MemberOption {

    @Option(names = "--user", paramLabel = "USER_ID", description = "the member, by the product's user id")
    String userId;

    @Option(names = "--member-id", paramLabel = "ID", description = "the member, by Gatehouse's id")
    Long memberId;

    MemberRef ref() {
        return Lookup.member(userId, memberId);
    }
}
