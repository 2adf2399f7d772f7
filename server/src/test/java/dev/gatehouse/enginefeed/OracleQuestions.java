package dev.gatehouse.enginefeed;

import dev.gatehouse.enginefeed.DecisionOracle.Decision;
import dev.gatehouse.enginefeed.DecisionOracle.Member;
import dev.gatehouse.enginefeed.DecisionOracle.Place;
import dev.gatehouse.enginefeed.DecisionOracle.Role;
import dev.gatehouse.testing.Http;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;

/**
 * The questions the randomized decision tests ({@link DecisionOracleIT}, {@link BuiltInModelOracleIT}) put to the
 * server after every write, each answer compared with {@link DecisionOracle}: checks through {@code check/batch}
 * (with and without explanations), effective permissions, {@code lookup/resources} and {@code lookup/members} paged
 * to the end, {@code visibility/check} and the visibility filter, and the same questions to several nodes.
 *
 * <p>What a test varies is given to it: the node asked and the revision it must have reached (both change during a
 * sequence, so they are read at each question), which member and permission pairs are asked at a place, the record
 * fields of the model, the order of resource ids, whether a check may name its member by user id, and how a
 * disagreement fails (with the test's seed and writes). Every random choice is drawn from the sequence's
 * {@link Random} in the order the questions are asked, so a seed replays the same questions. Not thread-safe: one
 * per sequence.
 */
final class OracleQuestions {

    /** One check: who asks, for which permission, where ({@code null}: organization-wide). */
    record Question(Member member, String permission, Place place) {
    }

    private final String orgPath;
    private final DecisionOracle oracle;
    private final Random random;
    private final Supplier<Http> reader;
    private final LongSupplier revision;
    private final Function<Place, List<Question>> questionsAt;
    private final List<String> fields;
    private final Comparator<String> idOrder;
    private final boolean byUserIdToo;
    private final Consumer<String> failure;

    /**
     * @param questionsAt the checks asked at a place, in the order asked (it may draw from {@code random})
     * @param fields      the record fields of the model, for {@code visibility/check}
     * @param idOrder     the order in which found resource ids and user ids are kept (in failure messages)
     * @param byUserIdToo whether a check names its member by user id half of the time
     * @param failure     throws an {@link AssertionError} that names the sequence
     */
    OracleQuestions(String orgPath, DecisionOracle oracle, Random random, Supplier<Http> reader,
                    LongSupplier revision, Function<Place, List<Question>> questionsAt, List<String> fields,
                    Comparator<String> idOrder, boolean byUserIdToo, Consumer<String> failure) {
        this.orgPath = Objects.requireNonNull(orgPath, "orgPath");
        this.oracle = Objects.requireNonNull(oracle, "oracle");
        this.random = Objects.requireNonNull(random, "random");
        this.reader = Objects.requireNonNull(reader, "reader");
        this.revision = Objects.requireNonNull(revision, "revision");
        this.questionsAt = Objects.requireNonNull(questionsAt, "questionsAt");
        this.fields = List.copyOf(fields);
        this.idOrder = Objects.requireNonNull(idOrder, "idOrder");
        this.byUserIdToo = byUserIdToo;
        this.failure = Objects.requireNonNull(failure, "failure");
    }

    void agree(String what, Object server, Object expected) {
        if (!Objects.equals(server, expected)) {
            failure.accept(what + ": server " + server + ", documented " + expected);
        }
    }

    /** The model's permissions that apply on the place (organization-wide when it is null). */
    List<String> permissionsOn(Place place) {
        String scope = place == null ? "organization" : place.type();
        return oracle.model.permissions().stream().filter(p -> oracle.model.scopes().get(p).contains(scope))
                .toList();
    }

    Map<String, Object> checkBody(long member, String permission, Place place) {
        // without explain a check takes the engine's fast path, with it the explaining one: both are compared
        Map<String, Object> body = new HashMap<>(Map.of("permission", permission, "explain", random.nextBoolean()));
        if (!byUserIdToo || random.nextBoolean()) {
            body.put("member_id", member);
        } else {
            body.put("user_id", oracle.members.get(member).userId());
        }
        if (place != null) {
            body.put("resource", Map.of("type", place.type(), "id", place.id()));
        }
        return body;
    }

