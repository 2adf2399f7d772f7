package dev.gatehouse.webhook;

import dev.gatehouse.access.Access;
import dev.gatehouse.access.Caller;
import dev.gatehouse.access.Principal;
import dev.gatehouse.changelog.Action;
import dev.gatehouse.changelog.Actor;
import dev.gatehouse.changelog.ChangeRecord;
import dev.gatehouse.changelog.EventQuery;
import dev.gatehouse.changelog.ObjectType;
import dev.gatehouse.error.ConflictException;
import dev.gatehouse.error.ForbiddenException;
import dev.gatehouse.error.InvalidInputException;
import dev.gatehouse.error.NotFoundException;
import dev.gatehouse.error.UnauthenticatedException;
import dev.gatehouse.event.EventService;
import dev.gatehouse.model.OrgModels;
import dev.gatehouse.store.Store;
import dev.gatehouse.store.Written;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jdbi.v3.core.Handle;

import static dev.gatehouse.error.PreconditionFailedException.requireVersion;

/**
 * Webhook subscriptions of an organization and their rules. Who may manage them: service keys, and member
 * keys of the organization whose member may read its history ({@link EventService#requireReader}:
 * the same rule as the events API, since a subscription receives the same events). URLs are absolute {@code http} or
 * {@code https} URLs ({@link WebhookUrl}) whose host is not, and does not resolve to, an address inside the
 * network ({@link TargetPolicy}; checked once the caller is authorized, and again at every delivery); an
 * organization has at most {@link #MAX_PER_ORG}
 * subscriptions, of every format together. Every change is recorded in the change log as object type
 * {@code webhook}; the secret never appears there.
 *
 * <p><b>Whose authority.</b> A subscription a member made delivers the history on that member's authority, so it is
 * delivered only while its creator may still make it: the rule of the routes ({@link #requireManager}) is asked again,
 * of the creator as the database shows it, before every request ({@link #creatorLostAccess}); once the creator is
 * deactivated, removed or no longer a reader, the subscription is paused ({@link #CREATOR_LOST_ACCESS}). Whoever
 * resumes a subscription, or changes its URL, becomes its creator (null for a service key, whose subscriptions nothing
 * pauses this way): the one who decides where the history goes answers for it.
 *
 * <p><b>Formats.</b> A subscription has a {@link WebhookFormat}, chosen at creation: the native one, or one a
 * dialect registered (Close's). Its API is the one that made it: another format's API does not find it, and only
 * its own may change its filters (the native API may still pause, resume, move, describe, rotate or delete it). A
 * format whose original shows the signing secret on every read ({@link WebhookFormat#showsSecret}) gets it with
 * every subscription it reads; the native format shows it only when it is made. Thread-safe.
 */
public final class WebhookService {

    public static final int MAX_PER_ORG = 100;
    /** The name of the {@link #MAX_PER_ORG} limit, as its refusal names it. */
    private static final String LIMIT = "webhooks_per_org";
    /** The reason a subscription paused through an API carries. */
    public static final String PAUSED_BY_API = "paused through the API";
    /** How the reason of a subscription paused because its creator lost the right to make it begins. */
    public static final String CREATOR_LOST_ACCESS = "creator_lost_access";
    /**
     * The key id a creator is read under ({@link #creatorLostAccess}): no key has it; the creator is read as a member,
     * as for an access token, since its standing (active, role, grants) decides, not one of its keys.
     */
    private static final String CREATOR = "webhook-creator";

    /** A subscription with its secret: the one just made (create, rotation), or its format shows it on reads. */
    public record WithSecret(Webhook webhook, DeliveryState delivery, String secret) {
    }

    /**
     * A subscription with where its delivery stands, and its secret when its format shows it on every read (else
     * null).
     */
    public record Detailed(Webhook webhook, DeliveryState delivery, String secret) {
    }

    private final Store store;
    private final WebhookStore webhooks = new WebhookStore();
    private final OrgModels orgModels;
    private final Access access;
    private final EventService events;
    private final TargetPolicy targets;
    private final Map<String, WebhookFormat> formats = new HashMap<>();

