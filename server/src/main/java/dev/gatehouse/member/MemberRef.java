package dev.gatehouse.member;

import dev.gatehouse.error.ConflictException;
import dev.gatehouse.error.InvalidInputException;
import dev.gatehouse.error.NotFoundException;
import dev.gatehouse.json.Digits;
import dev.gatehouse.json.DotSegments;
import dev.gatehouse.json.Fields;
import dev.gatehouse.json.Text;
import dev.gatehouse.json.UnescapedPaths;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.LongFunction;
import java.util.function.ToLongFunction;

/**
 * How a request names a member, and the one rule that turns the name into a member. Three forms:
 *
 * <ul>
 *   <li>{@code id:42} — the Gatehouse member id (a body's {@code member_id});</li>
 *   <li>{@code user:u-42} — the product's own user id (a body's {@code user_id}), taken verbatim after the
 *       prefix, so {@code user:id:7} names the user whose id is {@code id:7};</li>
 *   <li>a bare value — a user id, or, when it is all digits, a member id or a user id: if both exist and are
 *       different members the name is ambiguous, a 409 {@code ambiguous_member} naming both explicit forms,
 *       never a silent pick.</li>
 * </ul>
 *
 * Lookups are passed in, so the same rule resolves against the database (management API) and against the
 * engine (decision API). Immutable.
 */
public sealed interface MemberRef {

    /** The most characters of a reference, and of a member's user id ({@link #userIdLength}). */
    int MAX_LENGTH = 200;
    String ID_PREFIX = "id:";
    String USER_PREFIX = "user:";
    /**
     * The model of the organizations Close's clients talk to: they put a user id into a path unescaped, so a user id
     * there holds none of the characters that would change what the path names ({@link #userIdProblem(String,
     * String)}).
     */
    String UNESCAPED_PATHS_MODEL = "close";

    /** {@code id:…}. */
    record ById(long id) implements MemberRef {
    }

    /** {@code user:…}. */
    record ByUserId(String userId) implements MemberRef {
    }

    /** A value with neither prefix. */
    record Bare(String value) implements MemberRef {
    }

    static MemberRef id(long id) {
        return new ById(id);
    }

    static MemberRef userId(String userId) {
        return new ByUserId(userId);
    }

    /**
     * The member named by a path segment such as {@code /members/{member}}; a 400 naming {@code field} if malformed.
     * A user id it names may be as long as any ({@link #userIdLength}), with its prefix or without.
     */
    static MemberRef parse(String raw, String field) {
        if (raw == null || raw.isEmpty() || userIdLength(raw) > USER_PREFIX.length() + MAX_LENGTH) {
            throw invalid(field, raw);
        }
        if (raw.startsWith(ID_PREFIX)) {
            String digits = raw.substring(ID_PREFIX.length());
            long id = digits(digits);
            if (id <= 0) {
                throw invalid(field, raw);
            }
            return new ById(id);
        }
        if (raw.startsWith(USER_PREFIX)) {
            String userId = raw.substring(USER_PREFIX.length());
            if (userId.isEmpty() || userIdLength(userId) > MAX_LENGTH) {
                throw invalid(field, raw);
            }
            return new ByUserId(userId);
        }
        if (userIdLength(raw) > MAX_LENGTH) {
            throw invalid(field, raw);
        }
        return new Bare(raw);
    }

    /**
     * The member this names, found with {@code byId} and {@code byUserId} (each empty when there is none, or
     * none the caller may see); 404 {@code member_not_found} when there is none, 409 {@code ambiguous_member}
     * when a bare number is one member's id and another's user id. A 404 carries this reference as its
     * {@link dev.gatehouse.error.GatehouseException#subject subject}.
     */
    default <T> T resolve(long orgId, LongFunction<Optional<T>> byId, Function<String, Optional<T>> byUserId,
                          ToLongFunction<T> idOf) {
        if (this instanceof ById r) {
            return byId.apply(r.id()).orElseThrow(() -> NotFoundException.about(r, "member_not_found",
                    "no member with id " + r.id() + " in organization " + orgId));
        }
        if (this instanceof ByUserId r) {
            return byUserId.apply(r.userId()).orElseThrow(() -> NotFoundException.about(r, "member_not_found",
                    "no member with user_id \"" + Fields.abbreviate(r.userId()) + "\" in organization " + orgId));
        }
        return resolveBare(((Bare) this).value(), orgId, byId, byUserId, idOf);
    }

    private static <T> T resolveBare(String value, long orgId, LongFunction<Optional<T>> byId,
                                     Function<String, Optional<T>> byUserId, ToLongFunction<T> idOf) {
        long id = digits(value);
        Optional<T> asId = id > 0 ? byId.apply(id) : Optional.empty();
        Optional<T> asUser = byUserId.apply(value);
        if (asId.isPresent() && asUser.isPresent() && idOf.applyAsLong(asId.get()) != idOf.applyAsLong(asUser.get())) {
            throw new ConflictException("ambiguous_member", "\"" + value + "\" is the id of member " + id
                    + " and the user_id of member " + idOf.applyAsLong(asUser.get()) + "; name one of them as "
                    + ID_PREFIX + value + " or " + USER_PREFIX + value);
        }
        return asId.or(() -> asUser).orElseThrow(() -> NotFoundException.about(new Bare(value), "member_not_found",
                "no member with id or user_id \"" + Fields.abbreviate(value) + "\" in organization " + orgId));
    }

