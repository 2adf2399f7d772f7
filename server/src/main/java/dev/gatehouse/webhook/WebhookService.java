package dev.gatehouse.webhook;

import dev.gatehouse.access.Access;
import dev.gatehouse.access.Caller;
import dev.gatehouse.access.Principal;
import dev.gatehouse.changelog.Action;
import dev.gatehouse.changelog.Actor;
import dev.gatehouse.changelog.ObjectType;
import dev.gatehouse.error.ConflictException;
import dev.gatehouse.error.InvalidInputException;
import dev.gatehouse.error.NotFoundException;
import dev.gatehouse.model.OrgModels;
import dev.gatehouse.model.PermissionModel;
import dev.gatehouse.store.Store;
import dev.gatehouse.store.Written;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jdbi.v3.core.Handle;

import static dev.gatehouse.error.PreconditionFailedException.requireVersion;

/**
 * Webhook subscriptions of an organization and their rules. Who may manage them: service keys, and member
 * keys of the organization whose member holds the model's role-management permission (the same rule as
 * the events API, since a subscription receives the same events). URLs are absolute {@code http} or
 * {@code https} URLs without credentials whose host is not, and does not resolve to, an address inside the
 * network ({@link TargetPolicy}; checked once the caller is authorized, and again at every delivery); an
 * organization has at most {@link #MAX_PER_ORG}
 * subscriptions. Every change is recorded in the change log as object type {@code webhook}; the secret
 * never appears there. Thread-safe.
 */
public final class WebhookService {

    public static final int MAX_PER_ORG = 100;

    /** A subscription with the secret that was just generated for it (shown only here). */
    public record WithSecret(Webhook webhook, DeliveryState delivery, String secret) {
    }

    /** A subscription with where its delivery stands. */
    public record Detailed(Webhook webhook, DeliveryState delivery) {
    }

    private final Store store;
    private final WebhookStore webhooks = new WebhookStore();
    private final OrgModels orgModels;
    private final Access access;
    private final TargetPolicy targets;

    public WebhookService(Store store, OrgModels orgModels, Access access, TargetPolicy targets) {
        this.store = store;
        this.orgModels = orgModels;
        this.access = access;
        this.targets = targets;
    }

    public List<Detailed> list(Principal principal, long orgId, long after, int limit) {
        return access.read(principal, orgId, (h, caller) -> {
            requireManager(h, caller, orgId, "listing webhooks");
            return webhooks.list(h, orgId, after, limit).stream()
                    .map(w -> new Detailed(w, webhooks.state(h, w.id()).orElse(null))).toList();
        });
    }

    public Detailed get(Principal principal, long orgId, long id) {
        return access.read(principal, orgId, (h, caller) -> {
            requireManager(h, caller, orgId, "reading a webhook");
            Webhook w = find(h, orgId, id);
            return new Detailed(w, webhooks.state(h, id).orElse(null));
        });
    }

    public Written<WithSecret> create(Principal principal, long orgId, WebhookInput in) {
        Objects.requireNonNull(in.url(), "url");
        String url = checkUrl(in.url());
        // Authorized before the target is looked up: a caller without the right learns nothing about names.
        access.read(principal, orgId, (h, caller) -> {
            requireManager(h, caller, orgId, "creating a webhook");
            return null;
        });
        checkTarget(url);
        return access.write(principal, orgId, (tx, caller) -> {
            Handle h = tx.handle();
            requireManager(h, caller, orgId, "creating a webhook");
            long count = webhooks.count(h, orgId);
            if (count >= MAX_PER_ORG) {
                throw new ConflictException("webhook_limit", "organization " + orgId + " already has " + count
                        + " webhooks, the most allowed");
            }
            String secret = WebhookSigner.newSecret();
            Webhook w = webhooks.insert(h, orgId, new WebhookInput(url, in.description(), in.objectTypes(),
                    in.actions(), in.status(), false), secret, tx.now());
            tx.change(orgId, ObjectType.WEBHOOK, w.id(), Action.CREATED, null, LoggedWebhook.of(w));
            return new WithSecret(w, webhooks.state(h, w.id()).orElse(null), secret);
        });
    }