    /** @param formats the formats of dialects, beside the native one */
    public WebhookService(Store store, OrgModels orgModels, Access access, EventService events, TargetPolicy targets,
                          List<WebhookFormat> formats) {
        this.store = store;
        this.events = events;
        this.orgModels = orgModels;
        this.access = access;
        this.targets = targets;
        this.formats.put(NativeFormat.NAME, new NativeFormat());
        formats.forEach(f -> {
            if (this.formats.putIfAbsent(f.name(), f) != null) {
                throw new IllegalArgumentException("two webhook formats are named " + f.name());
            }
        });
    }

    /** The format of a subscription (every stored format is registered: the schema admits only those). */
    WebhookFormat format(String name) {
        WebhookFormat f = formats.get(name);
        if (f == null) {
            throw new IllegalStateException("unknown webhook format " + name);
        }
        return f;
    }

    /** Subscriptions of every format, after id {@code after}. */
    public List<Detailed> list(Principal principal, long orgId, long after, int limit) {
        return list(principal, orgId, after, limit, null);
    }

    /** Subscriptions of one format only (null: every format), after id {@code after}. */
    public List<Detailed> list(Principal principal, long orgId, long after, int limit, String format) {
        return access.read(principal, orgId, (h, caller) -> {
            requireManager(h, caller, orgId, "listing webhooks");
            return webhooks.list(h, orgId, after, limit, format).stream().map(w -> detailed(h, w)).toList();
        });
    }

    public Detailed get(Principal principal, long orgId, long id) {
        return get(principal, orgId, id, null);
    }

    /** A subscription; of {@code format} only, unless null (another format's is not found). */
    public Detailed get(Principal principal, long orgId, long id, String format) {
        return access.read(principal, orgId, (h, caller) -> {
            requireManager(h, caller, orgId, "reading a webhook");
            return detailed(h, find(h, orgId, id, format));
        });
    }

    public Written<WithSecret> create(Principal principal, long orgId, WebhookInput in) {
        Objects.requireNonNull(in.url(), "url");
        WebhookFormat format = format(in.format() == null ? NativeFormat.NAME : in.format());
        String url = WebhookUrl.check(in.url());
        // Authorized before the target is looked up: a caller without the right learns nothing about names.
        access.read(principal, orgId, (h, caller) -> {
            requireManager(h, caller, orgId, "creating a webhook");
            return null;
        });
        checkTarget(url);
        // In a transaction of its own: its delivery starts after the organization's last record in the log, which a
        // transaction shared with earlier writes of the organization would read before theirs are appended (Tx).
        return access.writeAlone(principal, orgId, (tx, caller) -> {
            Handle h = tx.handle();
            requireManager(h, caller, orgId, "creating a webhook");
            long count = webhooks.count(h, orgId);
            if (count >= MAX_PER_ORG) {
                throw limitReached(orgId, count);
            }
            String secret = format.newSecret();
            Webhook w = webhooks.insert(h, orgId, new WebhookInput(url, in.description(), in.objectTypes(),
                    in.actions(), in.status(), false, format.name(), in.options()), secret, caller.memberId(),
                    tx.now());
            tx.change(orgId, ObjectType.WEBHOOK, w.id(), Action.CREATED, null, LoggedWebhook.of(w));
            return new WithSecret(w, webhooks.state(h, w.id()).orElse(null), secret);
        });
    }

    /**
     * 409 {@code webhook_limit}, naming the limit and the numbers as a {@code limit_reached} does (the limit is fixed:
     * no operator setting raises it, so it has a code of its own).
     */
    private static ConflictException limitReached(long orgId, long count) {
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("limit", LIMIT);
        context.put("maximum", MAX_PER_ORG);
        context.put("current", count);
        return new ConflictException("webhook_limit", "organization " + orgId + " already has " + count
                + " webhook subscriptions, its limit (" + LIMIT + " = " + MAX_PER_ORG + "); delete one first", context);
    }