    /** The member id this reference may name: {@code id:N}'s, a bare number's, else -1. */
    default long namedId() {
        if (this instanceof ById r) {
            return r.id();
        }
        return this instanceof Bare r ? digits(r.value()) : -1;
    }

    /** The user id this reference may name: {@code user:X}'s, a bare value's, else null. */
    default String namedUserId() {
        if (this instanceof ByUserId r) {
            return r.userId();
        }
        return this instanceof Bare r ? r.value() : null;
    }

    /**
     * A user id's length as every edge counts it (Unicode code points, one per character as a client sees it);
     * a member's user id holds at most {@link #MAX_LENGTH}, however it came to be (given, or derived as Rooms
     * derives it from the email), so each one can be named, exported and imported again.
     */
    static int userIdLength(String userId) {
        return userId.codePointCount(0, userId.length());
    }

    /**
     * Why {@code userId} cannot be a member's user id, ready to follow the field's name ({@code user_id}), or null when
     * it can: the rule every member's user id meets however it came to be (given, or derived as Rooms derives it from
     * the email), which the server applies to every new member and a command line applies before it sends one (an
     * apply file), so that both refuse the same ids; in an organization of Close's model the server also applies the
     * rule of {@link #userIdProblem(String, String)}. A user id has 1 to {@link #MAX_LENGTH} characters
     * ({@link #userIdLength}), no control character (tab and line breaks included: bodies allow them in text, but a
     * path names a member by its user id and holds none, so such a member could be created and never addressed) and
     * does not begin with a reference's prefix ({@link #ID_PREFIX}, {@link #USER_PREFIX}): a path reads them as its
     * forms, so {@code …/members/id:47} names member 47, never the member whose user id is {@code id:47}. Nor is it
     * {@code .} or {@code ..}, nor holds one as a segment between {@code /} or {@code \} ({@link DotSegments}): a
     * client that puts it into a path unescaped sends the path with the segment removed, acting on another object
     * (the user id {@code ../../../membership/7} on membership 7). A user id a client gives is also read by
     * {@link Fields#identifier} (no invisible character at an end).
     */
    static String userIdProblem(String userId) {
        if (userId == null || userId.isBlank()) {
            return Fields.REQUIRED;
        }
        int length = userIdLength(userId);
        if (length > MAX_LENGTH) {
            return "must be at most " + MAX_LENGTH + " characters, got " + length;
        }
        String unnamable = Text.problem(userId, false);
        if (unnamable != null) {
            return unnamable + ", which no path can name";
        }
        if (userId.startsWith(ID_PREFIX) || userId.startsWith(USER_PREFIX)) {
            return "must not begin with \"" + ID_PREFIX + "\" or \"" + USER_PREFIX + "\", which name a member by its "
                    + "id or its user id, got \"" + Fields.abbreviate(userId) + "\"";
        }
        return DotSegments.problem(userId);
    }

    /**
     * {@link #userIdProblem(String)} for a new member of an organization of the model {@code modelId}: in one of
     * {@link #UNESCAPED_PATHS_MODEL}, whose clients put a user id into a path unescaped, it also holds no {@code ?},
     * {@code #}, {@code %}, {@code /} or {@code \} ({@link UnescapedPaths}): {@code DELETE
     * /api/v1/group/G/member/victim#x/} sent so removes {@code victim}, and {@code victim%2Fx}'s removes
     * {@code victim/x}. Other models keep the rule of {@link #userIdProblem(String)}: a Rooms user id is an email,
     * which may hold {@code #} or {@code %}. A user id stored before is read as stored.
     */
    static String userIdProblem(String userId, String modelId) {
        String problem = userIdProblem(userId);
        if (problem != null || !UNESCAPED_PATHS_MODEL.equals(modelId)) {
            return problem;
        }
        return UnescapedPaths.problem(userId, "in an organization of the " + modelId + " model, Close's clients");
    }

    /**
     * The value as a member id of at most 18 digits written the one way ids are written (ASCII digits, no leading
     * zero), or -1: so {@code 04} and {@code id:04} never name member 4, and each member has one path.
     */
    private static long digits(String value) {
        return value.length() > 18 ? -1 : Digits.id(value);
    }

    private static InvalidInputException invalid(String field, String raw) {
        return InvalidInputException.field(field, "must name a member as <member id>, <user id>, " + ID_PREFIX
                + "<member id> or " + USER_PREFIX + "<user id>, got \"" + Fields.abbreviate(raw == null ? "" : raw) + "\"");
    }
}
