package dev.gatehouse.room;

import dev.gatehouse.error.InvalidInputException;
import dev.gatehouse.member.MemberRef;

/**
 * The Gatehouse user id of a user Rooms invites: its email, as given (Rooms has no product user id). An email may
 * be up to 254 bytes long, a user id at most {@link MemberRef#MAX_LENGTH} characters, so an email too long to be
 * the id is refused here, naming the field the Rooms caller sent; {@link dev.gatehouse.member.MemberService}
 * holds the user-id rule itself for every API. Stateless.
 */
final class InviteeUserId {

    private InviteeUserId() {
    }

    /** The user id a new member invited with {@code email} gets; a 400 naming {@code email} if it cannot be one. */
    static String of(String email) {
        int length = MemberRef.userIdLength(email);
        if (length > MemberRef.MAX_LENGTH) {
            throw InvalidInputException.field("email", "must be at most " + MemberRef.MAX_LENGTH
                    + " characters, since it becomes the user's id; got " + length);
        }
        return email;
    }
}
