package dev.gatehouse.bench.peers;

import dev.gatehouse.engine.DecisionEngine;
import dev.gatehouse.engine.EngineBuilder;
import dev.gatehouse.json.Json;
import dev.gatehouse.model.ModelParser;
import dev.gatehouse.model.PermissionModel;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The workload held by Gatehouse's decision engine in process, as the server holds it: one organization per
 * tenant on the {@code peers-rooms} model, three custom roles per organization, one member per user with its
 * company role, and one assignment per room member. Numeric ids by formula: organization {@code t + 1},
 * role {@code 3t + 1 + role}, member {@code t * users + u + 1}. Reads are thread-safe (the engine's).
 */
public final class EnginePeer {

    public static final String MODEL_ID = "peers-rooms";
    public static final String ROOM = "room";

    private final Workload workload;
    private final DecisionEngine engine;

    private EnginePeer(Workload workload, DecisionEngine engine) {
        this.workload = workload;
        this.engine = engine;
    }

    /** The model as JSON, the body of {@code POST /v1/models}. */
    public static String modelJson() {
        try (InputStream in = EnginePeer.class.getResourceAsStream("/peers-model.json")) {
            if (in == null) {
                throw new IllegalStateException("peers-model.json missing from the class path");
            }
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static PermissionModel model() {
        return ModelParser.parse(Json.MAPPER.readTree(modelJson()), false);
    }

    public static EnginePeer load(Workload w) {
        EngineBuilder engine = DecisionEngine.builder(model().catalog());
        for (int t = 0; t < w.tenants(); t++) {
            long org = t + 1L;
            engine.organization(org, MODEL_ID);
            for (int role = 0; role < Workload.ROLES.size(); role++) {
                engine.role(org, roleId(t, role), Workload.ROLES.get(role), Workload.grantedPermissions(t, role));
            }
            for (int u = 0; u < w.usersPerTenant(); u++) {
                engine.member(org, memberId(w, t, u), Workload.userId(t, u), roleId(t, Workload.companyRole(t, u)));
            }
            for (int r = 0; r < w.roomsPerTenant(); r++) {
                for (int k = 0; k < w.membersPerRoom(); k++) {
                    int u = w.roomMember(t, r, k);
                    engine.assignment(org, ROOM, Workload.roomId(t, r), memberId(w, t, u),
                            roleId(t, w.roomRole(t, r, u)));
                }
            }
        }
        return new EnginePeer(w, engine.build());
    }

    static long roleId(int t, int role) {
        return 3L * t + 1 + role;
    }

    static long memberId(Workload w, int t, int u) {
        return (long) t * w.usersPerTenant() + u + 1;
    }

    /** A request in the engine's terms, prepared once so a benchmark measures the check alone. */
    public record Prepared(long org, long member, String permission, String room) {
    }

    public Prepared prepare(Workload.Request request) {
        return new Prepared(request.tenant() + 1L, memberId(workload, request.tenant(), request.user()),
                new String(request.permissionName().toCharArray()),
                request.room() < 0 ? null : Workload.roomId(request.tenant(), request.room()));
    }

    public boolean check(Prepared p) {
        return p.room() == null
                ? engine.check(p.org(), p.member(), p.permission())
                : engine.check(p.org(), p.member(), p.permission(), ROOM, p.room());
    }
}