    /**
     * Changes a subscription. Resuming a paused one (status {@code active}) or pointing it at a new URL
     * forgets its run of failures, so the next event is sent at once, as attempt 1 — right after a request still in
     * flight, whose outcome no longer counts ({@link WebhookStore#resetFailures}); so does a change of filters that no
     * longer selects the event that failed ({@link #dropsFailingEvent}), whose failures go with it. Whoever resumes a
     * subscription, or points it at a new URL, becomes its creator, on whose authority it is delivered from then on
     * (null for a service key): who decides where the history goes answers for it, so a member who moves someone
     * else's subscription does not keep it going there once it loses the right. Rotating the secret returns the new
     * one, once, and leaves the creator as it is: the secret lets its holder verify (or forge) requests, not receive
     * them, and only another rotation takes it back.
     */
    public Written<WithSecret> update(Principal principal, long orgId, long id, WebhookInput in,
                                      Integer expectedVersion) {
        String url = in.url() == null ? null : WebhookUrl.check(in.url());
        if (url != null) {
            access.read(principal, orgId, (h, caller) -> {
                requireManager(h, caller, orgId, "updating a webhook");
                return null;
            });
            checkTarget(url);
        }
        return access.write(principal, orgId, (tx, caller) -> {
            Handle h = tx.handle();
            requireManager(h, caller, orgId, "updating a webhook");
            Webhook current = webhooks.findForUpdate(h, orgId, id).filter(w -> of(w, in.format()))
                    .orElseThrow(() -> notFound(orgId, id));
            requireVersion("webhook", id, current.version(), expectedVersion);
            requireOwnFilters(current, in);
            String status = in.status() == null ? current.status() : in.status();
            boolean resumed = !current.active() && Webhook.ACTIVE.equals(status);
            boolean paused = current.active() && Webhook.PAUSED.equals(status);
            // a URL that differs in the case of its scheme or host only is the same URL: it changes nothing
            boolean moved = url != null && !url.equals(WebhookUrl.canonical(current.url()));
            Instant now = tx.now();
            Webhook changed = new Webhook(id, orgId, moved ? url : current.url(),
                    in.description() == null ? current.description() : in.description(),
                    changes(in.objectTypes(), current.objectTypes()) ? in.objectTypes() : current.objectTypes(),
                    changes(in.actions(), current.actions()) ? in.actions() : current.actions(), status,
                    paused ? PAUSED_BY_API : resumed ? null : current.pausedReason(),
                    paused ? now : resumed ? null : current.pausedAt(), current.version(), current.createdAt(),
                    current.updatedAt(), current.format(), in.options() == null ? current.options() : in.options(),
                    resumed || moved ? caller.memberId() : current.createdBy(), caller.memberId());
            if (!in.rotateSecret() && sameState(current, changed)) {
                // a write that changes nothing records nothing: no new version, no event, no delivery
                return new WithSecret(current, webhooks.state(h, id).orElse(null),
                        format(current.format()).showsSecret() ? webhooks.secret(h, id) : null);
            }
            Webhook updated = webhooks.update(h, changed, now);
            if (resumed || moved || dropsFailingEvent(h, current, updated)) {
                webhooks.resetFailures(h, id);
            }
            String secret = null;
            if (in.rotateSecret()) {
                secret = format(current.format()).newSecret();
                webhooks.setSecret(h, id, secret);
            } else if (format(current.format()).showsSecret()) {
                secret = webhooks.secret(h, id);
            }
            Action action = resumed ? Action.RESUMED : paused ? Action.PAUSED : Action.UPDATED;
            // the secret is never logged: a rotation is named among the changed fields all the same
            tx.change(orgId, ObjectType.WEBHOOK, id, action, LoggedWebhook.of(current), LoggedWebhook.of(updated),
                    null, in.rotateSecret() ? new String[] {"secret"} : new String[0]);
            return new WithSecret(updated, webhooks.state(h, id).orElse(null), secret);
        });
    }

    /**
     * Whether a change of filters from {@code before} to {@code after} no longer selects the event a run of failures
     * is about — the organization's first event after the cursor (the dispatcher moves the cursor past the events it
     * skips before it sends one) — which delivery will therefore skip: its failures and their backoff go with it.
     */
    private boolean dropsFailingEvent(Handle h, Webhook before, Webhook after) {
        if (before.objectTypes().equals(after.objectTypes()) && before.actions().equals(after.actions())
                && Objects.equals(before.options(), after.options())) {
            return false;
        }
        DeliveryState state = webhooks.state(h, after.id()).orElse(null);
        if (state == null || state.attempts() == 0) {
            return false;
        }
        List<ChangeRecord> failing = EventQuery.forOrg(after.orgId()).ascending(true).afterRevision(state.revision())
                .limit(1).build().run(h);
        return failing.isEmpty() || !selects(after, failing.get(0), webhooks.secret(h, after.id()));
    }

