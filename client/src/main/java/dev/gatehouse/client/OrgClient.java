package dev.gatehouse.client;

/**
 * Everything inside one organization, reached through {@link GatehouseClient#org(long)}: its roles, members, keys,
 * resource assignments, groups, decisions, history, webhooks, bulk import and export, and (on the
 * {@code rooms} model) offices and regions. A view over the client's
 * one connection pool and session: cheap to make, immutable and thread-safe.
 */
public interface OrgClient {

    /** The organization's id. */
    long id();

    /** The organization itself. */
    Organizations.Organization get();

    /** The model the organization uses. */
    Models.Model model();

    Roles roles();

    Members members();

    Keys keys();

    Assignments assignments();

    Groups groups();

    Decisions decisions();

    Events events();

    Webhooks webhooks();

    Bulk bulk();

    /** Offices and regions ({@code rooms} organizations only). */
    Offices offices();

    /** The resource hierarchy: which resource lies under which. */
    Resources resources();
}
