package dev.gatehouse.client;

import java.time.Instant;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The offices and regions of an organization on the {@code rooms} model ({@code /v1/orgs/{org}/offices},
 * {@code …/regions}; elsewhere every call is a 400 {@code not_a_rooms_organization}). They are the Rooms dialect's
 * offices and regions, managed with {@code canManageAccount}; one still in use cannot be deleted (409
 * {@code office_in_use}, {@code region_in_use}). The overloads taking an {@code expectedVersion} send
 * {@code If-Match} and fail with {@link PreconditionFailedException} when the office or region changed since it was
 * read. Thread-safe.
 */
public interface Offices {

    /** Every region by id, paging by itself. */
    Stream<Region> regions();

    Region region(long regionId);

    Region createRegion(String name);

    Region renameRegion(long regionId, String name);

    /** {@link #renameRegion(long, String)} if the region is still at {@code expectedVersion}. */
    Region renameRegion(long regionId, String name, long expectedVersion);

    void deleteRegion(long regionId);

    /** {@link #deleteRegion(long)} if the region is still at {@code expectedVersion}. */
    void deleteRegion(long regionId, long expectedVersion);

    /** Every office by id, paging by itself. */
    Stream<Office> list();

    /** The offices whose name contains {@code text} (ignoring case), paging by itself. */
    Stream<Office> list(String text);

    Office get(long officeId);

    Office create(OfficeInput office);

    /** Changes the fields {@code changes} sets and clears those it names in {@link OfficeInput#cleared()}. */
    Office update(long officeId, OfficeInput changes);

    /** {@link #update(long, OfficeInput)} if the office is still at {@code expectedVersion}. */
    Office update(long officeId, OfficeInput changes, long expectedVersion);

    void delete(long officeId);

    /** {@link #delete(long)} if the office is still at {@code expectedVersion}. */
    void delete(long officeId, long expectedVersion);

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

    /** An office's fields that an update may clear: every one but the name. */
    enum Field {
        REGION("region_id"), ADDRESS1("address1"), ADDRESS2("address2"), CITY("city"), STATE("state_id"),
        POSTAL_CODE("postal_code"), COUNTRY("country_id"), TIME_ZONE("time_zone_id"), PHONE("phone");

        private final String wire;

        Field(String wire) {
            this.wire = wire;
        }
    }

    /**
     * An office to create (a name required) or changes to one; null components are not sent, so an update leaves
     * those fields as they are, and the fields in {@code cleared} are sent as {@code null}, which clears them.
     *
     * <p>A field is set, cleared or left out, and the order of the calls that build an input does not matter: a
     * {@code with…} method sets the fields it is given a value for and leaves out those it is given null for (a field
     * {@link #clearing} named stays cleared), and a field given a value that is also cleared — by
     * {@code clearing(...)} before or after — is refused with an {@link IllegalArgumentException} naming it.
     *
     * @param cleared the fields an update clears (none may also be set here)
     */
    record OfficeInput(String name, Long regionId, String address1, String address2, String city, String stateId,
                       String postalCode, String countryId, String timeZoneId, String phone, Set<Field> cleared) {

        public OfficeInput {
            cleared = cleared == null || cleared.isEmpty() ? Set.of()
                    : Collections.unmodifiableSet(EnumSet.copyOf(cleared));
            for (Field field : cleared) {
                if (value(field, regionId, address1, address2, city, stateId, postalCode, countryId, timeZoneId,
                        phone) != null) {
                    throw new IllegalArgumentException("office field " + field.wire + " is both set and cleared: "
                            + "give it a value or clear it, not both");
                }
            }
        }

        /** An office input that clears nothing. */
        public OfficeInput(String name, Long regionId, String address1, String address2, String city,
                           String stateId, String postalCode, String countryId, String timeZoneId, String phone) {
            this(name, regionId, address1, address2, city, stateId, postalCode, countryId, timeZoneId, phone,
                    Set.of());
        }

        /** An office named {@code name}, or a rename. */
        public static OfficeInput named(String name) {
            return new OfficeInput(Arguments.required(name, "name"), null, null, null, null, null, null, null,
                    null, null);
        }

        /** Changes nothing yet: add what to change with the {@code with…} methods and {@link #clearing}. */
        public static OfficeInput changes() {
            return new OfficeInput(null, null, null, null, null, null, null, null, null, null);
        }

        public OfficeInput inRegion(long region) {
            return new OfficeInput(name, region, address1, address2, city, stateId, postalCode, countryId, timeZoneId,
                    phone, cleared);
        }

        public OfficeInput withAddress(String line1, String line2, String cityName, String state, String postal,
                                       String country) {
            return new OfficeInput(name, regionId, line1, line2, cityName, state, postal, country, timeZoneId, phone,
                    cleared);
        }

        public OfficeInput withPhone(String number) {
            return new OfficeInput(name, regionId, address1, address2, city, stateId, postalCode, countryId,
                    timeZoneId, number, cleared);
        }

        public OfficeInput withTimeZone(String zone) {
            return new OfficeInput(name, regionId, address1, address2, city, stateId, postalCode, countryId, zone,
                    phone, cleared);
        }

        /**
         * This input clearing {@code fields} as well (an update sends them as {@code null}); one this input sets is
         * refused (see the class comment).
         */
        public OfficeInput clearing(Field... fields) {
            Set<Field> more = EnumSet.noneOf(Field.class);
            more.addAll(cleared);
            more.addAll(Arguments.elements(fields, "fields"));
            return new OfficeInput(name, regionId, address1, address2, city, stateId, postalCode, countryId,
                    timeZoneId, phone, more);
        }

        private static Object value(Field field, Long regionId, String address1, String address2, String city,
                                    String stateId, String postalCode, String countryId, String timeZoneId,
                                    String phone) {
            return switch (field) {
                case REGION -> regionId;
                case ADDRESS1 -> address1;
                case ADDRESS2 -> address2;
                case CITY -> city;
                case STATE -> stateId;
                case POSTAL_CODE -> postalCode;
                case COUNTRY -> countryId;
                case TIME_ZONE -> timeZoneId;
                case PHONE -> phone;
            };
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
            cleared.forEach(field -> n.putNull(field.wire));
            return n;
        }
    }
}
