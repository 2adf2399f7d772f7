package dev.gatehouse.client;

import java.time.Instant;
import java.util.Objects;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The offices and regions of an organization on the {@code rooms} model ({@code /v1/orgs/{org}/offices},
 * {@code …/regions}; elsewhere every call is a 400 {@code not_a_rooms_organization}). They are the Rooms dialect's
 * offices and regions, managed with {@code canManageAccount}; one still in use cannot be deleted (409
 * {@code office_in_use}, {@code region_in_use}). Thread-safe.
 */
public interface Offices {

    /** Every region by id, paging by itself. */
    Stream<Region> regions();

    Region region(long regionId);

    Region createRegion(String name);

    Region renameRegion(long regionId, String name);

    void deleteRegion(long regionId);

    /** Every office by id, paging by itself. */
    Stream<Office> list();

    /** The offices whose name contains {@code text} (ignoring case), paging by itself. */
    Stream<Office> list(String text);

    Office get(long officeId);

    Office create(OfficeInput office);

    /** Changes the fields {@code changes} sets (null components are left as they are). */
    Office update(long officeId, OfficeInput changes);

    void delete(long officeId);

    /** A region: a named group of offices ({@code id} is a Rooms {@code regionId}). */
    record Region(long id, String name, long version, Instant createdAt, Instant updatedAt) {

        static Region from(JsonNode n) {
            return new Region(Wire.number(n, "id"), Wire.text(n, "name"), Wire.number(n, "version"),
                    Wire.instant(n, "created_at"), Wire.instant(n, "updated_at"));
        }
    }

    /** An office ({@code id} is a Rooms {@code officeId}); every field but the name may be null. */
    record Office(long id, String name, Long regionId, String address1, String address2, String city, String stateId,
                  String postalCode, String countryId, String timeZoneId, String phone, long version,
                  Instant createdAt, Instant updatedAt) {

        static Office from(JsonNode n) {
            return new Office(Wire.number(n, "id"), Wire.text(n, "name"), Wire.longOrNull(n, "region_id"),
                    Wire.text(n, "address1"), Wire.text(n, "address2"), Wire.text(n, "city"), Wire.text(n, "state_id"),
                    Wire.text(n, "postal_code"), Wire.text(n, "country_id"), Wire.text(n, "time_zone_id"),
                    Wire.text(n, "phone"), Wire.number(n, "version"), Wire.instant(n, "created_at"),
                    Wire.instant(n, "updated_at"));
        }
    }

    /** An office to create (a name required) or changes to one; null components are not sent. */
    record OfficeInput(String name, Long regionId, String address1, String address2, String city, String stateId,
                       String postalCode, String countryId, String timeZoneId, String phone) {

        /** An office named {@code name}, or a rename. */
        public static OfficeInput named(String name) {
            return new OfficeInput(Objects.requireNonNull(name, "name"), null, null, null, null, null, null, null,
                    null, null);
        }

        public OfficeInput inRegion(long region) {
            return new OfficeInput(name, region, address1, address2, city, stateId, postalCode, countryId, timeZoneId,
                    phone);
        }

        public OfficeInput withAddress(String line1, String line2, String cityName, String state, String postal,
                                       String country) {
            return new OfficeInput(name, regionId, line1, line2, cityName, state, postal, country, timeZoneId, phone);
        }

        public OfficeInput withPhone(String number) {
            return new OfficeInput(name, regionId, address1, address2, city, stateId, postalCode, countryId,
                    timeZoneId, number);
        }

        public OfficeInput withTimeZone(String zone) {
            return new OfficeInput(name, regionId, address1, address2, city, stateId, postalCode, countryId, zone,
                    phone);
        }

        ObjectNode json() {
            ObjectNode n = Wire.object();
            Wire.putIfSet(n, "name", name);
            Wire.putIfSet(n, "region_id", regionId);
            Wire.putIfSet(n, "address1", address1);
            Wire.putIfSet(n, "address2", address2);
            Wire.putIfSet(n, "city", city);
            Wire.putIfSet(n, "state_id", stateId);
            Wire.putIfSet(n, "postal_code", postalCode);
            Wire.putIfSet(n, "country_id", countryId);
            Wire.putIfSet(n, "time_zone_id", timeZoneId);
            Wire.putIfSet(n, "phone", phone);
            return n;
        }
    }
}
