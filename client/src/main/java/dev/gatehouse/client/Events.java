package dev.gatehouse.client;

import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;

/**
 * An organization's change history ({@code /v1/orgs/{org}/events}): every committed change, readable with a service
 * key or by a member holding the model's role-management permission. To follow the history, list
 * {@link EventQuery#oldestFirst()} {@link EventQuery#afterRevision(long) after} the last revision seen. Thread-safe.
 */
public interface Events {

    /** The events {@code query} selects, in its order, paging by itself (a page may end early; this follows on). */
    Stream<Event> list(EventQuery query);

    /** One event by its revision. */
    Event get(long revision);

    /**
     * The objects a summarizing {@code bulk_import} event stands for (an import's run of assignments), in their order,
     * paging by itself; 404 {@code event_objects_not_found} for any other event.
     */
    Stream<ImportedObject> objects(long revision);

    /**
     * One object of a {@code bulk_import} event, as its own event would have shown it.
     *
     * @param position its place in the event, from 1
     * @param action   {@code created} or {@code updated}
     * @param before   the object before (null when created)
     */
    record ImportedObject(long position, String objectType, String objectId, String action, JsonNode before,
                          JsonNode after) {

        static ImportedObject from(JsonNode n) {
            return new ImportedObject(Wire.number(n, "position"), Wire.text(n, "object_type"),
                    Wire.text(n, "object_id"), Wire.text(n, "action"), Wire.node(n, "before"), Wire.node(n, "after"));
        }
    }

    /**
     * One committed change.
     *
     * @param revision the change log's revision (global, gapless, increasing)
     * @param before   the object before (null when created), its native representation
     * @param after    the object after (null when deleted)
     * @param delta    what a group member change did ({@code members_added}, {@code members_removed}), or null
     */
    record Event(long revision, long orgId, Instant occurredAt, Actor actor, String objectType, String objectId,
                 String action, List<String> changedFields, JsonNode before, JsonNode after, JsonNode delta) {

        public Event {
            changedFields = List.copyOf(changedFields);
        }

        static Event from(JsonNode n) {
            JsonNode actor = Wire.node(n, "actor");
            return new Event(Wire.number(n, "revision"), Wire.number(n, "org_id"), Wire.instant(n, "occurred_at"),
                    actor == null ? null : new Actor(Wire.text(actor, "type"), Wire.longOrNull(actor, "member_id"),
                            Wire.text(actor, "key_id")),
                    Wire.text(n, "object_type"), Wire.text(n, "object_id"), Wire.text(n, "action"),
                    Wire.strings(n, "changed_fields"), Wire.node(n, "before"), Wire.node(n, "after"),
                    Wire.node(n, "delta"));
        }
    }

    /**
     * Who made a change.
     *
     * @param type     {@code service}, {@code member} or {@code system}
     * @param memberId the acting member, or null
     * @param keyId    the public id of the API key used, or null
     */
    record Actor(String type, Long memberId, String keyId) {
    }

    /**
     * Which events to list and in which order; empty lists and null components do not narrow.
     *
     * @param ascending oldest first when true, newest first (the API's default) when false
     * @param since     {@code occurred_at >= since}, or null
     * @param until     {@code occurred_at < until}, or null
     */
    record EventQuery(boolean ascending, List<String> objectTypes, List<String> objectIds, List<String> actions,
                      String actorType, Long actorId, String keyId, Instant since, Instant until, Long afterRevision,
                      Long beforeRevision) {

        public EventQuery {
            objectTypes = Arguments.elements(objectTypes, "objectTypes");
            objectIds = Arguments.elements(objectIds, "objectIds");
            actions = Arguments.elements(actions, "actions");
        }

        /** Every event, newest first. */
        public static EventQuery newestFirst() {
            return new EventQuery(false, List.of(), List.of(), List.of(), null, null, null, null, null, null, null);
        }

        /** Every event, oldest first. */
        public static EventQuery oldestFirst() {
            return new EventQuery(true, List.of(), List.of(), List.of(), null, null, null, null, null, null, null);
        }

        /** Only these object types ({@code role}, {@code member}, {@code assignment}, {@code group}, …). */
        public EventQuery objectTypes(String... types) {
            return new EventQuery(ascending, listOf(types, "objectTypes"), objectIds, actions, actorType, actorId,
                    keyId, since, until, afterRevision, beforeRevision);
        }

        /** Only events of these objects. */
        public EventQuery objectIds(String... ids) {
            return new EventQuery(ascending, objectTypes, listOf(ids, "objectIds"), actions, actorType, actorId, keyId,
                    since, until, afterRevision, beforeRevision);
        }

        /** Only these actions ({@code created}, {@code updated}, {@code deleted}, {@code expired}, …). */
        public EventQuery actions(String... names) {
            return new EventQuery(ascending, objectTypes, objectIds, listOf(names, "actions"), actorType, actorId,
                    keyId, since, until, afterRevision, beforeRevision);
        }

        /** Only changes by this actor type, and member when {@code memberId} is not null. */
        public EventQuery actor(String type, Long memberId) {
            return new EventQuery(ascending, objectTypes, objectIds, actions, type, memberId, keyId, since, until,
                    afterRevision, beforeRevision);
        }

        /** Only changes made with this API key. */
        public EventQuery keyId(String id) {
            return new EventQuery(ascending, objectTypes, objectIds, actions, actorType, actorId, id, since, until,
                    afterRevision, beforeRevision);
        }

        /** Only events with {@code from <= occurred_at < to} (either may be null). */
        public EventQuery between(Instant from, Instant to) {
            return new EventQuery(ascending, objectTypes, objectIds, actions, actorType, actorId, keyId, from, to,
                    afterRevision, beforeRevision);
        }

        /** Only revisions greater than {@code revision}. */
        public EventQuery afterRevision(long revision) {
            return new EventQuery(ascending, objectTypes, objectIds, actions, actorType, actorId, keyId, since, until,
                    revision, beforeRevision);
        }

        /** Only revisions less than {@code revision}. */
        public EventQuery beforeRevision(long revision) {
            return new EventQuery(ascending, objectTypes, objectIds, actions, actorType, actorId, keyId, since, until,
                    afterRevision, revision);
        }

        /** {@code values} as a list, refusing a null array or element with an exception naming {@code name}. */
        private static List<String> listOf(String[] values, String name) {
            List<String> listed = Arguments.elements(values, name);
            for (int i = 0; i < values.length; i++) {
                if (values[i].isBlank()) {
                    // a blank filter would name nothing, and the server refuses it (it once listed every event)
                    throw new IllegalArgumentException(name + "[" + i + "] must not be blank");
                }
            }
            return listed;
        }

        String path(String eventsPath) {
            return new Query(eventsPath).add("order", ascending ? "asc" : null).addAll("object_type", objectTypes)
                    .addAll("object_id", objectIds).addAll("action", actions).add("actor_type", actorType)
                    .add("actor_id", actorId).add("key_id", keyId).add("since", since).add("until", until)
                    .add("after_revision", afterRevision).add("before_revision", beforeRevision).toString();
        }
    }
}
