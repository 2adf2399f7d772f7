package dev.gatehouse.role;

import dev.gatehouse.access.Caller;
import dev.gatehouse.model.PermissionModel;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * What a model adds to the rules of changing a role, which {@link RoleService#update} applies whichever API calls it
 * ({@code /v1}, a preview, an import's role lines, the dialects' role endpoints): by default nothing; a model may
 * bring its own rules (the {@code rooms} models keep a room owner's powers in the role it holds in its room), chosen
 * by model id with {@link #byModel}. Implementations read what they need through the handle of the request's
 * transaction, so they judge the state the request is serialized after. Thread-safe.
 */
public interface RoleChangeRules {

    /** The defaults of the class comment. */
    RoleChangeRules GENERIC = new RoleChangeRules() {
    };

    /**
     * 409 when role {@code current}'s permissions may not become {@code permissions} while it is held as it is; asked
     * inside the updating transaction, after the caller's gates, only when the permissions change; by default they
     * may. The {@code rooms} models refuse taking a room owner's power to manage access to its room or to delete it
     * from the role it holds there (a service key may).
     */
    default void requireMayChangePermissions(Handle h, Caller caller, PermissionModel model, Role current,
                                             List<String> permissions) {
    }

    /** The rules of each model by id, {@link #GENERIC} for any other model. */
    static RoleChangeRules byModel(Map<String, RoleChangeRules> rules) {
        Map<String, RoleChangeRules> copy = Map.copyOf(rules);
        return new RoleChangeRules() {
            @Override
            public void requireMayChangePermissions(Handle h, Caller caller, PermissionModel model, Role current,
                                                    List<String> permissions) {
                copy.getOrDefault(model.id(), GENERIC).requireMayChangePermissions(h, caller, model, current,
                        permissions);
            }
        };
    }
}