    /**
     * Whether {@code w} wants {@code event}: its object types and actions, then its format's finer filters. A format
     * that cannot build the request wants it (delivery records that failure: {@code format_failed}).
     */
    boolean selects(Webhook w, ChangeRecord event, String secret) {
        if (!w.matches(event.objectType().wire(), event.action().wire())) {
            return false;
        }
        try {
            return format(w.format()).request(w, event, secret, 0, 1).isPresent();
        } catch (RuntimeException e) {
            return true;
        }
    }

    /** Whether two states of a subscription hold the same values a write may change. */
    private static boolean sameState(Webhook a, Webhook b) {
        return a.url().equals(b.url()) && Objects.equals(a.description(), b.description())
                && a.objectTypes().equals(b.objectTypes()) && a.actions().equals(b.actions())
                && a.status().equals(b.status()) && Objects.equals(a.options(), b.options());
    }

    public Written<Webhook> delete(Principal principal, long orgId, long id, Integer expectedVersion) {
        return delete(principal, orgId, id, expectedVersion, null);
    }

    /** Deletes a subscription; of {@code format} only, unless null (another format's is not found). */
    public Written<Webhook> delete(Principal principal, long orgId, long id, Integer expectedVersion, String format) {
        return access.write(principal, orgId, (tx, caller) -> {
            Handle h = tx.handle();
            requireManager(h, caller, orgId, "deleting a webhook");
            Webhook current = webhooks.findForUpdate(h, orgId, id).filter(w -> of(w, format))
                    .orElseThrow(() -> notFound(orgId, id));
            requireVersion("webhook", id, current.version(), expectedVersion);
            webhooks.delete(h, id);
            tx.change(orgId, ObjectType.WEBHOOK, id, Action.DELETED, LoggedWebhook.of(current), null);
            return current;
        });
    }

    /** Delivery attempts, newest first, with id below {@code before} (0: from the newest). */
    public List<Delivery> deliveries(Principal principal, long orgId, long id, long before, String outcome, int limit) {
        return access.read(principal, orgId, (h, caller) -> {
            requireManager(h, caller, orgId, "reading webhook deliveries");
            find(h, orgId, id, null);
            return webhooks.deliveries(h, id, before, outcome, limit);
        });
    }

    /**
     * Pauses a subscription whose deliveries kept failing (by the system, recorded in the change log like
     * any other change); false when it was already paused or is gone.
     */
    boolean autoPause(long orgId, long id, String reason) {
        return autoPause(orgId, id, reason, null);
    }

    /**
     * Pauses a subscription as {@link #autoPause(long, long, String)} does, if it is still at {@code version} (null:
     * any): a reason read from one version (its creator) does not pause the next (resumed by someone else meanwhile).
     */
    boolean autoPause(long orgId, long id, String reason, Integer version) {
        try {
            return store.write(Actor.SYSTEM, orgId, tx -> {
                Webhook current = webhooks.findForUpdate(tx.handle(), orgId, id).orElse(null);
                if (current == null || !current.active() || version != null && current.version() != version) {
                    return false;
                }
                Instant now = tx.now();
                Webhook paused = webhooks.update(tx.handle(), current.withStatus(Webhook.PAUSED, reason, now), now);
                tx.change(orgId, ObjectType.WEBHOOK, id, Action.PAUSED, LoggedWebhook.of(current),
                        LoggedWebhook.of(paused));
                return true;
            }).value();
        } catch (NotFoundException e) {
            return false;
        }
    }

