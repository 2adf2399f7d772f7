package dev.gatehouse.member;

import dev.gatehouse.error.ConflictException;
import dev.gatehouse.error.InvalidInputException;
import dev.gatehouse.error.NotFoundException;
import dev.gatehouse.model.ResourceType;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The one rule that turns a member's name into a member, over an in-memory directory. */
class MemberRefTest {

    /** Member ids to user ids: 3 is user "u-three", 7 is user "3", 9 is user "id:3". */
    static final Map<Long, String> DIRECTORY = Map.of(3L, "u-three", 7L, "3", 9L, "id:3");

    static long resolve(String raw) {
        return MemberRef.parse(raw, "member").resolve(1L,
                id -> Optional.ofNullable(DIRECTORY.get(id)).map(u -> id),
                userId -> DIRECTORY.entrySet().stream().filter(e -> e.getValue().equals(userId)).map(Map.Entry::getKey)
                        .findFirst(),
                Long::longValue);
    }

    @Test
    void aBareNumberNamingTwoMembers_isAConflictNamingBothForms() {
        assertThatThrownBy(() -> resolve("3")).isInstanceOfSatisfying(ConflictException.class, e -> {
            assertThat(e.code()).isEqualTo("ambiguous_member");
            assertThat(e.detail()).contains("member 3", "member 7", "id:3", "user:3");
        });
    }

    @Test
    void explicitForms_nameOneMember() {
        assertThat(resolve("id:3")).isEqualTo(3L);
        assertThat(resolve("user:3")).isEqualTo(7L);
        assertThat(resolve("user:id:3")).isEqualTo(9L);
        assertThat(resolve("user:u-three")).isEqualTo(3L);
    }

    @Test
    void unambiguousBareValues_resolve() {
        assertThat(resolve("u-three")).isEqualTo(3L);
        assertThat(resolve("7")).as("only a member id").isEqualTo(7L);
        assertThat(resolve("id:3")).as("the explicit form wins over a user id spelled like it").isEqualTo(3L);
    }

    @Test
    void unknownNames_areNotFound_andMalformedOnesInvalid() {
        for (String raw : new String[] {"42", "nobody", "id:42", "user:nobody"}) {
            assertThatThrownBy(() -> resolve(raw)).as(raw).isInstanceOfSatisfying(NotFoundException.class,
                    e -> assertThat(e.code()).isEqualTo("member_not_found"));
        }
        for (String raw : new String[] {"", "id:", "id:x", "id:0", "id:-3", "id:1234567890123456789", "user:",
                "x".repeat(201), "id:03", "id:007", "id:+3", "id:３"}) {
            assertThatThrownBy(() -> resolve(raw)).as(raw).isInstanceOfSatisfying(InvalidInputException.class,
                    e -> assertThat(e.fieldErrors()).containsKey("member"));
        }
    }

    /** A member has one path: a bare number with a leading zero is a user id only (member 7's user id is "3"). */
    @Test
    void aBareNumberWithALeadingZero_namesNoMemberId() {
        assertThat(MemberRef.parse("03", "member").namedId()).isEqualTo(-1L);
        assertThatThrownBy(() -> resolve("03")).isInstanceOfSatisfying(NotFoundException.class,
                e -> assertThat(e.code()).isEqualTo("member_not_found"));
        assertThatThrownBy(() -> resolve("07")).as("not member 7").isInstanceOf(NotFoundException.class);
    }

    @Test
    void theIdsAReferenceMayName_areTheOnesItsFormAllows() {
        assertThat(MemberRef.parse("id:3", "member").namedId()).isEqualTo(3L);
        assertThat(MemberRef.parse("id:3", "member").namedUserId()).isNull();
        assertThat(MemberRef.parse("user:3", "member").namedId()).isEqualTo(-1L);
        assertThat(MemberRef.parse("user:3", "member").namedUserId()).isEqualTo("3");
        assertThat(MemberRef.parse("3", "member").namedId()).isEqualTo(3L);
        assertThat(MemberRef.parse("3", "member").namedUserId()).isEqualTo("3");
        assertThat(MemberRef.parse("u-3", "member").namedId()).isEqualTo(-1L);
        assertThat(MemberRef.parse("u-3", "member").namedUserId()).isEqualTo("u-3");
    }