    /** Asks every question at the places through {@code check/batch}, compares each answer, returns what was asked. */
    List<Question> checkAll(List<Place> places) {
        List<Question> asked = new ArrayList<>();
        List<Map<String, Object>> checks = new ArrayList<>();
        for (Place place : places) {
            for (Question question : questionsAt.apply(place)) {
                asked.add(question);
                checks.add(checkBody(question.member().id(), question.permission(), question.place()));
            }
        }
        List<JsonNode> results = new ArrayList<>();
        for (int from = 0; from < checks.size(); from += 1000) {
            Http.Res batch = reader.get().post(orgPath + "/check/batch", Map.of("checks",
                    checks.subList(from, Math.min(checks.size(), from + 1000)), "min_revision", revision.getAsLong()));
            if (batch.status() != 200) {
                failure.accept("check/batch: " + batch);
            }
            batch.get("results").forEach(results::add);
        }
        agree("check/batch: results", results.size(), checks.size());
        for (int i = 0; i < asked.size(); i++) {
            Question question = asked.get(i);
            compare("check " + question.member().userId() + " " + question.permission() + " on " + question.place(),
                    results.get(i), oracle.decide(question.member().id(), question.permission(), question.place()));
        }
        return asked;
    }

    void compare(String what, JsonNode answer, Decision expected) {
        if (answer == null || answer.get("allowed") == null) {
            failure.accept(what + ": no decision in " + answer);
        }
        agree(what + ": allowed", answer.get("allowed").booleanValue(), expected.allowed());
        JsonNode explanation = answer.get("explanation");
        if (explanation == null || explanation.isNull()) {
            return;
        }
        agree(what + ": path", explanation.get("path").stringValue(), expected.path());
        JsonNode role = explanation.get("role_id");
        agree(what + ": role_id", role == null || role.isNull() ? null : role.longValue(), expected.roleId());
        JsonNode ancestor = explanation.get("ancestor");
        Place place = ancestor == null || ancestor.isNull() ? null
                : new Place(ancestor.get("type").stringValue(), ancestor.get("id").stringValue());
        agree(what + ": ancestor", place, expected.ancestor());
    }

    void effectivePermissions(Member m, Place place) {
        Http.Res res = reader.get().get(permissionsPath(m.id(), place));
        if (res.status() != 200) {
            failure.accept("permissions of " + m.userId() + " on " + place + ": " + res);
        }
        List<String> server = new ArrayList<>();
        res.get("permissions").forEach(p -> server.add(p.stringValue()));
        agree("permissions of " + m.userId() + " on " + place, server, oracle.permissions(m.id(), place));
    }

    private String permissionsPath(long member, Place place) {
        return orgPath + "/members/" + member + "/permissions?min_revision=" + revision.getAsLong()
                + (place == null ? "" : "&resource_type=" + place.type() + "&resource_id=" + place.id());
    }

    /** {@code lookup/resources} for one of the permissions, read in pages of {@code pageSize}. */
    void lookupResources(Member m, String type, List<String> permissions, int pageSize) {
        String permission = permissions.get(random.nextInt(permissions.size()));
        Set<String> found = new TreeSet<>(idOrder);
        Boolean allUnassigned = null;
        String cursor = null;
        int pages = 0;
        do {
            Map<String, Object> body = new HashMap<>(Map.of("member_id", m.id(), "permission", permission,
                    "type", type, "limit", pageSize, "min_revision", revision.getAsLong()));
            if (cursor != null) {
                body.put("cursor", cursor);
            }
            Http.Res res = reader.get().post(orgPath + "/lookup/resources", body);
            if (res.status() != 200) {
                failure.accept("lookup/resources " + body + ": " + res);
            }
            res.get("items").forEach(n -> {
                if (!found.add(n.stringValue())) {
                    failure.accept("lookup/resources listed " + n + " twice");
                }
            });
            boolean flag = res.get("all_unassigned").booleanValue();
            if (allUnassigned != null && allUnassigned != flag) {
                failure.accept("lookup/resources: all_unassigned changed between pages");
            }
            allUnassigned = flag;
            cursor = res.get("next_cursor").isNull() ? null : res.get("next_cursor").stringValue();
        } while (cursor != null && ++pages < 100);
        String what = "lookup/resources " + m.userId() + " " + permission + " on " + type;
        agree(what + ": items", found, oracle.lookupResources(m.id(), permission, type));
        agree(what + ": all_unassigned", allUnassigned, oracle.allUnassigned(m.id(), permission, type));
    }

