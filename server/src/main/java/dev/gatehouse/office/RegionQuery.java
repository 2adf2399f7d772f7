package dev.gatehouse.office;

/**
 * A list of regions, by id: those after {@code afterId} (0: from the first), skipping {@code offset} of them, at most
 * {@code limit}.
 *
 * @param managedOnly only the regions the caller manages. In a v5 company, where a Manager's reach runs through
 *                    regions, those of its access level: its regions at Region, every region at Company and Admin
 *                    (and for service keys), none at Office or Contributor (an Agent; a Manager added through
 *                    {@code /v1}). In a v6 company, where regions are data that {@code canManageAccount} manages,
 *                    every region for a caller whose company role holds it (and for service keys), none otherwise
 */
public record RegionQuery(boolean managedOnly, int afterId, int offset, int limit) {
}
