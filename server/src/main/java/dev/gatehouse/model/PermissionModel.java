package dev.gatehouse.model;

import dev.gatehouse.engine.Catalog;
import java.util.BitSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A permission model: the catalog an organization uses (permissions, resource types, system roles, the
 * permissions that gate management, the record-visibility rule and the bounds of per-member grants).
 *
 * <p>Immutable and thread-safe. Permissions are numbered in catalog order; engines store permission sets as
 * bit sets over those numbers ({@link #indexOf(String)}). {@link #catalog()} is what the decision engine knows of
 * the model.
 */
public final class PermissionModel {

    public static final String ORGANIZATION_SCOPE = "organization";

    private final String id;
    private final String name;
    private final String description;
    private final boolean builtIn;
    private final boolean externalRoles;
    private final List<Category> categories;
    private final List<Permission> permissions;
    private final List<ResourceType> resourceTypes;
    private final List<SystemRole> systemRoles;
    private final Management management;
    private final VisibilityRule visibility;
    private final MemberGrants memberGrants;
    private final Map<String, Integer> index;
    private final Map<String, ResourceType> resourceTypesByKey;
    private final Map<String, Set<String>> permissionsByType;
    private final Catalog catalog;

    public PermissionModel(String id, String name, String description, boolean builtIn, boolean externalRoles,
                           List<Category> categories, List<Permission> permissions, List<ResourceType> resourceTypes,
                           List<SystemRole> systemRoles, Management management, VisibilityRule visibility,
                           MemberGrants memberGrants) {
        this.id = Objects.requireNonNull(id, "id");
        this.name = Objects.requireNonNull(name, "name");
        this.description = description == null ? "" : description;
        this.builtIn = builtIn;
        this.externalRoles = externalRoles;
        this.categories = List.copyOf(categories);
        this.permissions = List.copyOf(permissions);
        this.resourceTypes = List.copyOf(resourceTypes);
        this.systemRoles = List.copyOf(systemRoles);
        this.management = Objects.requireNonNull(management, "management");
        this.visibility = visibility;
        this.memberGrants = Objects.requireNonNull(memberGrants, "memberGrants");
        Map<String, Integer> idx = new HashMap<>();
        for (int i = 0; i < this.permissions.size(); i++) {
            if (idx.put(this.permissions.get(i).key(), i) != null) {
                throw new IllegalArgumentException("duplicate permission " + this.permissions.get(i).key());
            }
        }
        this.index = Map.copyOf(idx);
        Map<String, ResourceType> types = new LinkedHashMap<>();
        for (ResourceType type : this.resourceTypes) {
            types.put(type.key(), type);
        }
        this.resourceTypesByKey = Map.copyOf(types);
        Map<String, Set<String>> byType = new HashMap<>();
        for (ResourceType type : this.resourceTypes) {
            byType.put(type.key(), this.permissions.stream().filter(p -> p.appliesTo(type.key()))
                    .map(Permission::key).collect(Collectors.toUnmodifiableSet()));
        }
        this.permissionsByType = Map.copyOf(byType);
        this.catalog = new Catalog(id,
                this.permissions.stream().map(p -> new Catalog.Permission(p.key(), p.scopes().stream()
                        .filter(scope -> !scope.equals(ORGANIZATION_SCOPE)).collect(Collectors.toSet()),
                        p.appliesTo(ORGANIZATION_SCOPE))).toList(),
                this.resourceTypes.stream().map(t -> new Catalog.ResourceType(t.key(), t.inheritsCompanyRole(),
                        t.parentType()))
                        .toList(),
                new Catalog.MemberGrants(Set.copyOf(memberGrants.permissions()), Set.copyOf(memberGrants.roles())));
    }

    public String id() { return id; }
    public String name() { return name; }
    public String description() { return description; }
    public boolean builtIn() { return builtIn; }
    /** Whether roles of this model may be external (for people outside the company). */
    public boolean externalRoles() { return externalRoles; }
    public List<Category> categories() { return categories; }
    public List<Permission> permissions() { return permissions; }
    public List<ResourceType> resourceTypes() { return resourceTypes; }
    public List<SystemRole> systemRoles() { return systemRoles; }
    public Management management() { return management; }
    public Optional<VisibilityRule> visibility() { return Optional.ofNullable(visibility); }
    /** Which permissions may be granted to an individual member, and to members of which system roles. */
    public MemberGrants memberGrants() { return memberGrants; }
    /** What the decision engine knows of this model: its permissions, where each applies, its resource types. */
    public Catalog catalog() { return catalog; }

    public int permissionCount() {
        return permissions.size();
    }

    /** The number of a permission, or -1 when the model has no such permission. */
    public int indexOf(String permission) {
        Integer i = index.get(permission);
        return i == null ? -1 : i;
    }

    public boolean hasPermission(String permission) {
        return index.containsKey(permission);
    }

    public Optional<ResourceType> resourceType(String key) {
        return Optional.ofNullable(resourceTypesByKey.get(key));
    }

    /**
     * The permissions that apply on resources of the type (those whose scopes name it; empty for a type the model
     * lacks): the only ones a role there grants, as the engine decides ({@link #catalog()}), a check of any other on
     * such a resource being refused. A permission whose only scope is {@value #ORGANIZATION_SCOPE} applies on none.
     */
    public Set<String> permissionsOn(String type) {
        return permissionsByType.getOrDefault(type, Set.of());
    }

    /** The bit set of the given permission keys; every key must belong to the model. */
    public BitSet bits(Collection<String> keys) {
        BitSet bits = new BitSet(permissions.size());
        for (String key : keys) {
            int i = indexOf(key);
            if (i < 0) {
                throw new IllegalArgumentException("model " + id + " has no permission " + key);
            }
            bits.set(i);
        }
        return bits;
    }

    /** Keys of the set bits, in catalog order. */
    public List<String> keys(BitSet bits) {
        return bits.stream().mapToObj(i -> permissions.get(i).key()).toList();
    }

    /** The given keys in catalog order, without duplicates. */
    public List<String> canonical(Collection<String> keys) {
        return keys(bits(keys));
    }
}
