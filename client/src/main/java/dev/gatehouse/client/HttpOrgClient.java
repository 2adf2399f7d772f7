package dev.gatehouse.client;

/** {@link OrgClient} over the native API. Immutable and thread-safe. */
final class HttpOrgClient implements OrgClient {

    private final Requests requests;
    private final long id;
    private final String path;

    HttpOrgClient(Requests requests, long id) {
        if (id < 1) {
            throw new IllegalArgumentException("an organization id is positive, got " + id);
        }
        this.requests = requests;
        this.id = id;
        this.path = "/v1/orgs/" + id;
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public Organizations.Organization get() {
        return requests.get(path, Organizations.Organization::from);
    }

    @Override
    public Models.Model model() {
        return requests.get(path + "/model", Models.Model::from);
    }

    @Override
    public Roles roles() {
        return new HttpRoles(requests, path);
    }

    @Override
    public Members members() {
        return new HttpMembers(requests, path);
    }

    @Override
    public Keys keys() {
        return new HttpKeys(requests, path);
    }

    @Override
    public Assignments assignments() {
        return new HttpAssignments(requests, path);
    }

    @Override
    public Groups groups() {
        return new HttpGroups(requests, path);
    }

    @Override
    public Decisions decisions() {
        return new HttpDecisions(requests, path);
    }

    @Override
    public Events events() {
        return new HttpEvents(requests, path);
    }

    @Override
    public Webhooks webhooks() {
        return new HttpWebhooks(requests, path);
    }

    @Override
    public Bulk bulk() {
        return HttpBulk.organization(requests, path);
    }

    @Override
    public Offices offices() {
        return new HttpOffices(requests, path);
    }

    @Override
    public Resources resources() {
        return new HttpResources(requests, path);
    }
}