    /**
     * Why {@code w} may no longer be delivered on its creator's authority — a reason beginning with
     * {@link #CREATOR_LOST_ACCESS} — or null while it may: made by a service key, or by a member who may still make it
     * (active, and a reader by the rule of the routes, {@link #requireManager}), as the database shows the member now.
     * Asked before every request: the event about to be sent was committed before this read, so a deactivation,
     * removal or demotion that came before it is seen, on any node.
     */
    String creatorLostAccess(Webhook w) {
        Long creator = w.createdBy();
        if (creator == null) {
            return null;
        }
        try {
            access.read(new Principal.Member(CREATOR, w.orgId(), creator, true), w.orgId(), (h, caller) -> {
                requireManager(h, caller, w.orgId(), "receiving the organization's history through webhook " + w.id());
                return null;
            });
            return null;
        } catch (UnauthenticatedException e) {
            return CREATOR_LOST_ACCESS + ": member " + creator + ", its creator (who made, moved or resumed it last), "
                    + "is no longer active (deactivated or removed); whoever resumes it becomes its creator";
        } catch (ForbiddenException e) {
            return CREATOR_LOST_ACCESS + ": member " + creator + ", its creator (who made, moved or resumed it last), "
                    + "may no longer read the organization's history (" + e.getMessage() + "); whoever resumes it "
                    + "becomes its creator";
        }
    }

    private Webhook find(Handle h, long orgId, long id, String format) {
        return webhooks.find(h, orgId, id).filter(w -> of(w, format)).orElseThrow(() -> notFound(orgId, id));
    }

    /** Whether {@code w} is of {@code format}; every format is asked for when it is null. */
    private static boolean of(Webhook w, String format) {
        return format == null || format.equals(w.format());
    }

    private Detailed detailed(Handle h, Webhook w) {
        return new Detailed(w, webhooks.state(h, w.id()).orElse(null),
                format(w.format()).showsSecret() ? webhooks.secret(h, w.id()) : null);
    }

    /**
     * A subscription's filters are changed only through the API of its format, which keeps its object types and
     * actions and its own finer filters ({@link Webhook#options}) in step. Another API may send them back as they
     * are, in any order (a client that writes back the subscription it read): that changes nothing, so it is no
     * refusal; any other value is a 400 naming the field.
     */
    private static void requireOwnFilters(Webhook current, WebhookInput in) {
        if (in.format() != null || current.format().equals(NativeFormat.NAME)) {
            return;
        }
        String field = changes(in.objectTypes(), current.objectTypes()) ? "object_types"
                : changes(in.actions(), current.actions()) ? "actions" : null;
        if (field != null) {
            throw InvalidInputException.field(field, "cannot be changed here: the subscription was made in the \""
                    + current.format() + "\" format, whose own API sets the events it receives");
        }
    }

    /**
     * Whether a filter sent ({@code sent}; null: not sent) differs from the {@code current} one as a set: the same
     * values in another order are the same filter, kept as stored, so sending them back changes nothing.
     */
    private static boolean changes(List<String> sent, List<String> current) {
        return sent != null && !Set.copyOf(sent).equals(Set.copyOf(current));
    }

    private static NotFoundException notFound(long orgId, long id) {
        return new NotFoundException("webhook_not_found", "webhook " + id + " not found in organization " + orgId);
    }

    /** Subscriptions deliver the organization's history: who manages them is who may read it all. */
    private void requireManager(Handle h, Caller caller, long orgId, String what) {
        events.requireReader(caller, orgModels.model(h, orgId), what);
    }

    /**
     * Refuses a URL whose host is, or resolves to, an address webhooks may not reach. A name that does not
     * resolve (yet) is accepted: every delivery resolves and checks again, and fails with {@code dns_failed}
     * or {@code refused_address} until it resolves to an acceptable address. For a name, the answer does not
     * say which address or kind of address it resolved to.
     */
    private void checkTarget(String url) {
        String host = URI.create(url).getHost();
        try {
            targets.resolve(host);
        } catch (UnknownHostException e) {
            // accepted; checked again at every delivery
        } catch (RefusedAddressException e) {
            throw InvalidInputException.field("url", "must not point inside the network: " + refusal(host, e));
        }
    }

    /** Why {@code host} was refused; for a name, without the address or kind of address it resolved to. */
    private static String refusal(String host, RefusedAddressException e) {
        if (e.kind() == AddressKind.SCOPED) {
            return host + " is an IPv6 address with a zone id; a zone only makes sense for a link-local address, "
                    + "and webhooks do not reach those";
        }
        boolean literal = host.startsWith("[") || host.equals(e.address().getHostAddress());
        String kind = e.kind().description();
        return (literal ? host + (kind.startsWith("unspecified") ? " is an " : " is a ") + kind + " address"
                : host + " resolves to a non-public address")
                + "; webhooks may only reach public addresses unless the operator allows more with "
                + "--webhook-allowed-networks";
    }
}
