package dev.gatehouse.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What the engine needs to know of a permission model: its permissions, numbered in catalog order (roles hold
 * their permissions as bit sets over those numbers), the resource types on which each permission applies, and
 * whether a resource type inherits the company role, and which permissions may be granted to an individual member
 * of which system roles ({@link #grants()}: per-member grants, which extend such a member's company role). An
 * application builds one catalog per model (Gatehouse's server from its {@code PermissionModel}) and hands the
 * engine a way to find it by id.
 *
 * <p>Immutable and thread-safe; share one instance among every organization of a model.
 */
public final class Catalog {

    private final String id;
    private final List<Permission> permissions;
    private final List<ResourceType> resourceTypes;
    private final Map<String, Integer> numbers;
    private final MemberGrants grants;
    private final long[] grantableBits;
    private final long[] organizationWideBits;

    /** A catalog without per-member grants. */
    public Catalog(String id, List<Permission> permissions, List<ResourceType> resourceTypes) {
        this(id, permissions, resourceTypes, MemberGrants.NONE);
    }

    /**
     * @param id            the model's id, as organizations name it
     * @param permissions   in catalog order; keys unique
     * @param resourceTypes keys unique; every resource type a permission names must be among them
     * @param grants        which permissions may be granted to an individual member, and to members of which
     *                      system roles; each permission one of the catalog
     */
    public Catalog(String id, List<Permission> permissions, List<ResourceType> resourceTypes, MemberGrants grants) {
        this.id = Objects.requireNonNull(id, "id");
        this.permissions = List.copyOf(permissions);
        this.resourceTypes = List.copyOf(resourceTypes);
        Set<String> types = new HashSet<>();
        for (ResourceType type : this.resourceTypes) {
            if (!types.add(type.key())) {
                throw new IllegalArgumentException("catalog " + id + ": duplicate resource type " + type.key());
            }
        }
        checkHierarchy(id, this.resourceTypes);
        Map<String, Integer> byKey = new HashMap<>();
        for (int i = 0; i < this.permissions.size(); i++) {
            Permission permission = this.permissions.get(i);
            if (byKey.put(permission.key(), i) != null) {
                throw new IllegalArgumentException("catalog " + id + ": duplicate permission " + permission.key());
            }
            for (String type : permission.resourceTypes()) {
                if (!types.contains(type)) {
                    throw new IllegalArgumentException("catalog " + id + ": permission " + permission.key()
                            + " names unknown resource type " + type);
                }
            }
        }
        this.numbers = Map.copyOf(byKey);
        this.grants = Objects.requireNonNull(grants, "grants");
        for (String key : grants.permissions()) {
            if (!byKey.containsKey(key)) {
                throw new IllegalArgumentException("catalog " + id + ": grantable permission " + key
                        + " is not a permission of the catalog");
            }
        }
        this.grantableBits = bits(List.copyOf(grants.permissions()));
        this.organizationWideBits = bits(this.permissions.stream().filter(Permission::organizationWide)
                .map(Permission::key).toList());
    }

    /**
     * The bounds of per-member grants: a member may hold grants of {@code permissions} only, and they count only
     * while its company role is a system role whose key is among {@code roles}.
     */
    public record MemberGrants(Set<String> permissions, Set<String> roles) {
        /** No grants at all. */
        public static final MemberGrants NONE = new MemberGrants(Set.of(), Set.of());

        public MemberGrants {
            permissions = Set.copyOf(permissions);
            roles = Set.copyOf(roles);
        }

        /** Whether members holding the role with this system key (null for a custom role) gain their grants. */
        public boolean takenBy(String roleKey) {
            return roleKey != null && roles.contains(roleKey);
        }
    }

    /**
     * One permission of the catalog.
     *
     * @param resourceTypes    the resource types on which it applies (a check on any other type is refused)
     * @param organizationWide whether it applies organization-wide, without a resource (the model's
     *                         {@code organization} scope); when not, a check without a resource is refused and the
     *                         member's organization-wide permissions never list it
     */
    public record Permission(String key, Set<String> resourceTypes, boolean organizationWide) {
        public Permission {
            Objects.requireNonNull(key, "key");
            resourceTypes = Set.copyOf(resourceTypes);
        }

        /** A permission that applies organization-wide and on {@code resourceTypes}. */
        public Permission(String key, Set<String> resourceTypes) {
            this(key, resourceTypes, true);
        }
    }

    /**
     * A kind of resource on which members can hold their own role.
     *
     * @param inheritsCompanyRole whether a member without an assignment on such a resource (nor on any of its
     *                            ancestors) falls back to its company role (false: only members assigned there,
     *                            or on an ancestor, have access) — the company role "still applies beneath"
     * @param parentType          the type of this type's parent resources (a room's office), null for a type at
     *                            the top; a member's role on a parent applies on its children that hold no
     *                            assignment of that member
     */
    public record ResourceType(String key, boolean inheritsCompanyRole, String parentType) {
        public ResourceType {
            Objects.requireNonNull(key, "key");
            if (key.equals(parentType)) {
                throw new IllegalArgumentException("resource type " + key + " cannot be its own parent type");
            }
        }

        /** A type at the top of the hierarchy (no parent type). */
        public ResourceType(String key, boolean inheritsCompanyRole) {
            this(key, inheritsCompanyRole, null);
        }
    }

    /** Every parent type must be a type of the catalog, and following parents must end (no cycle). */
    private static void checkHierarchy(String id, List<ResourceType> types) {
        Map<String, String> parents = new HashMap<>();
        types.forEach(type -> parents.put(type.key(), type.parentType()));
        for (ResourceType type : types) {
            if (type.parentType() != null && !parents.containsKey(type.parentType())) {
                throw new IllegalArgumentException("catalog " + id + ": resource type " + type.key()
                        + " names unknown parent type " + type.parentType());
            }
            String at = type.parentType();
            for (int depth = 0; at != null; depth++) {
                if (depth >= types.size()) {
                    throw new IllegalArgumentException("catalog " + id + ": the parent types of resource type "
                            + type.key() + " form a cycle");
                }
                at = parents.get(at);
            }
        }
    }

    /** The resource type with this key, or null. */
    ResourceType resourceType(String key) {
        for (ResourceType type : resourceTypes) {
            if (type.key().equals(key)) {
                return type;
            }
        }
        return null;
    }

    public String id() {
        return id;
    }

    public List<Permission> permissions() {
        return permissions;
    }

    public List<ResourceType> resourceTypes() {
        return resourceTypes;
    }

    /** The bounds of per-member grants ({@link MemberGrants#NONE}: the catalog has none). */
    public MemberGrants grants() {
        return grants;
    }

    /** The grantable keys among {@code keys}, as a bit set over permission numbers (others are skipped). */
    long[] grantBits(List<String> keys) {
        long[] bits = bits(keys);
        for (int word = 0; word < bits.length; word++) {
            bits[word] &= grantableBits[word];
        }
        return bits;
    }

    /** Whether the permission of this number applies organization-wide (without a resource). */
    boolean organizationWide(int permission) {
        return (organizationWideBits[permission >>> 6] & (1L << permission)) != 0;
    }

    /** Those of {@code bits} that apply organization-wide. */
    long[] organizationWideOf(long[] bits) {
        long[] out = new long[organizationWideBits.length];
        for (int word = 0; word < out.length && word < bits.length; word++) {
            out[word] = bits[word] & organizationWideBits[word];
        }
        return out;
    }

    /** The number of a permission, or -1 when the catalog has no such permission. */
    int numberOf(String permission) {
        Integer number = numbers.get(permission);
        return number == null ? -1 : number;
    }

    /** A bit set over permission numbers: the known keys among {@code keys} (unknown keys are skipped). */
    long[] bits(List<String> keys) {
        long[] bits = new long[(permissions.size() + 63) >>> 6];
        for (String key : keys) {
            int number = numberOf(key);
            if (number >= 0) {
                bits[number >>> 6] |= 1L << number;
            }
        }
        return bits;
    }

    /** The keys of the set bits, in catalog order. */
    List<String> keys(long[] bits) {
        List<String> keys = new ArrayList<>();
        for (int number = 0; number < permissions.size(); number++) {
            if (RoleEntry.isSet(bits, number)) {
                keys.add(permissions.get(number).key());
            }
        }
        return keys;
    }

    /** The permissions that apply on a resource type, as a bit set over permission numbers. */
    long[] applicableOn(String resourceType) {
        long[] bits = new long[(permissions.size() + 63) >>> 6];
        for (int number = 0; number < permissions.size(); number++) {
            if (permissions.get(number).resourceTypes().contains(resourceType)) {
                bits[number >>> 6] |= 1L << number;
            }
        }
        return bits;
    }

    @Override
    public String toString() {
        return "Catalog[" + id + ", " + permissions.size() + " permissions, resource types "
                + Arrays.toString(resourceTypes.stream().map(ResourceType::key).toArray()) + "]";
    }
}
