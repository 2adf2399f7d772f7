package dev.gatehouse.office;

import java.util.EnumSet;
import java.util.Set;

/**
 * What an office is made of besides its identity: its name (required on an office), its region (null: none)
 * and its address, each part null when unknown. {@link #with} applies a partial change.
 */
public record OfficeFields(String name, Integer regionId, String address1, String address2, String city,
                           String stateId, String postalCode, String countryId, String timeZoneId, String phone) {

    /** The parts of an office a change may name. */
    public enum Field { NAME, REGION, ADDRESS1, ADDRESS2, CITY, STATE, POSTAL_CODE, COUNTRY, TIME_ZONE, PHONE }

    /** These fields with the parts in {@code given} taken from {@code change} (a null there clears the part). */
    public OfficeFields with(OfficeFields change, Set<Field> given) {
        Set<Field> g = given.isEmpty() ? EnumSet.noneOf(Field.class) : EnumSet.copyOf(given);
        return new OfficeFields(g.contains(Field.NAME) ? change.name : name,
                g.contains(Field.REGION) ? change.regionId : regionId,
                g.contains(Field.ADDRESS1) ? change.address1 : address1,
                g.contains(Field.ADDRESS2) ? change.address2 : address2,
                g.contains(Field.CITY) ? change.city : city,
                g.contains(Field.STATE) ? change.stateId : stateId,
                g.contains(Field.POSTAL_CODE) ? change.postalCode : postalCode,
                g.contains(Field.COUNTRY) ? change.countryId : countryId,
                g.contains(Field.TIME_ZONE) ? change.timeZoneId : timeZoneId,
                g.contains(Field.PHONE) ? change.phone : phone);
    }
}
