package dev.gatehouse.office;

/**
 * A search among offices, by id: those after {@code afterId} (0: from the first), skipping {@code offset} of them,
 * at most {@code limit}.
 *
 * @param search         a text the name must contain, ignoring case; null for any
 * @param onlyAccessible only the offices the caller works in: its default office and those its access level works
 *                       through (its offices at Office, the offices of its regions at Region, both at Contributor),
 *                       or every office for the Company and Admin access levels (and service keys)
 */
public record OfficeQuery(String search, boolean onlyAccessible, int afterId, int offset, int limit) {
}