    /** {@code lookup/members} for one of the permissions on the place, read in pages of 3. */
    void lookupMembers(Place place, List<String> permissions) {
        String permission = permissions.get(random.nextInt(permissions.size()));
        Set<String> found = new TreeSet<>(idOrder);
        String cursor = null;
        int pages = 0;
        do {
            Map<String, Object> body = new HashMap<>(Map.of("permission", permission, "limit", 3,
                    "min_revision", revision.getAsLong()));
            if (place != null) {
                body.put("resource", Map.of("type", place.type(), "id", place.id()));
            }
            if (cursor != null) {
                body.put("cursor", cursor);
            }
            Http.Res res = reader.get().post(orgPath + "/lookup/members", body);
            if (res.status() != 200) {
                failure.accept("lookup/members " + body + ": " + res);
            }
            res.get("items").forEach(n -> found.add(n.get("user_id").stringValue()));
            cursor = res.get("next_cursor").isNull() ? null : res.get("next_cursor").stringValue();
        } while (cursor != null && ++pages < 100);
        agree("lookup/members " + permission + " on " + place, found, oracle.lookupMembers(permission, place));
    }

    /** {@code visibility/check} of a record with random fields, then the member's visibility filter. */
    void visibility(Member m) {
        Map<String, List<String>> record = new HashMap<>();
        for (String field : fields) {
            int pick = random.nextInt(4);
            if (pick == 1) {
                record.put(field, List.of(m.userId()));
            } else if (pick == 2) {
                record.put(field, List.of("someone-else"));
            } else if (pick == 3) {
                record.put(field, List.of());
            }
        }
        Http.Res res = reader.get().post(orgPath + "/visibility/check", Map.of("member_id", m.id(), "record",
                Map.of("fields", record), "min_revision", revision.getAsLong()));
        if (res.status() != 200) {
            failure.accept("visibility/check: " + res);
        }
        agree("visibility/check " + m.userId() + " " + record, res.get("visible").booleanValue(),
                oracle.visible(m.id(), record));
        Http.Res filter = reader.get().get(visibilityFilterPath(m.id()));
        if (filter.status() != 200) {
            failure.accept("visibility-filter: " + filter);
        }
        Role role = oracle.visibilityRole(m.id());
        String what = "visibility-filter of " + m.userId();
        agree(what + ": sees_none", filter.get("sees_none").booleanValue(), role == null);
        agree(what + ": sees_all", filter.get("sees_all").booleanValue(), role != null && oracle.seesAll(role));
        if (role != null && !oracle.seesAll(role)) {
            List<String> server = new ArrayList<>();
            filter.get("user_field_ids").forEach(f -> server.add(f.stringValue()));
            agree(what + ": user_field_ids", server, role.fields());
            agree(what + ": unassigned_visible", filter.get("unassigned_visible").booleanValue(),
                    role.allowUnassigned());
        }
    }

    private String visibilityFilterPath(long member) {
        return orgPath + "/members/" + member + "/visibility-filter?min_revision=" + revision.getAsLong();
    }

    /**
     * The nodes asked the same questions at the places — every check explained, every member's effective permissions
     * there and visibility filter: their answers, explanations, reasons and revisions included, must be identical,
     * not merely agree with the reference.
     */
    void sameAnswersEverywhere(List<Http> nodes, List<Place> places) {
        List<Map<String, Object>> checks = new ArrayList<>();
        List<String> reads = new ArrayList<>();
        for (Place place : places) {
            for (Question question : questionsAt.apply(place)) {
                Map<String, Object> check = checkBody(question.member().id(), question.permission(), place);
                check.put("explain", true);
                checks.add(check);
            }
            for (Member m : oracle.members.values()) {
                reads.add(permissionsPath(m.id(), place));
            }
        }
        oracle.members.keySet().forEach(m -> reads.add(visibilityFilterPath(m)));
        String differences = SameAnswers.differences(nodes, orgPath, checks, revision.getAsLong(), reads);
        if (differences != null) {
            failure.accept("the same question to two nodes: " + differences);
        }
    }
}
