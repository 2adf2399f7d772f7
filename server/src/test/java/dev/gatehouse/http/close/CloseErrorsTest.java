package dev.gatehouse.http.close;

import dev.gatehouse.error.ConflictException;
import dev.gatehouse.error.ForbiddenException;
import dev.gatehouse.error.InvalidInputException;
import dev.gatehouse.error.NotFoundException;
import dev.gatehouse.member.MemberRef;
import java.util.Map;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The dialect's wording of service failures: Close ids from typed subjects, never internal numbers. */
class CloseErrorsTest {

    private final CloseErrors errors = new CloseErrors(null);

    @Test
    void missingMembership_namedByItsCloseId() {
        var e = NotFoundException.about(new MemberRef.ById(42), "member_not_found", "member 42 not found in organization 7");
        assertThat(errors.detail(e, null)).isEqualTo("Membership \"" + CloseWire.membershipId(42) + "\" not found.");
    }

    @Test
    void internalNumbersWithoutSubject_becomePlainSentences() {
        assertThat(errors.detail(new NotFoundException("role_not_found", "role 9 not found in organization 7"), null))
                .isEqualTo("Role not found.");
        assertThat(errors.detail(new ForbiddenException("forbidden", "only a service key or member 12 itself"), null))
                .doesNotContainPattern("\\d");
        assertThat(errors.detail(new ConflictException("last_role_manager", "member 3 is the last active member of "
                + "organization 7 able to manage roles"), null)).doesNotContainPattern("\\d");
    }

    @Test
    void aRoleGoneBeforeTheServiceFoundIt_isNamedByTheCloseIdTheWriteGave() {
        var e = InvalidInputException.field("role_id", "role 82 not found in organization 1");
        String role = CloseIds.encode(CloseIds.ROLE, 82);
        assertThat(errors.fieldErrors(e, CloseErrors.Write.giving("updating membership memb_x to role " + role, role)))
                .isEqualTo(Map.of("role_id", "Unknown role \"" + role + "\"."));
        assertThat(errors.fieldErrors(e, null)).isEqualTo(Map.of("role_id", "Unknown role."));
        var other = new InvalidInputException("invalid_input", "member_id: member 82 is external",
                Map.of("member_id", "member 82 is external", "email", "Not a valid email address."));
        assertThat(errors.fieldErrors(other, null)).isEqualTo(Map.of("member_id", "Not a valid value.",
                "email", "Not a valid email address."));
    }

    @Test
    void limitReached_namesTheLimitFromItsContext_notTheOrganizationsNumber() {
        var e = new ConflictException("limit_reached", "organization 7 already has 3 groups, its limit "
                + "(groups_per_org = 3); remove one first or raise --max-groups-per-org",
                Map.of("limit", "groups_per_org", "maximum", 3, "current", 3));
        assertThat(errors.detail(e, null)).contains("groups_per_org", "3", "--max-groups-per-org")
                .doesNotContain("organization 7");
    }

    @Test
    void detailsAlreadyInCloseTerms_stayAsTheyAre() {
        String phrased = "Role \"role_abc\" not found.";
        assertThat(errors.detail(new NotFoundException("role_not_found", phrased), null)).isEqualTo(phrased);
        assertThat(errors.detail(new ForbiddenException("permission_required", "adding a membership needs the "
                + "permission \"manage_organization\""), null)).contains("manage_organization");
    }
}
