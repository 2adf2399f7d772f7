package dev.gatehouse.client;

import java.time.Instant;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Organizations ({@code /v1/orgs}): the tenants. Creating and deleting one needs a service key; a member key sees
 * its own. What lives inside one is reached through {@link GatehouseClient#org(long)}. Thread-safe.
 */
public interface Organizations {

    /** The organizations the caller can see, paging by itself. */
    Stream<Organization> list();

    Organization get(long orgId);

    /** Creates an organization on a model, seeding its system roles, and with {@code admin} its first admin. */
    CreatedOrganization create(NewOrganization organization);

    /** Renames it. */
    Organization rename(long orgId, String name);

    /** Renames it if it is still at {@code expectedVersion} ({@code If-Match}; else {@link PreconditionFailedException}). */
    Organization rename(long orgId, String name, long expectedVersion);

    /** Deletes it and everything in it (service key); its history stays in the change log. */
    void delete(long orgId);

    /**
     * An organization.
     *
     * @param accountId the GUID the Rooms dialect addresses it by
     * @param version   its version, for {@code If-Match}
     */
    record Organization(long id, String name, String model, String accountId, long version, Instant createdAt,
                        Instant updatedAt) {

        static Organization from(JsonNode n) {
            return new Organization(Wire.number(n, "id"), Wire.text(n, "name"), Wire.text(n, "model"),
                    Wire.text(n, "account_id"), Wire.number(n, "version"), Wire.instant(n, "created_at"),
                    Wire.instant(n, "updated_at"));
        }
    }

    /**
     * What {@link #create} makes: a name, a model id and optionally the first admin.
     *
     * @param admin the first admin member (given the model's default-for-admin role and a key), or null
     */
    record NewOrganization(String name, String model, Admin admin) {

        public NewOrganization {
            Arguments.required(name, "name");
            Arguments.required(model, "model");
        }

        /** An organization without an admin. */
        public static NewOrganization of(String name, String model) {
            return new NewOrganization(name, model, null);
        }

        /** This organization with its first admin. */
        public NewOrganization withAdmin(String userId, String email) {
            return new NewOrganization(name, model, new Admin(userId, email, null, null));
        }

        ObjectNode json() {
            ObjectNode body = Wire.object().put("name", name).put("model", model);
            if (admin != null) {
                ObjectNode a = body.putObject("admin").put("user_id", admin.userId()).put("email", admin.email());
                Wire.putIfSet(a, "first_name", admin.firstName());
                Wire.putIfSet(a, "last_name", admin.lastName());
            }
            return body;
        }
    }

    /** The first admin of a new organization. */
    record Admin(String userId, String email, String firstName, String lastName) {

        public Admin {
            Arguments.required(userId, "userId");
            Arguments.required(email, "email");
        }
    }

    /**
     * A created organization, with its admin and the admin's key when one was asked for.
     *
     * @param adminMember the admin, or null
     * @param adminKey    the admin's key (shown only here), or null
     */
    record CreatedOrganization(Organization organization, Members.Member adminMember, Keys.IssuedKey adminKey) {

        static CreatedOrganization from(JsonNode n) {
            JsonNode member = Wire.node(n, "admin_member");
            JsonNode key = Wire.node(n, "admin_key");
            return new CreatedOrganization(Organization.from(n), member == null ? null : Members.Member.from(member),
                    key == null ? null : Keys.IssuedKey.from(key));
        }
    }
}
