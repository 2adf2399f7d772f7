package dev.gatehouse.client;

import dev.gatehouse.client.Transport.Safety;
import java.util.stream.Stream;

/** {@link Organizations} over the native API. Immutable and thread-safe. */
final class HttpOrganizations implements Organizations {

    private final Requests requests;

    HttpOrganizations(Requests requests) {
        this.requests = requests;
    }

    @Override
    public Stream<Organization> list() {
        return requests.pages("/v1/orgs", Organization::from);
    }

    @Override
    public Organization get(long orgId) {
        return requests.get("/v1/orgs/" + orgId, Organization::from);
    }

    @Override
    public CreatedOrganization create(NewOrganization organization) {
        return requests.send("POST", "/v1/orgs", Safety.WRITE,
                Arguments.required(organization, "organization").json(), null, CreatedOrganization::from);
    }

    @Override
    public Organization rename(long orgId, String name) {
        return patch(orgId, name, null);
    }

    @Override
    public Organization rename(long orgId, String name, long expectedVersion) {
        return patch(orgId, name, expectedVersion);
    }

    private Organization patch(long orgId, String name, Long version) {
        return requests.send("PATCH", "/v1/orgs/" + orgId, Safety.WRITE,
                Wire.object().put("name", Arguments.required(name, "name")), version, Organization::from);
    }

    @Override
    public void delete(long orgId) {
        requests.send("DELETE", "/v1/orgs/" + orgId, Safety.IDEMPOTENT, null, null);
    }
}
