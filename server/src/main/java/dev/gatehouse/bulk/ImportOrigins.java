package dev.gatehouse.bulk;

import dev.gatehouse.room.Room;
import dev.gatehouse.store.Tx;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which region, office or room of an organization an import created for an id its lines name ({@code import_origins}):
 * regions, offices and rooms are numbered by deployment-wide sequences, so a copy's objects have ids of their own. An
 * object line that creates its object records its exported id here, in its chunk's transaction, and so does one that
 * finds another object than the one its id named (its creation date told them apart: {@code RoomsLines}); every line
 * naming that id afterwards — in the same chunk, a later one, or a later import into the same organization — names the
 * object recorded last for it ({@link #local}); an id with no origin names itself (an import into the organization
 * exported). The objects recorded for an id before stay recorded ({@code import_origin_objects}, {@link #every}): one
 * id may stand for several objects, one per export that used it, and a line of each finds its own again. Reads are
 * cached for the chunk; the ids a chunk's lines name are read in one statement ({@link #prefetch}). Not thread-safe;
 * lives for one chunk of one organization.
 */
final class ImportOrigins {

    /** The kinds whose ids are mapped, as resource types and as {@code import_origins.object_type}. */
    static final Set<String> TYPES = Set.of("region", "office", "room");

    private final Tx tx;
    private final long orgId;
    private final Map<String, Optional<Integer>> known = new HashMap<>();
    /** Every object recorded for an id, read for the ids object lines name; by {@link #key}. */
    private final Map<String, Set<Integer>> recordedEver = new HashMap<>();

    ImportOrigins(Tx tx, long orgId) {
        this.tx = tx;
        this.orgId = orgId;
    }

    /** Reads the origins of every id of a mapped kind that {@code lines} name, in one statement. */
    void prefetch(List<ImportLine> lines) {
        List<String> types = new ArrayList<>();
        List<Integer> ids = new ArrayList<>();
        Set<String> asked = new HashSet<>();
        for (ImportLine line : lines) {
            named(line, (type, id) -> {
                if (!known.containsKey(key(type, id)) && asked.add(key(type, id))) {
                    types.add(type);
                    ids.add(id);
                }
            });
        }
        if (ids.isEmpty()) {
            return;
        }
        for (String k : asked) {
            known.put(k, Optional.empty());
            recordedEver.put(k, new TreeSet<>());
        }
        tx.handle().createQuery("SELECT o.object_type, o.exported_id, o.local_id, o.current FROM unnest("
                        + "CAST(:types AS text[]), CAST(:ids AS integer[])) AS k(object_type, exported_id) JOIN ("
                        + "SELECT org_id, object_type, exported_id, local_id, true AS current FROM import_origins "
                        + "UNION ALL SELECT org_id, object_type, exported_id, local_id, false FROM "
                        + "import_origin_objects) o "
                        + "ON o.org_id = :org AND o.object_type = k.object_type AND o.exported_id = k.exported_id")
                .bind("types", types.toArray(new String[0])).bind("ids", ids.toArray(new Integer[0]))
                .bind("org", orgId)
                .map((rs, ctx) -> {
                    String k = key(rs.getString(1), rs.getInt(2));
                    recordedEver.get(k).add(rs.getInt(3));
                    if (rs.getBoolean(4)) {
                        known.put(k, Optional.of(rs.getInt(3)));
                    }
                    return null;
                }).list();
    }

    /**
     * Every object an import recorded for exported id {@code id} of {@code type} — the one it names now
     * ({@link #recorded}) and those recorded for it before — by id, the order they were created in.
     */
    Set<Integer> every(String type, int id) {
        Set<Integer> ever = recordedEver.computeIfAbsent(key(type, id), k -> new TreeSet<>(tx.handle().createQuery(
                        "SELECT local_id FROM import_origin_objects WHERE org_id = :org AND object_type = :type "
                                + "AND exported_id = :id")
                .bind("org", orgId).bind("type", type).bind("id", id).mapTo(Integer.class).list()));
        recorded(type, id).ifPresent(ever::add);
        return Collections.unmodifiableSet(ever);
    }

    /** The object created for exported id {@code id} of {@code type}, if an import recorded one. */
    Optional<Integer> recorded(String type, int id) {
        return known.computeIfAbsent(key(type, id), k -> tx.handle().createQuery("SELECT local_id FROM import_origins "
                        + "WHERE org_id = :org AND object_type = :type AND exported_id = :id")
                .bind("org", orgId).bind("type", type).bind("id", id).mapTo(Integer.class).findOne());
    }

    /** The id a line's {@code id} of {@code type} names here: the object created for it, else itself. */
    int local(String type, int id) {
        return recorded(type, id).orElse(id);
    }

    /** {@link #local} for a resource id of any type: only decimal ids of the mapped types are mapped. */
    String localResource(String type, String id) {
        if (!TYPES.contains(type)) {
            return id;
        }
        int n = Room.parseResourceId(id);
        return n < 0 ? id : Integer.toString(local(type, n));
    }

    /** The ids mapped through {@link #local}, in their order. */
    List<Integer> local(String type, List<Integer> ids) {
        return ids.stream().map(id -> local(type, id)).toList();
    }

    /**
     * Records that exported id {@code id} of {@code type} names {@code localId} here from now on; the objects recorded
     * for it before stay among {@link #every}.
     */
    void record(String type, int id, int localId) {
        tx.handle().createUpdate("INSERT INTO import_origins (org_id, object_type, exported_id, local_id) VALUES "
                        + "(:org, :type, :id, :local) ON CONFLICT (org_id, object_type, exported_id) "
                        + "DO UPDATE SET local_id = :local")
                .bind("org", orgId).bind("type", type).bind("id", id).bind("local", localId).execute();
        tx.handle().createUpdate("INSERT INTO import_origin_objects (org_id, object_type, exported_id, local_id) "
                        + "VALUES (:org, :type, :id, :local) ON CONFLICT DO NOTHING")
                .bind("org", orgId).bind("type", type).bind("id", id).bind("local", localId).execute();
        known.put(key(type, id), Optional.of(localId));
        Set<Integer> ever = recordedEver.get(key(type, id));
        if (ever != null) {
            ever.add(localId);
        }
    }

    private interface Named {
        void accept(String type, int id);
    }

    /** The ids of mapped kinds {@code line} names. */
    private static void named(ImportLine line, Named out) {
        if (line instanceof ImportLine.Assignment a) {
            resource(a.type(), a.resourceId(), out);
        } else if (line instanceof ImportLine.Resource r) {
            resource(r.type(), r.id(), out);
            if (r.parentType() != null) {
                resource(r.parentType(), r.parentId(), out);
            }
        } else if (line instanceof ImportLine.Region r) {
            out.accept("region", r.id());
        } else if (line instanceof ImportLine.Office o) {
            out.accept("office", o.id());
            if (o.fields().regionId() != null) {
                out.accept("region", o.fields().regionId());
            }
        } else if (line instanceof ImportLine.Room r) {
            out.accept("room", r.id());
            if (r.officeId() != null) {
                out.accept("office", r.officeId());
            }
        } else if (line instanceof ImportLine.RoomUser u) {
            out.accept("room", u.roomId());
        } else if (line instanceof ImportLine.RoomsProfile p) {
            if (p.defaultOfficeId() != null) {
                out.accept("office", p.defaultOfficeId());
            }
            p.offices().forEach(id -> out.accept("office", id));
            p.regions().forEach(id -> out.accept("region", id));
        }
    }

    private static void resource(String type, String id, Named out) {
        if (TYPES.contains(type)) {
            int n = Room.parseResourceId(id);
            if (n > 0) {
                out.accept(type, n);
            }
        }
    }

    private static String key(String type, int id) {
        return type + "/" + id;
    }
}