    @Test
    void aUserIdAsLongAsAnyMayBe_isNamedWithItsPrefixOrWithout_oneLongerIsNot() {
        for (String userId : List.of("u".repeat(MemberRef.MAX_LENGTH), "\uD83D\uDE00".repeat(MemberRef.MAX_LENGTH))) {
            assertThat(MemberRef.userIdLength(userId)).isEqualTo(MemberRef.MAX_LENGTH);
            assertThat(MemberRef.parse(MemberRef.USER_PREFIX + userId, "member"))
                    .isEqualTo(new MemberRef.ByUserId(userId));
            assertThat(MemberRef.parse(userId, "member")).isEqualTo(new MemberRef.Bare(userId));
            String longer = userId + "u";
            assertThatThrownBy(() -> MemberRef.parse(MemberRef.USER_PREFIX + longer, "member"))
                    .isInstanceOf(InvalidInputException.class);
            assertThatThrownBy(() -> MemberRef.parse(longer, "member")).isInstanceOf(InvalidInputException.class);
        }
    }

    /**
     * A user id, and a resource id a write records, holds no dot segment ({@code .} or {@code ..}, a dot also as
     * {@code %2e}, whole or between {@code /} or {@code \}), which a client putting it into a path unescaped would
     * remove; dots that are no whole segment pass. A resource id that is only named keeps passing
     * {@link ResourceType#idProblem}, the check path's rule.
     */
    @Test
    void aDotSegment_isRefusedInAUserIdAndARecordedResourceId_otherDotsPass() {
        for (String id : List.of(".", "..", "./x", "../x", ".\\x", "..\\x", "x/.", "x/..", "x\\.", "x\\..", "x/./y",
                "x/../y", "x\\.\\y", "x\\..\\y", "x/..\\y", "%2e", "%2E%2e", ".%2e/x", "x/%2E.", "a//../b",
                "../../../membership/memb_1")) {
            assertThat(MemberRef.userIdProblem(id)).as(id).contains("a path naming it would be rewritten by clients");
            assertThat(ResourceType.recordedIdProblem(id)).as(id).contains("would be rewritten by clients");
            assertThat(ResourceType.idProblem(id)).as(id).isNull();
        }
        for (String id : List.of("a.b", "v1..2", "...", "a/b", ".hidden", "..x", "x..", "x/.../y", "a//b", "/",
                "%2e%2e%2e", "%2ex", "%2", "x/%2", ".%", "a\\b")) {
            assertThat(MemberRef.userIdProblem(id)).as(id).isNull();
            assertThat(ResourceType.recordedIdProblem(id)).as(id).isNull();
        }
        assertThat(ResourceType.recordedIdProblem("x".repeat(ResourceType.MAX_ID_LENGTH + 1)))
                .isEqualTo(ResourceType.idProblem("x".repeat(ResourceType.MAX_ID_LENGTH + 1)));
    }

    /**
     * In an organization of the {@code close} model, whose clients put a user id into a path unescaped, a user id
     * holds no {@code ?}, {@code #}, {@code %}, {@code /} or {@code \}, each named; what such a path sends as itself
     * passes, and other models keep the rule of every model.
     */
    @Test
    void inACloseOrganization_aUserIdHoldsNothingAnUnescapedPathWouldChange() {
        for (String id : List.of("victim#x", "victim?x", "victim%2Fx", "victim%41", "victim%", "victim/x", "victim\\x",
                "a/b", "a\\b", "%2ex")) {
            String problem = MemberRef.userIdProblem(id, MemberRef.UNESCAPED_PATHS_MODEL);
            assertThat(problem).as(id).startsWith("must not hold \"").contains("Close's clients")
                    .contains("\"" + id + "\"");
            assertThat(MemberRef.userIdProblem(id, "rooms")).as(id).isNull();
            assertThat(MemberRef.userIdProblem(id)).as(id).isNull();
        }
        assertThat(MemberRef.userIdProblem("victim#x", "close")).startsWith("must not hold \"#\"");
        assertThat(MemberRef.userIdProblem("a%2Fb#c", "close")).startsWith("must not hold \"%\"");
        assertThat(MemberRef.userIdProblem("../x", "close")).contains("a path naming it would be rewritten by clients");
        for (String id : List.of("victim x", "victim+x", "victim;x", "victim@acme.test", "victim&x=y", "vïctim",
                "victim|x")) {
            assertThat(MemberRef.userIdProblem(id, "close")).as(id).isNull();
        }
    }
}
