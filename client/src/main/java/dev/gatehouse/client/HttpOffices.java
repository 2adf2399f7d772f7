package dev.gatehouse.client;

import dev.gatehouse.client.Transport.Safety;
import java.util.stream.Stream;

/** {@link Offices} over the native API. Immutable and thread-safe. */
final class HttpOffices implements Offices {

    private final Requests requests;
    private final String regions;
    private final String offices;

    HttpOffices(Requests requests, String orgPath) {
        this.requests = requests;
        this.regions = orgPath + "/regions";
        this.offices = orgPath + "/offices";
    }

    @Override
    public Stream<Region> regions() {
        return requests.pages(regions, Region::from);
    }

    @Override
    public Region region(long regionId) {
        return requests.get(regions + "/" + regionId, Region::from);
    }

    @Override
    public Region createRegion(String name) {
        return requests.send("POST", regions, Safety.WRITE,
                Wire.object().put("name", Arguments.required(name, "name")), null, Region::from);
    }

    @Override
    public Region renameRegion(long regionId, String name) {
        return rename(regionId, name, null);
    }

    @Override
    public Region renameRegion(long regionId, String name, long expectedVersion) {
        return rename(regionId, name, expectedVersion);
    }

    private Region rename(long regionId, String name, Long version) {
        return requests.send("PATCH", regions + "/" + regionId, Safety.WRITE,
                Wire.object().put("name", Arguments.required(name, "name")), version, Region::from);
    }

    @Override
    public void deleteRegion(long regionId) {
        requests.send("DELETE", regions + "/" + regionId, Safety.IDEMPOTENT, null, null);
    }

    @Override
    public void deleteRegion(long regionId, long expectedVersion) {
        requests.send("DELETE", regions + "/" + regionId, Safety.IDEMPOTENT, null, expectedVersion);
    }

    @Override
    public Stream<Office> list() {
        return requests.pages(offices, Office::from);
    }

    @Override
    public Stream<Office> list(String text) {
        return requests.pages(new Query(offices).add("q", Arguments.required(text, "text")).toString(),
                Office::from);
    }

    @Override
    public Office get(long officeId) {
        return requests.get(offices + "/" + officeId, Office::from);
    }

    @Override
    public Office create(OfficeInput office) {
        return requests.send("POST", offices, Safety.WRITE, Arguments.required(office, "office").json(),
                null, Office::from);
    }

    @Override
    public Office update(long officeId, OfficeInput changes) {
        return patch(officeId, changes, null);
    }

    @Override
    public Office update(long officeId, OfficeInput changes, long expectedVersion) {
        return patch(officeId, changes, expectedVersion);
    }

    private Office patch(long officeId, OfficeInput changes, Long version) {
        return requests.send("PATCH", offices + "/" + officeId, Safety.WRITE,
                Arguments.required(changes, "changes").json(), version, Office::from);
    }

    @Override
    public void delete(long officeId) {
        requests.send("DELETE", offices + "/" + officeId, Safety.IDEMPOTENT, null, null);
    }

    @Override
    public void delete(long officeId, long expectedVersion) {
        requests.send("DELETE", offices + "/" + officeId, Safety.IDEMPOTENT, null, expectedVersion);
    }
}
