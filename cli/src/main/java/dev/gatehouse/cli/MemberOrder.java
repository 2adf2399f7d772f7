package dev.gatehouse.cli;

import dev.gatehouse.cli.ApplyFile.MemberDecl;
import dev.gatehouse.client.Members.Member;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The order in which an apply plan writes its declared members. The server holds every email unique at every write
 * (409 {@code member_exists}), so a member that takes the email another declared member gives up is written after
 * that member: chains of moved emails apply in any file order. Emails passed round in a circle (two members swapping
 * theirs) have no such order: the file is refused before anything is written. Otherwise the file's order is kept,
 * except that members losing the ability to manage roles go after the others, so that a member promoted in the same
 * file already holds it (the server refuses to take it from the last one, {@link LastRoleManager}).
 *
 * <p>Each declared member claims at most one email another declared member holds and gives up at most one, so the
 * "after" relation is a set of chains and circles. Emails are compared as {@link RoleIds#fold} folds them, as the
 * server compares them. Stateless.
 */
final class MemberOrder {

    private MemberOrder() {
    }

    /**
     * The declared members in the order to write them.
     *
     * @param members   the organization's members by user id
     * @param losesRole whether a declared member's write takes away its ability to manage roles
     */
    static List<MemberDecl> of(List<MemberDecl> declared, Map<String, Member> members,
                               Predicate<MemberDecl> losesRole) {
        Map<String, MemberDecl> givenUpBy = new HashMap<>();
        for (MemberDecl decl : declared) {
            Member member = members.get(decl.userId());
            if (member != null && !RoleIds.fold(member.email()).equals(RoleIds.fold(decl.email()))) {
                givenUpBy.put(RoleIds.fold(member.email()), decl);
            }
        }
        Map<MemberDecl, MemberDecl> after = new HashMap<>();
        for (MemberDecl decl : declared) {
            MemberDecl holder = givenUpBy.get(RoleIds.fold(decl.email()));
            if (holder != null && holder != decl) {
                after.put(decl, holder);
            }
        }
        List<MemberDecl> first = new ArrayList<>();
        List<MemberDecl> last = new ArrayList<>();
        declared.forEach(decl -> (losesRole.test(decl) ? last : first).add(decl));
        first.addAll(last);
        Set<MemberDecl> ordered = new LinkedHashSet<>();
        for (MemberDecl decl : first) {
            place(decl, after, ordered);
        }
        return List.copyOf(ordered);
    }

    /** Places {@code decl} after the chain of members whose emails it waits for. */
    private static void place(MemberDecl decl, Map<MemberDecl, MemberDecl> after, Set<MemberDecl> ordered) {
        List<MemberDecl> chain = new ArrayList<>();
        Set<MemberDecl> seen = new HashSet<>();
        for (MemberDecl next = decl; next != null && !ordered.contains(next); next = after.get(next)) {
            if (!seen.add(next)) {
                throw circle(next, after);
            }
            chain.add(next);
        }
        for (int i = chain.size() - 1; i >= 0; i--) {
            ordered.add(chain.get(i));
        }
    }

    private static CliException circle(MemberDecl start, Map<MemberDecl, MemberDecl> after) {
        List<String> round = new ArrayList<>();
        MemberDecl decl = start;
        do {
            MemberDecl holder = after.get(decl);
            round.add("member \"" + decl.userId() + "\" takes \"" + decl.email() + "\" from \"" + holder.userId()
                    + "\"");
            decl = holder;
        } while (decl != start);
        return new CliException(String.join(", ", round) + ": the server holds each email unique at every write, so "
                + "no order of writes passes emails round; give one of these members another email first (apply "
                + "that), then this file");
    }
}