    /**
     * Changes a subscription. Resuming a paused one (status {@code active}) or pointing it at a new URL
     * forgets its run of failures, so the next event is sent at once. Rotating the secret returns the new
     * one, once.
     */
    public Written<WithSecret> update(Principal principal, long orgId, long id, WebhookInput in,
                                      Integer expectedVersion) {
        String url = in.url() == null ? null : checkUrl(in.url());
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
            Webhook current = webhooks.findForUpdate(h, orgId, id).orElseThrow(() -> notFound(orgId, id));
            requireVersion("webhook", id, current.version(), expectedVersion);
            String status = in.status() == null ? current.status() : in.status();
            boolean resumed = !current.active() && Webhook.ACTIVE.equals(status);
            boolean paused = current.active() && Webhook.PAUSED.equals(status);
            boolean moved = url != null && !url.equals(current.url());
            Instant now = tx.now();
            Webhook changed = new Webhook(id, orgId, url == null ? current.url() : url,
                    in.description() == null ? current.description() : in.description(),
                    in.objectTypes() == null ? current.objectTypes() : in.objectTypes(),
                    in.actions() == null ? current.actions() : in.actions(), status,
                    paused ? "paused through the API" : resumed ? null : current.pausedReason(),
                    paused ? now : resumed ? null : current.pausedAt(), current.version(), current.createdAt(),
                    current.updatedAt());
            Webhook updated = webhooks.update(h, changed, now);
            if (resumed || moved) {
                webhooks.resetFailures(h, id);
            }
            String secret = null;
            if (in.rotateSecret()) {
                secret = WebhookSigner.newSecret();
                webhooks.setSecret(h, id, secret);
            }
            Action action = resumed ? Action.RESUMED : paused ? Action.PAUSED : Action.UPDATED;
            tx.change(orgId, ObjectType.WEBHOOK, id, action, LoggedWebhook.of(current), LoggedWebhook.of(updated));
            return new WithSecret(updated, webhooks.state(h, id).orElse(null), secret);
        });
    }

    public Written<Webhook> delete(Principal principal, long orgId, long id, Integer expectedVersion) {
        return access.write(principal, orgId, (tx, caller) -> {
            Handle h = tx.handle();
            requireManager(h, caller, orgId, "deleting a webhook");
            Webhook current = webhooks.findForUpdate(h, orgId, id).orElseThrow(() -> notFound(orgId, id));
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
            find(h, orgId, id);
            return webhooks.deliveries(h, id, before, outcome, limit);
        });
    }

    /**
     * Pauses a subscription whose deliveries kept failing (by the system, recorded in the change log like
     * any other change); false when it was already paused or is gone.
     */
    boolean autoPause(long orgId, long id, String reason) {
        try {
            return store.write(Actor.SYSTEM, orgId, tx -> {
                Webhook current = webhooks.findForUpdate(tx.handle(), orgId, id).orElse(null);
                if (current == null || !current.active()) {
                    return false;
                }
                Instant now = tx.now();
                Webhook paused = webhooks.update(tx.handle(), new Webhook(id, orgId, current.url(), current.description(),
                        current.objectTypes(), current.actions(), Webhook.PAUSED, reason, now, current.version(),
                        current.createdAt(), current.updatedAt()), now);
                tx.change(orgId, ObjectType.WEBHOOK, id, Action.PAUSED, LoggedWebhook.of(current),
                        LoggedWebhook.of(paused));
                return true;
            }).value();
        } catch (NotFoundException e) {
            return false;
        }
    }

    private Webhook find(Handle h, long orgId, long id) {
        return webhooks.find(h, orgId, id).orElseThrow(() -> notFound(orgId, id));
    }

    private static NotFoundException notFound(long orgId, long id) {
        return new NotFoundException("webhook_not_found", "webhook " + id + " not found in organization " + orgId);
    }

    private void requireManager(Handle h, Caller caller, long orgId, String what) {
        PermissionModel model = orgModels.model(h, orgId);
        caller.require(model.management().roles(), what);
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
            boolean literal = host.startsWith("[") || host.equals(e.address().getHostAddress());
            throw InvalidInputException.field("url", literal
                    ? "must not point inside the network: " + host + " is a " + e.kind().description()
                            + " address; webhooks may only reach public addresses unless the operator allows more "
                            + "with --webhook-allowed-networks"
                    : "must not point inside the network: " + host + " resolves to a non-public address; webhooks "
                            + "may only reach public addresses unless the operator allows more with "
                            + "--webhook-allowed-networks");
        }
    }

    /** An absolute http(s) URL with a host and no credentials, at most 2048 characters. */
    static String checkUrl(String raw) {
        String url = raw.strip();
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw InvalidInputException.field("url", "is not a valid URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw InvalidInputException.field("url", "must be an http:// or https:// URL");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw InvalidInputException.field("url", "must name a host");
        }
        if (uri.getRawUserInfo() != null) {
            throw InvalidInputException.field("url", "must not carry credentials; verify requests by their signature");
        }
        if (uri.getRawFragment() != null) {
            throw InvalidInputException.field("url", "must not have a fragment");
        }
        return url;
    }
}
