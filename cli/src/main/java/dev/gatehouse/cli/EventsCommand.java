package dev.gatehouse.cli;

import static dev.gatehouse.cli.Table.col;

import dev.gatehouse.client.Events.Event;
import dev.gatehouse.client.Events.EventQuery;
import dev.gatehouse.client.GatehouseClient;
import dev.gatehouse.client.OrgClient;
import dev.gatehouse.client.TransportException;
import dev.gatehouse.client.UnavailableException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gatehouse events [--follow]}: an organization's change history. Without {@code --follow}, the newest
 * {@code --limit} events (newest first, or oldest first with {@code --oldest-first}); with it, every event committed
 * from now on (or after {@code --after-revision}), oldest first, one per line as it comes — until interrupted or, with
 * {@code --limit}, after that many, or when its standard output closes ({@code | head}: exit 2, as export), or once
 * the organization is deleted (exit 2: its history outlives it, so a service key could read on for ever; at once for a
 * follow from the deletion's revision or past it); a follow after a revision the change log has not reached is refused
 * (exit 2, naming the log's last revision); a server out of reach for a while (a restart) is waited for. In
 * JSON, a list is one array and a followed stream one object per line (NDJSON).
 */
@Command(name = "events", mixinStandardHelpOptions = true,
        description = "An organization's change history; --follow prints new events as they are committed.")
final class EventsCommand implements Callable<Integer> {

    static final Table.Columns<Event> COLUMNS = Table.Columns.of(col("REVISION", Event::revision),
            col("OCCURRED_AT", Event::occurredAt), col("ACTOR", EventsCommand::actor),
            col("OBJECT", e -> e.objectType() + ":" + e.objectId()), col("ACTION", Event::action),
            col("CHANGED", Event::changedFields));

    @Option(names = {"-f", "--follow"}, description = "keep printing events as they are committed")
    boolean follow;

    @Option(names = {"-n", "--limit"}, description = "at most this many (default 20; following: no limit)")
    Integer limit;

    @Option(names = "--oldest-first", description = "list oldest first")
    boolean oldestFirst;

    @Option(names = "--after-revision", paramLabel = "REVISION", description = "only events after this revision")
    Long afterRevision;

    @Option(names = "--type", paramLabel = "OBJECT_TYPE", description = "only this object type (role, member, "
            + "assignment, group, …; repeat for several)")
    List<String> types = new ArrayList<>();

    @Option(names = "--action", description = "only this action (created, updated, deleted, …; repeat)")
    List<String> actions = new ArrayList<>();

    @Option(names = "--interval", paramLabel = "MILLIS", defaultValue = "1000",
            description = "following, how often to ask for new events (default 1000 ms)")
    long intervalMillis;

    private static final String ORGANIZATION = "organization";
    private static final String DELETED = "deleted";

    /** The longest wait between tries while the server cannot be reached. */
    static final Duration MAX_WAIT = Duration.ofSeconds(10);

    @Spec
    CommandSpec spec;

    @Mixin
    OrgOption org;

    @Mixin
    Connection connection;

    @Mixin
    Output output;

    @Override
    public Integer call() throws InterruptedException {
        if (limit != null && limit < 0) {
            throw new CliException("--limit must be 0 or more, got " + limit);
        }
        if (intervalMillis < 10) {
            throw new CliException("--interval must be at least 10 ms, got " + intervalMillis);
        }
        try (GatehouseClient gatehouse = connection.open()) {
            OrgClient organization = gatehouse.org(org.id);
            if (follow) {
                return follow(gatehouse, organization);
            } else {
                EventQuery query = narrowed(oldestFirst ? EventQuery.oldestFirst() : EventQuery.newestFirst());
                try (Stream<Event> events = organization.events().list(query)) {
                    output.list(events.limit(limit == null ? 20 : limit).toList(), COLUMNS);
                }
            }
        }
        return ExitCodes.OK;
    }

    private int follow(GatehouseClient gatehouse, OrgClient organization) throws InterruptedException {
        long after;
        if (afterRevision != null) {
            // the deletion is the organization's last event: a follow from it or past it would wait for none to come
            Event deletion = deletion(organization, 0L);
            if (deletion != null && deletion.revision() <= afterRevision) {
                return deleted(organization, deletion);
            }
            // that read's Gatehouse-Revision covers the change log's end: a follow past it would wait, silent, for
            // revisions the deployment has not reached (as min_revision, the server refuses them)
            long last = gatehouse.revision();
            if (afterRevision > last) {
                throw new CliException("--after-revision " + afterRevision + " is past the end of the change log "
                        + "(revision " + last + "): give a revision a write's answer or an event gave");
            }
            after = afterRevision;
        } else {
            // from now on: after the newest event of any kind
            Event last;
            try (Stream<Event> newest = organization.events().list(EventQuery.newestFirst())) {
                last = newest.findFirst().orElse(null);
            }
            if (last != null && deletes(last, organization.id())) {
                return deleted(organization, last);
            }
            after = last == null ? 0L : last.revision();
        }
        PrintWriter out = output.out();
        boolean json = output.format() == Output.Format.JSON;
        long printed = 0;
        Duration interval = Duration.ofMillis(intervalMillis);
        Duration wait = interval;
        boolean lost = false;
        // the organization's deletion is its last event: seen in the stream, or asked for when a filter hides it
        boolean watchDeletion = !types.isEmpty() && !types.contains(ORGANIZATION)
                || !actions.isEmpty() && !actions.contains(DELETED);
        while (limit == null || printed < limit) {
            Event deletion = null;
            try {
                if (watchDeletion) {
                    // asked before the events it ends, so that those committed before it are still printed
                    deletion = deletion(organization, after);
                }
            } catch (TransportException | UnavailableException e) {
                // the poll below meets it too, and says so
            }
            try (Stream<Event> events = organization.events().list(narrowed(EventQuery.oldestFirst())
                    .afterRevision(after))) {
                Iterator<Event> each = events.iterator();
                while (each.hasNext() && (limit == null || printed < limit)) {
                    Event event = each.next();
                    out.println(json ? Output.LINES.writeValueAsString(event) : Display.escaped(line(event)));
                    if (out.checkError()) {
                        // a PrintWriter swallows the broken pipe: without asking, it would poll for ever
                        Said.done(spec, "standard output closed after " + Display.counted(printed, "event")
                                + "; stopped following");
                        return ExitCodes.ERROR;
                    }
                    after = event.revision();
                    printed++;
                    if (deletes(event, organization.id())) {
                        deletion = event;
                        break;
                    }
                }
                if (deletion != null && (limit == null || printed < limit)) {
                    return deleted(organization, deletion);
                }
                if (lost) {
                    Said.done(spec, "reconnected; following from revision " + after);
                    lost = false;
                }
                wait = interval;
            } catch (TransportException | UnavailableException e) {
                // a node restarting, or out of reach for a while: keep following from the last event printed, as
                // a replica does, waiting longer each time (up to MAX_WAIT); anything else ends the command
                if (!lost) {
                    Said.done(spec, "lost the server (" + e.code() + "); trying again, from revision " + after);
                    lost = true;
                }
                wait = wait.multipliedBy(2).compareTo(MAX_WAIT) > 0 ? MAX_WAIT : wait.multipliedBy(2);
            }
            if (limit != null && printed >= limit) {
                break;
            }
            Thread.sleep(wait.toMillis());
        }
        return ExitCodes.OK;
    }

    /** Ends a follow that has nothing more to come: exit 2, as for any other error that ends it. */
    private int deleted(OrgClient organization, Event deletion) {
        Said.done(spec, "organization " + organization.id() + " was deleted (revision " + deletion.revision()
                + "); stopped following");
        return ExitCodes.ERROR;
    }

    /** The organization's deletion, when it happened after {@code revision}; else null. */
    private static Event deletion(OrgClient organization, long revision) {
        try (Stream<Event> deleted = organization.events().list(EventQuery.oldestFirst().objectTypes(ORGANIZATION)
                .actions(DELETED).afterRevision(revision))) {
            return deleted.filter(e -> deletes(e, organization.id())).findFirst().orElse(null);
        }
    }

    private static boolean deletes(Event event, long orgId) {
        return ORGANIZATION.equals(event.objectType()) && DELETED.equals(event.action())
                && String.valueOf(orgId).equals(event.objectId());
    }

    private EventQuery narrowed(EventQuery query) {
        EventQuery narrowed = query.objectTypes(types.toArray(String[]::new)).actions(actions.toArray(String[]::new));
        return afterRevision == null ? narrowed : narrowed.afterRevision(afterRevision);
    }

    private static String line(Event e) {
        return e.revision() + "  " + e.occurredAt() + "  " + actor(e) + "  " + e.objectType() + ":" + e.objectId()
                + "  " + e.action() + (e.changedFields().isEmpty() ? "" : "  " + String.join(",", e.changedFields()));
    }

    private static String actor(Event e) {
        if (e.actor() == null) {
            return "";
        }
        return e.actor().type() + (e.actor().memberId() == null ? "" : ":" + e.actor().memberId());
    }
}
